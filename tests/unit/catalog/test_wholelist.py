"""The one-person evaluator runs the bulk plan's whole-list steps itself (core/catalog/wholelist.py): its
translation of the plan's nodes into Python values covers every node a plan can hold and agrees, node by
node, with the Polars backend's; the steps it runs are the plan's own."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.unit.engine import synthetic
from tests.unit.engine.test_engine_plan import FRAME, SAMPLES
from yanglao.core.catalog import wholelist
from yanglao.core.catalog.evaluate import Context, eval_cond, eval_expr, evaluate
from yanglao.core.catalog.loader import load_catalog
from yanglao.core.engine import polars_backend as pb
from yanglao.core.engine.plan import COND_NODES, Fen, Node, Pick, Slot, Times, Total, is_cond, make_plan

ON = dt.date(2024, 7, 1)
MONEY_NODES = (Slot, Fen, Pick, Total, Times)


def test_every_plan_node_has_a_translation() -> None:
    assert set(COND_NODES) <= set(wholelist.CONDITIONS)
    assert set(MONEY_NODES) <= set(wholelist.MONEY)


def test_an_unknown_node_is_a_clear_error() -> None:
    class Stranger:
        pass

    reader = wholelist.Reader(lambda c: False, lambda e: None)
    with pytest.raises(TypeError, match="Stranger"):
        wholelist.cond(Stranger(), reader)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="Stranger"):
        wholelist.money(Stranger(), reader)  # type: ignore[arg-type]


def _reader(ctx: Context) -> wholelist.Reader:
    return wholelist.Reader(lambda c: eval_cond(c, ctx).result, lambda e: eval_expr(e, ctx))


@pytest.mark.parametrize("node", SAMPLES, ids=lambda n: type(n).__name__)
def test_each_node_means_what_it_means_in_polars(node: Node) -> None:
    catalog = load_catalog("410721")
    expr = pb.cond_expr(node) if is_cond(node) else pb.money_expr(node)  # type: ignore[arg-type]
    want = FRAME.with_columns(expr.alias("x")).get_column("x").to_list()
    got: list[Any] = []
    for row in FRAME.iter_rows(named=True):
        reader = _reader(Context(catalog, row, ON, {}, explain=False))
        reader.columns.update({"g": row["g"], "a": row["a"]})
        got.append(wholelist.cond(node, reader) if is_cond(node) else wholelist.money(node, reader))  # type: ignore[arg-type]
    assert got == want


def test_the_steps_are_the_plans_own() -> None:
    """Built with the plan's functions: the same columns, steps and groups as the bulk plan's, only the
    rule and amount read from the evaluator's decisions."""
    catalog = load_catalog("410721")
    plan = make_plan(catalog, ON)
    steps = wholelist.list_steps(catalog, ON)
    assert [[name for name, _ in step] for step in steps.steps] == [
        [name for name, _ in step] for step in plan.steps
    ]
    assert tuple(members for _, members in steps.groups) == plan.groups
    assert [b.code for b in steps.benefits] == [b.code for b in plan.benefits]
    assert wholelist.list_steps(catalog, ON) is steps  # the same for every person on the date


def test_an_exclusion_is_read_from_the_ranking_step(tmp_path: Path) -> None:
    """Two members of a 择高 group ranked by amount (the five lists leave every such choice to the
    applicant; the synthetic list ranks): the one with the lower yearly amount loses to the other."""
    catalog = load_catalog(synthetic.CODE, synthetic.write(tmp_path))
    steps = wholelist.list_steps(catalog, ON)
    group, members = steps.groups[0]
    first, second = members[0], members[1]
    decided = [wholelist.Decided(False, None) for _ in steps.benefits]
    decided[first] = wholelist.Decided(True, Decimal("10.00"))
    decided[second] = wholelist.Decided(True, Decimal("20.00"))
    reader = wholelist.Reader(lambda c: False, lambda e: None)
    outcome = wholelist.run_whole_list(steps, decided, reader)
    yearly = [steps.benefits[i].factor for i in (first, second)]
    winner, loser = (second, first) if 20 * yearly[1] > 10 * yearly[0] else (first, second)
    assert outcome.exclusions == (wholelist.Exclusion(group, winner, loser),)
    assert outcome.granted[winner]
    assert not outcome.granted[loser]


def test_a_person_dead_on_the_day_is_granted_nothing_by_the_death_step() -> None:
    catalog = load_catalog("410721")
    person = {"birth_date": dt.date(1930, 1, 1), "hukou_region": "410721", "death_date": ON}
    assert evaluate(catalog, person, ON).deceased
    assert not evaluate(catalog, person, ON).granted()
    alive = evaluate(catalog, {**person, "death_date": ON + dt.timedelta(days=1)}, ON)
    assert not alive.deceased
    assert alive.granted()


def test_groups_rank_in_the_lists_order_the_winner_of_one_meets_the_next(tmp_path: Path) -> None:
    """择高 then 再择高: 年度择高 (1000 a year) beats 按失能月数 (10 a month) in the first group, then loses
    to 按年龄三分之一 (2000 a year) in the second; each exclusion names the member that ranked higher then."""
    catalog = load_catalog(synthetic.CODE, synthetic.write(tmp_path))
    on = dt.date(2024, 7, 1)
    steps = wholelist.list_steps(catalog, on)
    at = {b.code: b.index for b in steps.benefits}
    decided = [wholelist.Decided(False, None) for _ in steps.benefits]
    decided[at["care_subsidy"]] = wholelist.Decided(True, Decimal("10.00"))
    decided[at["tekun_support"]] = wholelist.Decided(True, Decimal("1000.00"))
    decided[at["gaoling_jintie"]] = wholelist.Decided(True, Decimal("2000.00"))
    outcome = wholelist.run_whole_list(steps, decided, wholelist.Reader(lambda c: False, lambda e: None))
    assert [(e.group.name, e.winner, e.loser) for e in outcome.exclusions] == [
        ("择高", at["tekun_support"], at["care_subsidy"]),
        ("再择高", at["gaoling_jintie"], at["tekun_support"]),
    ]
    assert [code for code, n in at.items() if outcome.granted[n]] == ["gaoling_jintie"]
