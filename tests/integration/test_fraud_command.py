"""``yanglao supervise checks`` on files with a planted case of every check (CSV and XLSX): exactly the
planted findings in JSON Lines, bad rows reported by line and field while the rest are checked, usage
errors with exit status 2, and the same output with ``--engine spark``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from tests.unit.engine.conftest import require_spark
from yanglao.cli import main
from yanglao.core import exports
from yanglao.core.supervision import planted

NAMES = ("persons", "payments", "services", "residents")
BAD_PAYMENTS = [
    {
        "id_number": "152223194001011234",
        "item": "gaoling_jintie",
        "county": "152223",
        "month": "2026-05",
        "amount": "100.00",
        "account": "6217000000000099",
    },
    {
        "id_number": planted.pid("O"),
        "item": "gaoling_jintie",
        "county": "152223",
        "month": "2026年5月",
        "amount": "100.00",
        "account": "6217000000000015",
    },
    {
        "id_number": planted.pid("O"),
        "item": "gaoling_jintie",
        "county": "15222",
        "month": "2026-05",
        "amount": "一百",
        "account": "6217000000000015",
    },
]


def write(folder: Path, suffix: str, bad: bool = True) -> dict[str, Path]:
    frames = planted.files()
    if bad:
        frames["payments"] = pl.concat([frames["payments"], pl.DataFrame(BAD_PAYMENTS)])
        frames["residents"] = pl.concat(
            [
                frames["residents"],
                pl.DataFrame(
                    [
                        {
                            "id_number": planted.pid("O"),
                            "facility": "音德尔敬老院",
                            "from": "2026-05-01",
                            "to": "2026-04-01",
                            "days_absent": "-1",
                        }
                    ]
                ),
            ]
        )
    paths = {}
    for name in NAMES:
        frame = frames[name]
        if suffix == "xlsx":
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


def checks(paths: dict[str, Path], output: Path, *extra: str) -> int:
    argv = ["supervise", "checks", "--month", "2026-05", "--output", str(output)]
    for name in NAMES:
        argv += [f"--{name}", str(paths[name])]
    return main([*argv, *extra])


def read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def found(rows: list[dict[str, Any]]) -> set[tuple[str, str]]:
    return {(r["check"], planted.key_of(r["id_number"])) for r in rows}


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_every_planted_case_is_found_and_bad_rows_are_reported(
    tmp_path: Path, suffix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "findings.jsonl"
    assert checks(write(tmp_path, suffix), output) == 1
    rows = read(output)
    assert found(rows) == planted.EXPECTED
    assert all(set(r) >= {"check", "id_number", "reason", "title", "source", "line"} for r in rows)
    assert len(rows) == 12  # B and C two lines each, D two lines, G and H one each
    err = capsys.readouterr().err
    name = f"payments.{suffix}"
    assert f"第21行 {name} 公民身份号码：" in err
    assert f"第22行 {name} 发放月份：应为月份 YYYY-MM" in err
    assert f"第23行 {name} 发放县区划代码：应为 6 位县级区划代码" in err
    assert f"第23行 {name} 金额：应为数（最多 2 位小数），实际为“一百”" in err
    assert f"第6行 residents.{suffix} 离开日期：离开日期早于入住日期" in err
    assert f"第6行 residents.{suffix} 离院天数：应为不小于 0 的整数天数，实际为“-1”" in err
    assert "死亡后仍发放（paid_after_death）1 行" in err
    errors = read(Path(f"{output}.errors.jsonl"))
    assert {e["line"] for e in errors} == {21, 22, 23, 6}


def test_without_the_optional_files_their_checks_are_named_as_not_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = write(tmp_path, "csv", bad=False)
    output = tmp_path / "findings.jsonl"
    argv = ["supervise", "checks", "--month", "2026-05", "--output", str(output)]
    argv += ["--persons", str(paths["persons"]), "--payments", str(paths["payments"])]
    assert main(argv) == 0
    assert {c for c, _ in found(read(output))} == {
        "paid_after_death",
        "enrolled_twice",
        "centralized_and_dispersed",
        "shared_account",
    }
    assert "未核查（缺文件）：resident_and_home_service、absent_resident" in capsys.readouterr().err


def test_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = write(tmp_path, "csv", bad=False)
    assert checks(paths, tmp_path / "findings.txt") == 2
    assert "请使用 .jsonl" in capsys.readouterr().err
    pl.DataFrame({"id_number": [planted.pid("A")], "item": ["x"]}).write_csv(paths["payments"])
    assert checks(paths, tmp_path / "findings.jsonl") == 2
    assert "缺少列 county, month, amount" in capsys.readouterr().err
    argv = ["supervise", "checks", "--month", "2026-13", "--persons", "p", "--payments", "q", "--output", "o"]
    assert main(argv) == 2
    assert "月份应为 YYYY-MM" in capsys.readouterr().err


def test_the_spark_engine_gives_the_same_file(tmp_path: Path) -> None:
    require_spark()
    paths = write(tmp_path, "csv")
    checks(paths, tmp_path / "embedded.jsonl")
    checks(paths, tmp_path / "spark.jsonl", "--engine", "spark")
    assert (tmp_path / "spark.jsonl").read_text(encoding="utf-8") == (tmp_path / "embedded.jsonl").read_text(
        encoding="utf-8"
    )
