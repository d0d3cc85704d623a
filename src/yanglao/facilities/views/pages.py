"""The facility list (filters, paging, XLSX export) and a facility's page (beds, occupancy trend, residents,
staff, capacity reports with their history, the checks concerning it, field history)."""

from __future__ import annotations

from collections import Counter
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe

from yanglao.accounts.scope import may
from yanglao.audit.log import audit
from yanglao.audit.models import Action
from yanglao.core.facilities.capacity import FIGURES, due_date, status_of
from yanglao.core.facilities.fileformat import COLUMNS
from yanglao.core.stats import svg
from yanglao.facilities import history
from yanglao.facilities.actions import report_due_day
from yanglao.facilities.models import (
    CapacityReport,
    Facility,
    FacilityKind,
    Operator,
    SkillLevel,
    StaffRole,
    Status,
    Tier,
)
from yanglao.facilities.queries import export_xlsx
from yanglao.facilities.reportmodels import ABILITY_LABELS
from yanglao.facilities.views import common
from yanglao.facilities.views.checks import checks_concerning

PAGE = 50
FILTER_LABELS = {"kind": "类型", "tier": "层级", "operator": "运营方式", "status": "状态"}
FILTERS = {
    "kind": FacilityKind.choices,
    "tier": Tier.choices,
    "operator": Operator.choices,
    "status": Status.choices,
}


def filtered(request: HttpRequest, qs: QuerySet[Facility]) -> tuple[QuerySet[Facility], dict[str, str]]:
    """The list's filters from the query string (unknown values ignored)."""
    chosen: dict[str, str] = {}
    for name, choices in FILTERS.items():
        value = request.GET.get(name, "")
        if value in dict(choices):
            qs = qs.filter(**{name: value})
            chosen[name] = value
    township = request.GET.get("township", "")
    if len(township) == 12 and township.isdigit():
        qs = qs.filter(region__code__startswith=township[:9])
        chosen["township"] = township
    text = request.GET.get("q", "").strip()[:50]
    if text:
        qs = qs.filter(Q(name__contains=text) | Q(address__contains=text) | Q(licence_number=text))
        chosen["q"] = text
    return qs, chosen


@login_required
def index(request: HttpRequest) -> HttpResponse:
    qs, chosen = filtered(request, common.visible(request).select_related("region"))
    qs = qs.order_by("region_id", "kind", "name", "pk")
    if request.GET.get("format") == "xlsx":
        count = qs.count()
        return common.xlsx_download(
            request, data=export_xlsx(qs), filename="facilities.xlsx", summary="养老服务设施名录", count=count
        )
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    totals = qs.aggregate(n=Count("pk"), beds=Sum("beds"))
    beds = int(totals["beds"] or 0)
    audit(
        request.user,
        Action.VIEW,
        request=request,
        object_type="facility",
        object_id="list",
        summary=f"查看养老服务设施名录（{totals['n']} 个）",
    )
    user = request.user
    return render(
        request,
        "facilities/list.html",
        {
            "page": page,
            "total": totals["n"],
            "beds": beds,
            "filters": [
                (name, FILTER_LABELS[name], choices, chosen.get(name, ""))
                for name, choices in FILTERS.items()
            ],
            "chosen": chosen,
            "townships": common.townships_in_scope(request),
            "query": urlencode(chosen),
            "export_query": urlencode({**chosen, "format": "xlsx"}),
            "can_write": may(user, "facilities.write"),
            "can_network": _may_network(request),
        },
    )


def _may_network(request: HttpRequest) -> bool:
    try:
        common.require_network(request)
    except Exception:
        return False
    return True


def occupancy_chart(reports: list[CapacityReport]) -> str:
    """The last 12 months' occupancy as an SVG line chart (beds in use and beds), drawn on the server."""
    if not reports:
        return ""
    labels = [f"{r.month.year}年1月" if r.month.month == 1 else f"{r.month.month}月" for r in reports]
    return svg.line_chart(
        labels,
        [("床位", [r.beds for r in reports]), ("在用床位", [r.in_use for r in reports])],
        width=420,
        height=200,
    )


