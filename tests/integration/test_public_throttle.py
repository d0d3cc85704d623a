"""The forms anyone may post without logging in are limited per client address (issue 17): the public
complaint form and the self-check share one count with the login throttle's rows; over the limit, a
Chinese 429 page and nothing stored."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import TOWNSHIP, frozen_now
from yanglao.accounts.models import LoginFailure
from yanglao.supervision.models import Complaint

pytestmark = pytest.mark.django_db

PASSWORD = "Yl-tests-2024!"  # the fixtures' password


@pytest.fixture(autouse=True)
def limit(settings: Any) -> None:
    settings.PUBLIC_POST_MAX = 3
    settings.PUBLIC_POST_WINDOW_SECONDS = 600


def complain(client: Client, n: int = 0) -> Any:
    return client.post(
        reverse("supervision:public-complaint"),
        {"township": TOWNSHIP, "subject": f"饭菜问题{n}", "text": "饭菜不热"},
    )


def selfcheck(client: Client) -> Any:
    return client.post(reverse("catalogweb:selfcheck", args=["152223"]), {"age": "80"})


def test_the_post_over_the_limit_gets_a_chinese_429_and_stores_nothing() -> None:
    client = Client(REMOTE_ADDR="10.9.8.7")
    assert [complain(client, n).status_code for n in range(3)] == [302, 302, 302]

    refused = complain(client, 3)

    assert refused.status_code == 429
    page = refused.content.decode()
    assert "提交过于频繁" in page
    assert "分钟后" in page
    assert 0 < int(refused["Retry-After"]) <= 600
    assert Complaint.objects.count() == 3
    assert LoginFailure.objects.get(username="form:10.9.8.7").locked_until is not None


def test_the_self_check_counts_with_the_complaint_form_and_other_addresses_are_free() -> None:
    client = Client(REMOTE_ADDR="10.9.8.7")
    assert complain(client).status_code == 302
    assert selfcheck(client).status_code == 200
    assert selfcheck(client).status_code == 200
    assert selfcheck(client).status_code == 429
    assert client.get(reverse("catalogweb:selfcheck", args=["152223"])).status_code == 200  # reading is free
    assert complain(Client(REMOTE_ADDR="10.9.8.8")).status_code == 302


def test_the_address_may_post_again_after_the_window(clock: Any) -> None:
    client = Client(REMOTE_ADDR="10.9.8.7")
    for n in range(4):
        complain(client, n)
    assert complain(client, 9).status_code == 429

    clock.traveller.move_to(frozen_now() + dt.timedelta(minutes=11))

    assert complain(client, 10).status_code == 302


def test_logged_in_users_and_the_login_form_are_not_counted_here(login: Any, township_user: Any) -> None:
    anonymous = Client(REMOTE_ADDR="10.9.8.7")
    for _ in range(5):
        anonymous.post(reverse("login"), {"username": "nobody", "password": "wrong"})
    assert complain(anonymous).status_code == 302  # the five login posts did not count

    staff = login(township_user)
    for _ in range(5):
        assert selfcheck(staff).status_code == 200
    assert not LoginFailure.objects.filter(username="form:127.0.0.1").exists()
