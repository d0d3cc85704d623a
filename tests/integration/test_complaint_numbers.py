"""Complaint numbers (issue 17): one number per complaint, in order, even when two intakes run at once."""

from __future__ import annotations

import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection

from tests.conftest import TOWNSHIP, frozen_now
from yanglao.regions.models import Region
from yanglao.supervision import actions, rules
from yanglao.supervision.models import Complaint, ComplaintCounter


def intake(subject: str) -> Complaint:
    return actions.do_complaint(
        None,
        None,
        channel="public",
        region=Region.objects.get(code=TOWNSHIP),
        facility=None,
        route="township",
        department="",
        subject=subject,
        text="饭菜不热",
        complainant="",
        phone="",
        severity="normal",
        files=[],
        now=frozen_now(),
    )


def day() -> str:
    return frozen_now().astimezone(rules.SHANGHAI).strftime("%Y%m%d")


@pytest.mark.django_db
def test_numbers_of_a_day_follow_each_other() -> None:
    numbers = [intake(f"事项{n}").number for n in range(3)]
    assert numbers == [f"TS{day()}{n:04d}" for n in (1, 2, 3)]
    assert ComplaintCounter.objects.get(day=day()).last == 3


@pytest.mark.django_db
def test_the_counter_starts_after_the_numbers_already_given_that_day() -> None:
    """Complaints numbered before the counter existed (an upgraded database) keep their numbers."""
    first = intake("事项")
    ComplaintCounter.objects.all().delete()
    Complaint.objects.filter(pk=first.pk).update(number=f"TS{day()}0007")
    assert intake("下一件").number == f"TS{day()}0008"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_intakes_at_once_get_two_numbers(postgres: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each intake, after taking its number and before storing the complaint, waits (up to 2 s) for the
    other to reach the same point: had both counted the day's complaints, both would hold the same
    number there and the second insert would fail. With the counter row locked, the second waits for
    the first to commit instead, and the wait times out."""
    meeting = threading.Barrier(2, timeout=2)
    deadline = rules.reply_deadline

    def slow_deadline(*args: Any) -> Any:
        with contextlib.suppress(threading.BrokenBarrierError):
            meeting.wait()
        return deadline(*args)

    monkeypatch.setattr(rules, "reply_deadline", slow_deadline)
    intake("第零件")  # the day's counter exists: both intakes below lock the same row
    start = threading.Barrier(2)

    def one(n: int) -> str:
        start.wait()
        try:
            return intake(f"同时{n}").number
        finally:
            connection.close()

    with ThreadPoolExecutor(2) as pool:
        numbers = sorted(pool.map(one, range(2)))

    assert numbers == [f"TS{day()}0002", f"TS{day()}0003"]
    assert Complaint.objects.count() == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_first_two_intakes_of_a_day_at_once_get_two_numbers(postgres: None) -> None:
    """No counter row yet: both try to create it, one reads the other's."""
    start = threading.Barrier(4)

    def one(n: int) -> str:
        start.wait()
        try:
            return intake(f"同时{n}").number
        finally:
            connection.close()

    with ThreadPoolExecutor(4) as pool:
        numbers = sorted(pool.map(one, range(4)))

    assert numbers == [f"TS{day()}{n:04d}" for n in (1, 2, 3, 4)]
