"""The whole-list steps for one person, exactly as the bulk plan writes them (issue 12, item 2).

:mod:`yanglao.core.engine.plan` writes the steps that concern the whole list once, as nodes: death
(nobody is entitled to anything from the day of death), each benefit's amount where it is granted, the
择高 ranking of every exclusive group (per-year amount, a known amount above an unknown one, ties to the
lower position), and per item its granted flag, its amount (an item's parts add up when every granted
part has an amount and all share one period) and its period. The bulk backends translate those nodes
(Polars, Spark). The one-person evaluator does not write the steps again: it builds them with the plan's
own functions (:func:`~yanglao.core.engine.plan.whole_list_steps`,
:func:`~yanglao.core.engine.plan.item_outputs`) over columns holding what it decided for each benefit —
whether the rule holds, the amount — and runs them here: a third translation of the same nodes, into
Python values (money in whole fen, as in the backends). The rule nodes a step reads (the death date) are
read by the evaluator itself, through :class:`Reader`.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from yanglao.core.catalog.decimals import from_fen, round_amount, to_fen
from yanglao.core.catalog.model import Catalog, ExclusiveGroup, Item
from yanglao.core.catalog.onday import items_in_order, ranked_groups
from yanglao.core.catalog.rules import Compare, Cond, Expr, FieldRef, In, IsKnown, Within
from yanglao.core.engine.plan import (
    TRUE,
    Conj,
    Disj,
    Fen,
    Flag,
    Known,
    LCond,
    Money,
    MoneyCompare,
    Neg,
    Pick,
    PlannedBenefit,
    PlannedItem,
    Slot,
    Step,
    Text,
    Times,
    Total,
    Truth,
    alive,
    is_cond,
    item_outputs,
    whole_list_steps,
)

Column = bool | int | str | Decimal | None  # a flag, money in whole fen, a period, an amount, or unknown


def rule_column(position: int) -> str:
    """The column holding whether the evaluator found benefit ``position``'s rule to hold."""
    return f"__rule{position}"


def amount_column(position: int) -> str:
    """The column holding the evaluator's amount of benefit ``position`` (yuan, rounded to the fen)."""
    return f"__amount{position}"


@dataclass
class Reader:
    """The columns the steps have assigned so far, and the evaluator's own reading of a person's values
    (``holds`` for a rule condition, ``value`` for an expression of the person's numbers)."""

    holds: Callable[[Cond], bool]
    value: Callable[[Expr], object]
    columns: dict[str, Column] = field(default_factory=dict)
    checked: dict[Cond, bool] = field(default_factory=dict)

    def check(self, cond: Cond) -> bool:
        """A rule condition, read once per person (the death step asks it of every benefit)."""
        found = self.checked.get(cond)
        if found is None:
            found = self.checked[cond] = self.holds(cond)
        return found

    def read(self, expr: Expr) -> object:
        """A person's value: the evaluator's amount where the steps read one (a column), else the record's."""
        if isinstance(expr, FieldRef) and expr.name in self.columns:
            return self.columns[expr.name]
        return self.value(expr)

    def run(self, step: Step) -> None:
        """One step: its columns computed together from the earlier ones, then assigned."""
        computed = {name: cond(n, self) if is_cond(n) else money(n, self) for name, n in step}  # type: ignore[arg-type]
        self.columns.update(computed)


@dataclass(frozen=True)
class Decided:
    """What the evaluator decided for one benefit, before the whole-list steps."""

    holds: bool  # its rule holds for the person (False for a benefit that is not machine-evaluable)
    amount: Decimal | None  # rounded to the fen; None: the list fixes none, or a figure is unknown


@dataclass(frozen=True)
class Exclusion:
    """A 择高 group's ranking took ``loser`` (a benefit's position) away because ``winner`` ranks higher."""

    group: ExclusiveGroup
    winner: int
    loser: int


@dataclass(frozen=True)
class ItemResult:
    granted: bool
    amount: Decimal | None
    period: str | None


@dataclass(frozen=True)
class Outcome:
    granted: tuple[bool, ...]  # per benefit position, after every step
    exclusions: tuple[Exclusion, ...]  # in the order the groups ranked
    items: tuple[ItemResult, ...]  # per item, in order


@dataclass(frozen=True)
class ListSteps:
    """The plan's whole-list steps for a list on a date, reading the evaluator's decisions from columns:
    a benefit's rule is the flag :func:`rule_column`, its amount the person's number :func:`amount_column`
    (so the plan's amount step keeps it where granted and rounds it to the fen, as a backend would)."""

    catalog: Catalog
    on: dt.date
    items: tuple[Item, ...]  # in force on the date, in printed order
    alive: LCond  # the death step's condition
    benefits: tuple[PlannedBenefit, ...]
    groups: tuple[tuple[ExclusiveGroup, tuple[int, ...]], ...]
    steps: tuple[Step, ...]
    outputs: tuple[PlannedItem, ...]  # each item's granted flag, amount and period over the columns

    @cached_property
    def granted(self) -> tuple[str, ...]:
        """The columns of each benefit's granted flag."""
        return tuple(b.granted.name for b in self.benefits)


def _build(catalog: Catalog, on: dt.date) -> ListSteps:
    items = items_in_order(catalog, on)
    benefits: list[PlannedBenefit] = []
    planned: list[PlannedItem] = []
    for k, item in enumerate(items):
        first = len(benefits)
        for benefit in item.benefits:
            n = len(benefits)
            amount = ((TRUE, FieldRef(amount_column(n))),)
            rule = Flag(rule_column(n))
            benefits.append(
                PlannedBenefit(n, item.no, benefit.code, benefit.name, rule, amount, benefit.period)
            )
        indices = tuple(range(first, len(benefits)))
        planned.append(PlannedItem(item.no, k, item.code, item.name, item.has_parts, indices))
    groups = ranked_groups(catalog, {b.code: b.index for b in benefits})
    steps = whole_list_steps(on, benefits, [members for _, members in groups])
    assert len(steps) == 2 + 2 * len(groups)  # granted, amounts, then two steps per group
    outputs = tuple(item_outputs(item, benefits) for item in planned)
    return ListSteps(catalog, on, items, alive(on), tuple(benefits), groups, steps, outputs)


