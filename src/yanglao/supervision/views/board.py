"""The 动态清零 board, the hazards and their rectification, the risk-ranked plan, a facility's
supervision page and the evidence files."""

from __future__ import annotations

import mimetypes

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from yanglao.accounts.models import Role
from yanglao.accounts.scope import may, require, role_of
from yanglao.audit.log import audit
from yanglao.audit.models import Action
from yanglao.supervision import access, actions, rules
from yanglao.supervision.board import board, hazard_state, risk_ranking
from yanglao.supervision.models import Evidence, HazardStatus, Level
from yanglao.supervision.views.common import files_of, now, text


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """动态清零: open, overdue and escalated hazards per township, and those cleared this month."""
    access.require_read(request)
    at = now()
    hazards = access.hazards(request.user)
    overdue = [
        (h, hazard_state(h, at))
        for h in hazards.exclude(status=HazardStatus.CLEARED).filter(due_at__lt=at).order_by("due_at")[:50]
    ]
    context = {"board": board(hazards, at), "overdue": overdue, "tab": "index"}
    return render(request, "supervision/index.html", context)


@login_required
def hazard_list(request: HttpRequest) -> HttpResponse:
    access.require_read(request)
    at = now()
    rows = access.hazards(request.user).order_by("due_at")
    state = request.GET.get("state", "open")
    township = request.GET.get("township", "")
    if township:
        rows = rows.filter(township=township)
    if state == "cleared":
        rows = rows.filter(status=HazardStatus.CLEARED, cleared_at__gte=rules.month_start(at))
    elif state in ("open", "overdue"):
        rows = rows.exclude(status=HazardStatus.CLEARED)
        if state == "overdue":
            rows = rows.filter(due_at__lt=at)
    shown = [(h, hazard_state(h, at)) for h in rows[:300]]
    context = {"rows": shown, "state": state, "township": township, "tab": "hazards"}
    return render(request, "supervision/hazards.html", context)


@login_required
def hazard(request: HttpRequest, pk: int) -> HttpResponse:
    access.require_read(request)
    item = access.access_hazard(request, pk, "查看隐患")
    context = {
        "h": item,
        "state": hazard_state(item, now()),
        "evidence": item.evidence_set.all(),
        "can_rectify": may(request.user, "supervision.rectify"),
        "can_verify": may(request.user, "supervision.inspect"),
        "error": request.GET.get("error", ""),
        "tab": "hazards",
    }
    return render(request, "supervision/hazard.html", context)


def _back(pk: int, error: str = "") -> HttpResponse:
    url = reverse("supervision:hazard", args=[pk])
    return redirect(url + (f"?error={error}" if error else "?saved=1"))


@login_required
@require_POST
def rectify(request: HttpRequest, pk: int) -> HttpResponse:
    """整改: the facility (or the caseworker for it) says what was done, with photos or PDF."""
    require(request, "supervision.rectify")
    item = access.access_hazard(request, pk, "提交隐患整改")
    note = text(request, "rectification")
    if not note:
        return render(request, "supervision/error.html", {"message": "请写明整改情况"}, status=400)
    try:
        actions.do_rectify(request, request.user, item, text=note, files=files_of(request), now=now())
    except rules.RuleError as exc:
        return render(request, "supervision/error.html", {"message": str(exc)}, status=400)
    return _back(pk)


@login_required
@require_POST
def verify(request: HttpRequest, pk: int) -> HttpResponse:
    """复查: the bureau checks the rectification; passed clears the hazard."""
    require(request, "supervision.inspect")
    item = access.access_hazard(request, pk, "复查隐患")
    try:
        actions.do_verify(
            request,
            request.user,
            item,
            passed=request.POST.get("passed") == "1",
            note=text(request, "note"),
            now=now(),
        )
    except rules.RuleError as exc:
        return render(request, "supervision/error.html", {"message": str(exc)}, status=400)
    return _back(pk)


@login_required
@require_POST
def report_hazard(request: HttpRequest, pk: int) -> HttpResponse:
    """A hazard reported outside an inspection (a report from the township, the fire brigade…)."""
    require(request, "supervision.inspect")
    facility = access.access_facility(request, pk, "报告隐患")
    title, level = text(request, "title", 200), request.POST.get("level", "")
    if not title or level not in Level.values:
        return render(
            request, "supervision/error.html", {"message": "请填写隐患内容并选择风险等级"}, status=400
        )
    made = actions.do_report_hazard(request, request.user, facility, title=title, level=level, now=now())
    return redirect("supervision:hazard", made.pk)


@login_required
def facility(request: HttpRequest, pk: int) -> HttpResponse:
    """One facility's supervision: inspections, hazards, ratings, complaints."""
    access.require_read(request)
    item = access.access_facility(request, pk, "查看机构监管信息")
    at = now()
    context = {
        "f": item,
        "inspections": item.inspections.all()[:20],
        "hazards": [(h, hazard_state(h, at)) for h in item.hazards.order_by("-opened_at")[:50]],
        "ratings": item.ratings.all()[:10],
        "complaints": access.complaints(request.user).filter(facility=item)[:20],
        "levels": Level.choices,
        "can_inspect": may(request.user, "supervision.inspect"),
        "can_rate": may(request.user, "supervision.rectify"),
        "self_rating": role_of(request.user) == Role.CAREHOME,
        "tab": "",
    }
    return render(request, "supervision/facility.html", context)


@login_required
def risk(request: HttpRequest) -> HttpResponse:
    """风险分级检查计划: facilities by the published risk score, each explained."""
    access.require_read(request)
    ranked = risk_ranking(access.facilities(request.user), now())
    context = {"ranked": ranked, "model": rules.risk_model(), "tab": "risk"}
    return render(request, "supervision/risk.html", context)


@login_required
def evidence(request: HttpRequest, pk: int) -> FileResponse:
    access.require_read(request)
    item: Evidence = access.access_evidence(request, pk)
    if not item.file:
        raise Http404
    audit(
        request.user,
        Action.VIEW,
        request=request,
        object_type="evidence",
        object_id=str(pk),
        summary=f"查看证据材料：{item.name}",
    )
    kind = item.content_type or mimetypes.guess_type(item.name)[0] or "application/octet-stream"
    response = FileResponse(item.file.open("rb"), content_type=kind)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
