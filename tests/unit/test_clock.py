"""The suite never reads the wall clock: every test runs under the frozen clock of tests/conftest.py."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone

from tests.conftest import DEFAULT_DAY, HARD_DATES, Clock, frozen_now, frozen_today

TESTS = Path(__file__).resolve().parents[1]
WALL_CLOCK = re.compile(
    r"\b(?:timezone\.(?:now|localdate|localtime)\(\)|date\.today\(\)|datetime\.(?:now|today|utcnow)\(|"
    r"time\.time\(\)|localdate\(\))"
)


def test_no_test_reads_the_wall_clock() -> None:
    offenders = [
        f"{path.relative_to(TESTS)}:{number}: {line.strip()}"
        for path in sorted(TESTS.rglob("*.py"))
        if path.name != "conftest.py" and path != Path(__file__).resolve()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if WALL_CLOCK.search(line)
    ]
    assert offenders == [], "use the today/clock fixtures or tests.conftest.frozen_now()/frozen_today()"


def test_every_test_runs_at_the_frozen_day(today: dt.date, clock: Clock) -> None:
    assert today == DEFAULT_DAY == clock.today
    assert timezone.localdate() == DEFAULT_DAY
    assert frozen_today() == DEFAULT_DAY
    assert frozen_now().hour == 10


def test_the_clock_can_be_moved(clock: Clock) -> None:
    clock.move_to(dt.date(2028, 2, 29), hour=23)
    assert timezone.localdate() == dt.date(2028, 2, 29)
    assert frozen_now().hour == 23


def test_the_hard_dates_are_the_ones_the_issue_lists() -> None:
    days = set(HARD_DATES.values())
    assert {d.day for d in days} >= {1, 7, 8, 28, 29, 31}
    assert dt.date(2026, 2, 28) in days  # the last day of February, common year
    assert dt.date(2028, 2, 29) in days  # 29 February, the last day in a leap year
    assert {(d.month, d.day) for d in days} >= {(12, 31), (1, 1)}
    assert {d.isoweekday() for d in days} >= {6, 7, 1}  # a Saturday, a Sunday, a Monday


@pytest.mark.hard_dates
def test_a_hard_dates_test_runs_at_each_of_them(today: dt.date, request: pytest.FixtureRequest) -> None:
    assert timezone.localdate() == today
    if request.config.getoption("--hard-dates") == "all":
        assert today in HARD_DATES.values()
