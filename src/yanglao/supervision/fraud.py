"""The fund-fraud checks on the database: before a payment roll is approved, and as a monthly report.

The frames of :mod:`yanglao.core.supervision.checks` are built from the database — the payment lines of
every roll of the month (so a person paid the same item by two counties' rolls is seen), the person
records they name, care-home residences (``carehomes.Residence``: leave days from its 请假离院/销假回院
events) and home-service claim lines (``homeservices.ClaimLine``) — and the checks run on the embedded
engine, the same code as the file command. The care-home and home-service apps are read through
:func:`_residents` and :func:`_services`, which return nothing when the app or its tables are absent.

:func:`holds_for_roll` returns the lines of one roll to hold, with the reasons; the roll's approval is
meant to refuse (or leave unpaid) those lines until released with a reason (the hook belongs to the
payments app). :func:`monthly_report` runs the same checks over a county's month.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.apps import apps
from django.db import DatabaseError

from yanglao.core.supervision import api
from yanglao.core.supervision.checks import BY_NAME, CHECKS, skipped
from yanglao.core.supervision.params import Settings, load
from yanglao.payments.models import PaymentLine, PaymentRoll
from yanglao.registry.models import Person


@dataclass(frozen=True)
class Hold:
    """One payment line to hold: ``line`` is the :class:`PaymentLine` id."""

    line: int
    seq: int
    id_number: str
    check: str
    title: str
    reason: str


def _next(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _payments(lines: Iterable[PaymentLine]) -> pl.DataFrame:
    rows = [
        {
            "line": ln.pk,
            "id_number": ln.id_number,
            "item": ln.service_code,
            "county": (ln.roll.region_id or "")[:6],
            "month": ln.service_month.replace(day=1),
            "amount_fen": int(ln.amount * 100),
            "account": ln.account_number or None,
            "payee": None,
        }
        for ln in lines
        if ln.amount > 0
    ]
    schema = {
        "line": pl.Int64,
        "id_number": pl.String,
        "item": pl.String,
        "county": pl.String,
        "month": pl.Date,
        "amount_fen": pl.Int64,
        "account": pl.String,
        "payee": pl.String,
    }
    return pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)


def _home_lines(roll: Any) -> pl.DataFrame:
    """A care-home settlement's lines as payments to the home (``payee`` institution); their ``line`` is
    minus the line's id, apart from payment lines."""
    rows = [
        {
            "line": -ln.pk,
            "id_number": ln.person.id_number,
            "item": ln.item,
            "county": roll.county[:6],
            "month": roll.month,
            "amount_fen": int(ln.amount * 100),
            "account": None,
            "payee": "institution",
        }
        for ln in roll.lines.select_related("person")
        if ln.amount > 0
    ]
    return pl.DataFrame(rows, schema=_payments([]).schema, orient="row")


def _persons(ids: set[str]) -> pl.DataFrame:
    rows = [
        {
            "id_number": p.id_number,
            "death_date": p.death_date,
            "tekun": p.tekun,
            "household": None,
            "spouse_id_number": p.spouse_id_number or None,
        }
        for p in Person.objects.filter(id_number__in=ids).only(
            "id_number", "death_date", "tekun", "spouse_id_number"
        )
    ]
    schema = {
        "id_number": pl.String,
        "death_date": pl.Date,
        "tekun": pl.String,
        "household": pl.String,
        "spouse_id_number": pl.String,
    }
    return pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)


def leave_days(events: list[dict[str, Any]], month: dt.date, ended_on: dt.date | None = None) -> int:
    """The longest absence (请假离院 to 销假回院) reaching into the month, counted to the return or, when
    the resident is not back, to the month's end (or the residence's end)."""
    start, stop = month, _next(month)
    longest = 0
    away: dt.date | None = None
    spans: list[tuple[dt.date, dt.date]] = []
    for event in sorted(events, key=lambda e: str(e.get("on", ""))):
        on = dt.date.fromisoformat(str(event["on"]))
        if event.get("what") == "请假离院" and away is None:
            away = on
        elif event.get("what") == "销假回院" and away is not None:
            spans.append((away, on))
            away = None
    if away is not None:
        spans.append((away, min(ended_on or stop, stop)))
    for left, back in spans:
        if left < stop and back > start:
            longest = max(longest, (min(back, stop) - left).days)
    return longest


