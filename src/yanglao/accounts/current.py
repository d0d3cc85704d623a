"""The logged-in user of a request, typed (views behind ``login_required`` only)."""

from __future__ import annotations

from django.http import HttpRequest

from yanglao.accounts.models import User


def current_user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionError("未登录")
    return user
