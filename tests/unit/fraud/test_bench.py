"""The benchmark runs end to end at a tiny scale and reports its figures beside the goal."""

from __future__ import annotations

from pathlib import Path

from yanglao.bench import fraud


def test_the_bench_runs_small_and_reports_beside_the_goal(tmp_path: Path) -> None:
    lines: list[str] = []
    figures = fraud.run(lines.append, scale=0.0001, data_dir=tmp_path)
    assert figures["persons"] == 2000
    assert figures["payments"] == 1000
    assert figures["goal_seconds"] == 120.0
    assert figures["seconds"] > 0
    assert set(figures["findings"]) <= {
        "paid_after_death",
        "enrolled_twice",
        "centralized_and_dispersed",
        "resident_and_home_service",
        "shared_account",
        "absent_resident",
    }
    assert sum(figures["findings"].values()) == len((tmp_path / "findings.jsonl").read_text().splitlines())
    assert any("按规模线性外推到全省" in line for line in lines)
