"""Which enrolments are cash, and what each is worth for a person on a day, by the bulk engine.

A *cash target* is what an enrolment's ``service_code`` names: a benefit (an item, or one part of an
item with parts) paid monthly with a machine amount, or an item with parts, which pays the sum of its
granted monthly cash parts. The amounts come from the embedded engine (:mod:`yanglao.core.engine`),
with the list's rules and parameters as they stood on the day, 择高 applied — the same semantics as
the one-person evaluator, which is asked only to explain a refusal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from yanglao.core.catalog.decision import STATUS_WORDS
from yanglao.core.catalog.evaluate import evaluate
from yanglao.core.catalog.model import Benefit, Catalog, Item
from yanglao.core.person import Value


@dataclass(frozen=True)
class CashTarget:
    code: str  # the service code an enrolment names
    item: Item
    benefits: tuple[Benefit, ...]  # the monthly cash benefits it pays


@dataclass(frozen=True)
class Outcome:
    granted: bool
    amount: Decimal | None  # yuan; None when granted but the figure cannot be computed


def is_cash(benefit: Benefit) -> bool:
    return benefit.period == "month" and benefit.amount is not None


def cash_targets(catalog: Catalog) -> dict[str, CashTarget]:
    out: dict[str, CashTarget] = {}
    for item in catalog.items:
        cash = tuple(b for b in item.benefits if is_cash(b))
        for benefit in cash:
            out[benefit.code] = CashTarget(benefit.code, item, (benefit,))
        if item.has_parts and cash:
            out[item.code] = CashTarget(item.code, item, cash)
    return out


def evaluate_day(
    catalog: Catalog,
    day: dt.date,
    records: Sequence[Mapping[str, Value]],
    targets: Sequence[CashTarget],
) -> list[dict[str, Outcome]]:
    """For each record (in order), the outcome of every target on ``day``."""
    # The bulk engine (Polars) is imported by the roll's computation, not by the views importing this.
    from yanglao.core.engine import polars_backend as pb
    from yanglao.core.engine.frames import persons_from_records
    from yanglao.core.engine.plan import make_plan

    if not records:
        return []
    plan = make_plan(catalog, day)
    index = {b.code: b.index for b in plan.benefits}
    columns: list[str] = []
    for target in targets:
        for benefit in target.benefits:
            if benefit.code in index:
                columns += [f"__g{index[benefit.code]}", f"__a{index[benefit.code]}"]
    frame = persons_from_records(list(records))
    decided = pb.decide(plan, pb.conform(frame.lazy())).select(sorted(set(columns))).collect()
    data = {name: decided.get_column(name).to_list() for name in decided.columns} if columns else {}
    out: list[dict[str, Outcome]] = []
    for row in range(len(records)):
        outcomes: dict[str, Outcome] = {}
        for target in targets:
            granted = False
            fen: int | None = 0
            for benefit in target.benefits:
                if benefit.code not in index:
                    continue
                k = index[benefit.code]
                if data[f"__g{k}"][row]:
                    granted = True
                    value = data[f"__a{k}"][row]
                    fen = None if value is None or fen is None else fen + int(value)
            amount = None if fen is None else Decimal(fen) / 100
            outcomes[target.code] = Outcome(
                granted, amount.quantize(Decimal("0.01")) if amount is not None else None
            )
        out.append(outcomes)
    return out


def explain_refusal(catalog: Catalog, record: Mapping[str, Value], day: dt.date, target: CashTarget) -> str:
    """Why the one-person evaluator does not grant ``target`` on ``day`` (plain Chinese)."""
    decision = evaluate(catalog, dict(record), day)
    try:
        item = decision.item(target.item.no)
    except KeyError:
        return f"第{target.item.no}项{target.item.name}在 {day} 不在清单有效期内"
    chosen = item
    if target.code != target.item.code:
        chosen = next((p for p in item.parts if p.code == target.code), item)
    return f"{STATUS_WORDS.get(chosen.status, chosen.status)}：{chosen.reason}"