# The steps are the same for every person on a date: built once per list (the object itself, held here
# so that its id cannot be reused) and date, a few dozen at most.
_BUILT: dict[tuple[int, dt.date], ListSteps] = {}
_KEEP = 64


def list_steps(catalog: Catalog, on: dt.date) -> ListSteps:
    key = (id(catalog), on)
    found = _BUILT.get(key)
    if found is None or found.catalog is not catalog:
        found = _build(catalog, on)
        if len(_BUILT) >= _KEEP:
            _BUILT.clear()
        _BUILT[key] = found
    return found


def lives(steps: ListSteps, reader: Reader) -> bool:
    """The plan's death step for this person: not dead on the date."""
    return cond(steps.alive, reader)


def run_whole_list(steps: ListSteps, decided: Sequence[Decided], reader: Reader) -> Outcome:
    """The plan's whole-list steps over ``decided`` (one per benefit of ``steps.items``, in order)."""
    for n, own in enumerate(decided):
        reader.columns[rule_column(n)] = own.holds
        reader.columns[amount_column(n)] = own.amount
    granted: list[list[bool]] = []
    for step in steps.steps:
        reader.run(step)
        granted.append([reader.columns[name] is True for name in steps.granted])
    exclusions = [
        Exclusion(group, winner, loser)
        for n, (group, members) in enumerate(steps.groups)
        for winner in members
        if granted[3 + 2 * n][winner]
        for loser in members
        if granted[1 + 2 * n][loser] and not granted[3 + 2 * n][loser]
    ]
    results: list[ItemResult] = []
    for out in steps.outputs:
        if cond(out.granted, reader):  # the backends output an item's amount and period where granted
            results.append(ItemResult(True, _yuan(money(out.fen, reader)), _text(money(out.period, reader))))
        else:
            results.append(ItemResult(False, None, None))
    return Outcome(tuple(granted[-1]), tuple(exclusions), tuple(results))


def _yuan(fen: Column) -> Decimal | None:
    return from_fen(fen) if isinstance(fen, int) and not isinstance(fen, bool) else None


def _text(value: Column) -> str | None:
    return value if isinstance(value, str) else None


# --- the plan's nodes as Python values ---------------------------------------------------------------
# A table from node class to its translation (a person's evaluation runs a few hundred nodes: a dict
# look-up per node rather than ``singledispatch``'s MRO walk); a class missing here is an error, and
# ``tests/unit/catalog/test_wholelist.py`` checks every node a plan can hold is here.

_COMPARE: dict[str, Callable[[int, int], bool]] = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def cond(node: LCond, reader: Reader) -> bool:
    """A condition node's truth for this person."""
    try:
        run = CONDITIONS[type(node)]
    except KeyError:
        raise TypeError(f"the one-person evaluator cannot run the plan node {type(node).__name__}") from None
    return run(node, reader)


def money(node: Money | Text, reader: Reader) -> Column:
    """A money node in whole fen, a text literal (a period), or None (unknown)."""
    if node is None or isinstance(node, str | int):
        return node
    try:
        run = MONEY[type(node)]
    except KeyError:
        raise TypeError(f"the one-person evaluator cannot run the plan node {type(node).__name__}") from None
    return run(node, reader)


def _fen(value: Column) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _money_compare(node: MoneyCompare, reader: Reader) -> bool:
    left, right = _fen(money(node.left, reader)), _fen(money(node.right, reader))
    return left is not None and right is not None and _COMPARE[node.op](left, right)


def _rounded(node: Fen, reader: Reader) -> Column:
    assert not isinstance(node.value, Decimal | bool | dt.date)
    value = reader.read(node.value)
    return to_fen(round_amount(value)) if isinstance(value, Decimal) else None


def _pick(node: Pick, reader: Reader) -> Column:
    for guard, value in node.branches:
        if cond(guard, reader):
            return money(value, reader)
    return money(node.otherwise, reader)


def _total(node: Total, reader: Reader) -> Column:
    values = [_fen(money(m, reader)) for m in node.items]
    numbers = [v for v in values if v is not None]
    return sum(numbers) if len(numbers) == len(values) else None


def _times(node: Times, reader: Reader) -> Column:
    value = _fen(money(node.value, reader))
    return None if value is None else value * node.factor


CONDITIONS: dict[type, Callable[[Any, Reader], bool]] = {
    Truth: lambda node, reader: bool(node.value),
    Conj: lambda node, reader: all(cond(c, reader) for c in node.items),
    Disj: lambda node, reader: any(cond(c, reader) for c in node.items),
    Neg: lambda node, reader: not cond(node.item, reader),
    Flag: lambda node, reader: reader.columns[node.name] is True,
    Known: lambda node, reader: money(node.value, reader) is not None,
    MoneyCompare: _money_compare,
    Compare: lambda node, reader: reader.check(node),
    In: lambda node, reader: reader.check(node),
    Within: lambda node, reader: reader.check(node),
    IsKnown: lambda node, reader: reader.check(node),
}
MONEY: dict[type, Callable[[Any, Reader], Column]] = {
    Slot: lambda node, reader: reader.columns[node.name],
    Fen: _rounded,
    Pick: _pick,
    Total: _total,
    Times: _times,
}
