"""The visits lists: monthly rates, overdue visits, workloads, follow-ups, plans — for a page or a sheet.

Each list is computed for one user (their visit scope) and returned as plain rows; the views render
them as HTML and as XLSX. Rates are counted over the current target list (``Target.active``): a target
counts as visited in a month with at least one visit (any mode) dated in it; weekly-tier targets also
get "on schedule": never overdue on any day of the month up to today.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Q

from yanglao.core import masking
from yanglao.core.idnumber import mask_id_number
from yanglao.core.visits.schedule import Interval, add_months, due_date, month_bounds, on_schedule
from yanglao.regions.models import Region
from yanglao.visits.access import scoped_visitors, visit_followups, visit_targets
from yanglao.visits.models import (
    Assignment,
    AssignmentRole,
    FollowUp,
    FollowUpStatus,
    PlanEntry,
    Visit,
)

WEEKLY = Q(interval_days__gt=0, interval_days__lte=7)


def person_name(user: Any, name: str) -> str:
    return masking.mask(getattr(user, "role", ""), "name", name)


def percent(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


@dataclass
class RateRow:
    code: str
    name: str
    targets: int = 0
    visited: int = 0
    weekly: int = 0
    weekly_on_schedule: int = 0
    children: list[RateRow] = field(default_factory=list)

    @property
    def rate(self) -> float | None:
        return percent(self.visited, self.targets)

    @property
    def weekly_rate(self) -> float | None:
        return percent(self.weekly_on_schedule, self.weekly)

    def add(self, other: RateRow) -> None:
        self.targets += other.targets
        self.visited += other.visited
        self.weekly += other.weekly
        self.weekly_on_schedule += other.weekly_on_schedule


def _names(codes: Iterable[str]) -> dict[str, str]:
    return dict(Region.objects.filter(code__in=set(codes)).values_list("code", "name"))


def weekly_on_schedule(targets: Any, start: dt.date, end: dt.date) -> dict[str, int]:
    """village → weekly-tier targets never overdue from ``start`` to ``end``."""
    weekly = {
        t.person_id: t
        for t in targets.filter(WEEKLY).only(
            "person_id", "village", "since", "interval_days", "interval_months"
        )
    }
    if not weekly:
        return {}
    ids = list(weekly)
    before = dict(
        Visit.objects.filter(person_id__in=ids, visited_on__lt=start)
        .values("person_id")
        .annotate(last=Max("visited_on"))
        .values_list("person_id", "last")
    )
    inside: dict[int, list[dt.date]] = defaultdict(list)
    for pid, day in Visit.objects.filter(
        person_id__in=ids, visited_on__gte=start, visited_on__lte=end
    ).values_list("person_id", "visited_on"):
        inside[pid].append(day)
    out: dict[str, int] = defaultdict(int)
    for pid, target in weekly.items():
        if on_schedule(
            inside[pid], target.interval, start, end, last_before=before.get(pid), since=target.since
        ):
            out[target.village] += 1
    return out


def monthly_rates(user: Any, year: int, month: int, today: dt.date) -> RateRow:
    """The rate tree of the user's scope: county → townships → villages (the root is the whole scope)."""
    return rates_tree(visit_targets(user), year, month, today)


def rates_tree(targets: Any, year: int, month: int, today: dt.date) -> RateRow:
    """The rate tree of a set of active targets (a ``Target`` query set)."""
    start, end = month_bounds(year, month)
    until = min(end, today)
    per_village = {
        row["village"]: row
        for row in targets.values("village").annotate(n=Count("id"), weekly=Count("id", filter=WEEKLY))
    }
    visited = dict(
        targets.filter(person__visits__visited_on__gte=start, person__visits__visited_on__lte=end)
        .values("village")
        .annotate(n=Count("id", distinct=True))
        .values_list("village", "n")
    )
    on_time = weekly_on_schedule(targets, start, until) if start <= today else {}
    villages = sorted(per_village)
    names = _names({*villages, *(v[:9] + "000" for v in villages), *(v[:6] for v in villages)})
    counties: dict[str, RateRow] = {}
    townships: dict[str, RateRow] = {}
    for code in villages:
        row = RateRow(
            code,
            names.get(code, code),
            per_village[code]["n"],
            visited.get(code, 0),
            per_village[code]["weekly"],
            on_time.get(code, 0),
        )
        county_code, township_code = code[:6], code[:9] + "000" if len(code) == 12 else code
        county = counties.setdefault(county_code, RateRow(county_code, names.get(county_code, county_code)))
        township = townships.get(township_code)
        if township is None:
            township = townships[township_code] = RateRow(
                township_code, names.get(township_code, township_code)
            )
            county.children.append(township)
        if township_code != code:
            township.children.append(row)
        township.add(row)
        county.add(row)
    if len(counties) == 1:
        return next(iter(counties.values()))
    root = RateRow("", "全部辖区", children=list(counties.values()))
    for county in counties.values():
        root.add(county)
    return root


@dataclass
class OverdueRow:
    person_pk: int
    name: str
    id_number: str
    village: str
    tier: str
    interval: str
    last_visit: dt.date | None
    due: dt.date
    days: int
    visitor: str


