"""The embedded bulk engine: the lowered rule tree (:mod:`.plan`) compiled to Polars expressions.

A visitor (``functools.singledispatch``) over the few nodes a plan leaves, each yielding a lazy
``pl.Expr``; nothing runs until the caller collects or sinks the ``LazyFrame``. Every condition is
null-free (``fill_null(False)``), which is how "a comparison with an unknown value is false" and plain
two-valued ``not`` carry over from the reference evaluator. Amounts are whole fen (``Int64``): the
figures were computed exactly by the plan; only arithmetic on a person's own numbers runs here, in
``Decimal(38, 10)``, rounded half-up (away from zero) to the fen like ``round_amount``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import reduce, singledispatch
from typing import Any, cast

import polars as pl

from yanglao.core.catalog.rules import (
    Age,
    Arith,
    Compare,
    Const,
    Expr,
    FieldRef,
    In,
    IsKnown,
    Within,
)
from yanglao.core.engine.plan import (
    Conj,
    Disj,
    LCond,
    Neg,
    Plan,
    PlannedBenefit,
    Truth,
    Value,
    integral,
    is_literal,
)
from yanglao.core.person import FIELDS

NUMERIC = pl.Decimal(38, 10)
AMOUNT = pl.Decimal(18, 2)
_KIND_DTYPES: dict[str, pl.DataType] = {
    "id": pl.String(),
    "text": pl.String(),
    "code": pl.String(),
    "region": pl.String(),
    "bool": pl.Boolean(),
    "date": pl.Date(),
    "int": pl.Int64(),
}
# The typed person frame the engine evaluates (see frames.py for reading one from a file).
PERSON_SCHEMA: dict[str, pl.DataType] = {f.name: _KIND_DTYPES[f.kind] for f in FIELDS}
OUTPUT_SCHEMA: dict[str, pl.DataType] = {
    "id_number": pl.String(),
    "no": pl.Int64(),
    "code": pl.String(),
    "name": pl.String(),
    "amount": AMOUNT,
    "period": pl.String(),
}
AGE = "__age"
ROW = "__row"  # the person's position (or file line): the order of the output


def age_expr(on: dt.date) -> pl.Expr:
    """Completed years on ``on`` (born 29 February: a year older on 1 March in common years)."""
    birth = pl.col("birth_date")
    not_yet = (birth.dt.month().cast(pl.Int32) * 100 + birth.dt.day().cast(pl.Int32)) > (
        on.month * 100 + on.day
    )
    return (pl.lit(on.year, pl.Int32) - birth.dt.year().cast(pl.Int32) - not_yet.cast(pl.Int32)).alias(AGE)


# --- values ----------------------------------------------------------------------------------------


def literal(value: Decimal | bool | dt.date, *, decimal: bool = False) -> pl.Expr:
    if isinstance(value, Decimal) and not isinstance(value, bool):
        if value % 1 == 0 and not decimal:
            return pl.lit(int(value), pl.Int64)
        return pl.lit(value, NUMERIC)
    return pl.lit(value)


@singledispatch
def value_expr(node: Expr, decimal: bool = False) -> pl.Expr:
    raise NotImplementedError(
        f"the Polars engine has no compilation for {type(node).__name__} after lowering"
    )


@value_expr.register
def _(node: Const, decimal: bool = False) -> pl.Expr:
    return literal(node.value, decimal=decimal)


@value_expr.register
def _(node: FieldRef, decimal: bool = False) -> pl.Expr:
    return pl.col(node.name).cast(NUMERIC) if decimal else pl.col(node.name)


@value_expr.register
def _(node: Age, decimal: bool = False) -> pl.Expr:
    return pl.col(AGE).cast(NUMERIC) if decimal else pl.col(AGE)


@value_expr.register
def _(node: Arith, decimal: bool = False) -> pl.Expr:
    args = [value_expr(arg, True) for arg in node.args]
    result = args[0]
    for arg in args[1:]:
        if node.op == "+":
            result = result + arg
        elif node.op == "-":
            result = result - arg
        elif node.op == "*":
            result = result * arg
        else:
            result = pl.when(arg != 0).then(result / pl.when(arg != 0).then(arg))
    return result


# --- conditions ------------------------------------------------------------------------------------


@singledispatch
def cond_expr(node: LCond) -> pl.Expr:
    raise NotImplementedError(
        f"the Polars engine has no compilation for {type(node).__name__} after lowering"
    )


@cond_expr.register
def _(node: Truth) -> pl.Expr:
    return pl.lit(node.value)


@cond_expr.register
def _(node: Conj) -> pl.Expr:
    return pl.all_horizontal([cond_expr(c) for c in node.items])


@cond_expr.register
def _(node: Disj) -> pl.Expr:
    return pl.any_horizontal([cond_expr(c) for c in node.items])


@cond_expr.register
def _(node: Neg) -> pl.Expr:
    return ~cond_expr(node.item)


_OPS = {
    "=": pl.Expr.eq,
    "!=": pl.Expr.ne,
    "<": pl.Expr.lt,
    "<=": pl.Expr.le,
    ">": pl.Expr.gt,
    ">=": pl.Expr.ge,
}


def _is_whole(node: Expr) -> bool:
    if isinstance(node, Const):
        return not isinstance(node.value, Decimal) or node.value % 1 == 0
    return integral(node) or (isinstance(node, FieldRef))


@cond_expr.register
def _(node: Compare) -> pl.Expr:
    decimal = not (_is_whole(node.left) and _is_whole(node.right))
    left, right = value_expr(node.left, decimal), value_expr(node.right, decimal)
    return _OPS[node.op](left, right).fill_null(False)


@cond_expr.register
def _(node: In) -> pl.Expr:
    return pl.col(node.field).is_in(list(node.values)).fill_null(False)


@cond_expr.register
def _(node: Within) -> pl.Expr:
    return pl.col(node.field).str.starts_with(node.prefix).fill_null(False)


@cond_expr.register
def _(node: IsKnown) -> pl.Expr:
    return pl.col("birth_date" if node.field == "age" else node.field).is_not_null()


def cents_expr(value: Value) -> pl.Expr:
    """An amount in whole fen."""
    if is_literal(value):
        assert isinstance(value, Decimal)
        return pl.lit(int(value * 100), pl.Int64)
    assert not isinstance(value, Decimal | bool | dt.date)
    scaled = value_expr(value, True) * pl.lit(Decimal(100), NUMERIC)
    return scaled.round(0, mode="half_away_from_zero").cast(pl.Int64)


def amount_expr(benefit: PlannedBenefit) -> pl.Expr:
    if not benefit.amount:
        return pl.lit(None, pl.Int64)
    first, *rest = benefit.amount
    chain: Any = pl.when(cond_expr(first[0])).then(cents_expr(first[1]))
    for guard, value in rest:
        chain = chain.when(cond_expr(guard)).then(cents_expr(value))
    return cast(pl.Expr, chain.otherwise(pl.lit(None, pl.Int64)))


# --- a whole catalogue -----------------------------------------------------------------------------


def _g(i: int) -> str:
    return f"__g{i}"


def _a(i: int) -> str:
    return f"__a{i}"


def conform(frame: pl.LazyFrame) -> pl.LazyFrame:
    """The person columns in their engine types; a column the frame lacks is unknown for everybody."""
    names = frame.collect_schema().names()
    return frame.with_columns(
        [
            pl.col(name).cast(dtype) if name in names else pl.lit(None, dtype).alias(name)
            for name, dtype in PERSON_SCHEMA.items()
        ]
    )


def _beats(plan: Plan, k: int, m: int) -> pl.Expr:
    """Benefit ``k`` ranks above ``m`` in a 择高 group (per-year amount, known first, then order)."""
    bk, bm = plan.benefits[k], plan.benefits[m]
    ak, am = pl.col(_a(k)), pl.col(_a(m))
    yk, ym = ak * bk.factor, am * bm.factor
    known_k, known_m = ak.is_not_null(), am.is_not_null()
    higher = (known_k & ~known_m) | (known_k & known_m & (yk > ym))
    tie = (known_k & known_m & (yk == ym)) | (~known_k & ~known_m)
    return pl.col(_g(k)) & (higher | (tie & pl.lit(k < m))).fill_null(False)


def decide(plan: Plan, frame: pl.LazyFrame) -> pl.LazyFrame:
    """Adds ``__g<i>`` (granted) and ``__a<i>`` (fen) for every benefit, 择高 applied."""
    alive = pl.col("death_date").is_null() | (pl.col("death_date") > pl.lit(plan.on))
    out = frame.with_columns(age_expr(plan.on))
    out = out.with_columns([(alive & cond_expr(b.rule)).alias(_g(b.index)) for b in plan.benefits])
    out = out.with_columns(
        [pl.when(pl.col(_g(b.index))).then(amount_expr(b)).alias(_a(b.index)) for b in plan.benefits]
    )
    for group in plan.groups:
        lost = {m: pl.any_horizontal([_beats(plan, k, m) for k in group if k != m]) for m in group}
        out = out.with_columns(
            [(pl.col(_g(m)) & ~lost[m]).alias(_g(m)) for m in group]
            + [pl.when(~lost[m]).then(pl.col(_a(m))).alias(_a(m)) for m in group]
        )
    return out


def item_columns(plan: Plan) -> list[tuple[pl.Expr, pl.Expr, pl.Expr]]:
    """(granted, amount in fen, period) of every item: parts add up when every granted part has an
    amount and all share one period."""
    out: list[tuple[pl.Expr, pl.Expr, pl.Expr]] = []
    for item in plan.items:
        parts = [plan.benefits[i] for i in item.benefits]
        if not item.has_parts:
            b = parts[0]
            out.append((pl.col(_g(b.index)), pl.col(_a(b.index)), pl.lit(b.period, pl.String)))
            continue
        granted = pl.any_horizontal([pl.col(_g(p.index)) for p in parts])
        clashes = [
            pl.col(_g(p.index)) & pl.col(_g(q.index))
            for n, p in enumerate(parts)
            for q in parts[n + 1 :]
            if p.period != q.period
        ]
        one = ~pl.any_horizontal(clashes) if clashes else pl.lit(True)
        complete = pl.all_horizontal(
            [~pl.col(_g(p.index)) | pl.col(_a(p.index)).is_not_null() for p in parts]
        )
        total = reduce(
            lambda acc, p: acc + pl.when(pl.col(_g(p.index))).then(pl.col(_a(p.index))).otherwise(0),
            parts[1:],
            pl.when(pl.col(_g(parts[0].index))).then(pl.col(_a(parts[0].index))).otherwise(0),
        )
        period = pl.coalesce([pl.when(pl.col(_g(p.index))).then(pl.lit(p.period, pl.String)) for p in parts])
        out.append((granted, pl.when(one & complete).then(total), pl.when(one).then(period)))
    return out


def yuan(fen: pl.Expr) -> pl.Expr:
    return (fen.cast(AMOUNT) / pl.lit(Decimal(100), pl.Decimal(18, 0))).cast(AMOUNT)


LONG_SCHEMA: dict[str, pl.DataType] = {"k": pl.UInt16(), "fen": pl.Int64(), "period": pl.String()}


def long_items(plan: Plan, decided: pl.LazyFrame, keep: tuple[str, ...] = (ROW, "id_number")) -> pl.LazyFrame:
    """One row per (person, granted item): the ``keep`` columns, ``k`` (the item's position in the
    plan), ``fen`` and ``period``, sorted by ``keep[0]`` then ``k``. ``decided`` is :func:`decide`'s
    result, best already collected (each item filters it once)."""
    parts = [
        decided.filter(granted).select(
            *keep, pl.lit(k, pl.UInt16).alias("k"), fen.alias("fen"), period.alias("period")
        )
        for k, (granted, fen, period) in enumerate(item_columns(plan))
    ]
    if not parts:
        return (
            decided.select(*keep)
            .head(0)
            .with_columns(pl.lit(None, t).alias(n) for n, t in LONG_SCHEMA.items())
        )
    return pl.concat(parts).sort(keep[0], maintain_order=True)  # stable: items stay in plan order


def item_fields(plan: Plan) -> list[pl.Expr]:
    """``no, code, name`` of the item at position ``k``."""
    k = pl.col("k")
    return [
        k.replace_strict({i: it.number for i, it in enumerate(plan.items)}, return_dtype=pl.Int64).alias(
            "no"
        ),
        k.replace_strict({i: it.code for i, it in enumerate(plan.items)}, return_dtype=pl.String).alias(
            "code"
        ),
        k.replace_strict({i: it.name for i, it in enumerate(plan.items)}, return_dtype=pl.String).alias(
            "name"
        ),
    ]


def output_rows(plan: Plan, long: pl.LazyFrame) -> pl.LazyFrame:
    """The output schema (:data:`OUTPUT_SCHEMA`) from :func:`long_items`."""
    return long.select("id_number", *item_fields(plan), yuan(pl.col("fen")).alias("amount"), "period")


def entitle_lazy(plan: Plan, persons: pl.LazyFrame) -> pl.LazyFrame:
    """One row per (person, granted item), in the persons' order then the items' order."""
    decided = decide(plan, conform(persons.with_row_index(ROW))).collect()
    return output_rows(plan, long_items(plan, decided.lazy()))
