"""The one-person reference of the catalogue's figures: who may receive a service (explained by the
catalogue's own evaluator), the co-payment category, and the split of an amount into subsidy (by
funding level) and co-payment, in :class:`~decimal.Decimal`. The bulk match must agree with it (the
YAML cases run through both)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from yanglao.core.catalog.evaluate import Context, eval_cond, failure_reason, resolve_options
from yanglao.core.catalog.model import LEVELS
from yanglao.core.person import Record
from yanglao.core.services.catalog import CATEGORIES, Service, ServiceCatalog

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reason: str  # why not, in the evaluator's words (empty when eligible)


@dataclass(frozen=True)
class Split:
    subsidy: Decimal
    copay: Decimal
    by_level: dict[str, Decimal]


def eligibility(
    catalog: ServiceCatalog,
    service: Service,
    record: Record,
    on: dt.date,
    options: Mapping[str, bool] | None = None,
) -> Eligibility:
    if service.rule is None:
        return Eligibility(True, "")
    ctx = Context(catalog.basic, record, on, resolve_options(catalog.basic, options))
    trace = eval_cond(service.rule, ctx)
    return Eligibility(trace.result, "" if trace.result else failure_reason(trace))


def category(catalog: ServiceCatalog, record: Record, on: dt.date) -> str:
    """The first category (most favourable first) the person is in; ``other`` when none is known."""
    from yanglao.core.services.match import category_rules  # with the bulk engine (Polars)

    ctx = Context(catalog.basic, record, on, {}, explain=False)
    for name, rule in category_rules(catalog).items():
        if eval_cond(rule, ctx).result:
            return name
    return "other"


def split(
    catalog: ServiceCatalog, service: Service, cat: str, units: Decimal, amount: Decimal, on: dt.date
) -> Split:
    """A payable amount split as the bulk match splits it (half-up to the fen; the levels' shares
    rounded down to the fen, the remainder to the last level with a share)."""
    if cat not in CATEGORIES:
        raise ValueError(f"未知的对象类别“{cat}”")
    rate = dict(service.subsidy_per_unit).get(cat)
    share = dict(service.copay).get(cat)
    rate_value = catalog.value(rate, on) if rate is not None else None
    if rate_value is not None:
        subsidy = min(amount, (units * rate_value).quantize(CENT, rounding=ROUND_HALF_UP))
    else:
        value = None if share is None else catalog.value(share, on)
        copay_share = Decimal(1) if value is None else value  # no share (yet): the elder pays all
        subsidy = amount - (amount * copay_share).quantize(CENT, rounding=ROUND_HALF_UP)
    shares = dict(service.funding.shares)
    by_level = {
        lv: (subsidy * shares[lv]).quantize(CENT, rounding=ROUND_FLOOR) for lv in LEVELS if lv in shares
    }
    last = [lv for lv in LEVELS if lv in shares][-1]
    by_level[last] += subsidy - sum(by_level.values())
    return Split(subsidy, amount - subsidy, by_level)
