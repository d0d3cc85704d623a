"""Django settings: everything from the environment (see docs/settings.md)."""

from __future__ import annotations

import os
from pathlib import Path

from yanglao import conf

BASE_DIR = Path(__file__).resolve().parent
HOME = conf.home()
SECRET_KEY = conf.secret_key()
DEBUG = conf.envbool("DEBUG", False)
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]
# Reverse proxies (addresses or networks) whose X-Forwarded-For gives the client's address for the audit log.
TRUSTED_PROXIES = [p.strip() for p in os.environ.get("YANGLAO_TRUSTED_PROXIES", "").split(",") if p.strip()]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "yanglao.regions",
    "yanglao.accounts",
    "yanglao.audit",
    "yanglao.registry",
    "yanglao.facilities",
    "yanglao.assessments",
    "yanglao.visits",
    "yanglao.entitlements",
    "yanglao.payments",
    "yanglao.carehomes",
    "yanglao.homeservices",
    "yanglao.supervision",
    "yanglao.catalogweb",
    "yanglao.listadmin",
    "yanglao.stats",
    "yanglao.jobs",
    "yanglao.web",
    "yanglao.demo",
    "yanglao.bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "yanglao.accounts.middleware.SessionRefreshMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "yanglao.web.security.SecurityHeadersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "yanglao.accounts.middleware.PublicPostThrottleMiddleware",
    # Last, so that its redirects carry the headers of the middleware above.
    "yanglao.accounts.middleware.PasswordChangeMiddleware",
]

ROOT_URLCONF = "yanglao.urls"
WSGI_APPLICATION = "yanglao.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "yanglao.web.context.site",
            ]
        },
    }
]

DATABASES = {"default": conf.database_config(conf.database_url())}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "yanglao.accounts.passwords.CharacterClassesValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# A password older than this many days must be changed at the next login (0: passwords never expire).
PASSWORD_EXPIRY_DAYS = conf.envint("PASSWORD_EXPIRY_DAYS", 90)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after 30 idle minutes (等保 2.0 level 3); the session row is written again at most once
# a minute (accounts.middleware.SessionRefreshMiddleware), so it ends 29–30 idle minutes after the last
# request, and a page that changes nothing writes nothing.
SESSION_COOKIE_AGE = conf.envint("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_REFRESH_SECONDS = 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = conf.envbool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# GB/T 42195-2022 results are valid 12 months unless a local decision says otherwise.
ASSESSMENT_VALIDITY_MONTHS = conf.envint("ASSESSMENT_VALIDITY_MONTHS", 12)
# API tokens expire after this many days unless made with another lifetime (yanglao apitoken).
API_TOKEN_DAYS = conf.envint("API_TOKEN_DAYS", 90)
# A facility's monthly capacity report is due by this day of the following month (docs/facilities.md).
FACILITY_REPORT_DUE_DAY = conf.envint("FACILITY_REPORT_DUE_DAY", 5)
LOGIN_MAX_FAILURES = 5
LOGIN_LOCK_SECONDS = 15 * 60
# Per username, and per client address against password spraying (docs/access.md, "Login").
LOGIN_IP_MAX_FAILURES = conf.envint("LOGIN_IP_MAX_FAILURES", 20)
# Forms posted without logging in (public complaint, self-check): per client address and window.
PUBLIC_POST_MAX = conf.envint("PUBLIC_POST_MAX", 60)
PUBLIC_POST_WINDOW_SECONDS = conf.envint("PUBLIC_POST_WINDOW_SECONDS", 10 * 60)
X_FRAME_OPTIONS = "DENY"
# HTTPS: HSTS on secure requests; behind a TLS-terminating proxy name the header it sets.
SECURE_HSTS_SECONDS = conf.envint("HSTS_SECONDS", 365 * 24 * 3600)
if os.environ.get("PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + os.environ["PROXY_SSL_HEADER"].upper().replace("-", "_"),
        "https",
    )
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# The bounds an imported department file is read within (size, rows, unzipped XLSX, cell, errors kept).
IMPORT_LIMITS = conf.import_limits()

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or HOME / "static")
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = HOME / "media"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
