"""A person's enrolments and payee account (享受记录与发放账户): listed, an enrolment ended with a reason,
the account added or changed (its history kept), the full number revealed on purpose (audited)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from yanglao.accounts.scope import may, require
from yanglao.core.idnumber import mask_id_number
from yanglao.core.masking import mask, person_label
from yanglao.entitlements.accounts import (
    AccountError,
    do_reveal_account,
    do_set_account,
    may_reveal_account,
)
from yanglao.entitlements.actions import ApprovalError, do_end_enrolment
from yanglao.entitlements.models import Enrolment, EnrolmentStatus, PayeeAccount, PayeeAccountHistory
from yanglao.registry.access import access_person_by_pk
from yanglao.registry.models import Person


def _person(request: HttpRequest, pk: int, purpose: str) -> Person:
    require(request, "entitlements.read")
    return access_person_by_pk(request, pk, purpose=purpose)


def _render(
    request: HttpRequest,
    person: Person,
    *,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    end_errors: dict[int, str] | None = None,
    revealed: str = "",
    status: int = 200,
) -> HttpResponse:
    user: Any = request.user
    role = str(getattr(user, "role", ""))
    account = PayeeAccount.objects.filter(person=person).first()
    history = list(PayeeAccountHistory.objects.filter(person=person).select_related("replaced_by"))
    enrolments = list(
        Enrolment.objects.filter(person=person).order_by("status", "-start", "catalog", "item_no")
    )
    context = {
        "person": person,
        "label": person_label(user, person),
        "id_number": mask_id_number(person.id_number),
        "account": account,
        "holder": mask(role, "holder_name", account.holder_name) if account else "",
        "history": [{"h": h, "holder": mask(role, "holder_name", h.holder_name)} for h in history],
        "enrolments": enrolments,
        "active": EnrolmentStatus.ACTIVE,
        "can_change": may(user, "payments.work"),
        "can_end": may(user, "entitlements.work"),
        "can_reveal": may_reveal_account(user) and account is not None,
        "revealed": revealed,
        "form": form or {},
        "errors": errors or {},
        "end_errors": end_errors or {},
        "today": timezone.localdate(),
    }
    return render(request, "entitlements/person.html", context, status=status)


@login_required
@require_http_methods(["GET"])
def person(request: HttpRequest, pk: int) -> HttpResponse:
    return _render(request, _person(request, pk, "查看享受记录与发放账户"))


@login_required
@require_POST
def account(request: HttpRequest, pk: int) -> HttpResponse:
    """Add or change the person's payee account; a refused change keeps what was typed, the error beside
    its field."""
    require(request, "payments.work")
    person = _person(request, pk, "变更发放账户")
    post = request.POST
    form = {k: post.get(k, "") for k in ("bank", "account_number", "holder_name", "reason")}
    try:
        do_set_account(request.user, person, request=request, **form)
    except AccountError as exc:
        return _render(request, person, form=form, errors={exc.field: exc.reason}, status=400)
    messages.success(request, "发放账户已保存")
    return redirect("entitlements:person", pk=person.pk)


@login_required
@require_POST
def reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """The full account number, once, audited (roles that pay only)."""
    require(request, "payments.work")
    person = _person(request, pk, "查看完整发放账号")
    account = PayeeAccount.objects.filter(person=person).first()
    if account is None:
        messages.error(request, "此人没有发放账户")
        return redirect("entitlements:person", pk=person.pk)
    return _render(request, person, revealed=do_reveal_account(request, person, account))


@login_required
@require_POST
def end_enrolment(request: HttpRequest, pk: int, enrolment: int) -> HttpResponse:
    require(request, "entitlements.work")
    person = _person(request, pk, "停止享受")
    target = Enrolment.objects.filter(pk=enrolment, person=person).first()
    if target is None:
        messages.error(request, "未找到该享受记录")
        return redirect("entitlements:person", pk=person.pk)
    raw = request.POST.get("end", "").strip()
    try:
        try:
            end = dt.date.fromisoformat(raw)
        except ValueError:
            raise ApprovalError(f"停止日期应为 YYYY-MM-DD，实际为“{raw}”") from None
        if end < target.start:
            raise ApprovalError(f"停止日期不能早于起始日期 {target.start}")
        do_end_enrolment(
            request.user, target, end=end, reason=request.POST.get("reason", ""), request=request
        )
    except ApprovalError as exc:
        return _render(request, person, end_errors={target.pk: str(exc)}, status=400)
    messages.success(request, f"已停止享受：第{target.item_no}项 {target.name}")
    return redirect("entitlements:person", pk=person.pk)
