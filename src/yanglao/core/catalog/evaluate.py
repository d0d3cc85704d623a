"""The one-person evaluator: every item of a catalogue for one person on one date, with the reasons.

A visitor (``functools.singledispatch``) over the rule nodes of :mod:`yanglao.core.catalog.rules`. The
bulk engines (Polars, PySpark) are further visitors over the same nodes and must agree with this one,
including on missing values (see the module docstring of ``rules``) and on these global rules:

1. A person who died on or before the evaluation date is entitled to nothing (alive the day before).
2. Age is in completed years on the evaluation date (``yanglao.core.person.age_on``).
3. Amounts are computed exactly (Decimal) and rounded once, at the end, to 0.01 yuan half-up.
4. 择高 (exclusive groups): of the members a person qualifies for, only the highest amount, compared per
   year (month × 12), is granted; an unknown amount ranks below every known one; ties go to the lower
   printed number (then to the earlier part of the same item). A group whose document leaves the choice
   to the person (``chooser: applicant``, "可择高申领其中一类") excludes nobody: every member the person
   qualifies for is granted and says "择高，由本人选择" with the others.
5. A list grants nothing before its ``effective_from`` or after its ``effective_to``; a draft (征求意见稿)
   evaluated by name says so in the decision's notes.
6. An amount that rests on an example figure (示例值) is marked ``placeholder`` and its words carry the mark.

Rules 1 and 4 and the sum of an item's parts are not written here: they are the bulk plan's whole-list
steps (:mod:`yanglao.core.engine.plan`), which this evaluator runs over its own per-benefit decisions
(:mod:`yanglao.core.catalog.wholelist`); here are only their words (the reasons, "择高，由本人选择").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import singledispatch
from typing import TYPE_CHECKING

from yanglao.core.catalog.decimals import fold, ordered, round_amount, yearly
from yanglao.core.catalog.decision import (
    STATUS_WORDS,
    UNKNOWN,
    Decision,
    ItemDecision,
    ParamRead,
    Status,
    Trace,
)
from yanglao.core.catalog.describe import describe_cond, describe_expr
from yanglao.core.catalog.model import COMPARISONS, Benefit, Catalog, Item
from yanglao.core.catalog.onday import resolve_options
from yanglao.core.catalog.placeholders import example_params, rests_on_example
from yanglao.core.catalog.rules import (
    Age,
    All,
    AnyOf,
    Arith,
    Bracket,
    Choose,
    Compare,
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
from yanglao.core.catalog.words import (
    PLACEHOLDER_MARK,
    choice_text,
    code_label,
    exclusion_reason,
    failure_reason,
    list_status_text,
    literal_text,
    money_text,
    payee_text,
    per_text,
    quantity_text,
    success_reason,
)

__all__ = [
    "Context",
    "eval_cond",
    "eval_expr",
    "evaluate",
    "failure_reason",
    "resolve_options",
    "round_amount",
    "success_reason",
]
from yanglao.core.person import FIELDS, Value, age_on

if TYPE_CHECKING:
    from yanglao.core.catalog.wholelist import Outcome

Scalar = Decimal | bool | dt.date | None
CODED = frozenset({"disability_grade", "ability_level"} | {f.name for f in FIELDS if f.kind == "code"})


def is_deceased(record: Mapping[str, Value], on: dt.date) -> bool:
    """Died on or before ``on`` (a person dying on D is still alive for an evaluation on D-1)."""
    death = record.get("death_date")
    return isinstance(death, dt.date) and death <= on


@dataclass
class Context:
    catalog: Catalog
    record: Mapping[str, Value]
    on: dt.date
    options: Mapping[str, bool]
    reads: dict[str, ParamRead] = field(default_factory=dict)
    # False: only the truth of each condition is wanted (the catalogue check over tens of thousands of
    # probe persons); the words of the explanation are then left empty. The truth is the same.
    explain: bool = True
    examples: frozenset[str] = frozenset()  # the parameters whose value on the date is an example figure


# --- expressions -----------------------------------------------------------------------------------


@singledispatch
def eval_expr(expr: Expr, ctx: Context) -> Scalar:
    raise TypeError(f"unknown expression node {type(expr).__name__}")


@eval_expr.register
def _(expr: Const, ctx: Context) -> Scalar:
    return expr.value


@eval_expr.register
def _(expr: FieldRef, ctx: Context) -> Scalar:
    value = ctx.record.get(expr.name)
    if isinstance(value, bool | dt.date) or value is None:
        return value
    if isinstance(value, int):
        return Decimal(value)
    raise TypeError(f"field {expr.name} holds {type(value).__name__}, not a number, boolean or date")


@eval_expr.register
def _(expr: Age, ctx: Context) -> Scalar:
    birth = ctx.record.get("birth_date")
    if not isinstance(birth, dt.date):
        return None
    return Decimal(age_on(birth, ctx.on))


@eval_expr.register
def _(expr: Param, ctx: Context) -> Scalar:
    param = ctx.catalog.parameters[expr.name]
    value = param.value_on(ctx.on)
    ctx.reads.setdefault(
        expr.name,
        ParamRead(
            expr.name,
            param.label,
            param.unit,
            value.value if value else None,
            value.valid_from if value else None,
            value.reference if value else "",
            value.example if value else False,
        ),
    )
    return value.value if value else None


@eval_expr.register
def _(expr: Arith, ctx: Context) -> Scalar:
    values = [eval_expr(arg, ctx) for arg in expr.args]
    numbers = [v for v in values if isinstance(v, Decimal) and not isinstance(v, bool)]
    if len(numbers) != len(values):
        return None
    return fold(expr.op, numbers)


@eval_expr.register
def _(expr: Bracket, ctx: Context) -> Scalar:
    of = eval_expr(expr.of, ctx)
    if not isinstance(of, Decimal):
        return None
    for row in expr.rows:
        if (row.low is None or of >= row.low) and (row.high is None or of <= row.high):
            return eval_expr(row.value, ctx)
    return eval_expr(expr.otherwise, ctx) if expr.otherwise is not None else None


@eval_expr.register
def _(expr: Choose, ctx: Context) -> Scalar:
    for case in expr.cases:
        if eval_cond(case.when, ctx).result:
            return eval_expr(case.value, ctx)
    return eval_expr(expr.otherwise, ctx) if expr.otherwise is not None else None


# --- conditions ------------------------------------------------------------------------------------


def _shown(expr: Expr, value: Scalar) -> str:
    if value is None:
        return UNKNOWN
    if isinstance(expr, Age):
        return f"{literal_text(value)}周岁"
    return literal_text(value)


def _describe(cond: Cond, ctx: Context) -> str:
    return describe_cond(cond, ctx.catalog) if ctx.explain else ""


def _value_text(ctx: Context, pairs: list[tuple[Expr, Scalar]]) -> str:
    """``本人：85周岁`` for one value read; ``年龄：85周岁；…`` when several are."""
    if not ctx.explain:
        return ""
    read = [(e, v) for e, v in pairs if not isinstance(e, Const)]
    if len(read) == 1 and isinstance(read[0][0], Age | FieldRef):
        return f"本人：{_shown(*read[0])}"
    return "；".join(f"{describe_expr(e, ctx.catalog)}：{_shown(e, v)}" for e, v in read)


@singledispatch
def eval_cond(cond: Cond, ctx: Context) -> Trace:
    raise TypeError(f"unknown condition node {type(cond).__name__}")


@eval_cond.register
def _(cond: All, ctx: Context) -> Trace:
    children = tuple(eval_cond(c, ctx) for c in cond.items)
    return Trace("同时满足", all(c.result for c in children), "", children, "all")


@eval_cond.register
def _(cond: AnyOf, ctx: Context) -> Trace:
    children = tuple(eval_cond(c, ctx) for c in cond.items)
    return Trace("满足其一", any(c.result for c in children), "", children, "any")


@eval_cond.register
def _(cond: Not, ctx: Context) -> Trace:
    inner = eval_cond(cond.item, ctx)
    return Trace(_describe(cond, ctx), not inner.result, "", (inner,), "not")


@eval_cond.register
def _(cond: Compare, ctx: Context) -> Trace:
    left, right = eval_expr(cond.left, ctx), eval_expr(cond.right, ctx)
    value = _value_text(ctx, [(cond.left, left), (cond.right, right)])
    if left is None or right is None:
        result = False
    elif cond.op == "=":
        result = left == right
    elif cond.op == "!=":
        result = left != right
    else:
        result = ordered(cond.op, left, right)
    return Trace(_describe(cond, ctx), result, value)


@eval_cond.register
def _(cond: In, ctx: Context) -> Trace:
    value = ctx.record.get(cond.field)
    result = value is not None and value in cond.values
    if not ctx.explain:
        return Trace("", result, "")
    shown = (
        UNKNOWN
        if value is None
        else code_label(cond.field, value if isinstance(value, str | int) else str(value))
    )
    return Trace(_describe(cond, ctx), result, f"本人：{shown}")


@eval_cond.register
def _(cond: Within, ctx: Context) -> Trace:
    value = ctx.record.get(cond.field)
    result = isinstance(value, str) and value.startswith(cond.prefix)
    shown = UNKNOWN if value is None else str(value)
    return Trace(_describe(cond, ctx), result, f"本人：{shown}")


@eval_cond.register
def _(cond: IsKnown, ctx: Context) -> Trace:
    name = "birth_date" if cond.field == "age" else cond.field
    value = ctx.record.get(name)
    if value is None:
        shown = UNKNOWN
    elif isinstance(value, str | int) and not isinstance(value, bool) and name in CODED:
        shown = code_label(name, value)
    else:
        shown = literal_text(value)
    return Trace(_describe(cond, ctx), value is not None, f"本人：{shown}")


@eval_cond.register
def _(cond: OptionOn, ctx: Context) -> Trace:
    on = bool(ctx.options.get(cond.name, False))
    return Trace(_describe(cond, ctx), on, f"本地{'已' if on else '未'}开启")


# --- items -----------------------------------------------------------------------------------------


_per_text = per_text


def _benefit(item: Item, benefit: Benefit, ctx: Context) -> ItemDecision:
    base = ItemDecision(
        item.no,
        benefit.code,
        benefit.name,
        "not_granted",
        "",
        period=benefit.period,
        comparison=benefit.comparison,
        payee=benefit.payee,
        payee_text=benefit.payee_text,
        quantity=benefit.quantity,
    )
    if benefit.rule is None:
        return replace(base, status="not_evaluable", reason=f"无法机器判断：{benefit.rule_note}")
    ctx.reads = {}
    trace = eval_cond(benefit.rule, ctx)
    if not trace.result:
        return replace(
            base, reason="不符合：" + failure_reason(trace), trace=trace, params=tuple(ctx.reads.values())
        )
    amount: Decimal | None = None
    amount_text = ""
    placeholder = rests_on_example(benefit, ctx.examples)
    if benefit.amount is not None:
        raw = eval_expr(benefit.amount, ctx)
        if isinstance(raw, Decimal):
            amount = round_amount(raw)
            word = COMPARISONS[benefit.comparison or "exact"]
            shown = describe_expr(benefit.amount, ctx.catalog)
            mark = PLACEHOLDER_MARK if placeholder else ""
            amount_text = f"{shown} = {money_text(amount)} 元{_per_text(benefit.period)}{mark}"
            amount_text += f"（标准：{word}该数额）" if benefit.comparison != "exact" else ""
        else:
            amount_text = f"{describe_expr(benefit.amount, ctx.catalog)}：无法计算（所需数值未知）"
    extras = [
        f"标准：{quantity_text(benefit.quantity)}" if benefit.quantity is not None else "",
        payee_text(benefit.payee, benefit.payee_text),
    ]
    amount_text = "；".join(t for t in (amount_text, *extras) if t)
    reason = "符合：" + success_reason(trace)
    return replace(
        base,
        status="granted",
        reason=reason,
        trace=trace,
        amount=amount,
        amount_text=amount_text,
        params=tuple(ctx.reads.values()),
        placeholder=placeholder and amount is not None,
    )


def _exclusion_reason(group_name: str, winner: ItemDecision, loser: ItemDecision) -> str:
    return exclusion_reason(
        group_name, winner, loser, yearly(winner.amount, winner.period), yearly(loser.amount, loser.period)
    )


def _whole_list(catalog: Catalog, benefits: list[ItemDecision], outcome: Outcome) -> list[ItemDecision]:
    """Each benefit's decision after the plan's whole-list steps (``outcome``): a benefit the 择高 ranking
    took away is ``excluded``, naming the member that ranks higher; the members of a group whose choice is
    the applicant's (可择高申领其中一类) stay granted and name each other, "择高，由本人选择"."""
    out = list(benefits)
    for ex in outcome.exclusions:
        winner, loser = out[ex.winner], out[ex.loser]
        reason = _exclusion_reason(ex.group.name, winner, loser)
        out[ex.loser] = replace(loser, status="excluded", reason=reason, amount=None, amount_text="")
    assert [d.granted for d in out] == list(outcome.granted)
    position = {d.code: n for n, d in enumerate(out)}
    for group in catalog.choice_groups:
        qualifying = [out[position[c]] for c in group.members if c in position and out[position[c]].granted]
        for member in qualifying if len(qualifying) >= 2 else ():
            others = [f"第{d.no}项 {d.name}" for d in qualifying if d.code != member.code]
            words = choice_text(group.text, others)
            out[position[member.code]] = replace(member, reason=f"{member.reason}；{words}", choice=words)
    return out


