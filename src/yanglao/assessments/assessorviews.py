"""The assessors page (评估员管理): the qualifications of the users of one's jurisdiction, registering
one, ending one. For county caseworkers and administrators (``users.manage``); every write audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from yanglao.accounts.scope import deny, require
from yanglao.assessments.assessors import (
    QualificationError,
    do_add_qualification,
    do_end_qualification,
    scoped_qualifications,
    scoped_staff,
)
from yanglao.assessments.models import AssessorQualification

FIELDS = ("user", "number", "issuer", "valid_from", "valid_until")


def _page(
    request: HttpRequest,
    *,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    end_errors: dict[int, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    today = timezone.localdate()
    rows = [
        {"q": q, "valid": q.is_valid_on(today)}
        for q in scoped_qualifications(request.user).order_by("user__username", "-valid_from", "-pk")
    ]
    context: dict[str, Any] = {
        "rows": rows,
        "staff": scoped_staff(request.user).filter(is_active=True).order_by("region_id", "username"),
        "form": form or {"valid_from": today.isoformat()},
        "errors": errors or {},
        "end_errors": end_errors or {},
        "today": today,
    }
    return render(request, "assessments/assessors.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def assessors(request: HttpRequest) -> HttpResponse:
    require(request, "users.manage")
    if request.method == "GET":
        return _page(request)
    form = {k: request.POST.get(k, "") for k in FIELDS}
    raw = form["user"]
    user = scoped_staff(request.user).filter(pk=int(raw), is_active=True).first() if raw.isdigit() else None
    try:
        if user is None:
            raise QualificationError("user", "请选择本辖区的用户")
        do_add_qualification(
            request.user,
            user,
            number=form["number"],
            issuer=form["issuer"],
            valid_from=form["valid_from"],
            valid_until=form["valid_until"],
            request=request,
        )
    except QualificationError as exc:
        return _page(request, form=form, errors={exc.field: exc.reason}, status=400)
    messages.success(request, f"已登记评估员资质：{user}")
    return redirect("assessments:assessors")


def _access(request: HttpRequest, pk: int) -> AssessorQualification:
    q = scoped_qualifications(request.user).filter(pk=pk).first()
    if q is None:
        other = AssessorQualification.objects.filter(pk=pk).select_related("user").first()
        raise deny(
            request,
            exists=other is not None,
            object_type="assessor",
            object_id=other.user.username if other else str(pk),
            what="终止评估员资质",
            message="未找到该资质",
        )
    return q


@login_required
@require_POST
def end(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "users.manage")
    q = _access(request, pk)
    raw = request.POST.get("on", "").strip()
    try:
        try:
            on = dt.date.fromisoformat(raw)
        except ValueError:
            raise QualificationError("on", f"终止日期应为 YYYY-MM-DD，实际为“{raw}”") from None
        do_end_qualification(request.user, q, on=on, reason=request.POST.get("reason", ""), request=request)
    except QualificationError as exc:
        return _page(request, end_errors={q.pk: exc.reason}, status=400)
    messages.success(request, f"已终止评估员资质：{q.user}，证书 {q.number}")
    return redirect("assessments:assessors")
