"""The figures that come from the other apps: facilities, assessments, visits, entitlements, discovery.

Each function answers for one region (a code prefix) on one date and, where it makes sense, per unit
(township or village: the first ``digits`` digits of a code). An app that is not installed, or that
has no data yet, gives ``None`` — the indicator is then left out rather than shown as zero.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr

from yanglao.core.stats.rank import percent
from yanglao.facilities.models import INSTITUTION_KINDS, Facility, FacilityKind, Status
from yanglao.facilities.reportmodels import CapacityReport
from yanglao.registry.models import Person
from yanglao.stats.figures import living_q

PERIOD_FACTOR = {"month": 12, "year": 1, "once": 1}


def installed(app_label: str) -> bool:
    return apps.is_installed(f"yanglao.{app_label}")


# --- facilities ------------------------------------------------------------------------------------
# Figures from the facility registry and the monthly capacity reports: a facility counts on ``on`` when it is
# not planned and not closed by then; its occupancy is its latest current capacity report's beds in use
# (a month up to ``on``, at most REPORT_MAX_AGE months old), else the registry's ``occupied_beds``; a
# suspended facility (暂停服务) keeps its beds but has none in use.

REPORT_MAX_AGE = 3


def _counting(prefix: str, on: dt.date | None) -> QuerySet[Facility]:
    qs = Facility.objects.filter(region__code__startswith=prefix).exclude(status=Status.PLANNED)
    if on is None:
        return qs.exclude(status=Status.CLOSED)
    return qs.filter(Q(opened_on__isnull=True) | Q(opened_on__lte=on)).exclude(
        Q(closed_on__lte=on) | Q(status=Status.CLOSED, closed_on__isnull=True)
    )


def _first_of_month(on: dt.date, back: int = 0) -> dt.date:
    index = on.year * 12 + on.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def facility_rows(prefix: str, on: dt.date | None = None) -> list[dict[str, Any]]:
    """One dict per counted facility: kind, unit-able region, beds, nursing beds and what is in use (from its
    latest capacity report when there is one: ``reported`` is that report's month)."""
    rows: list[dict[str, Any]] = [
        dict(r)
        for r in _counting(prefix, on).values(
            "pk", "kind", "region_id", "beds", "nursing_beds", "occupied_beds", "status"
        )
    ]
    reports: dict[int, CapacityReport] = {}
    window = CapacityReport.objects.filter(current=True, facility__in=_counting(prefix, on))
    if on is not None:
        window = window.filter(month__lte=on, month__gte=_first_of_month(on, REPORT_MAX_AGE))
    for report in window.order_by("facility_id", "month"):
        reports[report.facility_id] = report  # the latest month wins
    for row in rows:
        if row["status"] == Status.SUSPENDED:  # 暂停服务: its beds count, none is in use
            row["occupied_beds"], row["reported"] = 0, None
            continue
        latest = reports.get(row["pk"])
        row["reported"] = latest.month if latest else None
        if latest is not None:
            row["occupied_beds"] = min(latest.in_use, row["beds"]) if row["beds"] else latest.in_use
            row["nursing_in_use"] = latest.nursing_in_use
            row["general_in_use"] = latest.general_in_use
            row["residents_by_level"] = latest.by_level()
    return rows


def _facility_row(kind: str, label: str, n: int, beds: int, nursing: int, occupied: int) -> dict[str, Any]:
    return {
        "kind": kind,
        "label": label,
        "count": n,
        "beds": beds,
        "nursing_beds": nursing,
        "occupied_beds": occupied,
        "occupancy_percent": percent(occupied, beds),
    }


def facilities(prefix: str, on: dt.date | None = None) -> dict[str, Any]:
    """Facilities and beds by kind; institutions (公办 + 社会办养老机构) with their 护理型 share and occupancy
    (from the capacity reports, see :func:`facility_rows`)."""
    rows = facility_rows(prefix, on)
    by_kind = []
    for kind in FacilityKind:
        mine = [r for r in rows if r["kind"] == kind.value]
        by_kind.append(
            _facility_row(
                kind.value,
                kind.label,
                len(mine),
                sum(r["beds"] for r in mine),
                sum(r["nursing_beds"] for r in mine),
                sum(r["occupied_beds"] for r in mine),
            )
        )
    inst = [r for r in rows if r["kind"] in INSTITUTION_KINDS]
    beds = sum(r["beds"] for r in inst)
    nursing = sum(r["nursing_beds"] for r in inst)
    occupied = sum(r["occupied_beds"] for r in inst)
    in_service = sum(r["beds"] for r in inst if r["status"] != Status.SUSPENDED)
    reported = [r for r in rows if r["reported"] is not None]
    months = sorted({r["reported"] for r in reported})
    by_level = [sum(r["residents_by_level"][i] for r in reported) for i in range(5)]
    return {
        "institutions": len(inst),
        "institution_beds": beds,
        "institution_nursing_beds": nursing,
        "nursing_bed_share_percent": percent(nursing, beds),
        "institution_occupied_beds": occupied,
        "institution_occupancy_percent": percent(occupied, in_service),  # of the beds in service
        "facilities_total": len(rows),
        "beds_total": sum(r["beds"] for r in rows),
        "by_kind": by_kind,
        "reports": {
            "latest_month": months[-1].strftime("%Y-%m") if months else None,
            "facilities_reporting": len(reported),
            "institutions_reporting": sum(1 for r in inst if r["reported"] is not None),
            "nursing_in_use": sum(r["nursing_in_use"] for r in reported),
            "general_in_use": sum(r["general_in_use"] for r in reported),
            "nursing_vacant": sum(max(r["nursing_beds"] - r["nursing_in_use"], 0) for r in reported),
            "general_vacant": sum(
                max(r["beds"] - r["nursing_beds"] - r["general_in_use"], 0) for r in reported
            ),
            "residents_by_level": {str(i): n for i, n in enumerate(by_level)},
        },
    }


def facilities_by(prefix: str, digits: int, on: dt.date | None = None) -> dict[str, dict[str, int]]:
    """Per unit: institutions, their beds and nursing beds, all facilities and beds."""
    out: dict[str, dict[str, int]] = {}
    for row in facility_rows(prefix, on):
        unit = out.setdefault(
            str(row["region_id"])[:digits],
            {"institutions": 0, "institution_beds": 0, "nursing_beds": 0, "facilities": 0, "beds": 0},
        )
        unit["facilities"] += 1
        unit["beds"] += row["beds"]
        if row["kind"] in INSTITUTION_KINDS:
            unit["institutions"] += 1
            unit["institution_beds"] += row["beds"]
            unit["nursing_beds"] += row["nursing_beds"]
    return out


# --- assessments -----------------------------------------------------------------------------------


def assessments(region_code: str, on: dt.date) -> dict[str, Any] | None:
    """Current GB/T 42195-2022 results by level (the assessments app's ``counts_by_level``: people of
    the region by 常住地), or None without the app."""
    if not installed("assessments"):
        return None
    try:
        from yanglao.assessments.results import counts_by_level
    except ImportError:
        return None
    levels = counts_by_level(region_code, on)
    return {"by_level": {str(k): int(v) for k, v in levels.items()}, "total": sum(levels.values())}


# --- visits ----------------------------------------------------------------------------------------


def visits(prefix: str, on: dt.date, digits: int | None = None) -> dict[str, Any] | None:
    """The month's visit rate (targets visited at least once in the month of ``on``) and overdue visits
    on ``on``, with the same definitions as the visits lists; per unit when ``digits`` is given."""
    if not installed("visits"):
        return None
    try:
        from yanglao.core.visits.schedule import Interval, due_date, month_bounds
        from yanglao.visits.models import Target, Visit
    except ImportError:
        return None
    start, _ = month_bounds(on.year, on.month)
    per_unit: dict[str, dict[str, int]] = defaultdict(lambda: {"targets": 0, "visited": 0, "overdue": 0})
    cut = digits or len(prefix)
    # One query: the targets grouped by unit, interval and the day their next visit counts from (the
    # last visit up to ``on``, else the day they became a target) — a few thousand groups, not one row
    # a target; the core's due date then decides each group's overdue (it is the same for all of it).
    for unit_code_, days, months, base, n, visited in _visit_groups(Target, Visit, prefix, cut, start, on):
        unit = per_unit[unit_code_]
        unit["targets"] += n
        unit["visited"] += visited
        if due_date(None, Interval(days=days, months=months), base) < on:
            unit["overdue"] += n
    if not per_unit:
        return None
    for row in per_unit.values():
        row["rate_percent"] = percent(row["visited"], row["targets"])  # type: ignore[assignment]
        row["overdue_percent"] = percent(row["overdue"], row["targets"])  # type: ignore[assignment]
    total = {k: sum(int(r[k]) for r in per_unit.values()) for k in ("targets", "visited", "overdue")}
    return {
        "month": f"{on:%Y-%m}",
        **total,
        "rate_percent": percent(total["visited"], total["targets"]),
        "overdue_percent": percent(total["overdue"], total["targets"]),
        "units": dict(sorted(per_unit.items())) if digits else {},
    }


def _visit_groups(
    target: Any, visit: Any, prefix: str, cut: int, start: dt.date, on: dt.date
) -> list[tuple[str, int, int, dt.date, int, int]]:
    """(unit, interval days, interval months, last visit or since, targets, targets visited since
    ``start``) of the active targets of the region, from their visits up to ``on``."""
    t, v = target._meta, visit._meta
    col = {f.name: f.column for f in (*t.concrete_fields, *v.concrete_fields) if f.name != "id"}
    t_table, v_table = connection.ops.quote_name(t.db_table), connection.ops.quote_name(v.db_table)
    person_t, person_v = t.get_field("person").column, v.get_field("person").column
    sql = f"""
        SELECT SUBSTR(t.{col["village"]}, 1, %s), t.{col["interval_days"]}, t.{col["interval_months"]},
               COALESCE(v.last_visit, t.{col["since"]}), COUNT(*),
               SUM(CASE WHEN v.in_month > 0 THEN 1 ELSE 0 END)
        FROM {t_table} t
        LEFT JOIN (
            SELECT {person_v} AS person, MAX({col["visited_on"]}) AS last_visit,
                   SUM(CASE WHEN {col["visited_on"]} >= %s THEN 1 ELSE 0 END) AS in_month
            FROM {v_table}
            WHERE {col["visited_on"]} <= %s AND {person_v} IN (
                SELECT {person_t} FROM {t_table} WHERE {col["active"]} = %s AND {col["village"]} LIKE %s
            )
            GROUP BY {person_v}
        ) v ON v.person = t.{person_t}
        WHERE t.{col["active"]} = %s AND t.{col["village"]} LIKE %s
        GROUP BY 1, 2, 3, 4
    """
    like = prefix + "%"
    with connection.cursor() as cursor:
        cursor.execute(sql, [cut, start, on, True, like, True, like])
        rows = cursor.fetchall()
    return [
        (str(unit), int(days), int(months), _day(base), int(n), int(visited or 0))
        for unit, days, months, base, n, visited in rows
    ]


def _day(value: Any) -> dt.date:
    """A date as the database gives it (SQLite gives COALESCE of dates as text)."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def visit_trend(prefix: str, months: list[dt.date]) -> list[dict[str, Any]] | None:
    """Each month's visit rate: the current targets that were already targets at the month's end, and of
    them those visited in the month (a month before anyone was a target has no rate)."""
    if not installed("visits"):
        return None
    try:
        from yanglao.visits.models import Target, Visit
    except ImportError:
        return None
    targets = Target.objects.filter(active=True, village__startswith=prefix)
    if not targets.exists():
        return None
    sizes = targets.aggregate(
        **{f"m{i}": Count("pk", filter=Q(since__lte=end)) for i, end in enumerate(months)}
    )
    out = []
    for i, end in enumerate(months):
        start = end.replace(day=1)
        n = int(sizes[f"m{i}"] or 0)
        visited = (
            Visit.objects.filter(
                person__visit_target__in=targets.filter(since__lte=end),
                visited_on__gte=start,
                visited_on__lte=end,
            )
            .values("person")
            .distinct()
            .count()
            if n
            else 0
        )
        out.append(
            {"month": f"{end:%Y-%m}", "targets": n, "visited": visited, "rate_percent": percent(visited, n)}
        )
    return out


# --- entitlements ----------------------------------------------------------------------------------


def catalog_code_for(region_code: str, on: dt.date) -> str | None:
    """The service list that applies by 户籍 on ``on``: the county's own, else its prefecture's, else
    its province's, passing over a 征求意见稿 the bureau has not adopted and a list not in force
    (``core/catalog/source.list_by_hukou``)."""
    from yanglao.core.catalog.loader import list_codes
    from yanglao.core.catalog.source import list_by_hukou

    codes = set(list_codes())
    near = dict.fromkeys((region_code[:6], region_code[:4] + "00", region_code[:2] + "0000"))
    return list_by_hukou([c for c in near if c in codes], on).code


def entitlement_input(prefix: str, on: dt.date) -> tuple[str, Any] | None:
    """(catalog code, the typed person frame) of the people of the region (户籍 or 常住地 inside it)
    living on ``on``; None without a catalogue or the engine. The only part that reads the database."""
    if importlib.util.find_spec("polars") is None:
        return None
    code = catalog_code_for(prefix.ljust(6, "0"), on)
    if code is None:
        return None
    persons = Person.objects.filter(living_q(on)).filter(
        Q(hukou_region__startswith=prefix) | Q(residence_region__startswith=prefix)
    )
    if installed("entitlements"):
        # The entitlements app's frame: one raw query, sex and birth date from the ID number where
        # empty and 常住地 from 户籍 (the engine's reading of a person file), as discovery sees people.
        from yanglao.entitlements.frames import person_frame

        return code, person_frame(persons).drop("pk")
    import polars as pl

    from yanglao.core.engine.api import PERSON_SCHEMA

    rows = list(persons.values_list(*PERSON_SCHEMA))
    return code, pl.DataFrame(rows, schema=PERSON_SCHEMA, orient="row")


def _engine() -> Callable[[Any, Any, dt.date], Any]:
    """The one bulk entry point (the core engine's ``entitle_frame``)."""
    from yanglao.core.engine.api import entitle_frame

    return entitle_frame


def entitlement_summary(code: str, frame: Any, on: dt.date) -> dict[str, Any]:
    """People and amounts by item of the service list, and by the funding levels the list names.
    Runs the entitlement engine (Polars, no database: it may run in a worker thread).

    An item whose amount rests on an example figure (示例值, :mod:`yanglao.core.catalog.placeholders`)
    on ``on`` is not real money: its ``monthly_amount``/``annual_amount`` are ``None`` and its figures
    are given apart as ``example_monthly_amount``/``example_annual_amount`` (``example: True``); the
    totals (``annual_amount`` here and per funding level) never add them in, they carry them apart as
    ``example_annual_amount``."""
    import polars as pl

    from yanglao.core.catalog.placeholders import placeholder_codes
    from yanglao.core.catalog.source import catalog_on

    catalog = catalog_on(code, on)
    examples = placeholder_codes(catalog, on)
    granted = _engine()(catalog, frame, on)
    items: list[dict[str, Any]] = []
    by_code = {item.code: item for item in catalog.items}
    summary = (
        granted.group_by("code", "name", "period")
        .agg(
            pl.len().alias("people"),
            pl.col("amount").sum().alias("amount"),
            pl.col("amount").is_not_null().sum().alias("priced"),
        )
        .sort("code")
    )
    funding: dict[str, dict[str, Any]] = {}
    for row in summary.iter_rows(named=True):
        item = by_code.get(row["code"])
        amount = Decimal(row["amount"] or 0)
        priced = int(row["priced"]) > 0 and row["period"] is not None
        factor = PERIOD_FACTOR.get(row["period"] or "", 1)
        levels = "、".join(item.funding.levels) if item and item.funding.levels else "未列明"
        example = row["code"] in examples
        monthly = float(amount) if priced and row["period"] == "month" else None
        annual = float(amount * factor) if priced else None
        entry = {
            "no": item.no if item else "",
            "code": row["code"],
            "name": row["name"],
            "people": int(row["people"]),
            "period": row["period"],
            "people_with_amount": int(row["priced"]),
            "example": example,
            "monthly_amount": None if example else monthly,
            "annual_amount": None if example else annual,
            "example_monthly_amount": monthly if example else None,
            "example_annual_amount": annual if example else None,
            "funding_levels": levels,
        }
        items.append(entry)
        level = funding.setdefault(
            levels,
            {
                "funding_levels": levels,
                "items": 0,
                "person_items": 0,
                "annual_amount": None,
                "example_annual_amount": None,
            },
        )
        level["items"] += 1
        level["person_items"] += entry["people"]  # 人次: a person with two items counts twice
        for key in ("annual_amount", "example_annual_amount"):
            if entry[key] is not None:
                level[key] = (level[key] or 0.0) + entry[key]
    items.sort(key=lambda e: (_no_key(e["no"]), e["code"]))
    real = [e["annual_amount"] for e in items if e["annual_amount"] is not None]
    shown = [e["example_annual_amount"] for e in items if e["example_annual_amount"] is not None]
    return {
        "catalog": code,
        "catalog_name": catalog.name,
        "people_with_any": int(granted.get_column("id_number").n_unique()) if granted.height else 0,
        "items": items,
        "annual_amount": sum(real) if real else None,
        "example_annual_amount": sum(shown) if shown else None,
        "example_items": [f"{e['no']}. {e['name']}" for e in items if e["example"]],
        "by_funding_level": sorted(funding.values(), key=lambda r: -(r["annual_amount"] or 0.0)),
    }


def _no_key(no: str) -> tuple[int, ...]:
    from yanglao.core.catalog.model import no_sort_key

    return no_sort_key(no)


# --- discovery -------------------------------------------------------------------------------------


def discovery(prefix: str, digits: int | None = None) -> dict[str, Any] | None:
    """Discovery findings (服务找人) of the townships inside the region: open (待处理 or 已联系) and
    closed (every other state), by kind; per township when ``digits`` is given. None when the
    entitlements app is missing or discovery has never run (no finding at all)."""
    if not installed("entitlements"):
        return None
    try:
        from yanglao.entitlements.models import LIVE_STATES, Finding, FindingKind
    except ImportError:
        return None
    if not Finding.objects.exists():
        return None
    live = Q(state__in=[str(s) for s in LIVE_STATES])
    missed = live & Q(kind=FindingKind.MISSED)
    findings = Finding.objects.filter(township__startswith=prefix)
    counts = {"open": Count("pk", filter=live), "closed": Count("pk", filter=~live)}
    by_kind: dict[str, dict[str, int]] = {}
    for row in findings.values("kind").annotate(**counts).order_by():
        values: dict[str, Any] = dict(row)
        by_kind[str(values["kind"])] = {"open": int(values["open"]), "closed": int(values["closed"])}
    out: dict[str, Any] = {
        "open": sum(k["open"] for k in by_kind.values()),
        "closed": sum(k["closed"] for k in by_kind.values()),
        "by_kind": {
            kind.value: {"label": kind.label, **by_kind.get(kind.value, {"open": 0, "closed": 0})}
            for kind in FindingKind
        },
        "missed_open_people": findings.filter(missed).values("person").distinct().count(),
    }
    out["total"] = out["open"] + out["closed"]
    if digits is not None and digits <= 12:
        units: dict[str, dict[str, int]] = {}
        rows = (
            findings.annotate(unit=Substr("township", 1, digits))
            .values("unit")
            .annotate(**counts, missed_people=Count("person", filter=missed, distinct=True))
            .order_by()
        )
        for grouped in rows:
            unit: dict[str, Any] = dict(grouped)
            units[str(unit["unit"])] = {
                "open": int(unit["open"]),
                "closed": int(unit["closed"]),
                "missed_open_people": int(unit["missed_people"]),
            }
        out["units"] = units
    return out