def _item_decision(
    item: Item, parts: list[ItemDecision], amount: Decimal | None, period: str | None
) -> ItemDecision:
    """An item with parts, its amount and period as the whole-list steps gave them: granted when any part
    is; otherwise not evaluable when no part is, excluded when a part lost a 择高 ranking."""
    if not item.has_parts:
        return parts[0]
    statuses = {p.status for p in parts}
    granted = [p for p in parts if p.granted]
    status: Status
    if granted:
        status = "granted"
    elif statuses == {"not_evaluable"}:
        status = "not_evaluable"
    elif "excluded" in statuses:
        status = "excluded"
    else:
        status = "not_granted"
    reason = "；".join(f"{p.name}（{STATUS_WORDS[p.status]}）：{p.reason}" for p in parts)
    payees = {p.payee for p in parts}
    placeholder = amount is not None and any(p.placeholder for p in granted)
    texts = [f"{p.name}：{p.amount_text}" for p in granted if p.amount_text]
    if amount is not None and len(granted) > 1:
        mark = PLACEHOLDER_MARK if placeholder else ""
        texts.append(f"合计 {money_text(amount)} 元{_per_text(period)}{mark}")
    return ItemDecision(
        item.no,
        item.code,
        item.name,
        status,
        reason,
        amount=amount,
        period=period,
        parts=tuple(parts),
        payee=payees.pop() if len(payees) == 1 else "person",
        payee_text=parts[0].payee_text,
        amount_text="；".join(texts),
        placeholder=placeholder,
        choice="；".join(p.choice for p in granted if p.choice),
    )