def current_visitors(person_ids: list[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    rows = Assignment.objects.filter(
        person_id__in=person_ids, role=AssignmentRole.PRIMARY, ended_at__isnull=True
    ).values_list("person_id", "visitor__name")
    for pid, name in rows:
        out[pid] = name
    return out


def overdue_visits(user: Any, today: dt.date) -> list[OverdueRow]:
    """Targets whose last visit + interval is before today (never visited: since + interval), worst first."""
    rows = (
        visit_targets(user)
        .annotate(last=Max("person__visits__visited_on"))
        .values_list(
            "person_id",
            "person__name",
            "person__id_number",
            "village",
            "tier_label",
            "interval_days",
            "interval_months",
            "since",
            "last",
        )
    )
    late: list[tuple[Any, ...]] = []
    for pid, name, id_number, village, tier, days, months, since, last in rows.iterator(chunk_size=5000):
        interval = Interval(days=days, months=months)
        due = due_date(last, interval, since)
        if due < today:
            late.append((pid, name, id_number, village, tier, interval, last, due))
    names = _names({r[3] for r in late})
    visitors = current_visitors([r[0] for r in late])
    out = [
        OverdueRow(
            pid,
            person_name(user, name),
            mask_id_number(id_number),
            names.get(village, village),
            tier,
            interval.text(),
            last,
            due,
            (today - due).days,
            visitors.get(pid, "未分配"),
        )
        for pid, name, id_number, village, tier, interval, last, due in late
    ]
    out.sort(key=lambda r: (-r.days, r.village, r.person_pk))
    return out


@dataclass
class WorkloadRow:
    pk: int
    name: str
    kind: str
    village: str
    caseload: int
    high: int
    neighbours: int
    visits: int
    capacity: int | None

    @property
    def over_capacity(self) -> bool:
        return self.capacity is not None and self.caseload > self.capacity


def workloads(user: Any, year: int, month: int) -> list[WorkloadRow]:
    start, end = month_bounds(year, month)
    current = Q(assignments__ended_at__isnull=True)
    primary = current & Q(assignments__role=AssignmentRole.PRIMARY)
    visitors = (
        scoped_visitors(user)
        .filter(active=True)
        .select_related("village")
        .annotate(
            caseload=Count("assignments", filter=primary, distinct=True),
            high=Count(
                "assignments",
                filter=primary
                & Q(
                    assignments__person__visit_target__interval_days__gt=0,
                    assignments__person__visit_target__interval_days__lte=7,
                ),
                distinct=True,
            ),
            neighbours=Count(
                "assignments", filter=current & Q(assignments__role=AssignmentRole.NEIGHBOUR), distinct=True
            ),
            month_visits=Count(
                "visits", filter=Q(visits__visited_on__gte=start, visits__visited_on__lte=end), distinct=True
            ),
        )
        .order_by("village_id", "kind", "name")
    )
    return [
        WorkloadRow(
            v.pk,
            v.name,
            v.get_kind_display(),
            v.village.name,
            v.caseload,
            v.high,
            v.neighbours,
            v.month_visits,
            v.capacity,
        )
        for v in visitors
    ]


def followups(user: Any, status: str) -> Any:
    qs = visit_followups(user).select_related("person", "township", "opened_by", "closed_by")
    if status in FollowUpStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by("status", "due_at", "-opened_at")


@dataclass
class PlanRow:
    person_pk: int
    name: str
    visitor: str
    due_on: dt.date
    tier: str
    state: str


def plan(user: Any, year: int, month: int, today: dt.date) -> list[PlanRow]:
    start, _ = month_bounds(year, month)
    entries = list(
        PlanEntry.objects.filter(month=start, person__in=visit_targets(user).values("person_id"))
        .select_related("person", "visitor", "person__visit_target")
        .order_by("due_on", "visitor__name", "person_id")
    )
    ids = {e.person_id for e in entries}
    visits: dict[int, list[dt.date]] = defaultdict(list)
    low = start - dt.timedelta(days=31)
    for pid, day in Visit.objects.filter(person_id__in=ids, visited_on__gte=low).values_list(
        "person_id", "visited_on"
    ):
        visits[pid].append(day)
    out: list[PlanRow] = []
    for e in entries:
        interval: Interval = e.person.visit_target.interval
        window_start = _minus(e.due_on, interval)
        done = any(window_start < d <= e.due_on for d in visits[e.person_id])
        state = "已探访" if done else ("逾期" if e.due_on < today else "待探访")
        out.append(
            PlanRow(e.person_id, person_name(user, e.person.name), e.visitor.name, e.due_on, e.tier, state)
        )
    return out


def _minus(day: dt.date, interval: Interval) -> dt.date:
    """The day one interval before ``day`` (calendar months clamp to the month's end)."""
    if interval.days:
        return day - dt.timedelta(days=interval.days)
    return add_months(day, -interval.months)


def followup_counts(user: Any) -> dict[str, int]:
    qs = visit_followups(user)
    return {
        "open": qs.filter(status=FollowUpStatus.OPEN).count(),
        "overdue": FollowUp.objects.overdue().filter(pk__in=qs.values("pk")).count(),
    }


def targets_count(user: Any) -> int:
    return int(visit_targets(user).count())
