"""The day before which a target is overdue (``reports.first_not_overdue``), which lets the database pick
the overdue targets, agrees with the schedule's own ``is_overdue`` on every day, month ends included."""

from __future__ import annotations

import datetime as dt

import pytest

from yanglao.core.visits.schedule import Interval, is_overdue
from yanglao.visits.reports import first_not_overdue

INTERVALS = [Interval(days=7), Interval(days=14), Interval(months=1), Interval(months=3), Interval(days=1)]
TODAYS = [
    dt.date(2026, 2, 28),
    dt.date(2028, 2, 29),
    dt.date(2026, 3, 1),
    dt.date(2026, 3, 31),
    dt.date(2027, 1, 1),
]


@pytest.mark.parametrize("interval", INTERVALS, ids=str)
@pytest.mark.parametrize("today", TODAYS, ids=str)
def test_a_last_visit_before_the_edge_and_only_then_is_overdue(interval: Interval, today: dt.date) -> None:
    edge = first_not_overdue(interval, today)

    for offset in range(130):
        last = today - dt.timedelta(days=offset)
        assert (last < edge) == is_overdue(last, interval, today, since=last), (last, edge)
