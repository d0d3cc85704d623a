"""``yanglao entitle`` on a small file without Polars (``core/engine/small.py``): the output, the errors
file, the summary, the lines on stderr and the exit code are the Polars path's, byte for byte — over
CSV (UTF-8, GB18030) and JSON Lines with good rows and every kind of bad row, on two lists, with and
without ``--explain``; and nothing on that path imports Polars or pyarrow."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.engine.engine_population import catalog_regions, population
from yanglao.cli import main as yanglao_main
from yanglao.core.catalog.loader import load_catalog
from yanglao.core.engine import small
from yanglao.core.engine.api import entitle_file
from yanglao.core.idnumber import make_id_number
from yanglao.core.person import FIELDS, FieldError

ON = dt.date(2024, 7, 1)
CODES = ("410721", "152223")
LABELS = {f.name: f.label for f in FIELDS}
Row = dict[str, Any]


def ident(region: str, birth: dt.date, n: int, sex: str | None = None) -> str:
    """A valid ID number, its sequence odd for a man (``sex`` "1"), even for a woman."""
    sequence = 2 * n + (1 if sex in (None, "1") else 2)
    return make_id_number(region, birth, sequence)


def cell(value: Any, words: bool = False) -> str:
    """A value as a CSV cell (``words``: 是/否 for booleans)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return ("是" if value else "否") if words else ("true" if value else "false")
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def write_csv(path: Path, rows: list[Row], encoding: str = "utf-8", labels: bool = False) -> Path:
    """A header of every key the rows have (Chinese labels when ``labels``); a key unknown to the
    person record stays as it is (an unknown column). A row may carry ``__cells`` (its cells as written)."""
    columns = list(dict.fromkeys(k for row in rows for k in row if k != "__cells"))
    with path.open("w", encoding=encoding, newline="") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow([LABELS.get(c, c) if labels else c for c in columns])
        for n, row in enumerate(rows):
            out.writerow(
                row.get("__cells") or [cell(row.get(c), words=labels and n % 2 == 0) for c in columns]
            )
    return path


def write_jsonl(path: Path, rows: list[Row]) -> Path:
    """One object per row, typed (booleans, integers); ``__line`` replaces a row by that text."""
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            if "__line" in row:
                handle.write(row["__line"] + "\n")
                continue
            obj = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in row.items()}
            handle.write(json.dumps(obj, ensure_ascii=False) + "\n")
    return path


def summary_dict(summary: small.Summary) -> dict[str, Any]:
    out = dataclasses.asdict(summary)
    del out["seconds"]
    out["errors_path"] = Path(out["errors_path"]).name
    return out


def run_both(
    folder: Path, code: str, on: dt.date, source: Path, explain: bool, options: dict[str, bool] | None = None
) -> small.Summary:
    """Both paths over ``source``: the same output and errors files, byte for byte, the same summary."""
    outputs = []
    for name, pure in (("pure", True), ("polars", False)):
        (folder / name).mkdir(exist_ok=True)
        target = folder / name / "out.jsonl"
        summary = entitle_file(code, on, source, target, explain=explain, options=options, small=pure)
        errors = Path(f"{target}.errors.jsonl")
        outputs.append((summary, target.read_bytes(), errors.read_bytes()))
    (pure_summary, pure_out, pure_errors), (polars_summary, polars_out, polars_errors) = outputs
    assert pure_out.decode().splitlines() == polars_out.decode().splitlines()
    assert pure_out == polars_out
    assert pure_errors.decode().splitlines() == polars_errors.decode().splitlines()
    assert pure_errors == polars_errors
    assert summary_dict(pure_summary) == summary_dict(polars_summary)
    return pure_summary


# --- a file with every kind of row ------------------------------------------------------------------


