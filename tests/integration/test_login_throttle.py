"""Login throttling under concurrency and per client address (issue 10, item 11)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from yanglao.accounts.models import LoginFailure
from yanglao.web.views import auth

PASSWORD = "Yl-tests-2024!"  # the fixtures' password


def log_in(username: str, password: str, address: str = "10.1.2.3") -> Any:
    return Client(REMOTE_ADDR=address).post(reverse("login"), {"username": username, "password": password})


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The usernames whose password the login view checked."""
    seen: list[str] = []
    lock = threading.Lock()
    real: Callable[..., Any] = auth.authenticate

    def counting(request: Any, **credentials: Any) -> Any:
        with lock:
            seen.append(credentials["username"])
        return real(request, **credentials)

    monkeypatch.setattr(auth, "authenticate", counting)
    return seen


@pytest.mark.django_db
def test_the_sixth_attempt_is_refused_without_checking_the_password(
    township_user: Any, checks: list[str]
) -> None:
    answers = [log_in("township", "Wrong-pass-1").status_code for _ in range(6)]
    right = log_in("township", PASSWORD)

    assert answers == [401] * 6
    assert checks == ["township"] * 5
    assert right.status_code == 401
    assert "账号已锁定" in right.content.decode()


@pytest.mark.django_db
def test_one_address_spraying_many_usernames_is_locked_and_others_are_not(
    settings: Any, township_user: Any, checks: list[str]
) -> None:
    settings.LOGIN_IP_MAX_FAILURES = 4
    for i in range(4):
        assert log_in(f"nobody{i}", "Wrong-pass-1", "10.9.9.9").status_code == 401

    refused = log_in("township", PASSWORD, "10.9.9.9")
    elsewhere = log_in("township", PASSWORD, "10.8.8.8")

    assert refused.status_code == 401
    assert "此地址登录失败次数过多" in refused.content.decode()
    assert elsewhere.status_code == 302
    assert len(checks) == 5  # the refused attempt checked no password


@pytest.mark.django_db
def test_successful_logins_from_one_office_address_never_lock_it(settings: Any, township_user: Any) -> None:
    settings.LOGIN_IP_MAX_FAILURES = 3
    for _ in range(10):
        assert log_in("township", PASSWORD, "10.7.7.7").status_code == 302
    assert log_in("township", "Wrong-pass-1", "10.7.7.7").status_code == 401
    assert log_in("township", PASSWORD, "10.7.7.7").status_code == 302
    assert LoginFailure.objects.get(username="ip:10.7.7.7").count == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_thirty_parallel_attempts_check_at_most_five_passwords(
    postgres: None, township_user: Any, checks: list[str]
) -> None:
    barrier = threading.Barrier(30)

    def attempt(i: int) -> int:
        barrier.wait()
        try:
            return int(log_in("township", f"Wrong-pass-{i}", f"10.0.0.{i}").status_code)
        finally:
            connection.close()

    with ThreadPoolExecutor(30) as pool:
        answers = list(pool.map(attempt, range(30)))

    assert answers == [401] * 30
    assert len(checks) == 5
    assert LoginFailure.objects.get(username="township").locked_until is not None
