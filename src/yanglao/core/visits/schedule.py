"""Visit intervals, due dates and overdue visits, exact across month ends and short months.

An interval is a number of days (``7``: weekly) or of calendar months (``1``: monthly). A month is a
calendar month, not 30 days: a visit on 31 January is next due on the last day of February (28th, or
29th in a leap year), a visit on 31 March on 30 April. So a target visited by every due date is
visited in every calendar month, which is what "每月至少探访一次" asks; 30 days would not be (31 January
+ 30 days skips February).

A visit is overdue on ``today`` when ``last visit + interval < today``: due on the due date itself, late
from the day after. A target never visited is due one interval after it became a target.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

# A day-count interval longer than this can skip a calendar month (29 days from 31 January is 1 March
# in a common year), so it is "longer than a month" for the seed groups' monthly minimum.
SHORTEST_MONTH_DAYS = 28
NOMINAL_MONTH_DAYS = 30  # ``interval_days`` of a one-month interval in the command's output


@dataclass(frozen=True)
class Interval:
    days: int = 0
    months: int = 0

    def __post_init__(self) -> None:
        if (self.days > 0) == (self.months > 0) or self.days < 0 or self.months < 0:
            raise ValueError("探访间隔应为正的天数或正的月数（二选一）")

    @property
    def nominal_days(self) -> int:
        """Days for display and for the JSON output: a month counts 30 (the schedule uses calendar months)."""
        return self.days or self.months * NOMINAL_MONTH_DAYS

    @property
    def longer_than_a_month(self) -> bool:
        return self.months > 1 or self.days > SHORTEST_MONTH_DAYS

    def text(self) -> str:
        if self.days == 7:
            return "每周（7天）"
        if self.months == 1:
            return "每月"
        return f"每{self.days}天" if self.days else f"每{self.months}个月"


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the last day of that month when it is shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def add_interval(day: dt.date, interval: Interval) -> dt.date:
    if interval.months:
        return add_months(day, interval.months)
    return day + dt.timedelta(days=interval.days)


def due_date(last_visit: dt.date | None, interval: Interval, since: dt.date) -> dt.date:
    """When the next visit is due: one interval after the last visit, or after ``since`` (became a target)."""
    return add_interval(last_visit if last_visit is not None else since, interval)


def is_overdue(last_visit: dt.date | None, interval: Interval, today: dt.date, since: dt.date) -> bool:
    return due_date(last_visit, interval, since) < today


def days_overdue(last_visit: dt.date | None, interval: Interval, today: dt.date, since: dt.date) -> int:
    return max((today - due_date(last_visit, interval, since)).days, 0)


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    """First and last day of a calendar month."""
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def parse_month(text: str) -> tuple[int, int]:
    """``YYYY-MM`` → (year, month)."""
    try:
        year_text, month_text = text.split("-")
        year, month = int(year_text), int(month_text)
    except ValueError:
        raise ValueError(f"月份应为 YYYY-MM：{text}") from None
    if not (1 <= month <= 12 and 1900 <= year <= 9999) or len(month_text) != 2:
        raise ValueError(f"月份应为 YYYY-MM：{text}")
    return year, month


def on_schedule(
    visits: Iterable[dt.date],
    interval: Interval,
    start: dt.date,
    end: dt.date,
    *,
    last_before: dt.date | None = None,
    since: dt.date | None = None,
) -> bool:
    """Whether a target was never overdue on any day from ``start`` to ``end`` (both included).

    ``visits`` are the visit days inside the period; ``last_before`` is the last visit before it. With no
    earlier visit the first one is due an interval after ``since`` (default: ``start``). The period is
    judged on its own: a visit already due before ``start`` is due on ``start`` (lateness before the
    period belongs to the period before; docs/visits.md, "a weekly target that enters the month
    already overdue").
    """
    due = add_interval(last_before, interval) if last_before else add_interval(since or start, interval)
    due = max(due, start)
    for day in sorted(v for v in visits if start <= v <= end):
        if day > due:
            return False
        due = add_interval(day, interval)
    return due >= end


def plan_due_dates(
    last_visit: dt.date | None, interval: Interval, start: dt.date, end: dt.date
) -> list[dt.date]:
    """The due dates of a monthly plan: from the last visit on, every interval, up to the month's end.

    With no earlier visit the first is due an interval after the month starts (the 7th for weekly), at
    the latest on its last day. A target is due at least once in the month (by its last day when
    nothing else falls due in it); a due date already past at the start is moved to the start.
    """
    if last_visit is not None:
        due = max(add_interval(last_visit, interval), start)
    else:
        due = min(add_interval(start, interval) - dt.timedelta(days=1), end)
    out: list[dt.date] = []
    while due <= end:
        out.append(due)
        due = add_interval(due, interval)
    return out or [end]
