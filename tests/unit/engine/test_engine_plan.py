"""The whole-list steps are in the plan: a backend only translates nodes. Every node a plan can hold
is compiled by both backends (a node one of them lacks fails here before it fails in a population),
and the steps are those of the reference evaluator: death first, then amounts, then 择高 per group."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import polars as pl
import pytest

from yanglao.core.catalog.loader import load_catalog
from yanglao.core.catalog.rules import Age, Arith, Compare, Const, FieldRef, In, IsKnown, Within
from yanglao.core.engine import polars_backend as pb
from yanglao.core.engine.plan import (
    COND_NODES,
    Conj,
    Disj,
    Fen,
    Flag,
    Known,
    MoneyCompare,
    Neg,
    Node,
    Pick,
    Slot,
    Times,
    Total,
    Truth,
    is_cond,
    make_plan,
)

SAMPLES: list[Node] = [
    Truth(True),
    Conj((Flag("g"), Truth(True))),
    Disj((Flag("g"), Truth(False))),
    Neg(Flag("g")),
    Compare(">=", Age(), Const(Decimal(60))),
    In("sex", ("1",)),
    Within("hukou_region", "4107"),
    IsKnown("age"),
    Flag("g"),
    Known(Slot("a")),
    MoneyCompare(">", Times(Slot("a"), 12), 100),
    7,
    "month",
    None,
    Slot("a"),
    Fen(Arith("*", (FieldRef("disability_grade"), Const(Decimal("1.5"))))),
    Pick(((Flag("g"), Slot("a")),), 0),
    Pick(((Flag("g"), "month"), (Truth(True), None))),
    Total((Slot("a"), 5)),
    Times(Slot("a"), 4),
]
FRAME = pl.DataFrame(
    {
        "g": [True, False, True],
        "a": [150, None, 3],
        "birth_date": [dt.date(1940, 1, 1), None, dt.date(1990, 1, 1)],
        "sex": ["1", "2", None],
        "hukou_region": ["410721", "152223", None],
        "disability_grade": [1, None, 3],
    }
).with_columns(pb.age_expr(dt.date(2024, 7, 1)))


def test_every_condition_node_class_has_a_sample() -> None:
    assert {type(n) for n in SAMPLES if is_cond(n)} == set(COND_NODES)


@pytest.mark.parametrize("node", SAMPLES, ids=lambda n: type(n).__name__)
def test_polars_compiles_every_plan_node(node: Node) -> None:
    expr = pb.cond_expr(node) if is_cond(node) else pb.money_expr(node)  # type: ignore[arg-type]
    column = FRAME.with_columns(expr.alias("x")).get_column("x")
    assert column.len() == FRAME.height
    if is_cond(node):
        assert column.null_count() == 0  # conditions are two-valued


def test_the_steps_are_death_amounts_then_each_exclusive_group() -> None:
    plan = make_plan(load_catalog("410721"), dt.date(2024, 7, 1))
    granted, amounts, *groups = plan.steps
    assert [name for name, _ in granted] == [b.granted.name for b in plan.benefits]
    assert all(isinstance(node, Conj | Neg | Truth) for _, node in granted)  # alive ∧ rule
    assert [name for name, _ in amounts] == [b.fen.name for b in plan.benefits]
    assert len(groups) == 2 * len(plan.groups)
    for item in plan.items:
        assert is_cond(item.granted)


@pytest.mark.spark
@pytest.mark.parametrize("node", SAMPLES, ids=lambda n: type(n).__name__)
def test_spark_compiles_every_plan_node(node: Node, spark: Any) -> None:
    from yanglao.core.engine.spark_backend import Compiler

    ddl = "g boolean, a bigint, birth_date date, sex string, hukou_region string, disability_grade bigint, __age int"
    frame = spark.createDataFrame(FRAME.rows(), schema=ddl)
    rows = frame.select(Compiler().node(node).alias("x")).collect()
    assert len(rows) == FRAME.height
    if is_cond(node):
        assert all(r["x"] is not None for r in rows)
