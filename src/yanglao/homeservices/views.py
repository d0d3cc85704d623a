"""The bureau's and the providers' pages: the overview (plans ended by the registry, missed and late
visits, claims, settlement rolls), a provider, a claim with its matched lines, a settlement roll."""

from __future__ import annotations

import datetime as dt
import tempfile
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from yanglao.accounts.current import current_user
from yanglao.accounts.scope import may, require
from yanglao.core.masking import person_label
from yanglao.homeservices.access import (
    access_owned,
    access_provider,
    scoped,
    scoped_few,
    scoped_providers,
)
from yanglao.homeservices.claimmodels import Claim, ClaimLine, Settlement, SettlementState
from yanglao.homeservices.claims import (
    CLAIM_REASONS,
    ClaimRefused,
    do_enter_claim,
    do_import_claim,
    do_match_claim,
    do_review_line,
)
from yanglao.homeservices.daily import last_run, start_daily
from yanglao.homeservices.flowmodels import Adaptation, HomeBed, MealRecord
from yanglao.homeservices.flows import bed_monitor
from yanglao.homeservices.models import CheckIn, Order, OrderState, Plan, PlanFinding, PlanSource
from yanglao.homeservices.names import service_name, service_names
from yanglao.homeservices.plans import PlanError, do_create_plan
from yanglao.homeservices.settlement import (
    SettlementError,
    do_advance,
    do_exclude_held,
    do_export_bank,
    do_export_xlsx,
    do_prepare,
    do_release_hold,
)
from yanglao.jobs.models import JobState
from yanglao.payments import holds
from yanglao.payments.models import HoldSource
from yanglao.registry.access import access_person_by_id_number

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CLAIM_LIMIT = 20 * 1024 * 1024


