"""The narrow DataFrame layer the three-way match is written against, with its two implementations.

The match (:mod:`yanglao.core.services.match`) is written once, in terms of the methods below; the
embedded engine (:class:`PolarsOps`, lazy Polars frames) and the distributed one (:class:`SparkOps`,
PySpark DataFrames) each implement them. Expressions are the backends' own (``pl.Expr``, ``Column``):
both overload ``& | ~ + - * == != < <= > >=`` alike, so the match combines them with operators and calls
this layer only where the two APIs differ (``when``, windows, joins, aggregation, integer division).
Conditions in the catalogue rule language are compiled by the entitlement engine's visitors
(:func:`yanglao.core.engine.polars_backend.cond_expr`, :meth:`yanglao.core.engine.spark_backend.Compiler.cond`).
Every quantity is an integer (fen, hundredths of a unit, basis points), so both backends agree exactly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from functools import reduce
from typing import Any

import polars as pl

from yanglao.core.engine import polars_backend
from yanglao.core.engine.plan import LCond

Frame = Any
Expr = Any
Agg = tuple[str, Expr]  # ("sum" | "max" | "min" | "count", expression)

_POLARS_TYPES: dict[str, pl.DataType] = {
    "int": pl.Int64(),
    "str": pl.String(),
    "bool": pl.Boolean(),
    "date": pl.Date(),
}


class PolarsOps:
    """The match on lazy Polars frames (the embedded engine)."""

    name = "polars"

    def table(self, rows: Sequence[Mapping[str, object]], schema: Mapping[str, str]) -> Frame:
        return pl.DataFrame(
            [dict(r) for r in rows], schema={n: _POLARS_TYPES[k] for n, k in schema.items()}
        ).lazy()

    def col(self, name: str) -> Expr:
        return pl.col(name)

    def lit(self, value: object, kind: str | None = None) -> Expr:
        return pl.lit(value, _POLARS_TYPES[kind]) if kind else pl.lit(value)

    def when(self, cond: Expr, then: Expr, otherwise: Expr) -> Expr:
        return pl.when(cond).then(then).otherwise(otherwise)

    def chain(self, cases: Sequence[tuple[Expr, Expr]], otherwise: Expr) -> Expr:
        if not cases:
            return otherwise
        expr: Any = pl.when(cases[0][0]).then(cases[0][1])
        for cond, value in cases[1:]:
            expr = expr.when(cond).then(value)
        return expr.otherwise(otherwise)

    def coalesce(self, *exprs: Expr) -> Expr:
        return pl.coalesce(*exprs)

    def is_null(self, expr: Expr) -> Expr:
        return expr.is_null()

    def not_null(self, expr: Expr) -> Expr:
        return expr.is_not_null()

    def idiv(self, left: Expr, right: Expr | int) -> Expr:
        return left // right

    def least(self, *exprs: Expr) -> Expr:
        return pl.min_horizontal(*exprs)

    def any_of(self, exprs: Sequence[Expr]) -> Expr:
        return reduce(lambda a, b: a | b, exprs, pl.lit(False))

    def day(self, timestamp: Expr) -> Expr:
        return timestamp.dt.date()

    def minutes(self, start: Expr, end: Expr) -> Expr:
        return (end - start).dt.total_minutes()

    def cond(self, node: LCond) -> Expr:
        return polars_backend.cond_expr(node)

    def age(self, on: dt.date) -> Expr:
        return polars_backend.age_expr(on)

    def conform_persons(self, frame: Frame) -> Frame:
        return polars_backend.conform(frame)

    # frames
    def with_cols(self, frame: Frame, columns: Mapping[str, Expr]) -> Frame:
        return frame.with_columns(**columns)

    def filter(self, frame: Frame, cond: Expr) -> Frame:
        return frame.filter(cond)

    def select(self, frame: Frame, names: Sequence[str]) -> Frame:
        return frame.select(list(names))

    def rename(self, frame: Frame, names: Mapping[str, str]) -> Frame:
        return frame.rename(dict(names))

    def join(self, left: Frame, right: Frame, on: Sequence[str], how: str) -> Frame:
        return left.join(right, on=list(on), how=how, nulls_equal=False)

    def agg(self, frame: Frame, keys: Sequence[str], aggs: Mapping[str, Agg]) -> Frame:
        exprs = []
        for name, (op, expr) in aggs.items():
            if op == "count":
                exprs.append(pl.len().alias(name))
            else:
                exprs.append(getattr(expr, op)().alias(name))
        return frame.group_by(list(keys)).agg(exprs)

    def cum_sum(
        self, frame: Frame, partition: Sequence[str], order: Sequence[str], columns: Mapping[str, Expr]
    ) -> Frame:
        return frame.with_columns(
            **{
                name: expr.cum_sum().over(list(partition), order_by=list(order))
                for name, expr in columns.items()
            }
        )

    def row_number(self, frame: Frame, partition: Sequence[str], order: str, name: str) -> Frame:
        return frame.with_columns(
            pl.col(order).rank("ordinal").over(list(partition)).cast(pl.Int64).alias(name)
        )

    def sorted(self, frame: Frame, by: str) -> Frame:
        return frame.sort(by)


class SparkOps:
    """The same match on PySpark DataFrames (a province on a cluster; tests in ``local`` mode)."""

    name = "spark"

    def __init__(self, spark: Any) -> None:
        from pyspark.sql import functions

        self.f = functions
        self.spark = spark

    def table(self, rows: Sequence[Mapping[str, object]], schema: Mapping[str, str]) -> Frame:
        types = {"int": "bigint", "str": "string", "bool": "boolean", "date": "date"}
        ddl = ", ".join(f"`{name}` {types[kind]}" for name, kind in schema.items())
        return self.spark.createDataFrame([tuple(r[n] for n in schema) for r in rows], ddl)

    def col(self, name: str) -> Expr:
        return self.f.col(name)

    def lit(self, value: object, kind: str | None = None) -> Expr:
        types = {"int": "bigint", "str": "string", "bool": "boolean", "date": "date"}
        column = self.f.lit(value)
        return column.cast(types[kind]) if kind else column

    def when(self, cond: Expr, then: Expr, otherwise: Expr) -> Expr:
        return self.f.when(cond, then).otherwise(otherwise)

    def chain(self, cases: Sequence[tuple[Expr, Expr]], otherwise: Expr) -> Expr:
        if not cases:
            return otherwise
        expr = self.f.when(cases[0][0], cases[0][1])
        for cond, value in cases[1:]:
            expr = expr.when(cond, value)
        return expr.otherwise(otherwise)

    def coalesce(self, *exprs: Expr) -> Expr:
        return self.f.coalesce(*exprs)

    def is_null(self, expr: Expr) -> Expr:
        return expr.isNull()

    def not_null(self, expr: Expr) -> Expr:
        return expr.isNotNull()

    def idiv(self, left: Expr, right: Expr | int) -> Expr:
        """Exact floor division of integers: the multiple below ``left`` divided exactly."""
        divisor = self.f.lit(right).cast("bigint") if isinstance(right, int) else right
        return ((left - self.f.pmod(left, divisor)) / divisor).cast("bigint")

    def least(self, *exprs: Expr) -> Expr:
        return self.f.least(*exprs)

    def any_of(self, exprs: Sequence[Expr]) -> Expr:
        return reduce(lambda a, b: a | b, exprs, self.f.lit(False))

    def day(self, timestamp: Expr) -> Expr:
        return self.f.to_date(timestamp)

    def minutes(self, start: Expr, end: Expr) -> Expr:
        return self.f.timestamp_diff("MINUTE", start, end).cast("bigint")

    def cond(self, node: LCond) -> Expr:
        from yanglao.core.engine import spark_backend

        return spark_backend.Compiler().cond(node)

    def age(self, on: dt.date) -> Expr:
        from yanglao.core.engine import spark_backend

        return spark_backend.age_column(on)

    def conform_persons(self, frame: Frame) -> Frame:
        from yanglao.core.engine import spark_backend

        return spark_backend.conform(frame)

    def with_cols(self, frame: Frame, columns: Mapping[str, Expr]) -> Frame:
        return frame.withColumns(dict(columns))

    def filter(self, frame: Frame, cond: Expr) -> Frame:
        return frame.filter(cond)

    def select(self, frame: Frame, names: Sequence[str]) -> Frame:
        return frame.select(*names)

    def rename(self, frame: Frame, names: Mapping[str, str]) -> Frame:
        return frame.withColumnsRenamed(dict(names))

    def join(self, left: Frame, right: Frame, on: Sequence[str], how: str) -> Frame:
        spark_how = {"left": "left", "inner": "inner", "semi": "left_semi", "anti": "left_anti"}[how]
        return left.join(right, on=list(on), how=spark_how)

    def agg(self, frame: Frame, keys: Sequence[str], aggs: Mapping[str, Agg]) -> Frame:
        f = self.f
        exprs = []
        for name, (op, expr) in aggs.items():
            if op == "count":
                exprs.append(f.count(f.lit(1)).cast("bigint").alias(name))
            elif op == "sum":
                exprs.append(f.sum(expr).cast("bigint").alias(name))
            else:
                exprs.append(getattr(f, op)(expr).alias(name))
        return frame.groupBy(*keys).agg(*exprs)

    def cum_sum(
        self, frame: Frame, partition: Sequence[str], order: Sequence[str], columns: Mapping[str, Expr]
    ) -> Frame:
        from pyspark.sql import Window

        window = (
            Window.partitionBy(*partition)
            .orderBy(*order)
            .rowsBetween(Window.unboundedPreceding, Window.currentRow)
        )
        return frame.withColumns(
            {name: self.f.sum(expr).over(window).cast("bigint") for name, expr in columns.items()}
        )

    def row_number(self, frame: Frame, partition: Sequence[str], order: str, name: str) -> Frame:
        from pyspark.sql import Window

        window = Window.partitionBy(*partition).orderBy(order)
        return frame.withColumn(name, self.f.row_number().over(window).cast("bigint"))

    def sorted(self, frame: Frame, by: str) -> Frame:
        return frame.orderBy(by)