def good_rows(code: str) -> list[Row]:
    region = code
    village = code + "100200"
    return [
        {"id_number": ident(code, dt.date(1940, 3, 1), 1), "hukou_region": village, "dibao": True,
         "living_arrangement": "alone", "ability_level": 3, "birth_date": dt.date(1940, 3, 1)},
        {"id_number": ident(code, dt.date(1930, 7, 1), 2, "2"), "hukou_region": region, "tekun": "dispersed",
         "self_care_unable": True, "sex": "2"},
        {"id_number": ident(code, dt.date(1944, 2, 29), 3), "hukou_region": f"  {village} ",
         "living_arrangement": " 独居\u3000", "dibao": "是"},
        {"id_number": ident(code, dt.date(1950, 1, 1), 4).lower(),
         "residence_region": region, "hukou_region": "410102", "disability_grade": 1},
        {"id_number": ident(code, dt.date(1935, 5, 5), 5), "hukou_region": region,
         "death_date": dt.date(2024, 6, 30), "dibao": True},
        {"id_number": ident(code, dt.date(1960, 7, 2), 6), "hukou_region": village, "dibao_edge": True},
    ]  # fmt: skip


def wrong_check(number: str) -> str:
    """The number with another check character (an empty one stays empty)."""
    return number and number[:-1] + ("1" if number[-1] == "0" else "0")


BAD: dict[str, Callable[[Row, list[Row]], None]] = {
    "checksum": lambda row, rows: row.update(id_number=wrong_check(row["id_number"])),
    "repeated": lambda row, rows: row.update(id_number=rows[0]["id_number"]),
    "repeated_spaced": lambda row, rows: row.update(id_number=f" {rows[-1]['id_number'].lower()} "),
    "unknown_code": lambda row, rows: row.update(living_arrangement="火星"),
    "bad_date": lambda row, rows: row.update(death_date="2024-13-01"),
    "empty_id": lambda row, rows: row.update(id_number=""),
    "sex_contradicts": lambda row, rows: row.update(sex="2"),
    "birth_contradicts": lambda row, rows: row.update(birth_date=dt.date(1941, 1, 1)),
    "out_of_range": lambda row, rows: row.update(ability_level=9),
    "bad_region": lambda row, rows: row.update(hukou_region="41072"),
    "bad_bool": lambda row, rows: row.update(dibao="maybe"),
}  # fmt: skip


def every_kind(code: str) -> list[Row]:
    rows = good_rows(code)
    for n, (_, spoil) in enumerate(BAD.items()):
        row = {"id_number": ident(code, dt.date(1940, 3, 1), 100 + n), "hukou_region": code, "dibao": False}
        spoil(row, rows)
        rows.append(row)
    return rows


@pytest.mark.parametrize("explain", [False, True])
@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "utf-8-sig"])
def test_a_csv_file_with_every_kind_of_row(tmp_path: Path, code: str, encoding: str, explain: bool) -> None:
    rows = every_kind(code)
    rows[1]["colour"] = "red"  # an unknown column: a header error on line 1
    rows.append(
        {"id_number": ident(code, dt.date(1942, 8, 8), 7), "name": "两行\n姓名", "hukou_region": code}
    )
    columns = list(dict.fromkeys(k for row in rows for k in row))
    short = [rows[0]["id_number"].replace("1", "2", 1), code]  # fewer cells than the header
    long = [cell(rows[2].get(c)) for c in columns] + ["extra"]  # more
    rows += [{"__cells": short}, {"__cells": long}]
    source = write_csv(tmp_path / "in.csv", rows, encoding, labels=encoding != "utf-8")
    with source.open("a", encoding=encoding) as handle:
        handle.write(",,,\n")  # a blank row: skipped, its line counted
        handle.write(f"{ident(code, dt.date(1945, 1, 1), 8)},{code}\n")

    summary = run_both(tmp_path, code, ON, source, explain)

    assert summary.persons > 0
    assert summary.granted > 0
    kinds = {e.field for e in summary.errors}
    assert {"colour", "（整行）", "id_number", "living_arrangement", "death_date", "sex"} <= kinds