def _month(text: str | None, today: dt.date) -> dt.date:
    try:
        return (
            dt.date.fromisoformat(f"{text}-01")
            if text
            else (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        )
    except ValueError:
        return today.replace(day=1)


def _claim_scope(request: HttpRequest) -> Any:
    """Claims and rolls are the provider's: the bureau sees those of providers in its region."""
    providers = scoped_providers(request.user)
    return Claim.objects.filter(provider__in=providers), Settlement.objects.filter(provider__in=providers)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    # read-only: the daily job (daily.py) ends plans and marks missed visits
    require(request, "services.read")
    today = timezone.localdate()
    month = _month(request.GET.get("month"), today)
    claims, rolls = _claim_scope(request)
    plans = scoped(request.user, Plan.objects.select_related("person", "provider"))
    orders = scoped(request.user, Order.objects.select_related("person", "provider", "worker"))
    late = scoped(request.user, CheckIn.objects.select_related("person", "provider", "worker")).filter(
        late=True
    )
    findings = PlanFinding.objects.filter(plan__in=plans, seen=False).select_related("plan__person")[:50]
    user = request.user
    return render(
        request,
        "homeservices/index.html",
        {
            "month": month,
            "providers": scoped_providers(user).select_related("region").order_by("code")[:100],
            "running": plans.filter(start__lte=today).exclude(end__lt=today).count(),
            "findings": [(f, person_label(user, f.plan.person)) for f in findings],
            "missed": [
                (o, person_label(user, o.person))
                for o in orders.filter(state=OrderState.MISSED).order_by("-due")[:50]
            ],
            "late": [(c, person_label(user, c.person)) for c in late.order_by("-start")[:50]],
            "claims": claims.select_related("provider").order_by("-month", "-received_at")[:50],
            "rolls": rolls.select_related("provider").order_by("-month")[:50],
            "can_claim": may(user, "services.claim"),
            "can_deliver": may(user, "services.deliver"),
            "import_providers": scoped_providers(user).order_by("code"),
            "can_plan": may(user, "services.plan"),
            "services": sorted(service_names().items(), key=lambda kv: kv[1]),
            "plans": [(x, person_label(user, x.person)) for x in plans.order_by("-created_at")[:30]],
            "today": today,
            "daily": last_run(),
        },
    )


@login_required
@require_POST
def daily(request: HttpRequest) -> HttpResponse:
    """Start the daily check now (the background job ``services_daily``)."""
    require(request, "services.plan")
    job = start_daily(current_user(request))
    if job.state == JobState.FAILED:
        messages.error(request, job.error or "每日核查失败")
    else:
        messages.success(request, "已开始每日核查（终止服务计划、标记未上门工单），稍后刷新本页查看")
    return redirect("homeservices:index")


@login_required
@require_POST
def plan_new(request: HttpRequest) -> HttpResponse:
    """A plan from the overview's form: the person by ID number (the registry's access layer), the
    service, units a month, the provider (empty: the system recommends one), the start."""
    require(request, "services.plan")
    post = request.POST
    person = access_person_by_id_number(
        request, post.get("id_number", "").strip().upper(), purpose="制定服务计划"
    )
    provider = None
    if post.get("provider"):
        provider = access_provider(
            request, int(post["provider"]) if post["provider"].isdigit() else 0, "制定服务计划"
        )
    try:
        units = Decimal(post.get("units", ""))
        start = dt.date.fromisoformat(post.get("start", ""))
    except (InvalidOperation, ValueError):
        messages.error(request, "请填写每月数量和开始日期")
        return redirect("homeservices:index")
    catalog = (provider.contracts.values_list("catalog", flat=True).first() if provider else None) or (
        person.residence_region or person.hukou_region or ""
    )[:6]
    try:
        plan = do_create_plan(
            current_user(request), person, catalog=catalog, service=post.get("service", ""),
            units_per_month=units, start=start, provider=provider, source=post.get("source") or PlanSource.REQUEST,
            request=request,
        )  # fmt: skip
    except (PlanError, ValueError, LookupError) as exc:
        messages.error(request, str(exc))
        return redirect("homeservices:index")
    messages.success(
        request, f"已制定服务计划：{service_name(plan.service)}，{plan.provider.name}（{plan.choice}）"
    )
    return redirect("homeservices:index")


@login_required
def flows_page(request: HttpRequest) -> HttpResponse:
    """家庭养老床位, 适老化改造, 助餐 of a month: the beds short of their minimum visits, the adaptations by
    step, the meals held and the double claims across meal points."""
    require(request, "services.read")
    month = _month(request.GET.get("month"), timezone.localdate())
    user = request.user
    first, end = month, (month + dt.timedelta(days=32)).replace(day=1)
    beds = scoped_few(user, HomeBed.objects.select_related("person", "provider")).order_by(
        "state", "-opened_on"
    )
    adaptations = scoped_few(user, Adaptation.objects.select_related("person", "provider")).order_by(
        "state", "-applied_on"
    )
    meals = MealRecord.objects.select_related("person", "point").filter(date__gte=first, date__lt=end)
    meals = scoped_few(user, meals, provider="point__provider")
    short = {row["床位"]: row for row in bed_monitor(month)}
    return render(
        request,
        "homeservices/flows.html",
        {
            "month": month,
            "beds": [(b, person_label(user, b.person), short.get(b.pk)) for b in beds[:200]],
            "adaptations": [(a, person_label(user, a.person)) for a in adaptations[:200]],
            "meals_held": [
                (m, person_label(user, m.person)) for m in meals.exclude(held="").order_by("date")[:200]
            ],
            "meal_people": meals.values("person").distinct().count(),
            "meal_count": sum(meals.values_list("meals", flat=True)),
            "meal_subsidy": sum(meals.values_list("subsidy", flat=True), Decimal(0)),
            "can_plan": may(user, "services.plan"),
            "providers": scoped_providers(user).order_by("code"),
            "today": timezone.localdate(),
        },
    )


@login_required
def provider_page(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "services.read")
    p = access_provider(request, pk)
    user = request.user
    plans = scoped(user, p.plans.select_related("person")).exclude(end__lt=timezone.localdate())
    return render(
        request,
        "homeservices/provider.html",
        {
            "p": p,
            "contracts": p.contracts.select_related("region").order_by("-start"),
            "workers": p.workers.order_by("code"),
            "plans": [(x, person_label(user, x.person)) for x in plans.order_by("person__name")[:200]],
            "can_plan": may(user, "services.plan"),
            "can_workers": may(user, "services.claim"),
        },
    )


@login_required
@require_POST
def import_claim(request: HttpRequest) -> HttpResponse:
    require(request, "services.claim")
    upload = request.FILES.get("file")
    provider = access_provider(request, int(request.POST.get("provider") or 0), "导入服务结算申报")
    month = _month(request.POST.get("month"), timezone.localdate())
    if upload is None or upload.size is None or upload.size > CLAIM_LIMIT:
        messages.error(request, "请选择不超过 20 MB 的 XLSX 或 CSV 文件")
        return redirect("homeservices:index")
    suffix = Path(upload.name or "claims.csv").suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        messages.error(request, "只接受 XLSX 或 CSV 文件")
        return redirect("homeservices:index")
    catalog = provider.contracts.order_by("-start").values_list("catalog", flat=True).first()
    if catalog is None:
        messages.error(request, f"{provider.name}没有服务合同")
        return redirect("homeservices:index")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"claims{suffix}"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        try:
            claim = do_import_claim(
                current_user(request),
                provider,
                month,
                catalog,
                path,
                source=upload.name or "",
                request=request,
            )
        except ClaimRefused as exc:
            messages.error(request, str(exc))
            return redirect("homeservices:index")
    do_match_claim(current_user(request), claim, request=request)
    return redirect("homeservices:claim", claim.pk)


ENTER_FIELDS = ("claim_line", "id_number", "service", "date", "units", "amount")


@login_required
@require_POST
def enter_claim(request: HttpRequest) -> HttpResponse:
    """网页填报: one claim line a row (明细号, 公民身份号码, 服务代码, 日期, 数量, 金额; commas or tabs), checked
    like a file and matched at once."""
    require(request, "services.claim")
    provider = access_provider(request, int(request.POST.get("provider") or 0), "填报服务结算申报")
    month = _month(request.POST.get("month"), timezone.localdate())
    rows = [
        dict(
            zip(
                ENTER_FIELDS,
                [c.strip() for c in line.replace("\t", ",").replace("，", ",").split(",")],
                strict=False,
            )
        )
        for line in (request.POST.get("lines") or "").splitlines()
        if line.strip()
    ]
    catalog = provider.contracts.order_by("-start").values_list("catalog", flat=True).first()
    if not rows or catalog is None:
        messages.error(request, "请逐行填写申报明细" if catalog else f"{provider.name}没有服务合同")
        return redirect("homeservices:index")
    try:
        claim = do_enter_claim(current_user(request), provider, month, catalog, rows, request=request)
    except ClaimRefused as exc:
        messages.error(request, str(exc))
        return redirect("homeservices:index")
    do_match_claim(current_user(request), claim, request=request)
    return redirect("homeservices:claim", claim.pk)


@login_required
def claim_page(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "services.read")
    claim = access_owned(
        request, Claim.objects.select_related("provider"), pk, "service_claim", "查看服务结算申报"
    )
    status = request.GET.get("status", "")
    lines = claim.lines.select_related("person").order_by("row")
    if status in ("payable", "held"):
        lines = lines.filter(status=status)
    if request.GET.get("sampled"):
        lines = lines.filter(sampled=True)
    user = request.user
    rows = [
        (
            x,
            person_label(user, x.person) if x.person else "（人员信息中没有此人）",
            [CLAIM_REASONS.get(r, r) for r in x.reasons],
        )
        for x in lines[:500]
    ]
    return render(
        request,
        "homeservices/claim.html",
        {
            "claim": claim,
            "rows": rows,
            "errors": claim.errors.order_by("line")[:500],
            "status": status,
            "can_claim": may(user, "services.claim"),
            "settled": Settlement.objects.filter(provider=claim.provider, month=claim.month).first(),
        },
    )


@login_required
@require_POST
def match(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "services.claim")
    claim = access_owned(request, Claim.objects.all(), pk, "service_claim", "核对服务结算申报")
    try:
        summary = do_match_claim(current_user(request), claim, request=request)
        messages.success(request, f"三方核对完成：可结算 {summary['payable']} 行，暂缓 {summary['held']} 行")
    except ClaimRefused as exc:
        messages.error(request, str(exc))
    return redirect("homeservices:claim", pk)


@login_required
@require_POST
def review(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "services.claim")
    line = access_owned(request, ClaimLine.objects.all(), pk, "service_claim_line", "抽查申报明细")
    try:
        do_review_line(current_user(request), line, request.POST.get("result") == "accepted", request=request)
    except ClaimRefused as exc:
        messages.error(request, str(exc))
    return redirect(reverse("homeservices:claim", args=[line.claim_id]) + "?sampled=1")


@login_required
@require_POST
def prepare(request: HttpRequest) -> HttpResponse:
    require(request, "services.claim")
    provider = access_provider(request, int(request.POST.get("provider") or 0), "生成服务结算表")
    month = _month(request.POST.get("month"), timezone.localdate())
    try:
        roll = do_prepare(current_user(request), provider, month, request=request)
    except SettlementError as exc:
        messages.error(request, str(exc))
        return redirect("homeservices:index")
    return redirect("homeservices:settlement", roll.pk)


def _roll(request: HttpRequest, pk: int, what: str) -> Settlement:
    return access_owned(
        request, Settlement.objects.select_related("provider"), pk, "service_settlement", what
    )


@login_required
def settlement_page(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "services.read")
    roll = _roll(request, pk, "查看服务结算表")
    user = current_user(request)
    own = roll.prepared_by_id == user.pk
    can_review = roll.state == SettlementState.PREPARED and may(user, "services.claim") and not own
    can_approve = roll.state == SettlementState.REVIEWED and may(user, "payments.approve") and not own
    lines = roll.lines.select_related("line__person").order_by("line__date", "line__claim_line")[:500]
    found = list(holds.holds_of(HoldSource.SERVICE, roll.pk).order_by("seq", "rule"))
    return render(
        request,
        "homeservices/settlement.html",
        {
            "roll": roll,
            "t": roll.totals,
            "own": own,
            "can_review": can_review,
            "can_approve": can_approve,
            "can_export": roll.state in (SettlementState.APPROVED, SettlementState.EXPORTED)
            and may(user, "services.claim"),
            "rows": [(s, person_label(user, s.line.person) if s.line.person else "") for s in lines],
            "holds": [(h, person_label(user, h.person)) for h in found],
            "open_holds": sum(1 for h in found if not h.released),
            "can_resolve": roll.state in (SettlementState.PREPARED, SettlementState.REVIEWED)
            and may(user, "payments.approve")
            and not own,
        },
    )


@login_required
@require_POST
def release(request: HttpRequest, pk: int) -> HttpResponse:
    """Release one line held by a fund-fraud check, with a reason."""
    require(request, "payments.approve")
    roll = _roll(request, pk, "释放暂停结算的行")
    hold = request.POST.get("hold", "")
    try:
        do_release_hold(current_user(request), roll, int(hold) if hold.isdigit() else 0,
                        request.POST.get("reason", ""), request=request)  # fmt: skip
        messages.success(request, "已释放")
    except SettlementError as exc:
        messages.error(request, str(exc))
    return redirect("homeservices:settlement", pk)


@login_required
@require_POST
def exclude(request: HttpRequest, pk: int) -> HttpResponse:
    """Take the lines still held by the fund-fraud checks out of the roll."""
    require(request, "payments.approve")
    roll = _roll(request, pk, "剔除暂停结算的行")
    try:
        n = do_exclude_held(current_user(request), roll, request=request)
        messages.success(request, f"已剔除 {n} 行，结算表合计已重算")
    except SettlementError as exc:
        messages.error(request, str(exc))
    return redirect("homeservices:settlement", pk)


@login_required
@require_POST
def advance(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "services.claim")
    roll = _roll(request, pk, "审核或审批服务结算表")
    try:
        roll = do_advance(current_user(request), roll, request=request)
        messages.success(request, f"结算表已{roll.get_state_display().removeprefix('已')}")
    except SettlementError as exc:
        messages.error(request, str(exc))
    return redirect("homeservices:settlement", pk)


@login_required
def xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "services.read")
    roll = _roll(request, pk, "导出服务结算表")
    response = HttpResponse(do_export_xlsx(current_user(request), roll, request=request), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="settlement-{roll.provider.code}-{roll.month:%Y%m}.xlsx"'
    )
    return response


@login_required
@require_POST
def bank(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "services.claim")
    roll = _roll(request, pk, "导出服务结算银行文件")
    try:
        data = do_export_bank(current_user(request), roll, request=request)
    except SettlementError as exc:
        messages.error(request, str(exc))
        return redirect("homeservices:settlement", pk)
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="settlement-bank-{roll.provider.code}-{roll.month:%Y%m}.csv"'
    )
    return response
