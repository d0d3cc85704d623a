"""The three workflows: 家庭养老床位 (set up, the monthly minimum services, monitoring), 适老化改造
(application → assessment against the item list → works by a vetted provider → acceptance with photos
→ subsidy within the caps) and 助餐 (meals per person per day at a meal point, subsidy per meal by
category, the daily cap, double claims across meal points)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Q

from yanglao.audit.log import audit
from yanglao.audit.models import Action
from yanglao.core.services import load_services
from yanglao.core.services.reference import category, eligibility
from yanglao.facilities.models import Facility, FacilityKind
from yanglao.homeservices import rules
from yanglao.homeservices.delivery import strip_photo
from yanglao.homeservices.flowmodels import (
    Adaptation,
    AdaptationItem,
    AdaptationPhoto,
    AdaptationState,
    BedState,
    HomeBed,
    MealRecord,
)
from yanglao.homeservices.models import CheckIn, Plan, PlanSource, Provider
from yanglao.homeservices.plans import PlanError, do_create_plan
from yanglao.registry.models import Person


class FlowError(ValueError):
    """A step the workflow refuses (the message in Chinese)."""


def _audit(actor: Any, kind: str, pk: int, summary: str, action: str = Action.CHANGE) -> None:
    audit(
        None if isinstance(actor, str) else actor,
        action,
        object_type=kind,
        object_id=str(pk),
        summary=summary,
    )


def _eligible(catalog: str, service: str, person: Person, on: dt.date) -> None:
    cat = load_services(catalog)
    found = cat.by_code()[service]
    verdict = eligibility(cat, found, person.record(), on)
    if not verdict.eligible:
        raise FlowError(f"不符合“{found.name}”的对象条件：{verdict.reason}")


# 家庭养老床位 ---------------------------------------------------------------------------------------


@transaction.atomic
def do_setup_bed(actor: Any, person: Person, provider: Provider, catalog: str, on: dt.date) -> HomeBed:
    _eligible(catalog, "home_care_bed", person, on)
    if HomeBed.objects.filter(person=person).exclude(state=BedState.CLOSED).exists():
        raise FlowError("该老人已有家庭养老床位")
    bed = HomeBed.objects.create(
        person=person,
        provider=provider,
        minimum_visits=int(rules.value(catalog, "home_bed_minimum_visits", on)),
    )
    _audit(actor, "home_bed", bed.pk, "家庭养老床位：开始建床", Action.CREATE)
    return bed


@transaction.atomic
def do_bed_setup_step(
    actor: Any, bed: HomeBed, *, assessed_on: dt.date | None = None, ability_level: int | None = None,
    adapted_on: dt.date | None = None, devices: Sequence[dict[str, str]] = (),
) -> HomeBed:  # fmt: skip
    """Record a set-up step: the assessment, the adaptation done, the devices installed."""
    if bed.state != BedState.SETUP:
        raise FlowError("床位已建成或已撤销")
    if assessed_on is not None:
        bed.assessed_on, bed.ability_level = assessed_on, ability_level
    if adapted_on is not None:
        bed.adapted_on = adapted_on
    bed.devices = [*bed.devices, *devices]
    bed.save()
    _audit(actor, "home_bed", bed.pk, "家庭养老床位：记录建床环节")
    return bed


@transaction.atomic
def do_open_bed(actor: Any, bed: HomeBed, catalog: str, on: dt.date) -> tuple[HomeBed, Plan]:
    """Open the bed (服务中) once assessed, adapted and equipped; its service plan starts the same day."""
    missing = [
        w
        for w, ok in (
            ("能力评估", bed.assessed_on),
            ("适老化改造", bed.adapted_on),
            ("智能设备", bed.devices),
        )
        if not ok
    ]
    if missing:
        raise FlowError(f"建床尚缺：{'、'.join(missing)}")
    try:
        plan = do_create_plan(
            actor, bed.person, catalog=catalog, service="home_care_bed", units_per_month=Decimal(1),
            start=on, provider=bed.provider, source=PlanSource.ASSESSMENT,
        )  # fmt: skip
    except PlanError as exc:
        raise FlowError(str(exc)) from exc
    bed.state, bed.opened_on = BedState.ACTIVE, on
    bed.save(update_fields=["state", "opened_on"])
    _audit(actor, "home_bed", bed.pk, "家庭养老床位：建床完成，开始服务")
    return bed, plan


def bed_monitor(month: dt.date) -> list[dict[str, Any]]:
    """The active beds of the month with fewer visits than the minimum (每月最少上门服务)."""
    first = month.replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1)
    beds = list(HomeBed.objects.filter(state=BedState.ACTIVE).select_related("person", "provider"))
    counted = (
        CheckIn.objects.filter(
            person_id__in=[b.person_id for b in beds], start__date__gte=first, start__date__lt=last
        )
        .values_list("person_id", "provider_id")
        .annotate(n=Count("id"))
    )
    visits = {(person, provider): n for person, provider, n in counted}
    out = []
    for bed in beds:
        n = visits.get((bed.person_id, bed.provider_id), 0)
        if n < bed.minimum_visits:
            out.append({"床位": bed.pk, "老人": bed.person.name, "服务机构": bed.provider.name,
                        "上门次数": n, "最少次数": bed.minimum_visits})  # fmt: skip
    return out


@transaction.atomic
def do_close_bed(actor: Any, bed: HomeBed, on: dt.date, reason: str) -> HomeBed:
    bed.state, bed.closed_on, bed.close_reason = BedState.CLOSED, on, reason
    bed.save(update_fields=["state", "closed_on", "close_reason"])
    Plan.objects.filter(person=bed.person, service="home_care_bed").filter(
        Q(end__isnull=True) | Q(end__gte=on)
    ).update(end=on, end_reason="stopped")
    _audit(actor, "home_bed", bed.pk, f"家庭养老床位：撤床（{reason}）")
    return bed


# 适老化改造 -----------------------------------------------------------------------------------------


def _step(a: Adaptation, expected: str, words: str) -> None:
    if a.state != expected:
        raise FlowError(f"改造当前为“{a.get_state_display()}”，不能{words}")


@transaction.atomic
def do_apply_adaptation(actor: Any, person: Person, catalog: str, on: dt.date) -> Adaptation:
    _eligible(catalog, "home_adaptation", person, on)
    if Adaptation.objects.filter(person=person).exclude(state=AdaptationState.REJECTED).exists():
        raise FlowError("该老人已申请过适老化改造")
    a = Adaptation.objects.create(person=person, applied_on=on)
    _audit(actor, "adaptation", a.pk, "适老化改造：受理申请", Action.CREATE)
    return a


@transaction.atomic
def do_assess_adaptation(
    actor: Any, a: Adaptation, catalog: str, items: dict[str, int], on: dt.date
) -> Adaptation:
    """The home assessment: the items needed, each from the item list."""
    _step(a, AdaptationState.APPLIED, "评估")
    known = rules.adaptation_items(catalog)
    unknown = [c for c in items if c not in known]
    if unknown or not items:
        raise FlowError(f"改造项目不在清单内：{'、'.join(unknown)}" if unknown else "请至少选择一个改造项目")
    AdaptationItem.objects.bulk_create(
        AdaptationItem(adaptation=a, code=c, quantity=q) for c, q in items.items()
    )
    a.state, a.assessed_on = AdaptationState.ASSESSED, on
    a.save(update_fields=["state", "assessed_on"])
    _audit(actor, "adaptation", a.pk, f"适老化改造：入户评估，{len(items)} 项")
    return a


@transaction.atomic
def do_start_works(actor: Any, a: Adaptation, provider: Provider, on: dt.date) -> Adaptation:
    _step(a, AdaptationState.ASSESSED, "开工")
    if not provider.vetted:
        raise FlowError(f"{provider.name}不是适老化改造入围服务机构")
    a.state, a.provider, a.started_on = AdaptationState.WORKS, provider, on
    a.save(update_fields=["state", "provider", "started_on"])
    _audit(actor, "adaptation", a.pk, f"适老化改造：{provider.name}开工")
    return a


@transaction.atomic
def do_accept_adaptation(
    actor: Any,
    a: Adaptation,
    prices: dict[str, Decimal],
    before: Sequence[bytes],
    after: Sequence[bytes],
    on: dt.date,
) -> Adaptation:
    """Acceptance: every item's actual unit price, photos before and after (metadata removed)."""
    _step(a, AdaptationState.WORKS, "验收")
    if not before or not after:
        raise FlowError("验收须有改造前和改造后的照片")
    items = list(a.items.all())
    missing = [i.code for i in items if i.code not in prices]
    if missing:
        raise FlowError(f"请填写每个项目的实际单价（缺 {'、'.join(missing)}）")
    for i in items:
        i.price = prices[i.code]
    AdaptationItem.objects.bulk_update(items, ["price"])
    for stage, photos in (("before", before), ("after", after)):
        for data in photos:
            AdaptationPhoto.objects.create(adaptation=a, stage=stage, data=strip_photo(data)[0])
    a.state, a.accepted_on = AdaptationState.ACCEPTED, on
    a.save(update_fields=["state", "accepted_on"])
    _audit(actor, "adaptation", a.pk, "适老化改造：验收合格")
    return a


