"""Due dates and overdue visits, exact across month ends and short months (February, 30-day months)."""

from __future__ import annotations

import datetime as dt

import pytest

from yanglao.core.visits.schedule import (
    Interval,
    add_interval,
    add_months,
    days_overdue,
    due_date,
    is_overdue,
    month_bounds,
    on_schedule,
    parse_month,
    plan_due_dates,
)

WEEKLY = Interval(days=7)
MONTHLY = Interval(months=1)
D = dt.date
SINCE = D(2020, 1, 1)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2023, 1, 31), 1, D(2023, 2, 28)),  # common February
        (D(2024, 1, 31), 1, D(2024, 2, 29)),  # leap February
        (D(2024, 1, 30), 1, D(2024, 2, 29)),
        (D(2024, 1, 29), 1, D(2024, 2, 29)),
        (D(2024, 1, 28), 1, D(2024, 2, 28)),
        (D(2024, 3, 31), 1, D(2024, 4, 30)),  # into a 30-day month
        (D(2024, 5, 31), 1, D(2024, 6, 30)),
        (D(2024, 4, 30), 1, D(2024, 5, 30)),  # out of a 30-day month
        (D(2024, 2, 29), 1, D(2024, 3, 29)),
        (D(2023, 12, 31), 1, D(2024, 1, 31)),  # across the year
        (D(2024, 11, 30), 3, D(2025, 2, 28)),
        (D(2024, 3, 31), -1, D(2024, 2, 29)),
        (D(2024, 1, 15), -1, D(2023, 12, 15)),
    ],
)
def test_a_month_later_is_the_same_day_or_the_last_day_of_a_shorter_month(
    day: dt.date, months: int, expected: dt.date
) -> None:
    assert add_months(day, months) == expected


def test_a_monthly_visit_on_31_january_is_due_on_the_last_day_of_february() -> None:
    assert due_date(D(2023, 1, 31), MONTHLY, SINCE) == D(2023, 2, 28)
    assert not is_overdue(D(2023, 1, 31), MONTHLY, D(2023, 2, 28), SINCE)  # due today: not late
    assert is_overdue(D(2023, 1, 31), MONTHLY, D(2023, 3, 1), SINCE)  # late from the day after
    assert days_overdue(D(2023, 1, 31), MONTHLY, D(2023, 3, 1), SINCE) == 1


def test_in_a_leap_year_the_monthly_visit_of_31_january_is_due_on_29_february() -> None:
    assert not is_overdue(D(2024, 1, 31), MONTHLY, D(2024, 2, 29), SINCE)
    assert is_overdue(D(2024, 1, 31), MONTHLY, D(2024, 3, 1), SINCE)


def test_30_days_would_skip_february_but_a_calendar_month_does_not() -> None:
    visited = D(2023, 1, 31)

    assert visited + dt.timedelta(days=30) == D(2023, 3, 2)  # a visit "within 30 days" may skip February
    assert due_date(visited, MONTHLY, SINCE).month == 2


def test_a_monthly_visit_on_31_march_is_due_on_30_april_and_late_on_1_may() -> None:
    assert due_date(D(2024, 3, 31), MONTHLY, SINCE) == D(2024, 4, 30)
    assert not is_overdue(D(2024, 3, 31), MONTHLY, D(2024, 4, 30), SINCE)
    assert is_overdue(D(2024, 3, 31), MONTHLY, D(2024, 5, 1), SINCE)


def test_a_monthly_visit_on_30_april_is_due_on_30_may_not_31() -> None:
    assert not is_overdue(D(2024, 4, 30), MONTHLY, D(2024, 5, 30), SINCE)
    assert is_overdue(D(2024, 4, 30), MONTHLY, D(2024, 5, 31), SINCE)


def test_a_weekly_visit_counts_days_across_the_end_of_february() -> None:
    assert due_date(D(2023, 2, 25), WEEKLY, SINCE) == D(2023, 3, 4)
    assert due_date(D(2024, 2, 25), WEEKLY, SINCE) == D(2024, 3, 3)
    assert not is_overdue(D(2024, 2, 25), WEEKLY, D(2024, 3, 3), SINCE)
    assert is_overdue(D(2024, 2, 25), WEEKLY, D(2024, 3, 4), SINCE)


def test_a_weekly_visit_across_the_end_of_a_30_day_month_and_the_year() -> None:
    assert due_date(D(2024, 4, 27), WEEKLY, SINCE) == D(2024, 5, 4)
    assert due_date(D(2024, 12, 28), WEEKLY, SINCE) == D(2025, 1, 4)


def test_a_target_never_visited_is_due_one_interval_after_becoming_one() -> None:
    assert due_date(None, MONTHLY, D(2024, 1, 31)) == D(2024, 2, 29)
    assert not is_overdue(None, WEEKLY, D(2024, 3, 7), D(2024, 2, 29))
    assert is_overdue(None, WEEKLY, D(2024, 3, 8), D(2024, 2, 29))
    assert days_overdue(None, WEEKLY, D(2024, 3, 1), D(2024, 2, 29)) == 0


