"""Two payment rolls cannot pay one person twice, even when the requests arrive at the same moment.

On PostgreSQL, real parallel HTTP requests against the live server (each thread its own connection and
its own logged-in session): a county roll and a township roll of the same month prepared at the same
moment, and two overlapping rolls approved at the same moment. Every try must end with no person ×
item × month in two live rolls, and the bank files of the approved rolls share no account.
"""

from __future__ import annotations

import http.client
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from django.test import Client

from tests.integration.test_payments_claims import copy_as_township_roll, in_two_rolls
from tests.integration.test_payments_roll import TOWNSHIP, region, setup_people, user
from yanglao.core.payments import Month
from yanglao.payments.actions import prepare_roll, review_roll
from yanglao.payments.models import LOCKED_STATES, PaymentClaim, PaymentRoll

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PREPARE_TRIES = 6
APPROVE_TRIES = 10
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def inline_jobs(settings: Any) -> None:
    """Rolls are prepared by a background job: here inside the request."""
    settings.JOBS_INLINE = True


class Session:
    """A logged-in browser over plain HTTP: the session cookie of ``user``, the CSRF token of a page."""

    def __init__(self, base: str, person: Any) -> None:
        client = Client()
        client.force_login(person)
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "localhost", parts.port or 80
        self.cookies = {"sessionid": client.cookies["sessionid"].value}
        page = self.request("GET", "/payments/")
        found = TOKEN.search(page)
        assert found, "the payments page has a form with a CSRF token"
        self.token = found.group(1)

    def request(self, method: str, path: str, data: dict[str, str] | None = None) -> str:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if data is not None:
            body = urlencode({**data, "csrfmiddlewaretoken": self.token})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                cookie: SimpleCookie = SimpleCookie()
                cookie.load(header)
                self.cookies.update({k: v.value for k, v in cookie.items() if v.value})
            assert response.status in (200, 302), f"{method} {path}: {response.status}"
            return text
        finally:
            connection.close()


def at_once(*posts: tuple[Session, str, dict[str, str]]) -> list[str]:
    """POST each (session, path, form) from its own thread, the threads released by one barrier."""
    barrier = threading.Barrier(len(posts))

    def post(session: Session, path: str, data: dict[str, str]) -> str:
        barrier.wait()
        return session.request("POST", path, data)

    with ThreadPoolExecutor(len(posts)) as pool:
        return [f.result() for f in [pool.submit(post, *p) for p in posts]]


def test_rolls_prepared_at_the_same_moment_never_share_a_person(
    postgres: None, live_server: Any, make_person: Any, county_user: Any, township_user: Any
) -> None:
    setup_people(make_person)
    county = Session(live_server.url, county_user)
    township = Session(live_server.url, township_user)
    both, overlapping = 0, 0
    for n in range(PREPARE_TRIES):
        month = f"2025-{n + 1:02d}"
        at_once(
            (county, "/payments/prepare/", {"month": month, "region": "152223", "catalog": "152223"}),
            (township, "/payments/prepare/", {"month": month, "region": TOWNSHIP, "catalog": "152223"}),
        )
        both += PaymentRoll.objects.filter(month=Month.parse(month).first).count() == 2
        overlapping += bool(in_two_rolls(None, Month.parse(month)))
    print(
        f"\nprepared at the same moment: {PREPARE_TRIES} tries, both rolls kept {both}, overlaps {overlapping}"
    )
    assert overlapping == 0
    assert PaymentRoll.objects.count() >= PREPARE_TRIES  # every try prepared at least one roll


def bank_accounts(session: Session, roll: PaymentRoll) -> set[str]:
    text = session.request("POST", f"/payments/{roll.pk}/bank.csv", {})
    return {row.split(",")[2] for row in text.lstrip("\ufeff").splitlines()[1:] if row.count(",") >= 4}


def test_overlapping_rolls_approved_at_the_same_moment_are_not_both_approved(
    postgres: None, live_server: Any, make_person: Any, township_user: Any
) -> None:
    setup_people(make_person)
    preparer, reviewer = user("prep"), user("check")
    approvers = [user("approve_a"), user("approve_b")]
    sessions = [Session(live_server.url, a) for a in approvers]
    both, overlaps, shared_accounts = 0, 0, 0
    for n in range(APPROVE_TRIES):
        month = Month(2024, n + 1)
        county_roll = prepare_roll(preparer, "152223", month, region())
        review_roll(reviewer, county_roll)
        township_roll = copy_as_township_roll(county_roll, township_user, reviewer)
        PaymentClaim.objects.filter(roll__in=[county_roll, township_roll]).delete()  # rolls from before
        at_once(
            (sessions[0], f"/payments/{county_roll.pk}/approve/", {}),
            (sessions[1], f"/payments/{township_roll.pk}/approve/", {}),
        )
        approved = PaymentRoll.objects.filter(month=month.first, state__in=LOCKED_STATES)
        both += approved.count() == 2
        overlaps += len(in_two_rolls(LOCKED_STATES, month))
        files = [bank_accounts(sessions[0], roll) for roll in approved]
        shared_accounts += len(files) == 2 and bool(files[0] & files[1])
    print(
        f"\napproved at the same moment: {APPROVE_TRIES} tries, both approved {both}, "
        f"person × item × month in two approved rolls {overlaps}, bank files sharing accounts {shared_accounts}"
    )
    assert both == 0
    assert overlaps == 0
    assert shared_accounts == 0


def test_the_same_prepare_twice_at_the_same_moment_gives_one_roll_and_no_server_error(
    postgres: None, live_server: Any, make_person: Any, township_user: Any
) -> None:
    setup_people(make_person)
    first, second = Session(live_server.url, township_user), Session(live_server.url, township_user)
    data = {"month": "2025-06", "region": TOWNSHIP, "catalog": "152223"}
    for _ in range(3):
        # Session.request fails on any answer but 200 and 302 (a 500 among them).
        at_once((first, "/payments/prepare/", data), (second, "/payments/prepare/", data))
    roll = PaymentRoll.objects.get()
    assert roll.prepare_count == 1
    page = first.request("GET", f"/payments/{roll.pk}/") + second.request("GET", f"/payments/{roll.pk}/")
    assert "已存在" in page
    assert "未重复生成" in page