@transaction.atomic
def do_grant_adaptation(actor: Any, a: Adaptation, catalog: str) -> Adaptation:
    """The subsidy: each item at most its price cap × quantity, the household at most the catalogue's
    cap (``adaptation_cap``); the rest is the elder's."""
    _step(a, AdaptationState.ACCEPTED, "核定补助")
    known = rules.adaptation_items(catalog)
    cat = load_services(catalog)
    on = a.accepted_on or a.applied_on
    household = cat.value(cat.by_code()["home_adaptation"].cap_yuan, on)
    total = capped = Decimal(0)
    for i in a.items.all():
        price = i.price or Decimal(0)
        total += price * i.quantity
        capped += min(price, known[i.code].cap) * i.quantity
    subsidy = min(capped, household) if household is not None else capped
    a.subsidy, a.copay, a.state = subsidy, total - subsidy, AdaptationState.SUBSIDISED
    a.save(update_fields=["subsidy", "copay", "state"])
    _audit(actor, "adaptation", a.pk, f"适老化改造：核定补助 {subsidy} 元")
    return a


# 助餐 -----------------------------------------------------------------------------------------------


@transaction.atomic
def do_record_meals(
    actor: Any, point: Facility, on: dt.date, rows: Sequence[tuple[Person, int, Decimal]]
) -> list[MealRecord]:
    """The meals served at a meal point on a day: (person, meals, price per meal); a row for a person
    already recorded there that day replaces it."""
    if point.kind != FacilityKind.MEAL_POINT:
        raise FlowError(f"{point.name}不是老年食堂（助餐点）")
    out = []
    for person, meals, price in rows:
        if meals <= 0:
            raise FlowError("餐数须大于 0")
        record, _ = MealRecord.objects.update_or_create(
            person=person,
            point=point,
            date=on,
            defaults={"meals": meals, "price": price, "subsidy": 0, "held": ""},
        )
        out.append(record)
    _audit(actor, "meal_point", point.pk, f"助餐登记 {on}：{len(out)} 人", Action.CREATE)
    return out


