"""The one place a forced password change is enforced: a logged-in user with a one-time or expired
password gets, for every URL except the change page, logout and static files, a redirect to the
change page. A new page cannot forget it: it never reaches the view."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

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