def evaluate(
    catalog: Catalog,
    record: Mapping[str, Value],
    on: dt.date,
    options: Mapping[str, bool] | None = None,
) -> Decision:
    """Every item of ``catalog`` in force on ``on``, for the person ``record`` (as produced by
    ``parse_record``/``derive_defaults``), with the reasons; ``options`` switch local options.

    Each benefit's rule and amount are this evaluator's own (with their reasons); the whole-list steps —
    death, 择高, an item's parts — are the bulk plan's, run by :mod:`yanglao.core.catalog.wholelist`."""
    if isinstance(on, dt.datetime):
        on = on.date()
    chosen = resolve_options(catalog, options)
    # imported here: wholelist builds on the bulk plan, which imports this package (plan → catalog)
    from yanglao.core.catalog.wholelist import Decided, Reader, list_steps, lives, run_whole_list

    steps = list_steps(catalog, on)
    items = steps.items
    notes = tuple(list_status_text(catalog, on))
    ctx = Context(catalog, record, on, chosen, examples=example_params(catalog, on))
    reader = Reader(lambda cond: eval_cond(cond, ctx).result, lambda expr: eval_expr(expr, ctx))
    if not lives(steps, reader):
        reason = f"不符合：已于 {record['death_date']} 去世，{on} 不再享受任何待遇"
        dead = tuple(
            ItemDecision(
                i.no,
                i.code,
                i.name,
                "not_granted",
                reason,
                parts=tuple(ItemDecision(i.no, b.code, b.name, "not_granted", reason) for b in i.benefits)
                if i.has_parts
                else (),
            )
            for i in items
        )
        return Decision(catalog.code, on, chosen, True, dead, notes)
    own = [_benefit(item, benefit, ctx) for item in items for benefit in item.benefits]
    outcome = run_whole_list(steps, [Decided(d.granted, d.amount) for d in own], reader)
    decided = iter(_whole_list(catalog, own, outcome))
    result = tuple(
        _item_decision(item, [next(decided) for _ in item.benefits], out.amount, out.period)
        for item, out in zip(items, outcome.items, strict=True)
    )
    assert [d.granted for d in result] == [out.granted for out in outcome.items]
    return Decision(catalog.code, on, chosen, False, result, notes)
