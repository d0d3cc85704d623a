"""One-time passwords and password expiry (``accounts/passwords.py``), without the database."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.password_validation import validate_password

from tests.conftest import SHANGHAI
from yanglao.accounts.passwords import character_classes, expires_at, must_change, one_time_password

NOW = dt.datetime(2026, 6, 17, 10, tzinfo=SHANGHAI)


def user(**fields: Any) -> Any:
    return SimpleNamespace(
        **{"is_authenticated": True, "must_change_password": False, "password_changed_at": None, **fields}
    )


def test_one_time_passwords_pass_the_rules_and_differ() -> None:
    passwords = {one_time_password() for _ in range(200)}

    assert len(passwords) == 200
    for password in passwords:
        validate_password(password)
        assert len(password) == 12
        assert character_classes(password) == 4
        assert not set(password) & set("0O1lI")


def test_a_one_time_password_must_be_changed() -> None:
    assert must_change(user(must_change_password=True), NOW) == "您正在使用一次性密码，请先修改密码。"


@pytest.mark.parametrize(("age", "expired"), [(89, False), (90, True), (400, True)])
def test_a_password_expires_after_the_set_days(age: int, expired: bool, settings: Any) -> None:
    settings.PASSWORD_EXPIRY_DAYS = 90
    someone = user(password_changed_at=NOW - dt.timedelta(days=age))

    assert expires_at(someone) == NOW - dt.timedelta(days=age) + dt.timedelta(days=90)
    assert bool(must_change(someone, NOW)) is expired


def test_no_expiry_when_the_setting_is_zero_or_the_date_is_unknown(settings: Any) -> None:
    old = user(password_changed_at=NOW - dt.timedelta(days=1000))
    settings.PASSWORD_EXPIRY_DAYS = 0
    assert expires_at(old) is None
    assert must_change(old, NOW) == ""
    settings.PASSWORD_EXPIRY_DAYS = 90
    assert must_change(user(), NOW) == ""  # a fixture's or a demo login's password


def test_nobody_anonymous_must_change_anything() -> None:
    assert must_change(SimpleNamespace(is_authenticated=False, must_change_password=True), NOW) == ""
