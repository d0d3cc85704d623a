"""Lowering a catalogue, for one date and one set of options, to a plan the bulk backends compile.

The bulk backends (Polars, PySpark) are visitors over the rule nodes of
:mod:`yanglao.core.catalog.rules`, but over a *lowered* tree in which everything that is the same for
every person on the date has already been computed here, in Python, with the reference evaluator's own
arithmetic (:class:`~decimal.Decimal`, :func:`~yanglao.core.catalog.evaluate.round_amount`):

- a parameter becomes its value on the date (or "unknown"), a local option ``True``/``False``;
- arithmetic on constants is folded exactly; an item not in force on the date is left out;
- a bracket or a choice becomes *branches*: mutually exclusive guards (conditions) each with a value,
  so that ``{"+": [{param: p}, {bracket: {of: age, …}}]}`` becomes ``age in 70..79 → 160.00;
  age >= 80 → 170.00; age known and below 70 → 150.00``, every figure exact and rounded to the fen;
- a comparison becomes a condition on a person's own values only (``age >= 80``, ``dibao = true``,
  ``death_date < 2024-01-01``), an integer field compared with a fraction rounded to the integer bound
  (``age >= 79.5`` is ``age >= 80``).

What is left for a backend is a handful of nodes: :class:`Conj`, :class:`Disj`, :class:`Neg`,
:class:`Truth` and the rule nodes ``Compare In Within IsKnown``, with ``Compare`` operands among ``FieldRef Age Const`` and ``Arith`` over those (the
only arithmetic a backend does itself: a person's own number in an amount, e.g. ``disabled_months × 10``,
computed in the backend's decimal type and rounded half-up to the fen).

The whole-list steps are lowered too, so that a backend only translates nodes: a plan is a list of
*steps*, each assigning columns (:class:`Slot` names) from nodes over the person's values and earlier
columns — every benefit's ``granted`` (death first: nobody is entitled to anything from the day of
death), its amount in whole fen, the 择高 ranking of every exclusive group (per-year amount, a known
amount above an unknown one, ties to the lower position) — and, per item, the granted flag, the amount
(the parts add up when every granted part has an amount and all share one period) and the period.
The money nodes (:class:`Fen`, :class:`Pick`, :class:`Total`, :class:`Times`) are integers of fen.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import singledispatch
from itertools import product

from yanglao.core.catalog.decimals import fold, ordered, period_factor, round_amount, to_fen
from yanglao.core.catalog.model import Catalog
from yanglao.core.catalog.onday import items_in_order, ranked_groups, resolve_options
from yanglao.core.catalog.rules import (
    Age,
    All,
    AnyOf,
    Arith,
    Bracket,
    Choose,
    Compare,
    CompareOp,
    Cond,
    Const,
    Expr,
    FieldRef,
    In,
    IsKnown,
    Not,
    OptionOn,
    Param,
    Within,
)
from yanglao.core.person import FIELD_BY_NAME


@dataclass(frozen=True)
class Truth:
    """A condition already decided for everybody on the date (an option, a comparison of constants)."""

    value: bool


@dataclass(frozen=True)
class Conj:
    """Every condition holds (``all`` after lowering)."""

    items: tuple[LCond, ...]


@dataclass(frozen=True)
class Disj:
    """At least one condition holds (``any`` after lowering)."""

    items: tuple[LCond, ...]


@dataclass(frozen=True)
class Neg:
    """Plain two-valued negation (``not`` after lowering)."""

    item: LCond


@dataclass(frozen=True)
class Flag:
    """A boolean column a plan step computed (a benefit's granted flag): a condition."""

    name: str


@dataclass(frozen=True)
class Slot:
    """A money column a plan step computed (a benefit's amount in whole fen)."""

    name: str


@dataclass(frozen=True)
class Known:
    """The money value has a value (is not null)."""

    value: Money


@dataclass(frozen=True)
class MoneyCompare:
    """``left op right`` between two money values (whole fen); false when either is unknown."""

    op: CompareOp
    left: Money
    right: Money


@dataclass(frozen=True)
class Fen:
    """An amount branch value in whole fen: a literal already rounded to the fen, or an expression of
    the person's own values (computed in decimal and rounded half-up to the fen by the backend)."""

    value: Value


@dataclass(frozen=True)
class Pick:
    """The value of the first branch whose guard holds, else ``otherwise`` (``None``: unknown)."""

    branches: tuple[tuple[LCond, Money | Text], ...]
    otherwise: Money | Text = None


@dataclass(frozen=True)
class Total:
    """The sum of money values (unknown when one is unknown)."""

    items: tuple[Money, ...]


@dataclass(frozen=True)
class Times:
    """A money value times a whole factor (a monthly amount × 12 per year)."""

    value: Money
    factor: int


TRUE, FALSE = Truth(True), Truth(False)
LCond = Conj | Disj | Neg | Compare | In | Within | IsKnown | Truth | Flag | Known | MoneyCompare
Literal = Decimal | bool | dt.date
# A branch value: a literal, or an expression of the person's own values (FieldRef, Age, Arith of those).
Value = Literal | Expr
Branch = tuple[LCond, Value]
# Money in whole fen (an ``int`` literal, never a bool), and a text literal or unknown (a period).
Money = int | Slot | Fen | Pick | Total | Times
Text = str | None
Node = LCond | Money | Text
Step = tuple[tuple[str, Node], ...]  # columns assigned together from earlier columns
COND_NODES = (Conj, Disj, Neg, Compare, In, Within, IsKnown, Truth, Flag, Known, MoneyCompare)


def is_cond(node: Node) -> bool:
    """A condition (else a money or text value)."""
    return isinstance(node, COND_NODES)


@dataclass(frozen=True)
class PlannedBenefit:
    """One benefit (an item, or one part of an item with parts) as the backends compute it."""

    index: int  # position in the catalogue (item order, then part order): 择高 ties go to the lower
    item_no: str
    code: str
    name: str
    rule: LCond  # Truth(False) for a benefit that is not machine-evaluable
    amount: tuple[Branch, ...] | None  # None: the list fixes no amount; no branch holds: unknown
    period: str | None

    @property
    def factor(self) -> int:
        """Months to a year for 择高 (amounts are compared per year)."""
        return period_factor(self.period)

    @property
    def granted(self) -> Flag:
        return Flag(f"__g{self.index}")

    @property
    def fen(self) -> Slot:
        return Slot(f"__a{self.index}")


@dataclass(frozen=True)
class PlannedItem:
    no: str
    number: int  # the 序号 as an integer (the output's ``no``)
    code: str
    name: str
    has_parts: bool
    benefits: tuple[int, ...]  # indices into Plan.benefits
    granted: LCond = FALSE  # over the plan's columns, after its steps
    fen: Money | Text = None
    period: Money | Text = None


@dataclass(frozen=True)
class Plan:
    catalog: str
    on: dt.date
    options: dict[str, bool]
    benefits: tuple[PlannedBenefit, ...]
    items: tuple[PlannedItem, ...]
    groups: tuple[tuple[int, ...], ...]  # 择高 groups, in the list's order: member benefit indices
    steps: tuple[Step, ...] = ()


def make_plan(catalog: Catalog, on: dt.date, options: Mapping[str, bool] | None = None) -> Plan:
    """The plan of ``catalog`` on ``on`` (options as for ``evaluate``; an unknown name is an error)."""
    if isinstance(on, dt.datetime):
        on = on.date()
    chosen = resolve_options(catalog, options)
    lowering = Lowering(on, chosen, catalog)
    benefits: list[PlannedBenefit] = []
    items: list[PlannedItem] = []
    for item in items_in_order(catalog, on):
        if not item.no.isdigit():
            raise ValueError(f"清单 {catalog.code} 第“{item.no}”项的序号不是整数，无法输出为整数序号")
        indices: list[int] = []
        for benefit in item.benefits:
            rule: LCond = FALSE if benefit.rule is None else lowering.cond(benefit.rule)
            amount = None if benefit.amount is None else lowering.amount(benefit.amount)
            indices.append(len(benefits))
            benefits.append(
                PlannedBenefit(
                    len(benefits), item.no, benefit.code, benefit.name, rule, amount, benefit.period
                )
            )
        items.append(PlannedItem(item.no, int(item.no), item.code, item.name, item.has_parts, tuple(indices)))
    groups = tuple(members for _, members in ranked_groups(catalog, {b.code: b.index for b in benefits}))
    steps = whole_list_steps(on, benefits, groups)
    items = [item_outputs(item, benefits) for item in items]
    return Plan(catalog.code, on, chosen, tuple(benefits), tuple(items), groups, steps)


# --- the whole-list steps --------------------------------------------------------------------------


def alive(on: dt.date) -> LCond:
    """Not dead on ``on`` (died on or before the date: entitled to nothing; unknown: alive)."""
    return Neg(Compare("<=", FieldRef("death_date"), Const(on)))


def amount_node(benefit: PlannedBenefit) -> Money:
    """The benefit's amount in fen where it is granted (unknown where no branch holds)."""
    if not benefit.amount:
        return Pick(())
    return Pick(
        ((benefit.granted, Pick(tuple((guard, fen_value(value)) for guard, value in benefit.amount))),)
    )


def beats(k: PlannedBenefit, m: PlannedBenefit) -> LCond:
    """Granted ``k`` ranks above ``m`` in a 择高 group: a higher per-year amount, a known amount against
    an unknown one, or a tie (equal, or both unknown) with ``k`` earlier in the list."""
    known_k, known_m = Known(k.fen), Known(m.fen)
    yearly_k, yearly_m = Times(k.fen, k.factor), Times(m.fen, m.factor)
    ranks = [conj([known_k, neg(known_m)]), MoneyCompare(">", yearly_k, yearly_m)]
    if k.index < m.index:
        ranks += [MoneyCompare("=", yearly_k, yearly_m), conj([neg(known_k), neg(known_m)])]
    return conj([k.granted, disj(ranks)])


def whole_list_steps(
    on: dt.date, benefits: Sequence[PlannedBenefit], groups: Sequence[tuple[int, ...]]
) -> tuple[Step, ...]:
    steps: list[Step] = [
        tuple((b.granted.name, conj([alive(on), b.rule])) for b in benefits),
        tuple((b.fen.name, amount_node(b)) for b in benefits),
    ]
    for n, group in enumerate(groups):
        members = [benefits[i] for i in group]
        lost = {m.index: Flag(f"__x{n}_{m.index}") for m in members}
        steps.append(
            tuple((lost[m.index].name, disj([beats(k, m) for k in members if k is not m])) for m in members)
        )
        steps.append(
            tuple((m.granted.name, conj([m.granted, neg(lost[m.index])])) for m in members)
            + tuple((m.fen.name, Pick(((neg(lost[m.index]), m.fen),))) for m in members)
        )
    return tuple(steps)


def item_outputs(item: PlannedItem, benefits: Sequence[PlannedBenefit]) -> PlannedItem:
    """The item with its granted flag, amount and period: a single benefit's own, or its parts'
    together (granted when any part is; the sum when every granted part has an amount and all share
    one period)."""
    parts = [benefits[i] for i in item.benefits]
    if not item.has_parts:
        return replace(item, granted=parts[0].granted, fen=parts[0].fen, period=parts[0].period)
    clashes = [
        conj([p.granted, q.granted])
        for n, p in enumerate(parts)
        for q in parts[n + 1 :]
        if p.period != q.period
    ]
    one = neg(disj(clashes))
    complete = conj([disj([neg(p.granted), Known(p.fen)]) for p in parts])
    total = Total(tuple(Pick(((p.granted, p.fen),), 0) for p in parts))
    return replace(
        item,
        granted=disj([p.granted for p in parts]),
        fen=Pick(((conj([one, complete]), total),)),
        period=Pick(tuple((conj([one, p.granted]), p.period) for p in parts)),
    )


def fen_value(value: Value) -> Money:
    """An amount branch value in whole fen: a literal (already rounded to the fen) exactly, an
    expression of the person's values as :class:`Fen`."""
    if isinstance(value, Decimal) and not isinstance(value, bool):
        return to_fen(value)
    return Fen(value)


# --- building conditions ---------------------------------------------------------------------------


def conj(items: Sequence[LCond]) -> LCond:
    kept: list[LCond] = []
    for item in items:
        if item == FALSE:
            return FALSE
        if item != TRUE:
            kept.extend(item.items if isinstance(item, Conj) else (item,))
    return TRUE if not kept else kept[0] if len(kept) == 1 else Conj(tuple(kept))


def disj(items: Sequence[LCond]) -> LCond:
    kept: list[LCond] = []
    for item in items:
        if item == TRUE:
            return TRUE
        if item != FALSE:
            kept.extend(item.items if isinstance(item, Disj) else (item,))
    return FALSE if not kept else kept[0] if len(kept) == 1 else Disj(tuple(kept))


def neg(item: LCond) -> LCond:
    if isinstance(item, Truth):
        return Truth(not item.value)
    return item.item if isinstance(item, Neg) else Neg(item)


def is_literal(value: Value) -> bool:
    return isinstance(value, Decimal | bool | dt.date)


def integral(expr: Value) -> bool:
    """A person's value that is always a whole number (age, an integer field)."""
    return isinstance(expr, Age) or (isinstance(expr, FieldRef) and FIELD_BY_NAME[expr.name].kind == "int")


def known(expr: Expr) -> LCond:
    """The condition that an expression of the person's values has a value."""
    if isinstance(expr, Age):
        return IsKnown("age")
    if isinstance(expr, FieldRef):
        return IsKnown(expr.name)
    return Compare("=", expr, expr)  # False exactly when unknown (or a division by zero)


_FLIP: dict[str, CompareOp] = {"=": "=", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


def compare(op: CompareOp, left: Value, right: Value) -> LCond:
    """``left op right`` where either side is a literal or an expression of the person's values."""
    if isinstance(left, Decimal | bool | dt.date) and isinstance(right, Decimal | bool | dt.date):
        if op == "=":
            return Truth(left == right)
        if op == "!=":
            return Truth(left != right)
        return Truth(ordered(op, left, right))
    if isinstance(left, Decimal | bool | dt.date):
        return compare(_FLIP[op], right, left)
    if isinstance(right, Decimal) and not isinstance(right, bool) and integral(left) and right % 1 != 0:
        # A whole number against a fraction: the nearest whole bound, exactly.
        if op == "=":
            return FALSE
        if op == "!=":
            return known(left)
        bound = math.ceil(right) if op in (">=", "<") else math.floor(right)
        return Compare(op, left, Const(Decimal(bound)))
    return Compare(op, left, as_expr(right))


def as_expr(value: Value) -> Expr:
    return Const(value) if isinstance(value, Decimal | bool | dt.date) else value


def arith(op: str, values: Sequence[Value]) -> Value | None:
    """The reference evaluator's arithmetic on literals; an expression when a value is the person's."""
    if all(isinstance(v, Decimal) and not isinstance(v, bool) for v in values):
        return fold(op, [v for v in values if isinstance(v, Decimal)])
    return Arith(op, tuple(as_expr(v) for v in values))  # type: ignore[arg-type]


# --- the lowering ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lowering:
    on: dt.date
    options: Mapping[str, bool]
    catalog: Catalog

    def cond(self, cond: Cond) -> LCond:
        return _lower_cond(cond, self)

    def branches(self, expr: Expr) -> list[Branch]:
        """Mutually exclusive (guard, value) pairs; where no guard holds the value is unknown."""
        return _branches(expr, self)

    def amount(self, expr: Expr) -> tuple[Branch, ...]:
        out: list[Branch] = []
        for guard, value in self.branches(expr):
            if isinstance(value, Decimal) and not isinstance(value, bool):
                value = round_amount(value)
            out.append((guard, value))
        return tuple(out)


@singledispatch
def _lower_cond(cond: Cond, low: Lowering) -> LCond:
    raise TypeError(f"the bulk engines cannot lower the condition node {type(cond).__name__}")


@_lower_cond.register
def _(cond: All, low: Lowering) -> LCond:
    return conj([low.cond(c) for c in cond.items])


@_lower_cond.register
def _(cond: AnyOf, low: Lowering) -> LCond:
    return disj([low.cond(c) for c in cond.items])


@_lower_cond.register
def _(cond: Not, low: Lowering) -> LCond:
    return neg(low.cond(cond.item))


@_lower_cond.register
def _(cond: Compare, low: Lowering) -> LCond:
    return disj(
        [
            conj([gl, gr, compare(cond.op, vl, vr)])
            for gl, vl in low.branches(cond.left)
            for gr, vr in low.branches(cond.right)
        ]
    )


@_lower_cond.register
def _(cond: In | Within | IsKnown, low: Lowering) -> LCond:
    return cond


@_lower_cond.register
def _(cond: OptionOn, low: Lowering) -> LCond:
    return Truth(bool(low.options.get(cond.name, False)))


@singledispatch
def _branches(expr: Expr, low: Lowering) -> list[Branch]:
    raise TypeError(f"the bulk engines cannot lower the expression node {type(expr).__name__}")


@_branches.register
def _(expr: Const, low: Lowering) -> list[Branch]:
    return [(TRUE, expr.value)]


@_branches.register
def _(expr: FieldRef | Age, low: Lowering) -> list[Branch]:
    return [(TRUE, expr)]


@_branches.register
def _(expr: Param, low: Lowering) -> list[Branch]:
    value = low.catalog.parameters[expr.name].value_on(low.on)
    return [] if value is None else [(TRUE, value.value)]


@_branches.register
def _(expr: Arith, low: Lowering) -> list[Branch]:
    out: list[Branch] = []
    for combo in product(*(low.branches(arg) for arg in expr.args)):
        guard = conj([g for g, _ in combo])
        value = arith(expr.op, [v for _, v in combo])
        if guard != FALSE and value is not None:
            out.append((guard, value))
    return out


@_branches.register
def _(expr: Bracket, low: Lowering) -> list[Branch]:
    out: list[Branch] = []
    for guard, of in low.branches(expr.of):
        if isinstance(of, Decimal) and not isinstance(of, bool):
            chosen = next(
                (
                    row.value
                    for row in expr.rows
                    if (row.low is None or of >= row.low) and (row.high is None or of <= row.high)
                ),
                expr.otherwise,
            )
            if chosen is not None:
                out.extend((conj([guard, g]), v) for g, v in low.branches(chosen))
            continue
        assert not isinstance(of, bool | dt.date)
        rows: list[LCond] = []
        for row in expr.rows:
            bounds = [compare(">=", of, row.low)] if row.low is not None else []
            bounds += [compare("<=", of, row.high)] if row.high is not None else []
            rows.append(conj(bounds))
            out.extend((conj([guard, rows[-1], g]), v) for g, v in low.branches(row.value))
        if expr.otherwise is not None:
            rest = conj([guard, known(as_expr(of)), neg(disj(rows))])
            out.extend((conj([rest, g]), v) for g, v in low.branches(expr.otherwise))
    return [(g, v) for g, v in out if g != FALSE]


@_branches.register
def _(expr: Choose, low: Lowering) -> list[Branch]:
    out: list[Branch] = []
    earlier: list[LCond] = []
    for case in expr.cases:
        when = low.cond(case.when)
        guard = conj([when, neg(disj(earlier))])
        earlier.append(when)
        out.extend((conj([guard, g]), v) for g, v in low.branches(case.value))
    if expr.otherwise is not None:
        rest = neg(disj(earlier))
        out.extend((conj([rest, g]), v) for g, v in low.branches(expr.otherwise))
    return [(g, v) for g, v in out if g != FALSE]
