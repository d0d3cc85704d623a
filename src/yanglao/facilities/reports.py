"""Reading the monthly capacity reports: who has reported for a month, who is late, who is missing (for a
township and the county), and a facility's history of reports (replaced versions included)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils import timezone

from yanglao.core.facilities import capacity
from yanglao.facilities.actions import report_due_day
from yanglao.facilities.models import CapacityReport, Facility
from yanglao.facilities.models import Status as FacilityStatus
from yanglao.regions.models import Level, Region


def expected_facilities(region: Region, month: dt.date) -> list[Facility]:
    """The facilities that must report for ``month``: with beds, open during the month."""
    end = capacity.next_month(month) - dt.timedelta(days=1)
    return list(
        Facility.objects.filter(region__code__startswith=region.prefix, beds__gt=0)
        .exclude(status=FacilityStatus.PLANNED)
        .filter(Q(opened_on__isnull=True) | Q(opened_on__lte=end))
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=month))
        .exclude(Q(status=FacilityStatus.CLOSED) & Q(closed_on__isnull=True))
        .order_by("region_id", "name", "pk")
    )


def report_status(
    region: Region, month: dt.date, today: dt.date, due_day: int | None = None
) -> dict[str, Any]:
    """The reporting state of ``region`` for ``month`` as of ``today``: counts, the late, missing and
    pending facilities, and the same by township."""
    due_day = due_day or report_due_day()
    month = capacity.month_start(month)
    facilities = expected_facilities(region, month)
    reports = {
        r.facility_id: r
        for r in CapacityReport.objects.filter(facility__in=facilities, month=month, current=True)
    }
    firsts: dict[int, dt.datetime] = {}
    for pk, filed_at in (
        CapacityReport.objects.filter(facility__in=facilities, month=month)
        .order_by("filed_at", "pk")
        .values_list("facility_id", "filed_at")
    ):
        firsts.setdefault(pk, filed_at)
    townships = {
        r.code: r.name for r in Region.objects.filter(code__startswith=region.prefix, level=Level.TOWNSHIP)
    }
    buckets: dict[str, list[dict[str, Any]]] = {"on_time": [], "late": [], "missing": [], "pending": []}
    by_township: dict[str, dict[str, Any]] = {}
    for f in facilities:
        report = reports.get(f.pk)
        first = _first_filed(f.pk, firsts, report)
        status = capacity.status_of(month, timezone.localdate(first) if first else None, today, due_day)
        township = f.region_id[:9] + "000" if len(f.region_id) == 12 else f.region_id
        row = {
            "facility": f.pk,
            "name": f.name,
            "region": f.region_id,
            "township": township,
            "township_name": townships.get(township, ""),
            "filed_at": timezone.localtime(first).isoformat(timespec="minutes") if first else None,
            "on_behalf": report.on_behalf if report else None,
        }
        buckets[status].append(row)
        t = by_township.setdefault(
            township,
            {"code": township, "name": row["township_name"], "expected": 0, "on_time": 0, "late": 0,
             "missing": 0, "pending": 0},
        )  # fmt: skip
        t["expected"] += 1
        t[status] += 1
    return {
        "region": region.code,
        "region_name": region.name,
        "month": f"{month:%Y-%m}",
        "due": capacity.due_date(month, due_day).isoformat(),
        "expected": len(facilities),
        "on_time": len(buckets["on_time"]),
        "late": buckets["late"],
        "missing": buckets["missing"],
        "pending": buckets["pending"],
        "townships": [by_township[k] for k in sorted(by_township)],
    }


def _first_filed(
    pk: int, firsts: dict[int, dt.datetime], report: CapacityReport | None
) -> dt.datetime | None:
    """When the month was first reported (a correction filed later does not make an on-time report late)."""
    if report is None:
        return None
    return firsts.get(pk, report.filed_at)


def report_row(r: CapacityReport) -> dict[str, Any]:
    return {
        "id": r.pk,
        "month": f"{r.month:%Y-%m}",
        "current": r.current,
        "beds": r.beds,
        "nursing_beds": r.nursing_beds,
        "in_use": r.in_use,
        "nursing_in_use": r.nursing_in_use,
        "general_in_use": r.general_in_use,
        "nursing_vacant": r.nursing_vacant,
        "general_vacant": r.general_vacant,
        "by_level": r.by_level(),
        "tekun": r.tekun,
        "dibao": r.dibao,
        "social": r.social,
        "caregivers_on_duty": r.caregivers_on_duty,
        "staff_on_duty": r.staff_on_duty,
        "filed_at": timezone.localtime(r.filed_at).isoformat(timespec="minutes"),
        "filed_by": r.filed_by_name,
        "on_behalf": r.on_behalf,
        "late": r.late,
        "replaces": r.replaces_id,
        "reason": r.reason,
    }


def report_history(facility: Facility) -> list[dict[str, Any]]:
    """Every report of a facility, newest month first; within a month the current version first."""
    return [
        report_row(r)
        for r in CapacityReport.objects.filter(facility=facility).order_by(
            "-month", "-current", "-filed_at", "-pk"
        )
    ]
