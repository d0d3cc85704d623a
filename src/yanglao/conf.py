"""Settings come only from environment variables; every one is documented in docs/settings.md."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from yanglao.core.records_io import ReadLimits


def envbool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def home() -> Path:
    """``YANGLAO_HOME`` (default ``~/.local/share/yanglao``): the embedded database, the secret key, uploads."""
    path = Path(os.environ.get("YANGLAO_HOME") or Path.home() / ".local" / "share" / "yanglao")
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_key() -> str:
    """``SECRET_KEY``, or ``SECRET_KEY_FILE``, or a key generated once and kept under ``YANGLAO_HOME``."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    if os.environ.get("SECRET_KEY_FILE"):
        return Path(os.environ["SECRET_KEY_FILE"]).read_text().strip()
    path = home() / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or f"sqlite:///{home() / 'yanglao.sqlite3'}"


def database_config(url: str) -> dict[str, object]:
    """Parse ``sqlite:///path`` or ``postgresql://user:pass@host:port/name`` into Django's form."""
    from urllib.parse import unquote, urlparse

    if url.startswith("sqlite:///"):
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": url.removeprefix("sqlite:///") or ":memory:",
            "OPTIONS": {
                "timeout": 60,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            # Kept open between requests, as PostgreSQL's: opening one (and its PRAGMAs) cost each
            # request about 3 ms, a third of an API answer (docs/operations.md, 启动与接口速度).
            "CONN_MAX_AGE": 60,
        }
    parsed = urlparse(url)
    if parsed.scheme not in ("postgres", "postgresql"):
        raise ValueError(
            f"DATABASE_URL: unsupported scheme {parsed.scheme!r} (use sqlite:/// or postgresql://)"
        )
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parsed.path.lstrip("/")),
        "USER": unquote(parsed.username or ""),
        "PASSWORD": unquote(parsed.password or ""),
        "HOST": parsed.hostname or "",
        "PORT": str(parsed.port or ""),
        "CONN_MAX_AGE": 60,
    }


def import_limits() -> ReadLimits:
    """The limits every imported file is read within (``YANGLAO_IMPORT_*``, docs/settings.md); Django
    code takes them from ``settings.IMPORT_LIMITS``."""
    from yanglao.core.records_io import ReadLimits

    default = ReadLimits()
    return ReadLimits(
        max_bytes=envint("YANGLAO_IMPORT_MAX_BYTES", default.max_bytes),
        max_rows=envint("YANGLAO_IMPORT_MAX_ROWS", default.max_rows),
        max_unzipped_bytes=envint("YANGLAO_IMPORT_MAX_UNZIPPED_BYTES", default.max_unzipped_bytes),
        max_shared_strings_bytes=envint(
            "YANGLAO_IMPORT_MAX_SHARED_STRINGS_BYTES", default.max_shared_strings_bytes
        ),
        max_field_chars=envint("YANGLAO_IMPORT_MAX_FIELD_CHARS", default.max_field_chars),
        max_errors_kept=envint("YANGLAO_IMPORT_MAX_ERRORS_KEPT", default.max_errors_kept),
    )
