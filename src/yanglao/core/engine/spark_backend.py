"""The distributed bulk engine: the same lowered rule tree (:mod:`.plan`) compiled to PySpark Columns.

For populations beyond one machine (a province's elders): the visitor below mirrors
:mod:`.polars_backend` node for node, so the two can be read side by side. PySpark is imported when a
function here is first called, never at import time, so the package works without a JVM.

One :class:`Compiler` per compilation keeps the columns it built by node, so a sub-condition shared by
several rules is one Column (every py4j call costs); nothing is kept between compilations.

Written to be correct under ANSI mode (the default from Spark 4): a division is only evaluated where
its divisor is not zero, and no cast can fail. Amounts are whole fen (``long``); arithmetic on a
person's own numbers runs in ``decimal(38, 10)`` and ``round`` (half-up) to the fen.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import reduce
from typing import Any

from yanglao.core.catalog.rules import Age, Arith, Compare, Const, Expr, FieldRef, In, IsKnown, Within
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
    Node,
    Pick,
    Plan,
    Slot,
    Text,
    Times,
    Total,
    Truth,
    integral,
    is_cond,
)
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


# --- the compiler ---------------------------------------------------------------------------------


def _is_whole(node: Expr) -> bool:
    if isinstance(node, Const):
        return not isinstance(node.value, Decimal) or node.value % 1 == 0
    return integral(node) or isinstance(node, FieldRef)


class Compiler:
    """Columns of one plan's nodes, each built once."""

    def __init__(self) -> None:
        self.f = _f()
        self.memo: dict[object, Column] = {}

    def col(self, name: str) -> Column:
        key = ("col", name)
        if key not in self.memo:
            self.memo[key] = self.f.col(name)
        return self.memo[key]

    def literal(self, value: Decimal | bool | dt.date, *, decimal: bool = False) -> Column:
        f = self.f
        if isinstance(value, Decimal) and not isinstance(value, bool):
            if value % 1 == 0 and not decimal:
                return f.lit(int(value)).cast("bigint")
            return f.lit(value).cast(NUMERIC)
        return f.lit(value)

    def value(self, node: Expr, decimal: bool = False) -> Column:
        """A person's value (after lowering: a field, the age, a literal, arithmetic of those)."""
        if isinstance(node, Const):
            return self.literal(node.value, decimal=decimal)
        if isinstance(node, FieldRef | Age):
            column = self.col(AGE if isinstance(node, Age) else node.name)
            return column.cast(NUMERIC) if decimal else column
        if isinstance(node, Arith):
            args = [self.value(arg, True) for arg in node.args]
            result = args[0]
            for arg in args[1:]:
                if node.op == "+":
                    result = (result + arg).cast(NUMERIC)
                elif node.op == "-":
                    result = (result - arg).cast(NUMERIC)
                elif node.op == "*":
                    result = (result * arg).cast(NUMERIC)
                else:
                    result = self.f.when(arg != 0, (result / arg).cast(NUMERIC))
            return result
        raise NotImplementedError(
            f"the Spark engine has no compilation for {type(node).__name__} after lowering"
        )

    def cond(self, node: LCond) -> Column:
        column = self.memo.get(node)
        if column is None:
            column = self.memo[node] = self._cond(node)
        return column

    def _cond(self, node: LCond) -> Column:
        f = self.f
        if isinstance(node, Truth):
            return f.lit(node.value)
        if isinstance(node, Conj):
            return reduce(lambda a, b: a & b, [self.cond(c) for c in node.items])
        if isinstance(node, Disj):
            return reduce(lambda a, b: a | b, [self.cond(c) for c in node.items])
        if isinstance(node, Neg):
            return ~self.cond(node.item)
        if isinstance(node, Compare):
            decimal = not (_is_whole(node.left) and _is_whole(node.right))
            return self._compare(node.op, self.value(node.left, decimal), self.value(node.right, decimal))
        if isinstance(node, In):
            return f.coalesce(self.col(node.field).isin(list(node.values)), f.lit(False))
        if isinstance(node, Within):
            return f.coalesce(self.col(node.field).startswith(node.prefix), f.lit(False))
        if isinstance(node, IsKnown):
            return self.col("birth_date" if node.field == "age" else node.field).isNotNull()
        if isinstance(node, Flag):
            return self.col(node.name)
        if isinstance(node, Known):
            return self.money(node.value).isNotNull()
        if isinstance(node, MoneyCompare):
            return self._compare(node.op, self.money(node.left), self.money(node.right))
        raise NotImplementedError(
            f"the Spark engine has no compilation for {type(node).__name__} after lowering"
        )

    def _compare(self, op: str, left: Column, right: Column) -> Column:
        ops = {
            "=": lambda: left == right,
            "!=": lambda: left != right,
            "<": lambda: left < right,
            "<=": lambda: left <= right,
            ">": lambda: left > right,
            ">=": lambda: left >= right,
        }
        return self.f.coalesce(ops[op](), self.f.lit(False))

    def money(self, node: Money | Text) -> Column:
        """A money node as ``bigint`` fen, or a text literal (a period) as a string."""
        f = self.f
        if node is None:
            return f.lit(None).cast("bigint")
        if isinstance(node, str):
            return f.lit(node)
        if isinstance(node, int):
            return f.lit(node).cast("bigint")
        if isinstance(node, Slot):
            return self.col(node.name)
        if isinstance(node, Fen):
            assert not isinstance(node.value, Decimal | bool | dt.date)
            return f.round(self.value(node.value, True) * f.lit(Decimal(100)), 0).cast("bigint")
        if isinstance(node, Pick):
            text = any(isinstance(v, str) for _, v in node.branches) or isinstance(node.otherwise, str)
            otherwise = (
                f.lit(None).cast("string") if text and node.otherwise is None else self.money(node.otherwise)
            )
            if not node.branches:
                return otherwise

            def of(value: Money | Text) -> Column:
                return f.lit(None).cast("string") if text and value is None else self.money(value)

            (guard, value), *rest = node.branches
            chain = f.when(self.cond(guard), of(value))
            for guard, value in rest:
                chain = chain.when(self.cond(guard), of(value))
            return chain.otherwise(otherwise)
        if isinstance(node, Total):
            return reduce(lambda a, b: a + b, [self.money(m) for m in node.items])
        if isinstance(node, Times):
            return self.money(node.value) * f.lit(node.factor).cast("bigint")
        raise NotImplementedError(f"the Spark engine has no compilation for {type(node).__name__}")

    def node(self, node: Node) -> Column:
        return self.cond(node) if is_cond(node) else self.money(node)  # type: ignore[arg-type]


