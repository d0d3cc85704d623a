"""Passwords of at least 8 characters from 3 of the 4 character classes (等保 2.0 level 3); one-time
passwords; expiry after ``PASSWORD_EXPIRY_DAYS``."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone


def character_classes(password: str) -> int:
    return sum(
        (
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        )
    )


class CharacterClassesValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if character_classes(password) < 3:
            raise ValidationError(
                "密码须包含大写字母、小写字母、数字、符号四类中的至少三类。", code="password_too_simple"
            )

    def get_help_text(self) -> str:
        return "密码至少8位，并包含大写字母、小写字母、数字、符号中的至少三类。"


# Characters of one-time passwords: no 0/O, 1/l/I, which are misread when a password is read out.
_LOWER = "abcdefghijkmnpqrstuvwxyz"
_UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_DIGITS = "23456789"
_SYMBOLS = "#%+-=@"


def one_time_password(length: int = 12) -> str:
    """A random password that passes the password rules, from each of the four classes, to be
    changed at the first login."""
    alphabet = _LOWER + _UPPER + _DIGITS + _SYMBOLS
    chars = [secrets.choice(group) for group in (_LOWER, _UPPER, _DIGITS, _SYMBOLS)]
    chars += [secrets.choice(alphabet) for _ in range(length - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


def expiry_days() -> int:
    """``PASSWORD_EXPIRY_DAYS``: a password older than this must be changed (0: never)."""
    return int(getattr(settings, "PASSWORD_EXPIRY_DAYS", 90))


def expires_at(user: Any) -> dt.datetime | None:
    """When the user's password expires; None when it never does (expiry off, or the password was
    set outside yanglao's password pages: a fixture, a demo login)."""
    days = expiry_days()
    changed = getattr(user, "password_changed_at", None)
    if days <= 0 or changed is None:
        return None
    result: dt.datetime = changed + dt.timedelta(days=days)
    return result


def must_change(user: Any, now: dt.datetime | None = None) -> str:
    """Why the user must change their password before going on ("" when they need not)."""
    if not getattr(user, "is_authenticated", False):
        return ""
    if getattr(user, "must_change_password", False):
        return "您正在使用一次性密码，请先修改密码。"
    until = expires_at(user)
    if until is not None and until <= (now or timezone.now()):
        return f"您的密码已超过 {expiry_days()} 天未修改，请修改后继续使用。"
    return ""
