"""The distributed bulk engine: the same lowered rule tree (:mod:`.plan`) compiled to PySpark Columns.

For populations beyond one machine (a province's elders): the visitor below mirrors
:mod:`.polars_backend` node for node, so the two can be read side by side. PySpark is imported when a
function here is first called, never at import time, so the package works without a JVM.

Written to be correct under ANSI mode (the default from Spark 4): a division is only evaluated where
its divisor is not zero, and no cast can fail. Amounts are whole fen (``long``); arithmetic on a
person's own numbers runs in ``decimal(38, 10)`` and ``round`` (half-up) to the fen.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import reduce, singledispatch
from typing import Any

from yanglao.core.catalog.rules import Age, Arith, Compare, Const, Expr, FieldRef, In, IsKnown, Within
from yanglao.core.engine.plan import Conj, Disj, LCond, Neg, Plan, PlannedBenefit, Truth, Value, integral
from yanglao.core.person import FIELDS

Column = Any  # pyspark.sql.Column (PySpark ships no type stubs)
DataFrame = Any  # pyspark.sql.DataFrame
AGE = "__age"
_SPARK_TYPES = {
    "id": "string",
    "text": "string",
    "code": "string",
    "region": "string",
    "bool": "boolean",
    "date": "date",
    "int": "bigint",
}
PERSON_DDL = ", ".join(f"{f.name} {_SPARK_TYPES[f.kind]}" for f in FIELDS)
NUMERIC = "decimal(38,10)"


def _f() -> Any:
    from pyspark.sql import functions

    return functions


def age_column(on: dt.date) -> Column:
    f = _f()
    birth = f.col("birth_date")
    not_yet = (f.month(birth) * 100 + f.dayofmonth(birth)) > f.lit(on.month * 100 + on.day)
    return (f.lit(on.year) - f.year(birth) - not_yet.cast("int")).alias(AGE)


# --- values ----------------------------------------------------------------------------------------


def literal(value: Decimal | bool | dt.date, *, decimal: bool = False) -> Column:
    f = _f()
    if isinstance(value, Decimal) and not isinstance(value, bool):
        if value % 1 == 0 and not decimal:
            return f.lit(int(value)).cast("bigint")
        return f.lit(value).cast(NUMERIC)
    return f.lit(value)


@singledispatch
def value_column(node: Expr, decimal: bool = False) -> Column:
    raise NotImplementedError(f"the Spark engine has no compilation for {type(node).__name__} after lowering")


@value_column.register
def _(node: Const, decimal: bool = False) -> Column:
    return literal(node.value, decimal=decimal)


@value_column.register
def _(node: FieldRef, decimal: bool = False) -> Column:
    column = col(node.name)
    return column.cast(NUMERIC) if decimal else column


@value_column.register
def _(node: Age, decimal: bool = False) -> Column:
    column = col(AGE)
    return column.cast(NUMERIC) if decimal else column


@value_column.register
def _(node: Arith, decimal: bool = False) -> Column:
    f = _f()
    args = [value_column(arg, True) for arg in node.args]
    result = args[0]
    for arg in args[1:]:
        if node.op == "+":
            result = (result + arg).cast(NUMERIC)
        elif node.op == "-":
            result = (result - arg).cast(NUMERIC)
        elif node.op == "*":
            result = (result * arg).cast(NUMERIC)
        else:
            result = f.when(arg != 0, (result / arg).cast(NUMERIC))
    return result


# --- conditions ------------------------------------------------------------------------------------


_MEMO: dict[object, Column] = {}  # one compilation's columns by node: every py4j call costs


def cond_column(node: LCond) -> Column:
    """The Column of a lowered condition; a sub-condition shared by several rules is built once."""
    column = _MEMO.get(node)
    if column is None:
        column = _MEMO[node] = _cond(node)
    return column


def col(name: str) -> Column:
    key = ("col", name)
    if key not in _MEMO:
        _MEMO[key] = _f().col(name)
    return _MEMO[key]


@singledispatch
def _cond(node: LCond) -> Column:
    raise NotImplementedError(f"the Spark engine has no compilation for {type(node).__name__} after lowering")


@_cond.register
def _(node: Truth) -> Column:
    return _f().lit(node.value)


@_cond.register
def _(node: Conj) -> Column:
    return reduce(lambda a, b: a & b, [cond_column(c) for c in node.items])


@_cond.register
def _(node: Disj) -> Column:
    return reduce(lambda a, b: a | b, [cond_column(c) for c in node.items])


@_cond.register
def _(node: Neg) -> Column:
    return ~cond_column(node.item)


def _is_whole(node: Expr) -> bool:
    if isinstance(node, Const):
        return not isinstance(node.value, Decimal) or node.value % 1 == 0
    return integral(node) or isinstance(node, FieldRef)


@_cond.register
def _(node: Compare) -> Column:
    decimal = not (_is_whole(node.left) and _is_whole(node.right))
    left, right = value_column(node.left, decimal), value_column(node.right, decimal)
    ops = {
        "=": left == right,
        "!=": left != right,
        "<": left < right,
        "<=": left <= right,
        ">": left > right,
        ">=": left >= right,
    }
    return _f().coalesce(ops[node.op], _f().lit(False))


@_cond.register
def _(node: In) -> Column:
    return _f().coalesce(col(node.field).isin(list(node.values)), _f().lit(False))


@_cond.register
def _(node: Within) -> Column:
    return _f().coalesce(col(node.field).startswith(node.prefix), _f().lit(False))


@_cond.register
def _(node: IsKnown) -> Column:
    return col("birth_date" if node.field == "age" else node.field).isNotNull()


def cents_column(value: Value) -> Column:
    f = _f()
    if isinstance(value, Decimal):
        return f.lit(int(value * 100)).cast("bigint")
    assert not isinstance(value, bool | dt.date)
    return f.round(value_column(value, True) * f.lit(Decimal(100)), 0).cast("bigint")


def amount_column(benefit: PlannedBenefit) -> Column:
    f = _f()
    if not benefit.amount:
        return f.lit(None).cast("bigint")
    first, *rest = benefit.amount
    chain = f.when(cond_column(first[0]), cents_column(first[1]))
    for guard, value in rest:
        chain = chain.when(cond_column(guard), cents_column(value))
    return chain


# --- a whole catalogue -----------------------------------------------------------------------------


def _g(i: int) -> str:
    return f"__g{i}"


def _a(i: int) -> str:
    return f"__a{i}"


def conform(frame: DataFrame) -> DataFrame:
    """The person columns in their engine types; a column the frame lacks is unknown for everybody."""
    f = _f()
    present = set(frame.columns)
    return frame.select(
        "*",
        *[
            f.lit(None).cast(_SPARK_TYPES[fld.kind]).alias(fld.name)
            for fld in FIELDS
            if fld.name not in present
        ],
    ).select(
        *[c for c in frame.columns if c not in {fld.name for fld in FIELDS}],
        *[f.col(fld.name).cast(_SPARK_TYPES[fld.kind]).alias(fld.name) for fld in FIELDS],
    )


def _beats(plan: Plan, k: int, m: int) -> Column:
    f = _f()
    bk, bm = plan.benefits[k], plan.benefits[m]
    ak, am = col(_a(k)), col(_a(m))
    yk, ym = ak * bk.factor, am * bm.factor
    known_k, known_m = ak.isNotNull(), am.isNotNull()
    higher = (known_k & ~known_m) | (known_k & known_m & (yk > ym))
    tie = (known_k & known_m & (yk == ym)) | (~known_k & ~known_m)
    return col(_g(k)) & f.coalesce(higher | (tie & f.lit(k < m)), f.lit(False))


def decide(plan: Plan, frame: DataFrame) -> DataFrame:
    f = _f()
    _MEMO.clear()
    alive = f.col("death_date").isNull() | (f.col("death_date") > f.lit(plan.on))
    out = frame.select("*", age_column(plan.on))
    out = out.select("*", *[(alive & cond_column(b.rule)).alias(_g(b.index)) for b in plan.benefits])
    out = out.select(
        "*", *[f.when(col(_g(b.index)), amount_column(b)).alias(_a(b.index)) for b in plan.benefits]
    )
    for group in plan.groups:
        lost = {m: reduce(lambda a, b: a | b, [_beats(plan, k, m) for k in group if k != m]) for m in group}
        out = out.select(
            *[c for c in out.columns if c not in {_g(m) for m in group} | {_a(m) for m in group}],
            *[(col(_g(m)) & ~lost[m]).alias(_g(m)) for m in group],
            *[f.when(~lost[m], col(_a(m))).alias(_a(m)) for m in group],
        )
    return out


def item_columns(plan: Plan) -> list[tuple[Column, Column, Column]]:
    f = _f()
    out: list[tuple[Column, Column, Column]] = []
    for item in plan.items:
        parts = [plan.benefits[i] for i in item.benefits]
        if not item.has_parts:
            b = parts[0]
            out.append((col(_g(b.index)), col(_a(b.index)), f.lit(b.period).cast("string")))
            continue
        granted = reduce(lambda a, b: a | b, [col(_g(p.index)) for p in parts])
        clashes = [
            col(_g(p.index)) & col(_g(q.index))
            for n, p in enumerate(parts)
            for q in parts[n + 1 :]
            if p.period != q.period
        ]
        one = ~reduce(lambda a, b: a | b, clashes) if clashes else f.lit(True)
        complete = reduce(
            lambda a, b: a & b, [~col(_g(p.index)) | col(_a(p.index)).isNotNull() for p in parts]
        )
        total = reduce(
            lambda a, b: a + b,
            [f.when(col(_g(p.index)), col(_a(p.index))).otherwise(f.lit(0).cast("bigint")) for p in parts],
        )
        period = f.coalesce(*[f.when(col(_g(p.index)), f.lit(p.period).cast("string")) for p in parts])
        out.append((granted, f.when(one & complete, total), f.when(one, period)))
    return out


def items_array(plan: Plan) -> Column:
    """Per person, the array of granted items as structs ``{k, fen, period}``."""
    f = _f()
    structs = [
        f.when(
            granted, f.struct(f.lit(k).alias("k"), fen.cast("bigint").alias("fen"), period.alias("period"))
        )
        for k, (granted, fen, period) in enumerate(item_columns(plan))
    ]
    if not structs:
        return f.array().cast("array<struct<k:int,fen:bigint,period:string>>")
    return f.filter(f.array(*structs), lambda s: s.isNotNull())


def long_items(plan: Plan, frame: DataFrame, keep: tuple[str, ...] = ("id_number",)) -> DataFrame:
    """One row per (person, granted item): ``keep`` columns, ``k``, ``fen``, ``period`` (unordered)."""
    f = _f()
    decided = decide(plan, conform(frame)).select(*keep, items_array(plan).alias("items"))
    item = f.col("item")
    return decided.select(*keep, f.explode("items").alias("item")).select(
        *keep, item["k"].cast("int").alias("k"), item["fen"].alias("fen"), item["period"].alias("period")
    )


def output_rows(plan: Plan, long: DataFrame) -> DataFrame:
    """``id_number, no, code, name, amount, period`` from :func:`long_items`."""
    f = _f()
    k = f.col("k")
    nos = f.create_map(
        *[x for n, i in enumerate(plan.items) for x in (f.lit(n), f.lit(i.number).cast("bigint"))]
    )
    codes = f.create_map(*[x for n, i in enumerate(plan.items) for x in (f.lit(n), f.lit(i.code))])
    names = f.create_map(*[x for n, i in enumerate(plan.items) for x in (f.lit(n), f.lit(i.name))])
    return long.select(
        "id_number",
        nos[k].alias("no"),
        codes[k].alias("code"),
        names[k].alias("name"),
        (f.col("fen").cast("decimal(18,0)") / f.lit(100)).cast("decimal(18,2)").alias("amount"),
        "period",
    )


def entitle(plan: Plan, persons: DataFrame) -> DataFrame:
    if not plan.items:
        return persons.sparkSession.createDataFrame(
            [], "id_number string, no bigint, code string, name string, amount decimal(18,2), period string"
        )
    return output_rows(plan, long_items(plan, persons))
