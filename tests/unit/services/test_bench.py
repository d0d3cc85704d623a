"""The benchmark's machinery on a small month: files made once and reused, the match run in a child
process, the figures beside the goals (the real size is run by hand: docs/service-match.md)."""

from __future__ import annotations

from pathlib import Path

from yanglao.bench import services


def test_the_bench_runs_a_small_month_and_reports_its_figures(tmp_path: Path) -> None:
    lines: list[str] = []
    result = services.run(lines.append, claim_lines=2_400, data_dir=tmp_path)
    assert result["claim_lines"] == 100 * 24 + 36  # 100 people's clean month and the 36 planted lines
    assert result["checkins"] > 2 * 2_400
    assert result["seconds"] > 0
    assert result["peak_mb"] > 0
    assert (result["goal_seconds"], result["goal_mb"]) == (60.0, 4096.0)
    assert "暂缓 21 行" in result["summary"]
    assert any("目标 ≤ 60 秒" in line for line in lines)
    made = (tmp_path / "claims.csv").stat().st_mtime_ns
    services.run(lines.append, claim_lines=2_400, data_dir=tmp_path)
    assert (tmp_path / "claims.csv").stat().st_mtime_ns == made  # reused, not made again
