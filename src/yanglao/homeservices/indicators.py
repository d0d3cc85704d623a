"""Figures for the dashboard and the bulletin (the lead wires them): plain functions returning plain
dicts with Chinese labels, for a month and a region (a code prefix; "" for everything)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db.models import Q

from yanglao.core.payments.totals import money
from yanglao.homeservices.claimmodels import ClaimLine, LineStatus, ReviewResult, Settlement, SettlementState
from yanglao.homeservices.claims import CLAIM_REASONS
from yanglao.homeservices.flowmodels import MealRecord
from yanglao.homeservices.models import CheckIn, Order, OrderState, Plan, Provider
from yanglao.homeservices.names import service_name
from yanglao.regions.models import Region


def _bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    return first, (first + dt.timedelta(days=32)).replace(day=1)


def _in(prefix: str, field: str = "person__residence_region") -> Q:
    return Q(**{f"{field}__startswith": prefix}) if prefix else Q()


def _township_names(codes: set[str]) -> dict[str, str]:
    return dict(Region.objects.filter(code__in=codes).values_list("code", "name"))


def people_served(month: dt.date, prefix: str = "") -> dict[str, Any]:
    """服务人数 by service and township: the elders with a check-in (or a meal) in the month."""
    first, end = _bounds(month)
    seen: dict[tuple[str, str], set[int]] = defaultdict(set)
    visits = CheckIn.objects.filter(_in(prefix), start__date__gte=first, start__date__lt=end)
    for service, place, person in visits.values_list("service", "person__residence_region", "person_id"):
        seen[(service, (place or "")[:9].ljust(12, "0"))].add(person)
    meals = MealRecord.objects.filter(_in(prefix), date__gte=first, date__lt=end)
    for place, person in meals.values_list("person__residence_region", "person_id"):
        seen[("meal_aid", (place or "")[:9].ljust(12, "0"))].add(person)
    names = _township_names({t for _, t in seen})
    rows = [
        {"服务项目": service_name(s), "乡镇（街道）": names.get(t, "乡镇不详"), "人数": len(p)}
        for (s, t), p in sorted(seen.items())
    ]
    everyone = set().union(*seen.values()) if seen else set()
    return {"标题": f"{first:%Y年%m月}居家社区养老服务人数", "合计人数": len(everyone), "明细": rows}


def plan_fulfilment(month: dt.date, prefix: str = "") -> dict[str, Any]:
    """计划完成率: the units delivered (hours checked in, or visits) against the units planned."""
    first, end = _bounds(month)
    plans = Plan.objects.filter(_in(prefix), start__lt=end).filter(Q(end__isnull=True) | Q(end__gte=first))
    planned: dict[str, Decimal] = defaultdict(Decimal)
    for service, units in plans.values_list("service", "units_per_month"):
        planned[service] += Decimal(units)
    done: dict[str, Decimal] = defaultdict(Decimal)
    visits = CheckIn.objects.filter(_in(prefix), start__date__gte=first, start__date__lt=end)
    hourly = {"bath_aid", "cleaning_aid", "mobility_aid"}
    for service, start, stop in visits.values_list("service", "start", "end"):
        done[service] += (
            Decimal((stop - start).total_seconds() / 3600).quantize(Decimal("0.01"))
            if service in hourly
            else 1
        )
    rows = []
    for s in sorted(planned):
        rate = (Decimal(done[s]) / planned[s] * 100).quantize(Decimal("0.1")) if planned[s] else None
        rows.append({"服务项目": service_name(s), "计划数量": str(planned[s]), "已服务数量": str(done[s]),
                     "完成率（%）": str(rate) if rate is not None else "—"})  # fmt: skip
    total_p, total_d = sum(planned.values(), Decimal(0)), sum((Decimal(done[s]) for s in planned), Decimal(0))
    overall = str((total_d / total_p * 100).quantize(Decimal("0.1"))) if total_p else "—"
    return {
        "标题": f"{first:%Y年%m月}服务计划完成情况",
        "计划数": plans.count(),
        "总完成率（%）": overall,
        "明细": rows,
    }


def claim_lines(month: dt.date, prefix: str = "") -> dict[str, Any]:
    """暂缓和抽查不通过的申报明细, by reason."""
    first, _ = _bounds(month)
    lines = ClaimLine.objects.filter(_in(prefix, "provider__region__code"), claim__month=first)
    reasons: Counter[str] = Counter()
    for found in lines.filter(status=LineStatus.HELD).values_list("reasons", flat=True):
        reasons.update(found)
    return {
        "标题": f"{first:%Y年%m月}服务结算申报核对",
        "申报明细": lines.count(),
        "可结算": lines.filter(status=LineStatus.PAYABLE).count(),
        "暂缓": lines.filter(status=LineStatus.HELD).count(),
        "抽查": lines.filter(sampled=True).count(),
        "抽查不通过": lines.filter(review=ReviewResult.REJECTED).count(),
        "暂缓原因": [{"原因": CLAIM_REASONS.get(r, r), "行数": n} for r, n in reasons.most_common()],
    }


def spend_by_level(month: dt.date, prefix: str = "") -> dict[str, Any]:
    """结算支出 by funding level (approved or exported rolls), with the elders' co-payments."""
    first, _ = _bounds(month)
    rolls = Settlement.objects.filter(
        _in(prefix, "provider__region__code"),
        month=first,
        state__in=(SettlementState.APPROVED, SettlementState.EXPORTED),
    )
    levels: dict[str, Decimal] = defaultdict(Decimal)
    subsidy = copay = Decimal(0)
    for totals in rolls.values_list("totals", flat=True):
        subsidy += Decimal(totals.get("subsidy", "0"))
        copay += Decimal(totals.get("copay", "0"))
        for lv, amount in totals.get("by_level", {}).items():
            levels[lv] += Decimal(amount)
    return {
        "标题": f"{first:%Y年%m月}居家社区养老服务结算支出",
        "结算表": rolls.count(),
        "补贴合计（元）": money(subsidy),
        "个人自付合计（元）": money(copay),
        "按资金层级（元）": {f"{lv}级": money(v) for lv, v in levels.items()},
    }


def provider_performance(
    month: dt.date, prefix: str = "", complaints: Mapping[str, int] | None = None
) -> dict[str, Any]:
    """服务机构绩效: orders, done, missed, late, on-time rate; complaints per provider code when the
    caller has them (the supervision app's complaints)."""
    first, end = _bounds(month)
    rows = []
    for p in Provider.objects.filter(_in(prefix, "region__code")).order_by("code"):
        orders = Order.objects.filter(provider=p, due__date__gte=first, due__date__lt=end)
        visits = CheckIn.objects.filter(provider=p, start__date__gte=first, start__date__lt=end)
        n, late = visits.count(), visits.filter(late=True).count()
        rows.append({
            "服务机构": p.name, "工单": orders.count(), "已服务": orders.filter(state=OrderState.DONE).count(),
            "未上门": orders.filter(state=OrderState.MISSED).count(), "迟到": late,
            "准时率（%）": str((Decimal(n - late) / n * 100).quantize(Decimal("0.1"))) if n else "—",
            "投诉": (complaints or {}).get(p.code, 0) if complaints is not None else "—",
        })  # fmt: skip
    return {"标题": f"{first:%Y年%m月}服务机构绩效", "明细": rows}
