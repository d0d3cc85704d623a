"""The visits lists: monthly rates, overdue visits, workloads, follow-ups — for a page or a sheet
(the monthly plan is in ``fieldwork``).

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

from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.utils import timezone

from yanglao.core import masking
from yanglao.core.idnumber import mask_id_number
from yanglao.core.visits.schedule import (
    Interval,
    add_interval,
    add_months,
    due_date,
    month_bounds,
    on_schedule,
)
from yanglao.regions.models import Region
from yanglao.visits.access import scoped_visitors, visit_followups, visit_targets
from yanglao.visits.filters import RegionFilter
from yanglao.visits.models import (
    Assignment,
    AssignmentRole,
    FollowUpStatus,
    Visit,
    Visitor,
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
        Visit.objects.filter(
            visited_on__gte=start,
            visited_on__lte=end,
            person__visit_target__in=targets.values("pk"),
        )
        .values("person__visit_target__village")
        .annotate(n=Count("person_id", distinct=True))
        .values_list("person__visit_target__village", "n")
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


ONE_DAY = dt.timedelta(days=1)


def first_not_overdue(interval: Interval, today: dt.date) -> dt.date:
    """The earliest day whose next visit (one interval later) is due today or later: a target whose last
    visit (never visited: the day it became a target) is before it is overdue. ``add_interval`` never
    goes backwards, so the overdue are exactly those before this day (the database selects them)."""
    day = add_months(today - dt.timedelta(days=interval.days), -interval.months)
    while add_interval(day - ONE_DAY, interval) >= today:
        day -= ONE_DAY
    while add_interval(day, interval) < today:
        day += ONE_DAY
    return day


def last_visit() -> Any:
    """A target's last visit date: one look-up in the (person, visited_on) index per target, instead of
    grouping the join of every target with every visit."""
    latest = Visit.objects.filter(person_id=OuterRef("person_id")).order_by("-visited_on")
    return Subquery(latest.values("visited_on")[:1])


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
    township: str = ""  # village names repeat across townships


def current_visitors(person_ids: list[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    rows = Assignment.objects.filter(
        person_id__in=person_ids, role=AssignmentRole.PRIMARY, ended_at__isnull=True
    ).values_list("person_id", "visitor__name")
    for pid, name in rows:
        out[pid] = name
    return out


def overdue_visits(user: Any, today: dt.date, region: RegionFilter | None = None) -> list[OverdueRow]:
    """Targets whose last visit + interval is before today (never visited: since + interval), worst first;
    of one township or village when ``region`` names one."""
    targets = visit_targets(user)
    if region is not None and region.prefix:
        targets = targets.filter(village__startswith=region.prefix)
    late_q = Q(pk__in=[])
    for days, months in targets.order_by().values_list("interval_days", "interval_months").distinct():
        edge = first_not_overdue(Interval(days=days, months=months), today)
        late_q |= Q(interval_days=days, interval_months=months) & (
            Q(last__lt=edge) | Q(last__isnull=True, since__lt=edge)
        )
    rows = (
        targets.annotate(last=last_visit())
        .filter(late_q)
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
    names = _names({r[3] for r in late} | {r[3][:9] + "000" for r in late if len(r[3]) == 12})
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
            names.get(village[:9] + "000", "") if len(village) == 12 else "",
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


def scoped_workers(user: Any) -> Any:
    """The user's active visitors, in order (a query set: the page is cut in the database)."""
    return scoped_visitors(user).filter(active=True).order_by("village_id", "kind", "name", "pk")


def workloads(visitors: Iterable[Visitor], year: int, month: int) -> list[WorkloadRow]:
    """The workload of each of ``visitors`` (a page of ``scoped_workers``): one grouped query per figure,
    over these visitors only (no join of assignments with visits, which multiplied the rows)."""
    start, end = month_bounds(year, month)
    visitors = list(visitors)
    ids = [v.pk for v in visitors]
    current = Assignment.objects.filter(visitor_id__in=ids, ended_at__isnull=True)
    primary = current.filter(role=AssignmentRole.PRIMARY)

    def per_visitor(qs: Any, counted: str = "person_id") -> dict[int, int]:
        rows = (
            qs.values("visitor_id").annotate(n=Count(counted, distinct=True)).values_list("visitor_id", "n")
        )
        return dict(rows)

    caseload = per_visitor(primary)
    high = per_visitor(
        primary.filter(person__visit_target__interval_days__gt=0, person__visit_target__interval_days__lte=7)
    )
    neighbours = per_visitor(current.filter(role=AssignmentRole.NEIGHBOUR))
    visits = per_visitor(
        Visit.objects.filter(visitor_id__in=ids, visited_on__gte=start, visited_on__lte=end), "id"
    )
    names = _names({v.village_id for v in visitors})
    return [
        WorkloadRow(
            v.pk,
            v.name,
            v.get_kind_display(),
            names.get(v.village_id, v.village_id),
            caseload.get(v.pk, 0),
            high.get(v.pk, 0),
            neighbours.get(v.pk, 0),
            visits.get(v.pk, 0),
            v.capacity,
        )
        for v in visitors
    ]


def followups(user: Any) -> Any:
    """The user's follow-ups (``filters.FollowUpFilter.apply`` filters and orders them)."""
    return visit_followups(user).select_related("person", "township", "opened_by", "closed_by")


def followup_counts(user: Any) -> dict[str, int]:
    qs = visit_followups(user)
    return {
        "open": qs.filter(status=FollowUpStatus.OPEN).count(),
        "overdue": qs.filter(status=FollowUpStatus.OPEN, due_at__lt=timezone.now()).count(),
    }


def targets_count(user: Any) -> int:
    return int(visit_targets(user).count())
