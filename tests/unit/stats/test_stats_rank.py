from __future__ import annotations

from yanglao.core.stats.evaluation import MEASURES
from yanglao.core.stats.rank import Measure, competition_ranks, percent, rank_units, score


def test_competition_ranks_share_ties_and_skip() -> None:
    assert competition_ranks([90.0, 80.0, 90.0, None, 70.0]) == [1, 3, 1, None, 4]
    assert competition_ranks([5.0, 1.0, 5.0], descending=False) == [2, 1, 2]


def test_score_renormalises_over_present_measures_and_inverts_lower_is_better() -> None:
    ms = [Measure("a", "A", 30), Measure("b", "B", 10, higher_is_better=False)]
    assert score({"a": 80.0, "b": 20.0}, ms) == 80.0  # (30·80 + 10·80) / 40
    assert score({"a": 80.0, "b": None}, ms) == 80.0
    assert score({"a": None, "b": None}, ms) is None


def test_rank_units_orders_and_leaves_units_without_data_unranked() -> None:
    ms = [Measure("v", "探访率", 1)]
    ranked = rank_units([("1", "甲", {"v": 50.0}), ("2", "乙", {"v": None}), ("3", "丙", {"v": 90.0})], ms)
    assert [(r.name, r.rank) for r in ranked] == [("丙", 1), ("甲", 2), ("乙", None)]
    assert ranked[0].ranks["v"] == 1


def test_measures_as_data() -> None:
    assert {m.key for m in MEASURES} >= {"visit_rate", "assessment_coverage_65", "missed_rate"}
    assert percent(1, 3) == 33.3
    assert percent(1, 0) is None
