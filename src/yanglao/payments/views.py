"""The payment-roll pages: the list with the prepare form, a roll with its lines and actions, exports."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from yanglao.accounts.current import current_user
from yanglao.accounts.scope import require
from yanglao.core.catalog.loader import list_codes
from yanglao.core.catalog.source import catalog_on
from yanglao.core.idnumber import mask_id_number
from yanglao.core.masking import person_label
from yanglao.core.payments import Month
from yanglao.entitlements.jobs import own_job, start_job
from yanglao.jobs.models import Job, JobState
from yanglao.payments.access import (
    access_preparable_region,
    access_roll,
    can_approve,
    can_work,
    preparable_regions,
    scoped_rolls,
    within,
)
from yanglao.payments.actions import (
    RollError,
    approve_roll,
    export_bank,
    export_xlsx,
    file_stem,
    release_hold,
    review_roll,
)
from yanglao.payments.holds import holds_of
from yanglao.payments.jobs import KIND
from yanglao.payments.models import HoldSource, LineKind, PaymentRoll, RollLocked, RollState
from yanglao.regions.tree import prefix_of

PAGE = 100
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_read(request: HttpRequest) -> None:
    require(request, "payments.read")


def catalogs_for(code: str) -> list[tuple[str, str]]:
    """The lists that apply to a region: its own and those of the regions above it."""
    out = []
    for catalog in list_codes():
        if code.startswith(prefix_of(catalog)):
            out.append((catalog, catalog_on(catalog).name))
    return sorted(out, key=lambda c: -len(prefix_of(c[0])))


@login_required
def index(request: HttpRequest) -> HttpResponse:
    _require_read(request)
    user = current_user(request)
    rolls = Paginator(scoped_rolls(user).order_by("-month", "region_id", "catalog"), 50).get_page(
        request.GET.get("page")
    )
    regions = preparable_regions(user)
    context: dict[str, Any] = {
        "page": rolls,
        "regions": regions,
        "catalogs": catalogs_for(regions[0].code) if regions else [],
        "month": f"{timezone.localdate():%Y-%m}",
        "can_work": bool(regions),
    }
    return render(request, "payments/index.html", context)


@login_required
@require_POST
def prepare(request: HttpRequest) -> HttpResponse:
    """Check the region, list and month here; the roll is prepared by a background job."""
    user = current_user(request)
    region = access_preparable_region(request, request.POST.get("region", ""))
    catalog = request.POST.get("catalog", "")
    try:
        month = Month.parse(request.POST.get("month", ""))
        if catalog not in dict(catalogs_for(region.code)):
            raise RollError(f"清单 {catalog} 不适用于 {region.name}")
    except (RollError, ValueError) as exc:
        messages.error(request, str(exc))
        return redirect("payments:index")
    params = {"region": region.code, "catalog": catalog, "month": str(month), "new_only": True}
    return _job_answer(request, start_job(KIND, user, params))


def _job_answer(request: HttpRequest, found: Job) -> HttpResponse:
    """A finished job: the roll with the outcome as a message; a failed or running one: its page."""
    if found.state != JobState.DONE:
        if found.state == JobState.FAILED and request.method == "GET":
            return _job_page(request, found)
        return redirect("payments:job", pk=found.pk)
    r = found.result
    if r.get("exists"):  # a second identical request (a double click, two people at once)
        messages.warning(request, r["exists"])
    else:
        again = f"（第 {r['prepare_count']} 次生成，校验码 {r['digest']}）" if r["prepare_count"] > 1 else ""
        messages.success(
            request, f"已生成{r['label']}：{r['lines']} 行，{r['persons']} 人，合计 {r['amount']} 元" + again
        )
    return redirect("payments:roll", pk=r["roll"])


def _job_page(request: HttpRequest, found: Job) -> HttpResponse:
    context = {
        "job": found,
        "title": "生成补贴发放表",
        "back": "补贴发放",
        "back_url": reverse("payments:index"),
        "poll_url": reverse("payments:job", args=[found.pk]),
    }
    return render(request, "entitlements/job.html", context)


@login_required
def job(request: HttpRequest, pk: int) -> HttpResponse:
    """A roll-preparing job's page (its owner only) while it runs; ``Accept: application/json`` gives
    its progress. A finished job answers with the roll."""
    require(request, "payments.work")
    found = own_job(request, pk, KIND)
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse(found.as_progress())
    if found.finished:
        return _job_answer(request, found)
    return _job_page(request, found)


def _filters(request: HttpRequest, roll: PaymentRoll) -> tuple[Any, dict[str, str]]:
    lines = roll.lines.order_by("seq")
    chosen: dict[str, str] = {}
    township = request.GET.get("township", "")
    if township:
        lines = lines.filter(township=township)
        chosen["township"] = township
    code = request.GET.get("item", "")
    if code:
        lines = lines.filter(service_code=code)
        chosen["item"] = code
    kind = request.GET.get("kind", "")
    if kind in LineKind.values:
        lines = lines.filter(kind=kind)
        chosen["kind"] = kind
    q = request.GET.get("q", "").strip()
    if q:
        lines = lines.filter(name__startswith=q)
        chosen["q"] = q
    return lines, chosen


@login_required
def roll_page(request: HttpRequest, pk: int) -> HttpResponse:
    _require_read(request)
    roll = access_roll(request, pk)
    user = current_user(request)
    lines, chosen = _filters(request, roll)
    page = Paginator(lines, PAGE).get_page(request.GET.get("page"))
    rows = [
        {
            "seq": x.seq,
            "name": x.name,
            "id": mask_id_number(x.id_number),
            "item": f"{x.item_no} {x.item_name}",
            "kind": x.kind,
            "kind_label": x.get_kind_display(),
            "month": f"{x.service_month:%Y-%m}",
            "amount": x.amount,
            "funding": "；".join(f"{k} {v}" for k, v in x.funding.items()) or "未拆分",
            "account": f"{x.bank} {x.masked_account}".strip() or "缺少发放账户",
            "note": x.note,
            "township": x.township,
        }
        for x in page.object_list
    ]
    own = roll.prepared_by_id is not None and roll.prepared_by_id == user.pk
    reviewer = roll.reviewed_by_id == user.pk
    works = can_work(user) and within(user, roll.region)
    names = {t["code"]: t["name"] for t in roll.totals.get("townships", [])}
    for row in rows:
        row["township"] = names.get(row["township"], row["township"] or "乡镇不详")
    held = [
        {
            "pk": h.pk,
            "seq": h.seq,
            "title": h.title,
            "person": person_label(user, h.person),
            "id": mask_id_number(h.person.id_number),
            "reason": h.reason,
            "state": h.state_label,
            "released": h.released,
            "release": f"{h.released_by_name}：{h.release_reason}" if h.released else "",
        }
        for h in holds_of(HoldSource.PAYROLL, roll.pk).order_by("seq", "rule")
    ]
    context = {
        "roll": roll,
        "holds": held,
        "open_holds": sum(1 for h in held if not h.get("released")),
        "can_release": can_approve(user) and within(user, roll.region) and not own and not roll.locked,
        "t": roll.totals,
        "rows": rows,
        "page": page,
        "query": urlencode(chosen),
        "chosen": chosen,
        "kinds": LineKind.choices,
        "skipped": roll.skipped[:100],
        "skipped_count": len(roll.skipped),
        "can_prepare": works and not roll.locked,
        "can_review": works and roll.state == RollState.PREPARED and not own,
        "can_approve": can_approve(user)
        and within(user, roll.region)
        and roll.state == RollState.REVIEWED
        and not own
        and not reviewer,
        "can_bank": works and roll.locked,
        "own": own,
        "reviewer": reviewer,
    }
    return render(request, "payments/roll.html", context)


def _act(request: HttpRequest, pk: int, action: Any, done: str) -> HttpResponse:
    _require_read(request)
    roll = access_roll(request, pk, purpose=done)
    try:
        action(current_user(request), roll, request=request)
    except (RollError, RollLocked) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{done}：{roll.label}")
    return redirect("payments:roll", pk=roll.pk)


@login_required
@require_POST
def review(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "payments.work")
    return _act(request, pk, review_roll, "审核通过")


@login_required
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "payments.approve")
    return _act(request, pk, approve_roll, "审批通过，发放表已锁定")


@login_required
@require_POST
def release(request: HttpRequest, pk: int, hold: int) -> HttpResponse:
    """Release one held line with a reason (maker-checker: not the roll's preparer)."""
    require(request, "payments.approve")
    _require_read(request)
    roll = access_roll(request, pk, purpose="释放暂停发放的行")
    try:
        done = release_hold(
            current_user(request), roll, hold, request.POST.get("reason", ""), request=request
        )
    except (RollError, RollLocked) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已释放第 {done.seq} 行的“{done.title}”")
    return redirect("payments:roll", pk=roll.pk)


@login_required
@require_POST
def again(request: HttpRequest, pk: int) -> HttpResponse:
    """Prepare the roll again (refused once approved)."""
    require(request, "payments.work")
    _require_read(request)
    roll = access_roll(request, pk, purpose="重新生成发放表")
    params = {"region": roll.region.code, "catalog": roll.catalog, "month": str(Month.of(roll.month))}
    return _job_answer(request, start_job(KIND, current_user(request), params))


@login_required
def xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    _require_read(request)
    roll = access_roll(request, pk, purpose="导出发放表")
    data = export_xlsx(current_user(request), roll, request=request)
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{file_stem(roll)}.xlsx"'
    return response


@login_required
@require_POST
def bank(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "payments.work")
    _require_read(request)
    roll = access_roll(request, pk, purpose="导出银行代发文件")
    try:
        data = export_bank(current_user(request), roll, request=request)
    except RollError as exc:
        messages.error(request, str(exc))
        return redirect("payments:roll", pk=roll.pk)
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{file_stem(roll)}-bank.csv"'
    return response
