"""The institution settlement pages: the list with the prepare form, a roll, its review, approval, XLSX."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from yanglao.accounts.scope import deny, may, require, scope_of
from yanglao.carehomes import settlement
from yanglao.carehomes.models import SettlementRoll
from yanglao.carehomes.views import county_of
from yanglao.core.masking import person_label
from yanglao.core.payments import Month
from yanglao.payments.holds import holds_of
from yanglao.payments.models import HoldSource

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _rolls(request: HttpRequest) -> list[SettlementRoll]:
    scope = scope_of(request.user)
    return [r for r in SettlementRoll.objects.all() if scope.covers(r.county)]


def _roll(request: HttpRequest, pk: int) -> SettlementRoll:
    roll = SettlementRoll.objects.filter(pk=pk).first()
    if roll is None or not scope_of(request.user).covers(roll.county):
        raise deny(
            request,
            exists=roll is not None,
            object_type="settlement",
            object_id=str(pk),
            what="查看机构结算表",
        )
    return roll


@login_required
def index(request: HttpRequest) -> HttpResponse:
    require(request, "payments.read")
    if request.method == "POST":
        require(request, "payments.work")
        try:
            month = Month.parse(request.POST.get("month", ""))
            roll = settlement.prepare(request.user, county_of(request.user), month)
        except (settlement.SettlementError, ValueError) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, f"已生成机构结算表：{roll.totals['lines']} 行，合计 {roll.totals['amount']} 元"
            )
            return redirect("carehomes:settlement", pk=roll.pk)
    context = {
        "rolls": _rolls(request),
        "month": f"{timezone.localdate():%Y-%m}",
        "can_work": may(request.user, "payments.work"),
    }
    return render(request, "carehomes/settlements.html", context)


@login_required
def roll_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The settlement with its lines and fund-fraud holds; a POST releases one hold with a reason."""
    require(request, "payments.read")
    if request.method == "POST":
        require(request, "payments.approve")
    roll = _roll(request, pk)
    if request.method == "POST":
        try:
            hold = settlement.release(
                request.user, roll, int(request.POST.get("hold") or 0), request.POST.get("reason", "")
            )
            messages.success(request, f"已释放{hold.title}（第 {hold.seq} 行）")
        except (settlement.SettlementError, ValueError) as exc:
            messages.error(request, str(exc))
        return redirect("carehomes:settlement", pk=roll.pk)
    lines = roll.lines.select_related("facility", "person")
    rows = [(line, person_label(request.user, line.person)) for line in lines]
    homes = sorted(roll.totals.get("homes", {}).items())
    held = [
        (h, person_label(request.user, h.person))
        for h in holds_of(HoldSource.CAREHOME, roll.pk).order_by("seq", "rule")
    ]
    context = {
        "roll": roll,
        "rows": rows,
        "homes": homes,
        "holds": held,
        "open_holds": sum(1 for h, _ in held if not h.released),
        "can_release": may(request.user, "payments.approve")
        and roll.prepared_by_id != request.user.pk
        and roll.state in ("prepared", "reviewed"),
        "can_work": may(request.user, "payments.work"),
    }
    return render(request, "carehomes/settlement.html", context)


@login_required
@require_POST
def step(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    require(request, "payments.approve" if what == "approve" else "payments.work")
    roll = _roll(request, pk)
    try:
        (settlement.approve if what == "approve" else settlement.review)(request.user, roll)
        messages.success(request, "已审批" if what == "approve" else "已审核")
    except settlement.SettlementError as exc:
        messages.error(request, str(exc))
    return redirect("carehomes:settlement", pk=roll.pk)


@login_required
def xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "payments.work")
    roll = _roll(request, pk)
    try:
        data = settlement.export(request.user, roll)
    except settlement.SettlementError as exc:
        messages.error(request, str(exc))
        return redirect("carehomes:settlement", pk=roll.pk)
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="settlement-{roll.county}-{roll.month:%Y-%m}.xlsx"'
    )
    return response
