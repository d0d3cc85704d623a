"""The three-way match on the embedded engine: a generated month with one planted anomaly of every
reason; the split of payable amounts; the seeded review sample; nothing paid twice."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from yanglao.core import exports
from yanglao.core.services import ALL_REASONS, REASONS, match_files
from yanglao.core.services.generate import Month, generate

MONTH = dt.date(2026, 5, 1)


def write_month(month: Month, folder: Path, suffix: str = "csv") -> dict[str, Path]:
    paths = {}
    for name in ("persons", "plans", "claims", "checkins", "stays", "settled"):
        path = folder / f"{name}.{suffix}"
        frame = getattr(month, name)
        if suffix == "csv" or name == "persons":
            path = folder / f"{name}.csv"
            frame.write_csv(path)
        else:
            if suffix == "xlsx":
                write_xlsx(frame, path)
            else:
                frame.write_parquet(path)
        paths[name] = path
    return paths


def write_xlsx(frame: pl.DataFrame, path: Path) -> None:
    book = exports.workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(frame.columns)
    for row in frame.iter_rows():
        sheet.append(list(row))
    path.write_bytes(exports.workbook_bytes(book))


def run(paths: dict[str, Path], output: Path, **kw: Any) -> list[dict[str, Any]]:
    summary = match_files(
        "152223",
        MONTH,
        paths["plans"],
        paths["claims"],
        paths["checkins"],
        output,
        persons=paths["persons"],
        stays=paths["stays"],
        settled=kw.pop("settled", paths["settled"]),
        **kw,
    )
    assert summary.lines == len(output.read_text(encoding="utf-8").splitlines())
    return [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Month, list[dict[str, Any]], Path]:
    folder = tmp_path_factory.mktemp("month")
    month = generate(30, MONTH, seed=7, plant=True)
    paths = write_month(month, folder)
    return month, run(paths, folder / "out.jsonl"), folder


def test_every_planted_line_is_held_for_exactly_its_reasons(
    planted: tuple[Month, list[dict[str, Any]], Path],
) -> None:
    month, rows, _ = planted
    occurrence: dict[str, int] = {}
    for row in rows:
        line = str(row["claim_line"])
        if line in month.expected:
            i = occurrence.get(line, 0)
            occurrence[line] = i + 1
            assert set(row["reasons"]) == month.expected[line][i], line
            assert row["status"] == ("held" if month.expected[line][i] else "payable"), line
        else:
            assert row["status"] == "payable", row
            assert row["reasons"] == [], row
    assert occurrence == {k: len(v) for k, v in month.expected.items()}
    every = {r for row in rows for r in row["reasons"]}
    assert every == set(ALL_REASONS)  # one of each reason was planted, and each is found


def test_payable_amounts_split_into_subsidy_by_level_and_copay(
    planted: tuple[Month, list[dict[str, Any]], Path],
) -> None:
    month, rows, _ = planted
    claims = {r["claim_line"]: r for r in month.claims.iter_rows(named=True)}
    for row in rows:
        levels = row["subsidy_by_level"]
        if row["status"] == "held":
            assert row["subsidy"] == row["copay"] == 0
            assert not any(levels.values())
            continue
        amount = Decimal(claims[row["claim_line"]]["amount"])
        subsidy, copay = Decimal(str(row["subsidy"])), Decimal(str(row["copay"]))
        assert subsidy + copay == amount
        assert sum(Decimal(str(v)) for v in levels.values()) == subsidy
    plan1 = next(r for r in rows if r["claim_line"] == "X-plan-1")  # 低保, 助洁 2 h, 80 yuan
    assert (plan1["subsidy"], plan1["copay"], plan1["category"]) == (72.0, 8.0, "dibao")
    assert plan1["subsidy_by_level"] == {"中央": 0.0, "省": 0.0, "市": 21.6, "县": 50.4}


def test_the_review_sample_is_the_share_and_reproducible(
    tmp_path: Path, planted: tuple[Month, list[dict[str, Any]], Path]
) -> None:
    _month, rows, folder = planted
    payable = [r for r in rows if r["status"] == "payable"]
    sampled = [r for r in payable if r["review"]]
    assert 0.02 * len(payable) < len(sampled) < 0.09 * len(payable)  # 5 % of ~740 lines
    assert not any(r["review"] for r in rows if r["status"] == "held")
    paths = {n: folder / f"{n}.csv" for n in ("persons", "plans", "claims", "checkins", "stays", "settled")}
    again = run(paths, tmp_path / "again.jsonl")
    assert [r["review"] for r in again] == [r["review"] for r in rows]
    other_seed = run(paths, tmp_path / "seed.jsonl", seed=5)
    assert [r["review"] for r in other_seed] != [r["review"] for r in rows]
    everything = run(paths, tmp_path / "all.jsonl", sample_share="1")
    assert all(r["review"] for r in everything if r["status"] == "payable")


def test_a_claim_file_matched_twice_pays_nothing_twice(
    tmp_path: Path, planted: tuple[Month, list[dict[str, Any]], Path]
) -> None:
    _, rows, folder = planted
    paths = {n: folder / f"{n}.csv" for n in ("persons", "plans", "claims", "checkins", "stays", "settled")}
    second = run(paths, tmp_path / "second.jsonl", settled=folder / "out.jsonl")
    first_payable = {r["claim_line"] for r in rows if r["status"] == "payable"}
    second_payable = {r["claim_line"] for r in second if r["status"] == "payable"}
    assert not first_payable & second_payable
    assert all("duplicate" in r["reasons"] for r in second if r["claim_line"] in first_payable)
    # only the line settled in a cycle this run was not told about is payable now; the lines paid in
    # the first run still use up the plan and the monthly cap
    assert second_payable == {"X-settled-before"}
    held = {r["claim_line"]: r["reasons"] for r in second}
    assert held["X-beyond-plan"] == ["over_plan"]
    assert held["X-medical-9"] == ["over_monthly_cap"]


def test_the_same_month_from_xlsx_and_parquet(
    tmp_path: Path, planted: tuple[Month, list[dict[str, Any]], Path]
) -> None:
    month, rows, _ = planted
    for suffix in ("xlsx", "parquet"):
        folder = tmp_path / suffix
        folder.mkdir()
        got = run(write_month(month, folder, suffix), folder / "out.jsonl")
        assert got == rows, suffix


def test_bad_rows_are_reported_and_the_others_matched(tmp_path: Path) -> None:
    month = generate(3, MONTH, seed=3)
    claims = month.claims.with_columns(pl.col("amount").cast(pl.String))
    bad = pl.DataFrame(
        {
            "claim_line": ["B1", "B2", "B3", "B4", None],
            "provider": ["P000"] * 5,
            "id_number": [
                claims["id_number"][0],
                "110101194505050010",
                claims["id_number"][0],
                claims["id_number"][0],
                claims["id_number"][0],
            ],
            "service": ["meal_aid"] * 5,
            "date": ["2026-04-30", "2026-05-03", "2026-05-32", "2026-05-03", "2026-05-03"],
            "units": ["1", "1", "1", "0", "1"],
            "amount": ["12", "12", "12", "12", "12.345"],
        }
    )
    month.claims = pl.concat([claims, bad])
    month.checkins = pl.concat(
        [
            month.checkins,
            pl.DataFrame(
                {
                    "provider": ["P000"],
                    "worker": ["W"],
                    "id_number": [claims["id_number"][0]],
                    "service": ["meal_aid"],
                    "start": ["2026-05-03 25:00"],
                    "end": ["2026-05-03 10:00"],
                }
            ),
        ]
    )
    paths = write_month(month, tmp_path)
    output = tmp_path / "out.jsonl"
    summary = match_files("152223", MONTH, paths["plans"], paths["claims"], paths["checkins"], output)
    rows = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    by_line = {r["claim_line"]: r for r in rows}
    for line in ("B1", "B2", "B3", "B4"):
        assert by_line[line]["reasons"] == ["invalid_row"]
    assert len(rows) == month.claims.height - 1  # the row without a claim line has no output line
    reasons = {(e.line, e.field.split()[-1]): e.reason for e in summary.errors}
    first = claims.height + 2
    assert "不在结算月份 2026-05 内" in reasons[(first, "服务日期")]
    assert (first + 1, "公民身份号码") in reasons
    assert reasons[(first + 2, "服务日期")] == "应为日期 YYYY-MM-DD"
    assert reasons[(first + 3, "数量")] == "应大于 0"
    assert "12.345" in reasons[(first + 4, "金额")]
    assert reasons[(first + 4, "明细号")] == "不能为空"
    assert reasons[(month.checkins.height + 1, "开始")] == "应为时间 YYYY-MM-DD HH:MM"
    errors = [json.loads(x) for x in Path(f"{output}.errors.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(errors) == len(summary.errors)
    assert all(r["status"] == "payable" for r in rows if not r["claim_line"].startswith("B"))


def test_reasons_have_words_for_staff() -> None:
    assert set(REASONS) < set(ALL_REASONS)
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in words) for words in ALL_REASONS.values())
