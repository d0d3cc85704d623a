"""``yanglao entitle``: the shared person-record format in (CSV, Parquet), JSON Lines and Parquet out,
with both engines; invalid rows reported on stderr and in ``<output>.errors.jsonl``, the others
evaluated; exit status 0 / 1 / 2."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from yanglao.cli import main
from yanglao.core.idnumber import make_id_number

ON = "2024-07-01"
OLD = make_id_number("410721", dt.date(1944, 7, 1), 12)  # 80 on the date, 新乡县 户籍
YOUNG = make_id_number("410721", dt.date(1964, 7, 2), 14)  # 59 on the date
POOR = make_id_number("410721", dt.date(1950, 3, 1), 16)  # 74, 低保
HEADER = "id_number,name,hukou_region,dibao,death_date,pension_scheme"
GOOD_ROWS = [
    f"{OLD},张三,410721100200,,,urban_rural",
    f"{YOUNG},李四,410721,否,,",
    f"{POOR},王五,410721,是,,",
]
BAD_ROWS = [
    "410721194407010000,赵六,410721,,,",  # wrong check character
    f"{make_id_number('410721', dt.date(1940, 1, 1), 18)},钱七,4107,maybe,,",  # region and boolean
]


def write_csv(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def write_parquet(path: Path) -> Path:
    pl.DataFrame(
        {
            "id_number": [OLD, YOUNG, POOR],
            "hukou_region": ["410721100200", "410721", "410721"],
            "dibao": [None, False, True],
            "death_date": [None, None, None],
            "pension_scheme": ["urban_rural", None, None],
        },
        schema={
            "id_number": pl.String,
            "hukou_region": pl.String,
            "dibao": pl.Boolean,
            "death_date": pl.Date,
            "pension_scheme": pl.String,
        },
    ).write_parquet(path)
    return path


def require_spark() -> None:
    """PySpark and a JVM, or skip (fail under ``CI=true``)."""
    reason = None
    try:
        import pyspark  # noqa: F401
    except ImportError:
        reason = "PySpark is not installed"
    if reason is None and not (shutil.which("java") or os.environ.get("JAVA_HOME")):
        reason = "no Java runtime for PySpark"
    if reason is not None:
        if os.environ.get("CI", "").strip().lower() in ("1", "true", "yes"):
            pytest.fail(f"CI=true but {reason}", pytrace=False)
        pytest.skip(reason)


def run(*args: str) -> int:
    return main(["entitle", "--catalog", "410721", "--date", ON, *args])


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def granted(lines: list[dict[str, Any]]) -> dict[str, dict[int, Any]]:
    return {line["id_number"]: {item["no"]: item["amount"] for item in line["items"]} for line in lines}


def test_it_writes_one_json_line_per_person_with_the_granted_items(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"

    status = run("--input", str(write_csv(tmp_path / "in.csv", GOOD_ROWS)), "--output", str(out))

    lines = read_jsonl(out)
    assert status == 0
    assert [line["id_number"] for line in lines] == [OLD, YOUNG, POOR]
    assert {(line["catalog"], line["date"]) for line in lines} == {("410721", ON)}
    old = granted(lines)[OLD]
    assert old[5] == 50.0  # 高龄津贴 80-89
    assert old[2] == 150.0  # 城乡居民基础养老金 (example figure)
    assert granted(lines)[YOUNG] == {}  # 59: nothing yet
    assert 6 in granted(lines)[POOR]  # 低保
    item = lines[0]["items"][0]
    assert set(item) == {
        "no",
        "code",
        "name",
        "amount",
        "period",
        "reasons",
        "payee",
        "placeholder",
        "quantity",
    }
    assert item["reasons"] == []
    basic_pension = next(i for i in lines[0]["items"] if i["no"] == 2)
    assert basic_pension["placeholder"] is True  # 150 rests on an example figure: marked (issue 12)
    assert basic_pension["payee"] == "person"
    assert (tmp_path / "out.jsonl.errors.jsonl").read_text(encoding="utf-8") == ""


def test_it_reports_invalid_rows_and_evaluates_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.jsonl"

    status = run("--input", str(write_csv(tmp_path / "in.csv", GOOD_ROWS + BAD_ROWS)), "--output", str(out))

    err = capsys.readouterr().err
    errors = read_jsonl(tmp_path / "out.jsonl.errors.jsonl")
    assert status == 1
    assert [line["id_number"] for line in read_jsonl(out)] == [OLD, YOUNG, POOR]
    assert {(e["line"], e["field"]) for e in errors} == {(5, "id_number"), (6, "hukou_region"), (6, "dibao")}
    assert "第5行 id_number：校验码错误" in err
    assert "第6行 dibao：" in err


def test_it_writes_parquet_one_row_per_person_and_item(tmp_path: Path) -> None:
    out = tmp_path / "out.parquet"

    status = run("--input", str(write_parquet(tmp_path / "in.parquet")), "--output", str(out))

    rows = pl.read_parquet(out)
    assert status == 0
    assert rows.columns == ["id_number", "no", "code", "name", "amount", "period"]
    gaoling = rows.filter(pl.col("id_number") == OLD, pl.col("no") == 5)
    assert gaoling.get_column("amount").to_list() == [pytest.approx(50)]
    assert gaoling.get_column("code").to_list() == ["gaoling_jintie"]
    assert YOUNG not in rows.get_column("id_number").to_list()


def test_explain_fills_the_reasons_from_the_one_person_evaluator(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"

    run("--input", str(write_csv(tmp_path / "in.csv", GOOD_ROWS)), "--output", str(out), "--explain")

    gaoling = next(i for i in read_jsonl(out)[0]["items"] if i["no"] == 5)
    assert gaoling["reasons"][0].startswith("符合：")
    assert "80周岁" in gaoling["reasons"][0]
    assert any("依据" in reason for reason in gaoling["reasons"])


@pytest.mark.spark
@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_the_spark_engine_writes_the_same_output(tmp_path: Path, suffix: str) -> None:
    require_spark()
    source = (
        write_csv(tmp_path / "in.csv", GOOD_ROWS + BAD_ROWS)
        if suffix == ".csv"
        else write_parquet(tmp_path / "in.parquet")
    )
    embedded, spark = tmp_path / "embedded.jsonl", tmp_path / "spark.jsonl"

    run("--input", str(source), "--output", str(embedded))
    status = run("--input", str(source), "--output", str(spark), "--engine", "spark")

    assert status == (1 if suffix == ".csv" else 0)
    assert spark.read_text(encoding="utf-8") == embedded.read_text(encoding="utf-8")
    assert (tmp_path / "spark.jsonl.errors.jsonl").read_text(encoding="utf-8") == (
        tmp_path / "embedded.jsonl.errors.jsonl"
    ).read_text(encoding="utf-8")


def test_a_usage_error_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = write_csv(tmp_path / "in.csv", GOOD_ROWS)

    assert (
        main(
            [
                "entitle",
                "--catalog",
                "999999",
                "--date",
                ON,
                "--input",
                str(source),
                "--output",
                str(tmp_path / "o.jsonl"),
            ]
        )
        == 2
    )
    assert run("--input", str(source), "--output", str(tmp_path / "o.txt")) == 2
    assert run("--input", str(tmp_path / "missing.csv"), "--output", str(tmp_path / "o.jsonl")) == 2