def test_intervals_are_days_or_months_never_both_or_neither() -> None:
    for bad in ({}, {"days": 7, "months": 1}, {"days": -7}):
        with pytest.raises(ValueError, match="探访间隔"):
            Interval(**bad)
    assert Interval(days=28).longer_than_a_month is False
    assert Interval(days=29).longer_than_a_month is True
    assert Interval(months=1).longer_than_a_month is False
    assert Interval(months=2).longer_than_a_month is True
    assert (WEEKLY.nominal_days, MONTHLY.nominal_days) == (7, 30)
    assert add_interval(D(2024, 1, 31), MONTHLY) == D(2024, 2, 29)


@pytest.mark.parametrize(
    ("year", "month", "last"),
    [(2023, 2, 28), (2024, 2, 29), (2100, 2, 28), (2000, 2, 29), (2024, 4, 30), (2024, 12, 31)],
)
def test_month_bounds_know_short_months(year: int, month: int, last: int) -> None:
    assert month_bounds(year, month) == (D(year, month, 1), D(year, month, last))


def test_parse_month_accepts_only_yyyy_mm() -> None:
    assert parse_month("2026-02") == (2026, 2)
    for bad in ("2026-2", "2026-13", "202602", "2026-02-01", "abc"):
        with pytest.raises(ValueError, match="YYYY-MM"):
            parse_month(bad)


def test_weekly_on_schedule_through_february() -> None:
    start, end = D(2024, 2, 1), D(2024, 2, 29)
    every_week = [D(2024, 2, 5), D(2024, 2, 12), D(2024, 2, 19), D(2024, 2, 26)]

    assert on_schedule(every_week, WEEKLY, start, end, last_before=D(2024, 1, 29))
    assert not on_schedule(every_week, WEEKLY, start, end, last_before=D(2024, 1, 28))  # 2-4 Feb late
    assert not on_schedule(every_week[:3], WEEKLY, start, end, last_before=D(2024, 1, 29))  # 27-29 Feb late
    gap = [D(2024, 2, 5), D(2024, 2, 13), D(2024, 2, 19), D(2024, 2, 26)]
    assert not on_schedule(gap, WEEKLY, start, end, last_before=D(2024, 1, 29))


def test_on_schedule_up_to_today_in_the_current_month() -> None:
    start, today = D(2026, 11, 1), D(2026, 11, 10)

    assert on_schedule([D(2026, 11, 6)], WEEKLY, start, today, since=D(2026, 11, 1))
    assert not on_schedule([D(2026, 11, 2)], WEEKLY, start, today, since=D(2026, 11, 1))  # due 9th
    assert on_schedule([], WEEKLY, start, D(2026, 11, 8), since=D(2026, 11, 1))


def test_a_weekly_target_already_overdue_when_the_month_begins_is_due_on_the_1st() -> None:
    start, end = D(2024, 2, 1), D(2024, 2, 29)
    weekly_from_the_1st = [D(2024, 2, 1), D(2024, 2, 8), D(2024, 2, 15), D(2024, 2, 22), D(2024, 2, 29)]

    assert on_schedule(weekly_from_the_1st, WEEKLY, start, end, last_before=D(2024, 1, 10))
    assert on_schedule(weekly_from_the_1st, WEEKLY, start, end, since=D(2023, 12, 1))  # never visited
    assert on_schedule([D(2024, 2, 1)], WEEKLY, start, D(2024, 2, 8), since=D(2023, 12, 1))
    assert not on_schedule([D(2024, 2, 1)], WEEKLY, start, D(2024, 2, 9), since=D(2023, 12, 1))
    assert not on_schedule([D(2024, 2, 2)], WEEKLY, start, D(2024, 2, 2), last_before=D(2024, 1, 10))
    assert on_schedule([], WEEKLY, start, start, last_before=D(2024, 1, 10))  # due today, not yet late


def test_a_monthly_plan_is_due_by_the_interval_and_at_least_once_in_the_month() -> None:
    feb = month_bounds(2023, 2)

    assert plan_due_dates(D(2023, 1, 31), MONTHLY, *feb) == [D(2023, 2, 28)]
    assert plan_due_dates(D(2023, 1, 10), MONTHLY, *feb) == [D(2023, 2, 10)]
    assert plan_due_dates(None, MONTHLY, *feb) == [D(2023, 2, 28)]
    assert plan_due_dates(D(2022, 12, 1), MONTHLY, *feb) == [D(2023, 2, 1)]  # already late: due at once
    assert plan_due_dates(D(2023, 1, 30), WEEKLY, *feb) == [
        D(2023, 2, 6),
        D(2023, 2, 13),
        D(2023, 2, 20),
        D(2023, 2, 27),
    ]
    assert plan_due_dates(None, WEEKLY, *month_bounds(2024, 4)) == [
        D(2024, 4, 7),
        D(2024, 4, 14),
        D(2024, 4, 21),
        D(2024, 4, 28),
    ]
