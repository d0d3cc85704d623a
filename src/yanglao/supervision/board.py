"""The 动态清零 board and the risk-ranked plan, computed from the hazards, inspections, ratings and
complaints of the facilities a user sees (plain dicts; the views and indicators.py show them)."""

from __future__ import annotations

import datetime as dt
import importlib
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from yanglao.facilities.models import Facility
from yanglao.regions.models import Region
from yanglao.supervision import rules
from yanglao.supervision.models import Complaint, Hazard, HazardStatus, Inspection, Rating, RatingKind


def hazard_state(hazard: Hazard, now: dt.datetime) -> dict[str, Any]:
    """A hazard's computed state at ``now``: overdue, escalated to whom, hours left or overdue."""
    cleared = hazard.status == HazardStatus.CLEARED
    stage = rules.escalation(hazard.due_at, now, cleared)
    return {
        "overdue": bool(stage),
        "escalated": {"": "", "township": "已升级至乡镇（苏木）", "county": "已升级至旗县民政局"}[stage],
        "stage": stage,
    }


def board(hazards: QuerySet[Hazard], now: dt.datetime) -> dict[str, Any]:
    """Per township and for the whole: open, overdue, escalated to the county, cleared this month."""
    start = rules.month_start(now)
    rows: dict[str, Counter[str]] = defaultdict(Counter)
    for hazard in hazards.select_related(None).only("township", "status", "due_at", "cleared_at"):
        counter = rows[hazard.township]
        if hazard.status == HazardStatus.CLEARED:
            if hazard.cleared_at and hazard.cleared_at >= start:
                counter["cleared_month"] += 1
            continue
        counter["open"] += 1
        stage = rules.escalation(hazard.due_at, now, False)
        if stage:
            counter["overdue"] += 1
        if stage == "county":
            counter["county"] += 1
    names = dict(Region.objects.filter(code__in=list(rows)).values_list("code", "name"))
    keys = ("open", "overdue", "county", "cleared_month")
    lines: list[dict[str, Any]] = [
        {"code": code, "name": names.get(code, code), **{k: rows[code][k] for k in keys}}
        for code in sorted(rows, key=lambda c: (-rows[c]["county"], -rows[c]["overdue"], -rows[c]["open"], c))
    ]
    total = {k: sum(rows[code][k] for code in rows) for k in keys}
    return {"lines": lines, "total": total, "zero": total["open"] == 0, "month": start.strftime("%Y年%m月")}


@dataclass(frozen=True)
class Ranked:
    facility: Facility
    risk: rules.Risk
    facts: dict[str, int]
    last_inspected: dt.date | None
    level: str


def _fraud_counts(facilities: list[Facility], month: str) -> dict[int, int]:
    """Fraud findings per facility from the fund-fraud checks' monthly report (``supervision/fraud.py``,
    another part's) of the last complete month: the findings that name a facility (resident absent, home
    services while resident), matched by name within the county. No report, or a failing one, counts
    as none: the plan must not stop for it."""
    try:
        fraud = importlib.import_module("yanglao.supervision.fraud")
    except ImportError:
        return {}
    report = getattr(fraud, "monthly_report", None)
    if report is None or not facilities:
        return {}
    first = dt.date.fromisoformat(month + "-01")
    out: Counter[int] = Counter()
    for county in sorted({str(f.region_id)[:6] for f in facilities}):
        by_name = {f.name: f.pk for f in facilities if str(f.region_id).startswith(county)}
        try:
            findings = report(county, first)["findings"]
        except Exception:  # the other part's report failing must not stop the plan
            continue
        for row in findings:
            pk = by_name.get(str(row.get("facility") or ""))
            if pk is not None:
                out[pk] += 1
    return dict(out)


def risk_ranking(facilities: QuerySet[Facility], now: dt.datetime) -> list[Ranked]:
    """Facilities in descending published risk score (ties: longest since inspection, then name)."""
    rows = list(facilities.select_related("region"))
    ids = [f.pk for f in rows]
    params = rules.parameter("complaint_risk", now.astimezone(rules.SHANGHAI).date())
    since = now - dt.timedelta(days=int(params["window_days"]))
    open_h: Counter[int] = Counter()
    overdue: Counter[int] = Counter()
    major: Counter[int] = Counter()
    for h in Hazard.objects.filter(facility_id__in=ids).exclude(status=HazardStatus.CLEARED):
        open_h[h.facility_id] += 1
        overdue[h.facility_id] += rules.escalation(h.due_at, now, False) != ""
        major[h.facility_id] += h.level == "major"
    complaints = Counter(
        Complaint.objects.filter(facility_id__in=ids, received_at__gte=since).values_list(
            "facility_id", flat=True
        )
    )
    last: dict[int, dt.datetime] = {}
    for fid, at in Inspection.objects.filter(facility_id__in=ids).values_list("facility_id", "inspected_at"):
        last[fid] = max(at, last.get(fid, at))
    level: dict[int, int] = {}
    for fid, value in (
        Rating.objects.filter(facility_id__in=ids, kind=RatingKind.BUREAU)
        .order_by("assessed_on", "pk")
        .values_list("facility_id", "level")
    ):
        level[fid] = value
    last_month = rules.month_start(now) - dt.timedelta(days=1)
    fraud = _fraud_counts(rows, last_month.strftime("%Y-%m"))
    out = []
    today = now.astimezone(rules.SHANGHAI).date()
    for f in rows:
        seen = last.get(f.pk)
        months = 24 if seen is None else (today - seen.astimezone(rules.SHANGHAI).date()).days // 30
        facts = {
            "open_hazards": open_h[f.pk],
            "overdue_hazards": overdue[f.pk],
            "major_hazards": major[f.pk],
            "complaints": complaints[f.pk],
            "repeated_complaints": int(complaints[f.pk] >= int(params["repeat_count"])),
            "fraud_findings": fraud.get(f.pk, 0),
            "months_since_inspection": months,
            "rating_gap": 5 - level.get(f.pk, 0),
        }
        name = (
            "未评定"
            if f.pk not in level
            else ("未达等级" if not level[f.pk] else "一二三四五"[level[f.pk] - 1] + "级")
        )
        out.append(Ranked(f, rules.risk_score(facts), facts, seen.date() if seen else None, name))
    out.sort(key=lambda r: (-r.risk.score, -r.facts["months_since_inspection"], r.facility.name))
    return out
