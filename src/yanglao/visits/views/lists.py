"""The visits home and its lists: monthly rates, overdue visits, workloads, follow-ups, plans; XLSX each."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from yanglao.accounts.current import current_user
from yanglao.accounts.models import Role
from yanglao.core.idnumber import mask_id_number
from yanglao.core.masking import person_label
from yanglao.core.visits.schedule import due_date
from yanglao.visits import fieldwork, reports
from yanglao.visits.access import can_manage, visit_targets
from yanglao.visits.actions import do_auto_assign, do_make_plans, do_refresh_targets
from yanglao.visits.filters import STATES, FollowUpFilter, RegionFilter, region_choices
from yanglao.visits.models import FollowUpKind
from yanglao.visits.rules import param
from yanglao.visits.views.common import month_of, require_read, wants_xlsx, xlsx_response
from yanglao.visits.views.record import audit_list_view

PAGE = 100


def _rate_text(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def _my_people(request: HttpRequest, today: dt.date) -> list[dict[str, Any]]:
    """A visitor's own people, the most urgent first (the phone's main list)."""
    rows = (
        visit_targets(request.user)
        .select_related("person")
        .annotate(last=reports.last_visit())
        .order_by("person__name")
    )
    out = []
    for t in rows:
        due = due_date(t.last, t.interval, t.since)
        out.append(
            {
                "pk": t.person_id,
                "name": reports.person_name(request.user, t.person.name),
                "address": t.person.address,
                "tier": t.tier_label,
                "weekly": t.weekly,
                "last": t.last,
                "due": due,
                "late": (today - due).days if due < today else 0,
            }
        )
    out.sort(key=lambda r: (r["due"], r["name"]))
    return out


@login_required
def index(request: HttpRequest) -> HttpResponse:
    require_read(request)
    user = current_user(request)
    today = timezone.localdate()
    tree = reports.monthly_rates(user, today.year, today.month, today)
    context: dict[str, Any] = {
        "tree": tree,
        "rate": _rate_text(tree.rate),
        "weekly_rate": _rate_text(tree.weekly_rate),
        "followups": reports.followup_counts(user),
        "month": f"{today:%Y-%m}",
        "can_manage": can_manage(user),
        "is_visitor": user.role == Role.VISITOR,
    }
    if user.role == Role.VISITOR:
        people = _my_people(request, today)
        audit_list_view(request, "my", "查看我的探访对象", len(people))
        context["people"] = people
        context["overdue"] = sum(1 for p in people if p["late"])
    return render(request, "visits/index.html", context)


@login_required
def rates(request: HttpRequest) -> HttpResponse:
    require_read(request)
    year, month, label = month_of(request)
    today = timezone.localdate()
    tree = reports.monthly_rates(request.user, year, month, today)
    while len(tree.children) == 1 and tree.children[0].children:
        tree = tree.children[0]  # a township user's tree starts at their township
    focus = tree
    wanted = request.GET.get("region", "")
    for township in tree.children:
        if township.code == wanted:
            focus = township
    region = getattr(request.user, "region_id", None)
    target = param(region, "monthly_rate_target", today)
    if wants_xlsx(request):
        rows: list[list[Any]] = []
        for township in [tree, *tree.children]:
            for row in [township, *(township.children if township is not tree else [])]:
                rows.append(
                    [
                        row.code,
                        row.name,
                        row.targets,
                        row.visited,
                        row.rate,
                        row.weekly,
                        row.weekly_on_schedule,
                        row.weekly_rate,
                    ]
                )
        return xlsx_response(
            request,
            name="rates",
            title=f"{label}月探访率",
            headers=[
                "区划代码",
                "名称",
                "探访对象",
                "本月已探访",
                "月探访率(%)",
                "每周探访对象",
                "按时探访",
                "按时率(%)",
            ],
            rows=rows,
            summary=f"{label} {tree.name}",
        )
    context = {"tree": tree, "focus": focus, "month": label, "target": target, "rate_text": _rate_text}
    return render(request, "visits/rates.html", context)


@login_required
def overdue(request: HttpRequest) -> HttpResponse:
    require_read(request)
    today = timezone.localdate()
    region = RegionFilter.of(request.GET)
    rows = reports.overdue_visits(request.user, today, region)
    if wants_xlsx(request):
        people: set[int] = set()
        return xlsx_response(
            request,
            name="overdue",
            title="逾期未探访",
            headers=fieldwork.OVERDUE_HEADERS,
            rows=fieldwork.overdue_sheet(request.user, rows, people),
            summary=f"截至 {today}",
            people=people,
            detail={"full_phone": fieldwork.full_phone(request.user)},
        )
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    audit_list_view(request, "overdue", "查看逾期未探访名单", len(rows))
    context = {
        "page": page,
        "total": len(rows),
        "today": today,
        "region": region,
        "choices": region_choices(request.user, region),
        "query": urlencode(region.params()),
    }
    return render(request, "visits/overdue.html", context)


@login_required
def workloads(request: HttpRequest) -> HttpResponse:
    require_read(request)
    year, month, label = month_of(request)
    visitors = reports.scoped_workers(request.user)
    if wants_xlsx(request):
        return xlsx_response(
            request,
            name="workloads",
            title=f"{label}探访人员工作量",
            headers=[
                "姓名",
                "类别",
                "村（社区）",
                "包干人数",
                "其中每周探访",
                "邻里结对",
                "本月探访次数",
                "最多包干人数",
            ],
            rows=(
                [r.name, r.kind, r.village, r.caseload, r.high, r.neighbours, r.visits, r.capacity]
                for chunk in fieldwork.batches(visitors.iterator())
                for r in reports.workloads(chunk, year, month)
            ),
            summary=label,
        )
    page = Paginator(visitors, PAGE).get_page(request.GET.get("page"))
    rows = reports.workloads(page.object_list, year, month)
    context = {
        "page": page,
        "rows": rows,
        "month": label,
        "total": page.paginator.count,
        "query": urlencode({"month": label}),
    }
    return render(request, "visits/workloads.html", context)


@login_required
def followups(request: HttpRequest) -> HttpResponse:
    require_read(request)
    wanted = FollowUpFilter.of(request.GET)
    now = timezone.now()
    qs = wanted.apply(reports.followups(request.user), now)
    sensitive = current_user(request).sees_sensitive

    def row(f: Any) -> list[Any]:
        return [
            person_label(request.user, f.person),
            mask_id_number(f.person.id_number),
            f.get_kind_display(),
            f.entitlement,
            f.detail if sensitive else "（已隐藏）",
            f.township.name if f.township else "",
            f.opened_at,
            f.due_at,
            "是" if f.overdue else "",
            f.get_status_display(),
            f.closed_at,
            f.resolution,
        ]

    if wants_xlsx(request):
        return xlsx_response(
            request,
            name="followups",
            title="探访跟进事项",
            headers=[
                "姓名",
                "公民身份号码",
                "类型",
                "待遇",
                "情况说明",
                "负责乡镇",
                "发起时间",
                "时限",
                "已超时",
                "状态",
                "办结时间",
                "办理结果",
            ],
            rows=(row(f) for f in qs.iterator()),
            summary=dict(STATES).get(wanted.state, "全部"),
        )
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    audit_list_view(request, "followups", "查看探访跟进事项", page.paginator.count)
    context = {
        "page": page,
        "wanted": wanted,
        "status": wanted.state,
        "statuses": STATES,
        "kinds": FollowUpKind.choices,
        "choices": region_choices(request.user, wanted.region),
        "query": wanted.query(),
        "now": now,
        "can_manage": can_manage(request.user),
    }
    return render(request, "visits/followups.html", context)


@login_required
def plans(request: HttpRequest) -> HttpResponse:
    require_read(request)
    year, month, label = month_of(request)
    today = timezone.localdate()
    region = RegionFilter.of(request.GET)
    entries = fieldwork.plan_entries(request.user, year, month, region)
    if wants_xlsx(request):
        people: set[int] = set()
        return xlsx_response(
            request,
            name="plans",
            title=f"{label}月度探访计划",
            headers=fieldwork.PLAN_HEADERS,
            rows=fieldwork.plan_sheet(request.user, entries, today, people),
            summary=label,
            people=people,
            detail={"full_phone": fieldwork.full_phone(request.user)},
        )
    page = Paginator(entries, PAGE).get_page(request.GET.get("page"))
    rows = fieldwork.plan_rows(request.user, list(page.object_list), today)
    audit_list_view(request, "plans", f"查看{label}月度探访计划", page.paginator.count)
    context = {
        "page": page,
        "rows": rows,
        "month": label,
        "total": page.paginator.count,
        "region": region,
        "choices": region_choices(request.user, region),
        "query": urlencode({"month": label, **region.params()}),
    }
    return render(request, "visits/plans.html", context)


@login_required
@require_POST
def refresh(request: HttpRequest) -> HttpResponse:
    """Caseworkers: recompute the targets of their region, assign, and make this month's plan."""
    user = current_user(request)
    if not can_manage(user) or user.region_id is None:
        raise PermissionDenied("当前角色不能更新探访对象")
    today = timezone.localdate()
    counts = do_refresh_targets(user, user.region_id, today, request=request)
    assigned = do_auto_assign(user, user.region_id, request=request)
    entries = do_make_plans(user, user.region_id, today.year, today.month, request=request)
    messages.success(
        request,
        f"探访对象 {counts['targets']} 人；已分配 {assigned['assigned']} 人"
        f"（{assigned['unassigned']} 人所在村尚无探访人员）；本月计划 {entries} 次",
    )
    return redirect("visits:index")