def report_rows(facility: Facility, today: Any) -> tuple[list[dict[str, Any]], list[CapacityReport]]:
    """Each of the last 12 months: its current report (or missing/pending) and replaced versions."""
    months = common.last_months(today, 12)
    due_day = report_due_day()
    reports = list(facility.reports.filter(month__gte=months[0]).order_by("month", "filed_at", "pk"))
    by_month: dict[Any, list[CapacityReport]] = {}
    for r in reports:
        by_month.setdefault(r.month, []).append(r)
    rows = []
    for month in reversed(months):
        versions = by_month.get(month, [])
        current = next((r for r in versions if r.current), None)
        state = status_of(month, current.filed_at.date() if current else None, today, due_day)
        if current is not None and current.late:
            state = "late"
        rows.append(
            {
                "month": month,
                "report": current,
                "state": state,
                "due": due_date(month, due_day),
                "replaced": [r for r in versions if not r.current],
            }
        )
    return rows, [r for r in reports if r.current]


def staff_summary(facility: Facility) -> dict[str, Any]:
    staff = list(facility.staff.filter(left_on__isnull=True).prefetch_related("trainings"))
    roles = Counter(s.role for s in staff)
    levels = Counter(s.skill_level for s in staff if s.role == StaffRole.CAREGIVER)
    return {
        "members": staff,
        "by_role": [(label, roles.get(code, 0)) for code, label in StaffRole.choices],
        "by_level": [(label, levels.get(code, 0)) for code, label in SkillLevel.choices],
        "trained": sum(1 for s in staff if s.trainings.all()),
    }


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    facility = common.facility_in_scope(request, pk)
    today = common.today()
    rows, current = report_rows(facility, today)
    latest = current[-1] if current else None
    changes = history.facility_changes(facility)
    audit(
        request.user,
        Action.VIEW,
        request=request,
        object_type="facility",
        object_id=str(facility.pk),
        summary=f"查看养老服务设施：{facility.name}",
    )
    latest_levels = list(zip(ABILITY_LABELS, latest.by_level(), strict=True)) if latest else []
    return render(
        request,
        "facilities/detail.html",
        {
            "f": facility,
            "region_name": facility.region.full_name(),
            "services": [label for code, label in _service_labels() if code in (facility.services or [])],
            "latest": latest,
            "levels": latest_levels,
            "groups": [(FIGURES[k], getattr(latest, k)) for k in ("tekun", "dibao", "social")]
            if latest
            else [],
            "chart": mark_safe(occupancy_chart(current[-12:])),
            "rows": rows,
            "staff": staff_summary(facility),
            "changes": change_rows(changes),
            "township_code": facility.region_id[:9] + "000"
            if len(facility.region_id) == 12
            else facility.region_id,
            "sources": history.latest_sources(changes),
            "checks": checks_concerning(request, facility, today),
            "can_write": may(request.user, "facilities.write"),
            "can_report": may(request.user, "facilities.report") and facility.status != Status.PLANNED,
            "can_network": _may_network(request),
        },
    )


def change_rows(changes: list[Any]) -> list[dict[str, Any]]:
    """The latest 30 change events, newest first, each field by its label with old and new values."""
    out = []
    for c in list(reversed(changes))[:30]:
        items = [
            (
                COLUMNS.get(name, "在住人数" if name == "occupied_beds" else name),
                history.shown(name, old),
                history.shown(name, new),
            )
            for name, (old, new) in c.changes.items()
        ]
        out.append(
            {
                "as_of": c.as_of,
                "kind": c.get_kind_display(),
                "source": c.source,
                "by": c.actor_name,
                "items": items,
            }
        )
    return out


def _service_labels() -> list[tuple[str, str]]:
    from yanglao.facilities.models import Service

    return list(Service.choices)