def _residents(ids: set[str] | None, month: dt.date) -> pl.DataFrame | None:
    """Care-home residences overlapping the month, or None when the care-home app is not there."""
    try:
        model = apps.get_model("carehomes", "Residence")
    except LookupError:
        return None
    stop = _next(month)
    try:
        rows = [
            {
                "line": r.pk,
                "id_number": r.person.id_number,
                "facility": r.facility.name,
                "start": r.admitted_on,
                "end": r.ended_on,
                "days_absent": leave_days(r.events or [], month, r.ended_on),
            }
            for r in model.objects.filter(
                admitted_on__lt=stop, **({} if ids is None else {"person__id_number__in": ids})
            )
            .exclude(ended_on__lt=month)
            .select_related("person", "facility")
        ]
    except DatabaseError:
        return None
    schema = {
        "line": pl.Int64,
        "id_number": pl.String,
        "facility": pl.String,
        "start": pl.Date,
        "end": pl.Date,
        "days_absent": pl.Int64,
    }
    return pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)


def _services(ids: set[str] | None, month: dt.date) -> pl.DataFrame | None:
    """Home-service claim lines of the month, or None when the home-service app is not there."""
    try:
        model = apps.get_model("homeservices", "ClaimLine")
    except LookupError:
        return None
    try:
        rows = [
            {
                "line": c.pk,
                "id_number": c.id_number,
                "service": c.service,
                "date": c.date,
                "provider": c.provider.code,
            }
            for c in model.objects.filter(
                date__gte=month, date__lt=_next(month), **({} if ids is None else {"id_number__in": ids})
            )
            .exclude(status="rejected")
            .select_related("provider")
        ]
    except DatabaseError:
        return None
    schema = {
        "line": pl.Int64,
        "id_number": pl.String,
        "service": pl.String,
        "date": pl.Date,
        "provider": pl.String,
    }
    return pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)


def frames_for(
    lines: list[PaymentLine], month: dt.date, everyone: bool = False, extra: pl.DataFrame | None = None
) -> dict[str, pl.DataFrame | None]:
    """The frames of the checks: the given payment lines (and ``extra`` payment rows), their persons,
    and the residences and home-service lines of the same persons (``everyone``: of everybody)."""
    payments = _payments(lines)
    if extra is not None:
        payments = pl.concat([payments, extra])
    ids = set(payments["id_number"].to_list())
    services = _services(None if everyone else ids, month)
    residents = _residents(None if everyone else ids, month)
    for extra in (services, residents):
        if extra is not None:
            ids |= set(extra["id_number"].to_list())
    return {
        "persons": _persons(ids),
        "payments": payments,
        "services": services,
        "residents": residents,
    }


def _month_lines(month: dt.date, **filters: Any) -> list[PaymentLine]:
    return list(
        PaymentLine.objects.filter(roll__month=month, **filters)
        .select_related("roll")
        .order_by("roll_id", "seq")
    )


def run_month(
    lines: list[PaymentLine], month: dt.date, everyone: bool = False, extra: pl.DataFrame | None = None
) -> tuple[Settings, list[dict[str, Any]], list[str]]:
    settings = load(month)
    frames = frames_for(lines, month, everyone, extra)
    findings = api.run_polars(settings, frames)
    return settings, api.records(findings, settings), skipped(frames)


def holds_for_roll(roll: PaymentRoll) -> list[Hold]:
    """The lines of ``roll`` to hold before approval, one per (line, check), in line order.

    The checks see every roll of the same month in the database (another county's or catalogue's roll
    paying the same person the same item is an ``enrolled_twice`` case), but only this roll's lines are
    held. Lines of earlier months paid in this roll (补发) are checked against their own month."""
    mine = {ln.pk: ln for ln in roll.lines.select_related("roll")}
    months = sorted({ln.service_month.replace(day=1) for ln in mine.values()})
    holds: list[Hold] = []
    for month in months:
        others = [ln for ln in _month_lines(month) if ln.roll_id != roll.pk]
        lines = [ln for ln in mine.values() if ln.service_month.replace(day=1) == month] + others
        _, records, _ = run_month(lines, month)
        for r in records:
            if r.get("source") != "payments" or r.get("line") not in mine:
                continue
            ln = mine[r["line"]]
            holds.append(Hold(ln.pk, ln.seq, ln.id_number, r["check"], r["title"], r["reason"]))
    return _unique(holds)


