"""Service plans (服务授权): made from an entitlement, an assessment or a request, changed with their
history kept, ended on death, admission to a care home or moving away (:func:`end_plans_for`, which
other apps call, and :func:`check_registry`, which finds such people among the plans' elders)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone

from yanglao.audit.log import audit
from yanglao.audit.models import Action
from yanglao.core.services import load_services
from yanglao.core.services.reference import eligibility
from yanglao.homeservices.models import Plan, PlanChange, PlanEnd, PlanFinding, PlanSource, Provider
from yanglao.registry.models import Person


class PlanError(ValueError):
    """A plan that cannot be made or changed (the message says why, in Chinese)."""


def _name(actor: Any) -> str:
    if actor is None:
        return "系统"
    if isinstance(actor, str):
        return actor
    return str(getattr(actor, "full_name", "") or getattr(actor, "username", ""))


def _user(actor: Any) -> Any:
    return None if isinstance(actor, str) else actor


def _log(actor: Any, plan: Plan, what: str, before: dict[str, Any], after: dict[str, Any]) -> None:
    PlanChange.objects.create(
        plan=plan, at=timezone.now(), actor_name=_name(actor), what=what, before=before, after=after
    )


def choose_provider(person: Person, service: str, catalog: str, on: dt.date) -> tuple[Provider, str]:
    """Without the elder's choice: the providers whose contract covers the service and the elder's
    place on the day, those with room first (capacity less their active plans), then the nearest (same
    village, same township, same county), then the least loaded."""
    place = person.residence_region or person.hukou_region or ""
    candidates = (
        Provider.objects.filter(
            contracts__catalog=catalog, contracts__start__lte=on, contracts__end__gte=on,
            contracts__prices__has_key=service,
        )
        .annotate(load=Count("plans", filter=Q(plans__end__isnull=True) | Q(plans__end__gte=on), distinct=True))
        .select_related("region")
        .distinct()
    )  # fmt: skip

    def distance(p: Provider) -> int:
        code = p.region.code
        for rank, length in enumerate((12, 9, 6)):
            if code[:length] == place[:length] and (length < 12 or code == place):
                return rank
        return 3

    ranked = sorted(
        (p for p in candidates if any(c.region.code == place[: len(c.region.prefix)] or
         place.startswith(c.region.prefix) for c in p.contracts.all())),
        key=lambda p: (p.load >= p.capacity > 0, distance(p), p.load, p.code),
    )  # fmt: skip
    if not ranked:
        raise PlanError("没有服务机构的合同覆盖该服务和老人所在地")
    best = ranked[0]
    room = "有空余服务能力" if best.load < best.capacity or best.capacity == 0 else "各机构均已满额"
    return best, f"系统推荐：{room}，距离最近（{['同村', '同乡镇', '同旗县', '旗县外'][distance(best)]}）"


@transaction.atomic
def do_create_plan(
    actor: Any,
    person: Person,
    *,
    catalog: str,
    service: str,
    units_per_month: Decimal,
    start: dt.date,
    end: dt.date | None = None,
    provider: Provider | None = None,
    source: str = PlanSource.REQUEST,
    request: HttpRequest | None = None,
) -> Plan:
    """A plan for one service; the elder's chosen provider first, else :func:`choose_provider`. The
    service must be in the catalogue on the start day and the elder must meet its condition (explained
    by the catalogue's evaluator when not)."""
    cat = load_services(catalog)
    found = cat.by_code().get(service)
    if found is None or not found.in_force(start):
        raise PlanError(f"服务项目“{service}”不在{cat.name}内")
    if units_per_month <= 0:
        raise PlanError("每月数量须大于 0")
    if end is not None and end < start:
        raise PlanError("结束日期早于开始日期")
    if person.death_date is not None and person.death_date <= start:
        raise PlanError("老人已死亡，不能制定服务计划")
    verdict = eligibility(cat, found, person.record(), start)
    if not verdict.eligible:
        raise PlanError(f"不符合“{found.name}”的对象条件：{verdict.reason}")
    if provider is not None:
        choice = "老人自选"
        if not provider.contracts.filter(
            catalog=catalog, start__lte=start, end__gte=start, prices__has_key=service
        ).exists():
            raise PlanError(f"{provider.name}的合同不含“{found.name}”")
    else:
        provider, choice = choose_provider(person, service, catalog, start)
    plan = Plan.objects.create(
        person=person, catalog=catalog, service=service, units_per_month=units_per_month,
        provider=provider, source=source, choice=choice, start=start, end=end,
    )  # fmt: skip
    _log(actor, plan, "制定服务计划", {}, _state(plan))
    audit(
        _user(actor), Action.CREATE, request=request, object_type="service_plan", object_id=str(plan.pk),
        summary=f"制定服务计划：{found.name} 每月 {units_per_month}{found.unit}，{provider.name}（{choice}）",
    )  # fmt: skip
    return plan


def _state(plan: Plan) -> dict[str, Any]:
    return {
        "service": plan.service,
        "units_per_month": str(plan.units_per_month),
        "provider": plan.provider.code,
        "start": plan.start.isoformat(),
        "end": plan.end.isoformat() if plan.end else None,
        "end_reason": plan.end_reason,
    }


@transaction.atomic
def do_change_plan(
    actor: Any,
    plan: Plan,
    *,
    on: dt.date,
    units_per_month: Decimal | None = None,
    provider: Provider | None = None,
    request: HttpRequest | None = None,
) -> Plan:
    """A change from ``on``: the plan ends the day before and a new plan carries on with the change, so
    the claims of each day are matched against the plan of that day; both keep the history."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.end is not None and plan.end < on:
        raise PlanError("服务计划已终止，不能变更")
    if on <= plan.start:
        raise PlanError("变更日期须晚于计划开始日期")
    before = _state(plan)
    plan.end, plan.end_reason = on - dt.timedelta(days=1), PlanEnd.CHANGED
    old_end = before["end"]
    plan.save(update_fields=["end", "end_reason"])
    new = Plan.objects.create(
        person=plan.person, catalog=plan.catalog, service=plan.service,
        units_per_month=units_per_month or plan.units_per_month, provider=provider or plan.provider,
        source=plan.source, choice="老人自选（变更）" if provider else plan.choice, start=on,
        end=dt.date.fromisoformat(old_end) if old_end else None,
    )  # fmt: skip
    _log(actor, plan, f"自 {on} 起变更，本计划终止", before, _state(plan))
    _log(actor, new, f"由计划 {plan.pk} 变更而来", before, _state(new))
    audit(
        _user(actor), Action.CHANGE, request=request, object_type="service_plan", object_id=str(new.pk),
        summary=f"变更服务计划（自 {on}）", detail={"before": before, "after": _state(new)},
    )  # fmt: skip
    return new


@transaction.atomic
def end_plans_for(
    person: Person, reason: str, on: dt.date, actor: Any = None, *, finding: bool = True
) -> list[Plan]:
    """End every plan of ``person`` still running after ``on`` (death, admission to a care home, moving
    away…): the plan's last day is the day before ``on``; a finding for staff is kept for each."""
    reason = PlanEnd(reason)
    running = (
        Plan.objects.select_for_update().filter(person=person).filter(Q(end__isnull=True) | Q(end__gte=on))
    )
    ended: list[Plan] = []
    for plan in running:
        before = _state(plan)
        plan.end, plan.end_reason = max(plan.start, on - dt.timedelta(days=1)), reason
        plan.save(update_fields=["end", "end_reason"])
        _log(actor, plan, f"因{reason.label}终止", before, _state(plan))
        if finding:
            PlanFinding.objects.create(plan=plan, reason=reason, on=on, found_at=timezone.now())
        ended.append(plan)
    if ended:
        audit(
            _user(actor), Action.CHANGE, object_type="person", object_id=str(person.pk),
            summary=f"因{reason.label}终止服务计划 {len(ended)} 项",
        )  # fmt: skip
    return ended


def check_registry(on: dt.date, actor: Any = "核查") -> list[Plan]:
    """Plans running on ``on`` whose elder has died or moved outside the plan's provider's county in
    the registry: ended, each with a finding (the daily check; also run when plans are listed)."""
    running = Plan.objects.filter(Q(end__isnull=True) | Q(end__gte=on)).select_related(
        "person", "provider__region"
    )
    ended: list[Plan] = []
    done: set[int] = set()
    for plan in running:
        person = plan.person
        if person.pk in done:
            continue
        if person.death_date is not None and person.death_date <= on:
            done.add(person.pk)
            ended += end_plans_for(person, PlanEnd.DIED, max(person.death_date, plan.start), actor)
            continue
        place = person.residence_region or person.hukou_region or ""
        if place and not place.startswith(plan.provider.region.code[:6]):
            done.add(person.pk)
            ended += end_plans_for(person, PlanEnd.MOVED, on, actor)
    return ended
