"""``yanglao services catalog|match|test`` on files: a generated month of 扎赉特旗 with one planted
anomaly of every reason, as CSV and as XLSX; JSON Lines per claim line; row errors on stderr and in
``<output>.errors.jsonl``; a claim file imported twice pays nothing twice; exit status 0 / 1 / 2."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from tests.unit.engine.conftest import require_spark
from yanglao.cli import main
from yanglao.core import exports
from yanglao.core.services import ALL_REASONS
from yanglao.core.services.generate import Month, generate

MONTH = dt.date(2026, 5, 1)  # the month before the frozen test clock's
NAMES = ("persons", "plans", "claims", "checkins", "stays", "settled")


def write(month: Month, folder: Path, suffix: str) -> dict[str, Path]:
    paths = {}
    for name in NAMES:
        frame = getattr(month, name)
        if suffix == "xlsx" and name != "persons":
            book = exports.workbook(write_only=True)
            sheet = book.create_sheet()
            sheet.append(frame.columns)
            for row in frame.iter_rows():
                sheet.append(list(row))
            paths[name] = folder / f"{name}.xlsx"
            paths[name].write_bytes(exports.workbook_bytes(book))
        else:
            paths[name] = folder / f"{name}.csv"
            frame.write_csv(paths[name])
    return paths


def match(paths: dict[str, Path], output: Path, *extra: str) -> int:
    argv = ["services", "match", "--catalog", "152223", "--month", "2026-05", "--output", str(output)]
    for name in NAMES:
        argv += [f"--{name}", str(paths[name])]
    return main([*argv, *extra])


def read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def month() -> Month:
    return generate(20, MONTH, seed=21, plant=True)


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_the_match_on_files_holds_every_planted_anomaly(
    month: Month, tmp_path: Path, suffix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "result.jsonl"
    assert match(write(month, tmp_path, suffix), output) == 1  # the planted bad row is reported
    err = capsys.readouterr().err
    assert "金额：应为数（最多 2 位小数），实际为“80元”" in err
    assert "签退时间不晚于签到时间" in err
    assert "暂缓" in err
    assert "可支付" in err
    rows = read(output)
    assert len(rows) == month.claims.height
    assert all(set(row) >= {"claim_line", "status", "reasons", "subsidy", "copay"} for row in rows)
    seen: dict[str, int] = {}
    for row in rows:
        expected = month.expected.get(row["claim_line"])
        if expected is None:
            assert row["status"] == "payable"
            continue
        i = seen.get(row["claim_line"], 0)
        seen[row["claim_line"]] = i + 1
        assert set(row["reasons"]) == expected[i], row["claim_line"]
    assert {r for row in rows for r in row["reasons"]} == set(ALL_REASONS)
    errors = read(Path(f"{output}.errors.jsonl"))
    assert {e["field"].split()[0] for e in errors} == {f"claims.{suffix}", f"checkins.{suffix}"}


def test_a_claim_file_imported_twice_is_not_paid_twice(month: Month, tmp_path: Path) -> None:
    paths = write(month, tmp_path, "csv")
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    match(paths, first)
    paths["settled"] = first  # the first run's output: its payable lines are settled
    match(paths, second)
    paid = {r["claim_line"] for r in read(first) if r["status"] == "payable"}
    again = {r["claim_line"]: r for r in read(second)}
    assert paid
    assert all(again[line]["status"] == "held" and "duplicate" in again[line]["reasons"] for line in paid)
    assert sum(r["subsidy"] for r in read(second) if r["claim_line"] in paid) == 0


def test_usage_errors_exit_2(month: Month, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = write(month, tmp_path, "csv")
    output = tmp_path / "out.jsonl"
    assert (
        main(["services", "match", "--catalog", "152223", "--month", "2026-13", "--output", str(output)]) == 2
    )
    paths["claims"] = tmp_path / "missing.csv"
    assert match(paths, output) == 2
    assert "文件不存在" in capsys.readouterr().err
    paths["claims"] = paths["plans"]  # a file without the claim columns
    assert match(paths, output) == 2
    assert "缺少列 claim_line" in capsys.readouterr().err
    assert match(write(month, tmp_path, "csv"), output, "--catalog", "999999") == 2


def test_catalog_json_and_cases(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["services", "catalog", "--catalog", "410721", "--date", "2026-05-01", "--json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert {"code", "name", "unit", "price_cap", "copay_rules"} <= listing[0].keys()
    assert {row["code"] for row in listing} >= {"meal_aid", "home_adaptation", "assistive_devices"}
    assert main(["services", "test", "152223"]) == 0
    assert "通过 152223" in capsys.readouterr().out


@pytest.mark.spark
def test_the_command_on_spark_writes_the_same_lines(month: Month, tmp_path: Path) -> None:
    require_spark()
    paths = write(month, tmp_path, "csv")
    embedded, spark = tmp_path / "embedded.jsonl", tmp_path / "spark.jsonl"
    match(paths, embedded)
    match(paths, spark, "--engine", "spark")
    assert spark.read_text(encoding="utf-8") == embedded.read_text(encoding="utf-8")
