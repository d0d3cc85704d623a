"""The pages of the three workflows, one form per step (the ``do_*`` actions of ``flows.py`` write and
audit): 家庭养老床位 — set up, record the assessment, the adaptation and each device, open, close, and
the month's visits against the minimum; 适老化改造 — application, home assessment against the item list,
works by a vetted provider, acceptance with before/after photos and the actual prices, the subsidy;
助餐 — the meals of a meal point's day, the month's subsidies with the daily cap and double claims."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from yanglao.accounts.current import current_user
from yanglao.accounts.models import Role
from yanglao.accounts.scope import deny, may, require, scope_of
from yanglao.core.masking import person_label
from yanglao.core.services import list_service_catalogs
from yanglao.facilities.models import Facility, FacilityKind
from yanglao.homeservices import rules
from yanglao.homeservices.access import access, access_provider, provider_of, scoped_few, scoped_providers
from yanglao.homeservices.delivery import DeliveryError
from yanglao.homeservices.flowmodels import Adaptation, AdaptationState, BedState, HomeBed, MealRecord
from yanglao.homeservices.flows import (
    FlowError,
    do_accept_adaptation,
    do_apply_adaptation,
    do_assess_adaptation,
    do_bed_setup_step,
    do_close_bed,
    do_grant_adaptation,
    do_open_bed,
    do_record_meals,
    do_settle_meals,
    do_setup_bed,
    do_start_works,
)
from yanglao.homeservices.models import CheckIn
from yanglao.registry.access import access_person_by_id_number
from yanglao.registry.models import Person

PHOTOS_AT_MOST = 6


def _catalog(person: Person) -> str:
    code = (person.residence_region or person.hukou_region or "")[:6]
    if code not in list_service_catalogs():
        raise FlowError(f"老人所在旗县（{code or '未知'}）没有居家社区养老服务目录")
    return code


def _date(text: str | None, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(text) if text else default
    except ValueError as exc:
        raise FlowError("日期格式应为 YYYY-MM-DD") from exc


def _person(request: HttpRequest, purpose: str) -> Person:
    return access_person_by_id_number(
        request, request.POST.get("id_number", "").strip().upper(), purpose=purpose
    )


def _provider(request: HttpRequest, what: str) -> Any:
    value = request.POST.get("provider", "")
    return access_provider(request, int(value) if value.isdigit() else 0, what)


# 家庭养老床位 ---------------------------------------------------------------------------------------


@login_required
@require_POST
def bed_new(request: HttpRequest) -> HttpResponse:
    require(request, "services.plan")
    person = _person(request, "家庭养老床位建床")
    provider = _provider(request, "家庭养老床位建床")
    try:
        on = _date(request.POST.get("on"), timezone.localdate())
        bed = do_setup_bed(current_user(request), person, provider, _catalog(person), on)
    except FlowError as exc:
        messages.error(request, str(exc))
        return redirect("homeservices:flows")
    messages.success(request, "已开始建床：请依次记录能力评估、适老化改造和智能设备")
    return redirect("homeservices:bed", bed.pk)


def _bed(request: HttpRequest, pk: int, what: str) -> HomeBed:
    return access(request, HomeBed.objects.select_related("person", "provider"), pk, "home_bed", what)


@login_required
def bed_page(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "services.read")
    bed = _bed(request, pk, "查看家庭养老床位")
    today = timezone.localdate()
    since = (today.replace(day=1) - dt.timedelta(days=150)).replace(day=1)
    months = (
        CheckIn.objects.filter(person=bed.person, provider=bed.provider, start__date__gte=since)
        .values_list("start__year", "start__month")
        .annotate(n=Count("id"))
        .order_by("start__year", "start__month")
    )
    steps = [
        (
            "能力评估",
            bed.assessed_on,
            f"能力等级 {bed.ability_level}" if bed.ability_level is not None else "",
        ),
        ("适老化改造", bed.adapted_on, ""),
        (
            "智能设备",
            bool(bed.devices),
            "、".join(f"{d.get('kind')} {d.get('serial', '')}" for d in bed.devices),
        ),
        ("建床完成", bed.opened_on, ""),
    ]
    return render(
        request,
        "homeservices/bed.html",
        {
            "bed": bed,
            "label": person_label(request.user, bed.person),
            "steps": steps,
            "visits": [(f"{y}-{m:02d}", n, n >= bed.minimum_visits) for y, m, n in months],
            "today": today,
            "can_plan": may(request.user, "services.plan"),
        },
    )


@login_required
@require_POST
def bed_step(request: HttpRequest, pk: int) -> HttpResponse:
    """One set-up step: ``step`` is ``assess`` (date, ability level), ``adapt`` (date) or ``device``."""
    require(request, "services.plan")
    bed = _bed(request, pk, "记录建床环节")
    post, today = request.POST, timezone.localdate()
    try:
        step = post.get("step")
        if step == "assess":
            level = post.get("ability_level", "")
            if not level.isdigit() or not 0 <= int(level) <= 4:
                raise FlowError("能力等级应为 0 到 4")
            do_bed_setup_step(current_user(request), bed, assessed_on=_date(post.get("on"), today),
                              ability_level=int(level))  # fmt: skip
        elif step == "adapt":
            do_bed_setup_step(current_user(request), bed, adapted_on=_date(post.get("on"), today))
        elif step == "device":
            kind, serial = post.get("kind", "").strip(), post.get("serial", "").strip()
            if not kind:
                raise FlowError("请填写设备名称")
            do_bed_setup_step(
                current_user(request), bed, devices=[{"kind": kind[:40], "serial": serial[:40]}]
            )
        else:
            raise FlowError("未知的建床环节")
        messages.success(request, "已记录")
    except FlowError as exc:
        messages.error(request, str(exc))
    return redirect("homeservices:bed", bed.pk)


@login_required
@require_POST
def bed_open(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "services.plan")
    bed = _bed(request, pk, "家庭养老床位建床完成")
    try:
        _, plan = do_open_bed(current_user(request), bed, _catalog(bed.person),
                              _date(request.POST.get("on"), timezone.localdate()))  # fmt: skip
        messages.success(request, f"建床完成，服务计划自 {plan.start} 起执行")
    except FlowError as exc:
        messages.error(request, str(exc))
    return redirect("homeservices:bed", bed.pk)


@login_required
@require_POST
def bed_close(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "services.plan")
    bed = _bed(request, pk, "家庭养老床位撤床")
    reason = request.POST.get("reason", "").strip()
    try:
        if bed.state == BedState.CLOSED:
            raise FlowError("床位已撤销")
        if not reason:
            raise FlowError("请填写撤床原因")
        do_close_bed(
            current_user(request), bed, _date(request.POST.get("on"), timezone.localdate()), reason[:40]
        )
        messages.success(request, "已撤床，服务计划同日终止")
    except FlowError as exc:
        messages.error(request, str(exc))
    return redirect("homeservices:bed", bed.pk)


# 适老化改造 -----------------------------------------------------------------------------------------


@login_required
@require_POST
def adaptation_new(request: HttpRequest) -> HttpResponse:
    require(request, "services.plan")
    person = _person(request, "受理适老化改造申请")
    try:
        on = _date(request.POST.get("on"), timezone.localdate())
        a = do_apply_adaptation(current_user(request), person, _catalog(person), on)
    except FlowError as exc:
        messages.error(request, str(exc))
        return redirect("homeservices:flows")
    messages.success(request, "已受理申请：下一步入户评估")
    return redirect("homeservices:adaptation", a.pk)


def _adaptation(request: HttpRequest, pk: int, what: str) -> Adaptation:
    """An adaptation of a person in the user's region (a provider's staff: the works it was given)."""
    queryset = Adaptation.objects.select_related("person", "provider")
    if scope_of(request.user).role == Role.PROVIDER:
        found = queryset.filter(pk=pk, provider=provider_of(request.user)).first()
        if found is None:
            raise deny(request, exists=queryset.filter(pk=pk).exists(), object_type="adaptation",
                       object_id=str(pk), what=what)  # fmt: skip
        return found
    return access(request, queryset, pk, "adaptation", what)


@login_required
def adaptation_page(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "services.read")
    a = _adaptation(request, pk, "查看适老化改造")
    catalog = (a.person.residence_region or a.person.hukou_region or "")[:6]
    known = rules.adaptation_items(catalog) if catalog in list_service_catalogs() else {}
    items = [(i, known.get(i.code)) for i in a.items.order_by("code")]
    photos = dict(a.photos.values_list("stage").annotate(n=Count("id")).values_list("stage", "n"))
    total = sum(((i.price or Decimal(0)) * i.quantity for i in a.items.all()), Decimal(0))
    order = [s for s in AdaptationState.values if s != AdaptationState.REJECTED]
    return render(
        request,
        "homeservices/adaptation.html",
        {
            "a": a,
            "label": person_label(request.user, a.person),
            "known": sorted(known.values(), key=lambda x: x.code),
            "items": items,
            "photos": photos,
            "total": total,
            "at": order.index(a.state) if a.state in order else -1,
            "vetted": scoped_providers(request.user).filter(vetted=True).order_by("code"),
            "today": timezone.localdate(),
            "can_plan": may(request.user, "services.plan"),
        },
    )


def _adaptation_step(request: HttpRequest, pk: int, what: str, step: Any) -> HttpResponse:
    require(request, "services.plan")
    a = _adaptation(request, pk, what)
    try:
        step(a, _catalog(a.person), _date(request.POST.get("on"), timezone.localdate()))
        messages.success(request, f"已{what}")
    except (FlowError, DeliveryError) as exc:
        messages.error(request, str(exc))
    return redirect("homeservices:adaptation", a.pk)


@login_required
@require_POST
def adaptation_assess(request: HttpRequest, pk: int) -> HttpResponse:
    def step(a: Adaptation, catalog: str, on: dt.date) -> None:
        items: dict[str, int] = {}
        for key in request.POST:
            value = request.POST.get(key, "")
            if key.startswith("qty_") and value.strip():
                if not value.strip().isdigit():
                    raise FlowError("数量须为整数")
                if int(value) > 0:
                    items[key.removeprefix("qty_")] = int(value)
        do_assess_adaptation(current_user(request), a, catalog, items, on)

    return _adaptation_step(request, pk, "入户评估", step)


@login_required
@require_POST
def adaptation_works(request: HttpRequest, pk: int) -> HttpResponse:
    def step(a: Adaptation, catalog: str, on: dt.date) -> None:
        do_start_works(current_user(request), a, _provider(request, "适老化改造开工"), on)

    return _adaptation_step(request, pk, "开工", step)


@login_required
@require_POST
def adaptation_accept(request: HttpRequest, pk: int) -> HttpResponse:
    def step(a: Adaptation, catalog: str, on: dt.date) -> None:
        prices: dict[str, Decimal] = {}
        for key in request.POST:
            value = request.POST.get(key, "")
            if key.startswith("price_") and value.strip():
                try:
                    prices[key.removeprefix("price_")] = Decimal(value.strip())
                except InvalidOperation as exc:
                    raise FlowError("实际单价须为数字") from exc
        if any(p < 0 for p in prices.values()):
            raise FlowError("实际单价不能为负数")
        before = [f.read() for f in request.FILES.getlist("before")[:PHOTOS_AT_MOST]]
        after = [f.read() for f in request.FILES.getlist("after")[:PHOTOS_AT_MOST]]
        do_accept_adaptation(current_user(request), a, prices, before, after, on)

    return _adaptation_step(request, pk, "验收", step)


@login_required
@require_POST
def adaptation_grant(request: HttpRequest, pk: int) -> HttpResponse:
    def step(a: Adaptation, catalog: str, on: dt.date) -> None:
        done = do_grant_adaptation(current_user(request), a, catalog)
        messages.info(request, f"补助 {done.subsidy} 元，个人承担 {done.copay} 元")

    return _adaptation_step(request, pk, "核定补助", step)


# 助餐 -----------------------------------------------------------------------------------------------


def _points(request: HttpRequest) -> Any:
    """The meal points the user may record at: of the user's region; a provider's staff, its own."""
    points = Facility.objects.filter(kind=FacilityKind.MEAL_POINT)
    if scope_of(request.user).role == Role.PROVIDER:
        own = provider_of(request.user)
        return points.filter(pk=own.facility_id) if own and own.facility_id else points.none()
    return points.filter(scope_of(request.user).q("region__code"))


def _month(text: str | None) -> dt.date:
    today = timezone.localdate()
    try:
        return dt.date.fromisoformat(f"{text}-01") if text else today.replace(day=1)
    except ValueError:
        return today.replace(day=1)


@login_required
def meals(request: HttpRequest) -> HttpResponse:
    require(request, "services.read")
    month = _month(request.GET.get("month"))
    end = (month + dt.timedelta(days=32)).replace(day=1)
    points = _points(request).order_by("name")
    records = scoped_few(
        request.user,
        MealRecord.objects.filter(date__gte=month, date__lt=end, point__in=points),
        provider="point__provider",
    )
    by_point = (
        records.values("point__name")
        .annotate(people=Count("person", distinct=True), meals=Sum("meals"), subsidy=Sum("subsidy"))
        .order_by("point__name")
    )
    return render(
        request,
        "homeservices/meals.html",
        {
            "month": month,
            "points": points,
            "by_point": by_point,
            "today": timezone.localdate(),
            "can_record": may(request.user, "services.deliver"),
            "can_settle": may(request.user, "services.plan"),
        },
    )


@login_required
@require_POST
def meals_record(request: HttpRequest) -> HttpResponse:
    """A meal point's day: one line a person (公民身份号码, 餐数, 每餐价格; commas or tabs)."""
    require(request, "services.deliver")
    value = request.POST.get("point", "")
    point = _points(request).filter(pk=int(value) if value.isdigit() else 0).first()
    if point is None:
        raise deny(request, exists=Facility.objects.filter(pk=int(value) if value.isdigit() else 0).exists(),
                   object_type="meal_point", object_id=value[:20], what="助餐登记")  # fmt: skip
    rows: list[tuple[Person, int, Decimal]] = []
    errors: list[str] = []
    for n, line in enumerate((request.POST.get("lines") or "").splitlines(), start=1):
        if not line.strip():
            continue
        cells = [c.strip() for c in line.replace("\t", ",").replace("，", ",").split(",")]
        try:
            person = access_person_by_id_number(request, cells[0].upper(), purpose="助餐登记")
            rows.append((person, int(cells[1]), Decimal(cells[2])))
        except Http404:
            errors.append(f"第 {n} 行：人员信息中没有此人，或不在您的辖区内")
        except (IndexError, ValueError, InvalidOperation):
            errors.append(f"第 {n} 行：应为“公民身份号码, 餐数, 每餐价格”")
    if errors or not rows:
        messages.error(request, "；".join(errors[:10]) if errors else "请逐行填写用餐记录")
        return redirect("homeservices:meals")
    try:
        on = _date(request.POST.get("on"), timezone.localdate())
        done = do_record_meals(current_user(request), point, on, rows)
        messages.success(request, f"已登记 {point.name} {on} 的用餐记录 {len(done)} 人")
    except FlowError as exc:
        messages.error(request, str(exc))
    return redirect("homeservices:meals")


@login_required
@require_POST
def meals_settle(request: HttpRequest) -> HttpResponse:
    """The month's meal subsidies of the user's county (the daily cap across meal points)."""
    require(request, "services.plan")
    month = _month(request.POST.get("month"))
    catalog = (scope_of(request.user).prefix or "")[:6]
    if catalog not in list_service_catalogs():
        messages.error(request, "请以旗县或乡镇民政经办人员身份核算（辖区须有服务目录）")
        return redirect("homeservices:meals")
    result = do_settle_meals(current_user(request), catalog, month)
    messages.success(
        request,
        f"{month:%Y-%m} 助餐补贴 {result['subsidy']} 元；超出每日上限暂缓 {result['held']} 条；"
        f"同日多个助餐点 {len(result['doubles'])} 人次",
    )
    return redirect(f"{_url('homeservices:meals')}?month={month:%Y-%m}")


def _url(name: str) -> str:
    from django.urls import reverse

    return reverse(name)
