"""Inspection plans (annual, 双随机, special campaigns) and the inspection record made on a tablet
(works offline: static/supervision/inspect.js keeps it and sends it later)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_datetime

from yanglao.accounts.scope import may, require, scope_of
from yanglao.facilities.models import INSTITUTION_KINDS, Facility, Status
from yanglao.regions.models import Region
from yanglao.supervision import access, actions, rules
from yanglao.supervision.models import InspectionPlan, PlanKind
from yanglao.supervision.views.common import failed, files_of, now, text, wants_json


@login_required
def plans(request: HttpRequest) -> HttpResponse:
    access.require_read(request)
    error = ""
    if request.method == "POST":
        require(request, "supervision.inspect")
        error = _create_plan(request)
        if not error:
            return redirect(reverse("supervision:plans") + "?saved=1")
    context = {
        "plans": access.plans(request.user)[:50],
        "kinds": PlanKind.choices,
        "can_plan": may(request.user, "supervision.inspect"),
        "error": error,
        "year": now().astimezone(rules.SHANGHAI).year,
        "tab": "plans",
    }
    return render(request, "supervision/plans.html", context, status=400 if error else 200)


def _create_plan(request: HttpRequest) -> str:
    kind, name = request.POST.get("kind", ""), text(request, "name", 100)
    if kind not in PlanKind.values or not name:
        return "请填写计划名称并选择类型"
    scope = scope_of(request.user)
    region = Region.objects.filter(code=request.user.region_id).first()  # type: ignore[union-attr]
    if region is None or not scope.prefix:
        return "当前账号没有所属区划，不能制定检查计划"
    pool = access.facilities(request.user).exclude(status=Status.CLOSED)
    if request.POST.get("institutions"):
        pool = pool.filter(kind__in=INSTITUTION_KINDS)
    inspectors = [line.strip() for line in text(request, "inspectors", 4000).splitlines() if line.strip()]
    try:
        count = int(request.POST.get("count") or 0)
        year = int(request.POST.get("year") or 0)
    except ValueError:
        return "抽取数量和年度应为整数"
    if kind == PlanKind.RANDOM and (count < 1 or len(inspectors) < 2):
        return "双随机抽查须填写抽取机构数（至少1个）和检查人员名录（至少2人）"
    actions.do_plan(
        request,
        request.user,
        name=name,
        kind=kind,
        region=region,
        year=year or now().year,
        facilities=list(pool.values_list("pk", flat=True)),
        inspectors=inspectors,
        count=count,
        seed=text(request, "seed", 64),
        now=now(),
        note=text(request, "note", 200),
    )
    return ""


@login_required
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    access.require_read(request)
    item = access.access_plan(request, pk, "查看检查计划")
    chosen = {f.pk: f for f in access.facilities(request.user).filter(pk__in=item.draw.get("facilities", []))}
    done = set(item.inspection_set.values_list("facility_id", flat=True))
    rows = [
        (chosen[pk], item.draw.get("teams", {}).get(str(pk), []), pk in done)
        for pk in item.draw.get("facilities", [])
        if pk in chosen
    ]
    return render(request, "supervision/plan.html", {"plan": item, "rows": rows, "tab": "plans"})


def _inspect_context(request: HttpRequest, facility: Facility, error: str = "") -> dict[str, object]:
    checklist = rules.checklist_for(str(facility.region_id), now().astimezone(rules.SHANGHAI).date())
    return {
        "f": facility,
        "checklist": checklist,
        "levels": rules.LEVELS,
        "client_id": uuid.uuid4(),
        "at": now().astimezone(rules.SHANGHAI).strftime("%Y-%m-%dT%H:%M"),
        "plan": request.GET.get("plan", ""),
        "max_mb": int(rules.parameter("evidence", now().date())["max_bytes"]) // 1_000_000,
        "error": error,
        "tab": "",
    }


@login_required
def inspect(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the checklist form; POST: record the inspection (JSON to the tablet's script)."""
    require(request, "supervision.inspect")
    facility = access.access_facility(request, pk, "监管检查")
    if request.method != "POST":
        return render(request, "supervision/inspect.html", _inspect_context(request, facility))
    error, done = _record(request, facility)
    if error:
        if wants_json(request):
            return failed(error)
        return render(
            request, "supervision/inspect.html", _inspect_context(request, facility, error), status=400
        )
    assert done is not None
    url = reverse("supervision:inspection", args=[done])
    if wants_json(request):
        return JsonResponse({"ok": True, "inspection": done, "url": url})
    return redirect(url)


def _record(request: HttpRequest, facility: Facility) -> tuple[str, int | None]:
    at = parse_datetime(request.POST.get("inspected_at", ""))
    if at is None:
        return "请填写检查时间", None
    if at.tzinfo is None:
        at = at.replace(tzinfo=rules.SHANGHAI)
    if at > now() + dt.timedelta(minutes=10):
        return "检查时间不能晚于现在", None
    inspectors = text(request, "inspectors", 200)
    if not inspectors:
        return "请填写检查人员", None
    try:
        client = uuid.UUID(request.POST.get("client_id", "")) if request.POST.get("client_id") else None
    except ValueError:
        return "客户端编号无效", None
    plan_pk = request.POST.get("plan", "")
    chosen = access.plans(request.user).filter(pk=plan_pk).first() if plan_pk.isdigit() else None
    codes = request.POST.getlist("fail")
    try:
        inspection, _ = actions.do_inspect(
            request,
            request.user,
            facility,
            failed={c: text(request, f"note_{c}", 300) for c in codes},
            inspectors=inspectors,
            inspected_at=at,
            note=text(request, "note"),
            files=files_of(request),
            now=now(),
            client_id=client,
            plan=chosen if isinstance(chosen, InspectionPlan) else None,
        )
    except rules.RuleError as exc:
        return str(exc), None
    return "", inspection.pk


@login_required
def inspection(request: HttpRequest, pk: int) -> HttpResponse:
    access.require_read(request)
    item = access.access_inspection(request, pk, "查看检查记录")
    context = {
        "i": item,
        "findings": item.findings.all(),
        "hazards": item.facility.hazards.filter(finding__inspection=item),
        "evidence": item.evidence_set.all(),
        "tab": "",
    }
    return render(request, "supervision/inspection.html", context)
