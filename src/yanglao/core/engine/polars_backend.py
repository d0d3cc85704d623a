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
    Fen,
    Flag,
    Known,
    LCond,
    Money,
    MoneyCompare,
    Neg,
    Pick,
    Plan,
    PlannedItem,
    Slot,
    Text,
    Times,
    Total,
    Truth,
    integral,
    is_cond,
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


@cond_expr.register
def _(node: Flag) -> pl.Expr:
    return pl.col(node.name)


@cond_expr.register
def _(node: Known) -> pl.Expr:
    return money_expr(node.value).is_not_null()


@cond_expr.register
def _(node: MoneyCompare) -> pl.Expr:
    return _OPS[node.op](money_expr(node.left), money_expr(node.right)).fill_null(False)


# --- money (whole fen) and text --------------------------------------------------------------------


def money_expr(node: Money | Text) -> pl.Expr:
    """A money node as ``Int64`` fen, or a text literal (a period) as a string."""
    if node is None:
        return pl.lit(None, pl.Int64)
    if isinstance(node, str):
        return pl.lit(node, pl.String)
    if isinstance(node, int):
        return pl.lit(node, pl.Int64)
    return _money(node)


@singledispatch
def _money(node: object) -> pl.Expr:
    raise NotImplementedError(f"the Polars engine has no compilation for {type(node).__name__}")


@_money.register
def _(node: Slot) -> pl.Expr:
    return pl.col(node.name)


@_money.register
def _(node: Fen) -> pl.Expr:
    assert not isinstance(node.value, Decimal | bool | dt.date)
    scaled = value_expr(node.value, True) * pl.lit(Decimal(100), NUMERIC)
    return scaled.round(0, mode="half_away_from_zero").cast(pl.Int64)


@_money.register
def _(node: Pick) -> pl.Expr:
    text = any(isinstance(v, str) for _, v in node.branches) or isinstance(node.otherwise, str)
    otherwise = pl.lit(None, pl.String) if text and node.otherwise is None else money_expr(node.otherwise)
    if not node.branches:
        return otherwise

    def of(value: Money | Text) -> pl.Expr:
        return pl.lit(None, pl.String) if text and value is None else money_expr(value)

    (guard, value), *rest = node.branches
    chain: Any = pl.when(cond_expr(guard)).then(of(value))
    for guard, value in rest:
        chain = chain.when(cond_expr(guard)).then(of(value))
    return cast(pl.Expr, chain.otherwise(otherwise))


@_money.register
def _(node: Total) -> pl.Expr:
    return reduce(lambda a, b: a + b, [money_expr(m) for m in node.items])


@_money.register
def _(node: Times) -> pl.Expr:
    return money_expr(node.value) * node.factor


# --- a whole catalogue -----------------------------------------------------------------------------


def conform(frame: pl.LazyFrame) -> pl.LazyFrame:
    """The person columns in their engine types; a column the frame lacks is unknown for everybody."""
    names = frame.collect_schema().names()
    return frame.with_columns(
        [
            pl.col(name).cast(dtype) if name in names else pl.lit(None, dtype).alias(name)
            for name, dtype in PERSON_SCHEMA.items()
        ]
    )


def decide(plan: Plan, frame: pl.LazyFrame) -> pl.LazyFrame:
    """Runs the plan's steps: every benefit decided (``__g<i>``, ``__a<i>`` in fen), 择高 applied."""
    out = frame.with_columns(age_expr(plan.on))
    for step in plan.steps:
        out = out.with_columns(
            [(cond_expr(n) if is_cond(n) else money_expr(n)).alias(name) for name, n in step]  # type: ignore[arg-type]
        )
    return out


def yuan(fen: pl.Expr) -> pl.Expr:
    return (fen.cast(AMOUNT) / pl.lit(Decimal(100), pl.Decimal(18, 0))).cast(AMOUNT)


def yuan_of(node: Money | Text) -> pl.Expr:
    """An item's amount in yuan: a literal computed here exactly, else from the fen column."""
    if isinstance(node, int) and not isinstance(node, bool):
        return pl.lit(Decimal(node) / 100, AMOUNT)
    if node is None or node == Pick(()):
        return pl.lit(None, AMOUNT)
    return yuan(money_expr(node))


LONG_SCHEMA: dict[str, pl.DataType] = {"k": pl.UInt16(), "fen": pl.Int64(), "period": pl.String()}


def _slice(
    item: PlannedItem, k: int, decided: pl.LazyFrame, keep: tuple[str, ...], output: bool
) -> pl.LazyFrame:
    period = money_expr(item.period).cast(pl.String)
    if output:
        columns = [
            pl.lit(item.number, pl.Int64).alias("no"),
            pl.lit(item.code, pl.String).alias("code"),
            pl.lit(item.name, pl.String).alias("name"),
            yuan_of(item.fen).alias("amount"),
        ]
    else:
        columns = [pl.lit(k, pl.UInt16).alias("k"), money_expr(item.fen).alias("fen")]
    return decided.filter(cond_expr(item.granted)).select(*keep, *columns, period.alias("period"))


def long_items(
    plan: Plan, decided: pl.LazyFrame, keep: tuple[str, ...] = (ROW, "id_number"), output: bool = False
) -> pl.LazyFrame:
    """One row per (person, granted item), sorted by ``keep[0]`` then the item's position: the ``keep``
    columns and ``k`` (the item's position in the plan), ``fen``, ``period`` — or, with ``output``,
    the output columns ``no, code, name, amount, period``. ``decided`` is :func:`decide`'s result,
    best already collected (each item filters it once)."""
    schema = {n: t for n, t in OUTPUT_SCHEMA.items() if n != "id_number"} if output else LONG_SCHEMA
    parts = [_slice(item, k, decided, keep, output) for k, item in enumerate(plan.items)]
    if not parts:
        return decided.select(*keep).head(0).with_columns(pl.lit(None, t).alias(n) for n, t in schema.items())
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
    """The output schema (:data:`OUTPUT_SCHEMA`) from :func:`long_items` (``k, fen``)."""
    return long.select("id_number", *item_fields(plan), yuan(pl.col("fen")).alias("amount"), "period")


def entitle_lazy(plan: Plan, persons: pl.LazyFrame) -> pl.LazyFrame:
    """One row per (person, granted item), in the persons' order then the items' order."""
    decided = decide(plan, conform(persons.with_row_index(ROW))).collect()
    return long_items(plan, decided.lazy(), keep=(ROW, "id_number"), output=True).drop(ROW)
