"""Complaints: intake (12345, phone, walk-in; the public form without login), routing, reply deadline,
reply, reopen, satisfaction, turning into a hazard."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from yanglao.accounts.scope import may, require
from yanglao.audit.log import audit
from yanglao.audit.models import Action
from yanglao.facilities.models import Facility
from yanglao.regions.models import Level as RegionLevel
from yanglao.regions.models import Region
from yanglao.supervision import access, actions, rules
from yanglao.supervision.board import hazard_state
from yanglao.supervision.models import Channel, Level, Route, Satisfaction, Severity
from yanglao.supervision.views.common import files_of, now, text


def _townships(prefix: str) -> list[Region]:
    return list(Region.objects.filter(level=RegionLevel.TOWNSHIP, code__startswith=prefix).order_by("code"))


@login_required
def complaint_list(request: HttpRequest) -> HttpResponse:
    access.require_read(request)
    error = ""
    if request.method == "POST":
        require(request, "complaints.handle")
        error, number = _intake(request)
        if not error:
            return redirect(reverse("supervision:complaints") + f"?saved={number}")
    rows = access.complaints(request.user)
    status = request.GET.get("status", "")
    if status:
        rows = rows.filter(status=status)
    user_region = request.user.region_id or ""  # type: ignore[union-attr]
    context = {
        "rows": rows[:200],
        "now": now(),
        "status": status,
        "can_handle": may(request.user, "complaints.handle"),
        "channels": [c for c in Channel.choices if c[0] != Channel.PUBLIC],
        "routes": Route.choices,
        "severities": Severity.choices,
        "facilities": access.facilities(request.user).order_by("name")
        if may(request.user, "complaints.handle")
        else [],
        "townships": _townships(str(user_region)[:6]) if user_region else [],
        "values": request.POST if error else {},
        "error": error,
        "tab": "complaints",
    }
    return render(request, "supervision/complaints.html", context, status=400 if error else 200)


def _intake(request: HttpRequest) -> tuple[str, str]:
    channel, route, severity = (request.POST.get(k, "") for k in ("channel", "route", "severity"))
    if channel not in Channel.values or route not in Route.values or severity not in Severity.values:
        return "请选择渠道、转办方式和紧急程度", ""
    subject, body = text(request, "subject", 100), text(request, "text")
    if not subject or not body:
        return "请填写投诉事项和内容", ""
    mine = Region.objects.filter(code=request.user.region_id).first()  # type: ignore[union-attr]
    if mine is None:
        return "当前账号没有所属区划，不能受理投诉", ""
    facility = None
    raw = request.POST.get("facility", "")
    if raw:
        facility = Facility.objects.filter(pk=raw).first() if raw.isdigit() else None
        if facility is None:
            return "被投诉机构不存在", ""
    region = mine
    township = request.POST.get("township", "")
    if township:
        region = Region.objects.filter(code=township, code__startswith=mine.prefix).first() or mine
    elif facility is not None and mine.contains(str(facility.region_id)):
        region = Region.objects.filter(code=actions.township_of(facility)).first() or mine
    if facility is not None and not mine.contains(str(facility.region_id)):
        return f"“{facility.name}”不在{mine.name}辖区内，请转有管辖权的民政部门受理（未保存）", ""
    try:
        made = actions.do_complaint(
            request,
            request.user,
            channel=channel,
            region=region,
            facility=facility,
            route=route,
            department=text(request, "department", 60),
            subject=subject,
            text=body,
            complainant=text(request, "complainant", 40),
            phone=text(request, "phone", 20),
            severity=severity,
            files=files_of(request),
            now=now(),
        )
    except rules.RuleError as exc:
        return str(exc), ""
    return "", made.number


@login_required
def complaint(request: HttpRequest, pk: int) -> HttpResponse:
    access.require_read(request)
    item = access.access_complaint(request, pk, "查看投诉")
    at = now()
    hazards = [(h, hazard_state(h, at)) for h in item.hazard_set.all()]
    if may(request.user, "complaints.handle") and (item.complainant or item.phone):
        audit(
            request.user,
            Action.VIEW,
            request=request,
            object_type="complaint",
            object_id=item.number,
            summary=f"查看投诉人信息：{item.number}",
            detail={"region": str(item.region_id)},
        )
    context = {
        "c": item,
        "overdue": item.status in ("open", "reopened") and item.reply_due < at,
        "hazards": hazards,
        "evidence": item.evidence_set.all(),
        "can_handle": may(request.user, "complaints.handle"),
        "satisfactions": Satisfaction.choices,
        "levels": Level.choices,
        "error": request.GET.get("error", ""),
        "tab": "complaints",
    }
    return render(request, "supervision/complaint.html", context)


@login_required
@require_POST
def complaint_act(request: HttpRequest, pk: int) -> HttpResponse:
    """答复 / 重新办理 / 回访办结 / 转为隐患."""
    require(request, "complaints.handle")
    item = access.access_complaint(request, pk, "办理投诉")
    what, at = request.POST.get("do", ""), now()
    try:
        if what == "reply" and text(request, "reply"):
            actions.do_reply(request, request.user, item, text=text(request, "reply"), now=at)
        elif what == "reopen" and text(request, "reason"):
            actions.do_reopen(request, request.user, item, reason=text(request, "reason"), now=at)
        elif what == "close" and request.POST.get("satisfaction") in Satisfaction.values:
            actions.do_close(request, request.user, item, satisfaction=request.POST["satisfaction"], now=at)
        elif what == "hazard" and request.POST.get("level") in Level.values:
            actions.do_complaint_hazard(request, request.user, item, level=request.POST["level"], now=at)
        else:
            raise rules.RuleError("请填写答复、原因或选择满意度、风险等级")
    except rules.RuleError as exc:
        return render(request, "supervision/error.html", {"message": str(exc)}, status=400)
    return redirect(reverse("supervision:complaint", args=[pk]) + "?saved=1")


def public_complaint(request: HttpRequest) -> HttpResponse:
    """The public form (no login): a complaint about a facility or a township's service."""
    townships = _townships("")
    facilities = Facility.objects.select_related("region").order_by("name")
    error, number = "", request.GET.get("number", "")
    if request.method == "POST":
        error, number = _public_intake(request)
        if not error:
            return redirect(reverse("supervision:public-complaint") + f"?number={number}")
    context = {
        "townships": townships,
        "facilities": facilities,
        "error": error,
        "number": number,
        "values": request.POST if error else {},
    }
    return render(request, "supervision/public_complaint.html", context, status=400 if error else 200)


@transaction.atomic
def _public_intake(request: HttpRequest) -> tuple[str, str]:
    subject, body = text(request, "subject", 100), text(request, "text")
    township = Region.objects.filter(
        code=request.POST.get("township", ""), level=RegionLevel.TOWNSHIP
    ).first()
    if township is None or not subject or not body:
        return "请选择乡镇（苏木）并填写投诉事项和内容", ""
    raw = request.POST.get("facility", "")
    facility = Facility.objects.filter(pk=raw).first() if raw.isdigit() else None
    if raw and facility is None:
        return "所选机构不存在", ""
    try:
        made = actions.do_complaint(
            request,
            None,
            channel=Channel.PUBLIC,
            region=township,
            facility=facility,
            route=Route.FACILITY if facility else Route.TOWNSHIP,
            department="",
            subject=subject,
            text=body,
            complainant=text(request, "complainant", 40),
            phone=text(request, "phone", 20),
            severity=Severity.NORMAL,
            files=files_of(request),
            now=now(),
        )
    except rules.RuleError as exc:
        return str(exc), ""
    return "", made.number