@transaction.atomic
def do_settle_meals(actor: Any, catalog: str, month: dt.date) -> dict[str, Any]:
    """The month's meal subsidies: per meal by category (the catalogue's ``meal_aid``), at most the
    daily cap per person across all meal points; meals beyond it are held, and a person with meals at
    two points on one day is listed as a double claim."""
    cat = load_services(catalog)
    service = cat.by_code()["meal_aid"]
    first = month.replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1)
    records = (
        MealRecord.objects.filter(date__gte=first, date__lt=last)
        .select_related("person", "point")
        .order_by("person_id", "date", "point_id")
    )
    used: dict[tuple[int, dt.date], int] = defaultdict(int)
    points: dict[tuple[int, dt.date], set[str]] = defaultdict(set)
    total, held = Decimal(0), 0
    for r in records:
        key = (r.person_id, r.date)
        cap = int(rules.value(catalog, "meal_daily_cap", r.date))
        allowed = max(0, min(r.meals, cap - used[key]))
        used[key] += r.meals
        points[key].add(r.point.name)
        r.category = category(cat, r.person.record(), r.date)
        figure = dict(service.subsidy_per_unit).get(r.category)
        rate = cat.value(figure, r.date) if figure is not None else None
        r.subsidy = min(r.price, rate or Decimal(0)) * allowed
        r.held = ""
        if allowed < r.meals:
            held += 1
            r.held = f"超出每日 {cap} 餐上限" + ("（同日在多个助餐点申报）" if len(points[key]) > 1 else "")
        total += r.subsidy
        r.save(update_fields=["category", "subsidy", "held"])
    doubles = sorted((k for k, v in points.items() if len(v) > 1), key=lambda k: (k[1], k[0]))
    _audit(actor, "meal_month", 0, f"助餐补贴核算 {first:%Y-%m}：补贴 {total} 元，暂缓 {held} 条")
    return {"subsidy": total, "held": held, "doubles": [{"person": p, "date": d} for p, d in doubles]}


def meal_counts(month: dt.date) -> list[dict[str, Any]]:
    first = month.replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1)
    rows = (
        MealRecord.objects.filter(date__gte=first, date__lt=last)
        .values("point__name")
        .annotate(people=Count("person", distinct=True))
    )
    return [dict(r) for r in rows]