@pytest.mark.parametrize("explain", [False, True])
@pytest.mark.parametrize("code", CODES)
def test_a_json_lines_file_with_every_kind_of_row(tmp_path: Path, code: str, explain: bool) -> None:
    rows = every_kind(code)
    rows[0]["colour"] = "red"  # an unknown key, reported once
    rows[3]["colour"] = "blue"
    rows[2]["ability_level"] = 2.0  # typed cells: a float of an integer, a number for a code
    rows[4]["disability_grade"] = 2
    rows += [
        {"__line": "not json"},
        {"__line": "[1, 2]"},
        {"hukou_region": code, "dibao": True},  # no ID number
        {"__line": "   "},  # blank: skipped
        {"id_number": ident(code, dt.date(1938, 9, 9), 9), "sex": 1, "dibao": "否", "hukou_region": code},
    ]
    source = write_jsonl(tmp_path / "in.jsonl", rows)

    summary = run_both(tmp_path, code, ON, source, explain)

    assert summary.persons > 0
    assert summary.granted > 0
    assert [e.line for e in summary.errors if e.field == "colour"] == [1]


def test_a_file_without_an_id_number_column(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("name,dibao,colour\n张三,是,red\n", encoding="utf-8")

    summary = run_both(tmp_path, "410721", ON, source, explain=False)

    assert (summary.rows, summary.persons) == (0, 0)
    assert [(e.line, e.field) for e in summary.errors] == [(1, "colour"), (1, "id_number")]


def test_a_cell_neither_path_can_take_stops_both_alike(tmp_path: Path) -> None:
    """An ID number written as a JSON number (its last digits lost) stops the run, on either path."""
    source = write_jsonl(tmp_path / "in.jsonl", [{"id_number": 4.10721194002291e17}])
    messages = []
    for pure in (True, False):
        with pytest.raises(FieldError) as caught:
            entitle_file("410721", ON, source, tmp_path / f"{pure}.jsonl", small=pure)
        messages.append(str(caught.value))
    assert messages[0] == messages[1]


# --- generated populations -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def regions() -> list[str]:
    return catalog_regions(load_catalog(code) for code in CODES)


def file_rows(code: str, records: list[Row], spoiled: list[tuple[int, str]]) -> list[Row]:
    """The generated persons with real ID numbers (matching their birth date and sex), some spoiled."""
    rows = []
    for n, record in enumerate(records):
        birth = record.get("birth_date") or dt.date(1950, 1, 1)
        row = {k: v for k, v in record.items() if k != "id_number"}
        row["id_number"] = ident(code, birth, n, record.get("sex"))
        rows.append(row)
    for index, kind in spoiled:
        BAD[kind](rows[index % len(rows)], rows)
    return rows


@pytest.mark.parametrize("code", CODES)
def test_generated_populations_give_the_same_files(
    code: str, regions: list[str], tmp_path_factory: Any
) -> None:
    catalog = load_catalog(code)

    @settings(max_examples=25)
    @given(
        case=population(catalog, regions, (1, 12)),
        spoiled=st.lists(st.tuples(st.integers(0, 11), st.sampled_from(sorted(BAD))), max_size=3),
        fmt=st.sampled_from(["csv", "gb18030", "jsonl"]),
        explain=st.booleans(),
    )
    def check(case: dict[str, Any], spoiled: list[tuple[int, str]], fmt: str, explain: bool) -> None:
        folder = tmp_path_factory.mktemp("case")
        rows = file_rows(code, case["records"], spoiled)
        if fmt == "jsonl":
            source = write_jsonl(folder / "in.jsonl", rows)
        else:
            source = write_csv(folder / "in.csv", rows, "gb18030" if fmt == "gb18030" else "utf-8")
        run_both(folder, code, case["on"], source, explain, case["options"])

    check()


# --- the command ---------------------------------------------------------------------------------------


def test_the_command_prints_the_same_lines_and_exits_alike(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write_csv(tmp_path / "in.csv", every_kind("152223"))
    said = []
    for name, pure in (("pure", True), ("polars", False)):
        monkeypatch.setattr(small, "fits", lambda *args, pure=pure: pure)
        target = tmp_path / f"{name}.jsonl"
        code = yanglao_main(["entitle", "--catalog", "152223", "--date", "2024-07-01", "--input", str(source),
                             "--output", str(target), "--explain"])  # fmt: skip
        err = capsys.readouterr().err.replace(str(target), "OUT")
        said.append((code, re.sub(r"[0-9.]+ 秒", "N 秒", err), target.read_bytes()))
    assert said[0] == said[1]
    assert said[0][0] == 1
    assert "第" in said[0][1]


PROBE = """
import contextlib, io, json, sys
with contextlib.redirect_stderr(io.StringIO()) as err:
    import yanglao.cli
    code = yanglao.cli.main({args!r})
heavy = sorted({{m.split(".")[0] for m in sys.modules}} & {{"polars", "pyarrow", "django", "pyspark"}})
print(json.dumps({{"code": code, "heavy": heavy, "err": err.getvalue()}}))
"""


def command(args: list[str]) -> dict[str, Any]:
    """``yanglao ARGS`` in a fresh interpreter: its exit code, stderr and the heavy packages it imported."""
    done = subprocess.run([sys.executable, "-c", PROBE.format(args=args)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_the_small_path_imports_neither_polars_nor_pyarrow(tmp_path: Path) -> None:
    rows = [
        {"id_number": ident("410721", dt.date(1940, 1, 1), n), "hukou_region": "410721"} for n in range(50)
    ]
    source = write_csv(tmp_path / "in.csv", rows)
    args = ["entitle", "--catalog", "410721", "--date", "2024-07-01", "--input", str(source)]

    plain = command([*args, "--output", str(tmp_path / "out.jsonl")])
    explained = command([*args, "--output", str(tmp_path / "why.jsonl"), "--explain"])

    assert (plain["code"], plain["heavy"]) == (0, []), plain["err"]
    assert (explained["code"], explained["heavy"]) == (0, []), explained["err"]
    assert "计算 50 人" in plain["err"]


def test_a_file_over_the_line_limit_takes_the_polars_path(tmp_path: Path) -> None:
    rows = [
        {"id_number": ident("410721", dt.date(1940, 1, 1) + dt.timedelta(days=n // 400), n % 400)}
        for n in range(small.SMALL_ROWS)
    ]
    source = write_csv(tmp_path / "in.csv", rows)  # the header and SMALL_ROWS rows
    args = ["entitle", "--catalog", "410721", "--date", "2024-07-01", "--input", str(source)]

    result = command([*args, "--output", str(tmp_path / "out.jsonl")])

    assert (result["code"], result["heavy"]) == (0, ["polars"]), result["err"]


def test_which_runs_the_small_path(tmp_path: Path) -> None:
    lines = tmp_path / "in.csv"
    lines.write_text("id_number\n" + "x\n" * (small.SMALL_ROWS - 1), encoding="utf-8")
    jsonl = tmp_path / "in.jsonl"
    jsonl.write_text("{}\n", encoding="utf-8")
    assert small.fits(lines, "out.jsonl")
    assert small.fits(jsonl, "OUT.NDJSON")
    assert not small.fits(lines, "out.parquet")
    assert not small.fits(lines, "out.jsonl", engine="spark")
    assert not small.fits(tmp_path / "in.parquet", "out.jsonl")
    assert not small.fits(tmp_path / "missing.csv", "out.jsonl")
    with lines.open("a", encoding="utf-8") as handle:
        handle.write("x\n")  # SMALL_ROWS + 1 lines
    assert not small.fits(lines, "out.jsonl")


def test_entitle_file_takes_the_small_path_for_a_small_file_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from yanglao.core.engine import api

    taken: list[Path] = []

    def pure(code: str, on: dt.date, source: Path, target: Path, *args: Any) -> small.Summary:
        taken.append(target)
        return small.entitle_small(code, on, source, target, *args)

    monkeypatch.setattr(api, "entitle_small", pure)
    source = write_csv(tmp_path / "in.csv", good_rows("410721"))
    for name, options in (("auto", {}), ("batches", {"batch_rows": 2}), ("polars", {"small": False})):
        entitle_file("410721", ON, source, tmp_path / f"{name}.jsonl", **options)
    entitle_file("410721", ON, source, tmp_path / "out.parquet")
    assert taken == [tmp_path / "auto.jsonl"]
    assert (tmp_path / "auto.jsonl").read_bytes() == (tmp_path / "batches.jsonl").read_bytes()
