"""Supervision figures for the dashboard and the monthly bulletin (the lead wires them): plain dicts with
the documents' words as labels, for a region (its code's prefix) at a moment."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Avg, F

from yanglao.regions.models import Level, Region
from yanglao.supervision import rules
from yanglao.supervision.models import Complaint, Hazard, HazardStatus, Inspection, Rating, RatingKind


def _prefix(code: str) -> str:
    region = Region.objects.filter(code=code).first()
    if region is None:
        return code
    return region.prefix if region.level != Level.PROVINCE else code[:2]


def supervision_figures(code: str, now: dt.datetime) -> dict[str, Any]:
    """{label: value} for the region ``code`` at ``now``: hazards (动态清零), inspections this year,
    ratings in force, complaints this month with on-time replies and satisfaction."""
    prefix = _prefix(code)
    month = rules.month_start(now)
    year = month.replace(month=1)
    hazards = Hazard.objects.filter(facility__region__code__startswith=prefix)
    open_h = hazards.exclude(status=HazardStatus.CLEARED)
    inspections = Inspection.objects.filter(facility__region__code__startswith=prefix, inspected_at__gte=year)
    complaints = Complaint.objects.filter(region__code__startswith=prefix, received_at__gte=month)
    replied = complaints.filter(replied_at__isnull=False)
    rated = complaints.exclude(satisfaction="")
    average = inspections.aggregate(a=Avg("score"))["a"]
    return {
        "未清零隐患": open_h.count(),
        "逾期未整改隐患": open_h.filter(due_at__lt=now).count(),
        "本月清零隐患": hazards.filter(cleared_at__gte=month).count(),
        "本年监管检查次数": inspections.count(),
        "本年检查平均得分": round(float(average), 1) if average is not None else None,
        "等级评定有效机构数": Rating.objects.filter(
            facility__region__code__startswith=prefix, kind=RatingKind.BUREAU, valid_until__gte=now.date()
        )
        .values("facility")
        .distinct()
        .count(),
        "本月受理投诉": complaints.count(),
        "本月按时答复率": round(
            100 * replied.filter(replied_at__lte=F("reply_due")).count() / replied.count(), 1
        )
        if replied.count()
        else None,
        "本月投诉满意率": round(100 * rated.exclude(satisfaction="unsatisfied").count() / rated.count(), 1)
        if rated.count()
        else None,
    }