def holds_for_care_home_settlement(roll: Any) -> list[Hold]:
    """The lines of a care-home settlement (``carehomes.SettlementRoll``) to hold: ``Hold.line`` is the
    ``SettlementLine`` id, ``seq`` its order in the roll. Seen with the month's payment rolls (a resident
    also paid 分散供养, or paid while long absent)."""
    month = roll.month.replace(day=1)
    mine = _home_lines(roll)
    order = {-line: i for i, line in enumerate(sorted(mine["line"].to_list(), reverse=True), start=1)}
    _, records, _ = run_month(_month_lines(month), month, extra=mine)
    return _unique(
        Hold(-r["line"], order[-r["line"]], r["id_number"], r["check"], r["title"], r["reason"])
        for r in records
        if r.get("source") == "payments" and -int(r.get("line") or 0) in order
    )


def holds_for_service_settlement(lines: Iterable[Any], month: dt.date) -> list[Hold]:
    """The home-service claim lines (``homeservices.ClaimLine``) of a settlement to hold: those dated
    while the person is resident in a care home (``Hold.line`` the claim line's id, ``seq`` its row)."""
    month = month.replace(day=1)
    wanted = {ln.pk: ln for ln in lines}
    _, records, _ = run_month(_month_lines(month), month, everyone=True)
    return _unique(
        Hold(r["line"], wanted[r["line"]].row, r["id_number"], r["check"], r["title"], r["reason"])
        for r in records
        if r.get("source") == "services" and r.get("line") in wanted
    )


def _unique(holds: Iterable[Hold]) -> list[Hold]:
    seen: set[tuple[int, str]] = set()
    out = []
    for h in sorted(holds, key=lambda h: (h.seq, h.check)):
        if (h.line, h.check) not in seen:
            seen.add((h.line, h.check))
            out.append(h)
    return out


def monthly_report(county: str, month: dt.date) -> dict[str, Any]:
    """The checks over every payment line of the county's rolls for the month (all catalogues), as a
    plain dict with Chinese labels: counts per check, the findings, the checks that could not run."""
    month = month.replace(day=1)
    lines = _month_lines(month)  # every county's rolls: a person paid twice across counties is seen
    ours = {ln.pk for ln in lines if (ln.roll.region_id or "").startswith(county[:6])}
    homes = [_home_lines(r) for r in _care_home_rolls(month)]
    extra = pl.concat(homes) if homes else None
    if extra is not None:
        ours |= {line for line, c in zip(extra["line"], extra["county"], strict=True) if c == county[:6]}
    settings, records, missing = run_month(lines, month, everyone=True, extra=extra)
    facilities = _county_residents(county, month)
    records = [
        r
        for r in records
        if (r.get("source") == "payments" and r.get("line") in ours)
        or (r.get("source") == "services" and r["id_number"] in facilities)
    ]
    counts = Counter(r["check"] for r in records)
    return {
        "county": county,
        "month": f"{month:%Y-%m}",
        "lines": len(ours),
        "checks": [
            {
                "check": c.name,
                "title": c.title,
                "basis": c.basis,
                "findings": counts.get(c.name, 0),
                "persons": len({r["id_number"] for r in records if r["check"] == c.name}),
                "ran": c.name not in missing,
            }
            for c in CHECKS
        ],
        "findings": records,
        "parameters": {
            "max_absent_days": settings.max_absent_days,
            "min_unrelated_families": settings.min_unrelated_families,
        },
    }


def _care_home_rolls(month: dt.date) -> list[Any]:
    """The care-home settlements of the month (every county), or none without the care-home app."""
    try:
        model = apps.get_model("carehomes", "SettlementRoll")
        return list(model.objects.filter(month=month))
    except (LookupError, DatabaseError):
        return []


def _county_residents(county: str, month: dt.date) -> set[str]:
    """ID numbers of the residents of the county's care homes in the month (for service findings)."""
    try:
        model = apps.get_model("carehomes", "Residence")
        return set(
            model.objects.filter(facility__region__code__startswith=county[:6], admitted_on__lt=_next(month))
            .exclude(ended_on__lt=month)
            .values_list("person__id_number", flat=True)
        )
    except (LookupError, DatabaseError):
        return set()


def check_title(name: str) -> str:
    return BY_NAME[name].title
