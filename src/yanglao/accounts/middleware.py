"""The forced password change, and the session's idle timeout without a write per request.

The one place a forced password change is enforced: a logged-in user with a one-time or expired
password gets, for every URL except the change page, logout and static files, a redirect to the
change page. A new page cannot forget it: it never reaches the view."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from yanglao.accounts.passwords import must_change

CHANGE_URL_NAME = "users:password"


class PasswordChangeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Without a session cookie nobody is logged in: the public pages stay free of the session.
        if settings.SESSION_COOKIE_NAME in request.COOKIES and must_change(request.user):
            target = reverse(CHANGE_URL_NAME)
            exempt = (target, reverse("logout"), settings.STATIC_URL)
            if not request.path.startswith(exempt):
                return redirect(target)
        return self.get_response(request)


SAVED_AT = "_saved_at"  # when the session was last written (seconds since the epoch)


def mark_saved_at_login(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    """A login writes the session anyway: record it, so the first request after it need not."""
    if request is not None and hasattr(request, "session"):
        request.session[SAVED_AT] = int(timezone.now().timestamp())


class SessionRefreshMiddleware:
    """The idle timeout without a write on every request: a logged-in session is written (and its
    expiry pushed to ``SESSION_COOKIE_AGE`` from now) when it changed or when its last write is
    ``SESSION_REFRESH_SECONDS`` old; other requests read it only. A session therefore ends between
    ``SESSION_COOKIE_AGE - SESSION_REFRESH_SECONDS`` and ``SESSION_COOKIE_AGE`` after the last request,
    never later. Sits right after Django's SessionMiddleware, which saves what is marked modified."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or not session.accessed or SESSION_KEY not in session:
            return response
        now = int(timezone.now().timestamp())
        if session.modified or now - int(session.get(SAVED_AT, 0)) >= settings.SESSION_REFRESH_SECONDS:
            session[SAVED_AT] = now
        return response


class PublicPostThrottleMiddleware:
    """Every form posted without logging in (the public complaint form, the self-check, any other) is
    counted per client address with the login throttle's rows (:func:`accounts.lockout.throttle`); over
    the limit the post is refused with 429 and a Chinese page saying when to try again. The login form
    has its own limits, and the API answers tokens, not sessions: neither is counted here."""

    EXEMPT = ("/login/", "/api/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.method == "POST"
            and not request.user.is_authenticated
            and not request.path.startswith(self.EXEMPT)
        ):
            from yanglao.accounts.lockout import throttle
            from yanglao.audit.log import client_address

            until = throttle(client_address(request) or "unknown")
            if until is not None:
                seconds = max(1, int((until - timezone.now()).total_seconds()))
                response = render(
                    request,
                    "429.html",
                    {"until": timezone.localtime(until), "minutes": -(-seconds // 60)},
                    status=429,
                )
                response["Retry-After"] = str(seconds)
                return response
        return self.get_response(request)