# --- a whole catalogue -----------------------------------------------------------------------------


def conform(frame: DataFrame) -> DataFrame:
    """The person columns in their engine types; a column the frame lacks is unknown for everybody."""
    f = _f()
    names = {fld.name for fld in FIELDS}
    present = set(frame.columns)
    return frame.select(
        *[c for c in frame.columns if c not in names],
        *[
            (f.col(fld.name) if fld.name in present else f.lit(None))
            .cast(_SPARK_TYPES[fld.kind])
            .alias(fld.name)
            for fld in FIELDS
        ],
    )


def decide(plan: Plan, frame: DataFrame, compiler: Compiler | None = None) -> DataFrame:
    """Runs the plan's steps: every benefit decided (``__g<i>``, ``__a<i>`` in fen), 择高 applied."""
    c = compiler or Compiler()
    out = frame.select("*", age_column(plan.on))
    for step in plan.steps:
        out = out.withColumns({name: c.node(node) for name, node in step})
    return out


def items_array(plan: Plan, c: Compiler) -> Column:
    """Per person, the array of items as structs ``{k, fen, period}``, null where not granted."""
    f = c.f
    structs = [
        f.when(
            c.cond(item.granted),
            f.struct(
                f.lit(k).alias("k"),
                c.money(item.fen).cast("bigint").alias("fen"),
                c.money(item.period).cast("string").alias("period"),
            ),
        )
        for k, item in enumerate(plan.items)
    ]
    if not structs:
        return f.array().cast("array<struct<k:int,fen:bigint,period:string>>")
    return f.array(*structs)  # null where not granted: exploded, then filtered (no lambda: codegen)


COLLAPSE = "org.apache.spark.sql.catalyst.optimizer.CollapseProject"


def keep_steps(session: Any) -> None:
    """Keeps the plan's steps as separate projections in ``session``. Catalyst would otherwise inline
    every column into each later use (a benefit's granted flag into its amount, every amount into each
    择高 comparison, …): the expression grows with each step and the optimizer and code generator
    spend minutes on it. Evaluated step by step, each column is computed once per row. Constraint
    propagation is switched off too: over a chain of projections with hundreds of aliases it derives
    constraints combinatorially (the driver spends minutes in ``getAllValidConstraints``); the engine
    has no filter or join for the constraints to help."""
    session.conf.set("spark.sql.constraintPropagation.enabled", "false")
    excluded = [r for r in (session.conf.get("spark.sql.optimizer.excludedRules", "") or "").split(",") if r]
    if COLLAPSE not in excluded:
        session.conf.set("spark.sql.optimizer.excludedRules", ",".join([*excluded, COLLAPSE]))


def long_items(plan: Plan, frame: DataFrame, keep: tuple[str, ...] = ("id_number",)) -> DataFrame:
    """One row per (person, granted item): ``keep`` columns, ``k``, ``fen``, ``period`` (unordered)."""
    keep_steps(frame.sparkSession)
    c = Compiler()
    f = c.f
    decided = decide(plan, conform(frame), c).select(*keep, items_array(plan, c).alias("items"))
    item = f.col("item")
    return (
        decided.select(*keep, f.explode("items").alias("item"))
        .where(item.isNotNull())
        .select(
            *keep, item["k"].cast("int").alias("k"), item["fen"].alias("fen"), item["period"].alias("period")
        )
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
