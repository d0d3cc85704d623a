"""Reading person-record files into typed frames: the column-wise parser accepts exactly what
``parse_value``/``parse_record`` accept, with the same values, and reports the rest in their words."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yanglao.core.engine.frames import LINE, parse_frame, read_persons
from yanglao.core.idnumber import make_id_number
from yanglao.core.person import FIELDS, derive_defaults, parse_record

VALID_ID = make_id_number("410721", dt.date(1944, 2, 29), 13)
SPACES = ["", " ", "\t", "\u3000", "\x1c", "\xa0"]


def cells(kind: str, codes: tuple[str, ...], labels: tuple[str, ...]) -> st.SearchStrategy[str | None]:
    """Text cells around what each kind accepts, including near misses and other scripts' digits."""
    samples: dict[str, list[str]] = {
        "id": [
            VALID_ID,
            VALID_ID.lower(),
            VALID_ID[:-1] + "0",
            "410721440229131",
            "41072119440229131",
            "１" * 18,
        ],
        "text": ["张三", "  李 四 ", "X"],
        "region": ["410721", "410721100200", "41072", "4107211002001", "４１０７２１", "41072a"],
        "bool": ["true", "FALSE", "是", "否", "Y", "n", "1", "0", "yes", "maybe", "T"],
        "date": [
            "1944-02-29",
            "1943-02-29",
            "2024-13-01",
            "0000-01-01",
            "2024-1-01",
            "２０２４-０１-０１",
            "9999-12-31",
        ],
        "int": ["0", "4", "5", "-1", "+2", "1_0", "1__0", "_1", "007", "3.0", "٣", "99999999999999999999"],
        "code": [*codes, *labels, "other", codes[0].upper() if codes else "x"],
    }
    return st.one_of(
        st.none(),
        st.builds(
            lambda s, a, b: a + s + b,
            st.sampled_from(samples[kind]),
            st.sampled_from(SPACES),
            st.sampled_from(SPACES),
        ),
        st.text(alphabet="0123456789-X年 ", max_size=20),
    )


@st.composite
def raw_rows(draw: st.DrawFn) -> list[dict[str, Any]]:
    names = draw(
        st.lists(st.sampled_from([f.name for f in FIELDS if f.name != "id_number"]), unique=True, max_size=10)
    )
    fields = [f for f in FIELDS if f.name in names or f.name == "id_number"]
    count = draw(st.integers(1, 8))
    return [
        {f.name: draw(cells(f.kind, f.code_values(), tuple(label for _, label in f.codes))) for f in fields}
        for _ in range(count)
    ]


def reference(rows: list[dict[str, Any]]) -> tuple[dict[int, dict[str, Any]], set[tuple[int, str, str]]]:
    good: dict[int, dict[str, Any]] = {}
    errors: set[tuple[int, str, str]] = set()
    for line, row in enumerate(rows, start=2):
        record, problems = parse_record(row)
        if problems:
            errors.update((line, e.field, e.reason) for e in problems)
        else:
            good[line] = derive_defaults(record)
    return good, errors


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=raw_rows())
def test_the_column_parser_agrees_with_parse_record(rows: list[dict[str, Any]]) -> None:
    raw = pl.DataFrame(rows, schema=dict.fromkeys(rows[0], pl.String)).with_row_index(LINE, offset=2)
    batch = parse_frame(raw.with_columns(pl.col(LINE).cast(pl.Int64)))

    want_good, want_errors = reference(rows)
    got_good = {row.pop(LINE): row for row in batch.persons.iter_rows(named=True)}
    assert {(e.line, e.field, e.reason) for e in batch.errors} == want_errors
    assert set(got_good) == set(want_good)
    for line, record in want_good.items():
        assert {k: v for k, v in got_good[line].items() if v is not None} == {
            k: v for k, v in record.items() if v is not None
        }


def test_typed_parquet_columns_are_taken_as_they_are_and_checked(tmp_path: Path) -> None:
    path = tmp_path / "in.parquet"
    pl.DataFrame(
        {
            "公民身份号码": [VALID_ID, make_id_number("410721", dt.date(1950, 1, 1), 15)],
            "dibao": [True, None],
            "ability_level": [2, 7],
            "birth_date": [dt.date(1944, 2, 29), None],
            "hukou_region": [410721, 410721100200],
        }
    ).write_parquet(path)

    persons, errors = read_persons(path)

    assert [(e.line, e.field) for e in errors] == [(3, "ability_level")]
    row = persons.row(0, named=True)
    assert (row[LINE], row["dibao"], row["ability_level"], row["hukou_region"]) == (2, True, 2, "410721")
    assert (row["sex"], row["residence_region"]) == ("1", "410721")


def test_csv_lines_count_physical_lines_and_short_rows_are_errors(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    second = make_id_number("410721", dt.date(1950, 1, 1), 15)
    path.write_text(
        f'id_number,name,dibao\n{VALID_ID},"两行\n姓名",是\n\n{second},李四\n{VALID_ID},重复,否\n',
        encoding="utf-8",
    )

    persons, errors = read_persons(path)

    assert persons.get_column(LINE).to_list() == [2]
    assert persons.get_column("name").to_list() == ["两行\n姓名"]
    assert [(e.line, e.field) for e in errors] == [(5, "（整行）"), (6, "id_number")]
    assert "与第 2 行的公民身份号码重复" in errors[1].reason


def test_json_lines_take_typed_values_and_report_unknown_keys_once(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    lines = [
        {"id_number": VALID_ID, "dibao": True, "ability_level": 3, "colour": "red"},
        {"id_number": make_id_number("410721", dt.date(1950, 1, 1), 15), "dibao": 2, "colour": "blue"},
    ]
    path.write_text(
        "\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\nnot json\n", encoding="utf-8"
    )

    persons, errors = read_persons(path)

    assert persons.select("dibao", "ability_level").row(0) == (True, 3)
    assert {(e.line, e.field) for e in errors} == {(1, "colour"), (2, "dibao"), (3, "（整行）")}


def test_a_file_without_an_id_number_column_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("name,dibao\n张三,是\n", encoding="utf-8")

    persons, errors = read_persons(path)

    assert persons.height == 0
    assert [(e.line, e.field, e.reason) for e in errors] == [(1, "id_number", "缺少必填列")]


def test_clean_columns_are_taken_as_they_are_with_the_full_parsers_result(monkeypatch: Any) -> None:
    """A code or region column with nothing to strip or map (a program's file) skips the full parse;
    the persons are those of the full parse, and one label, space or bad cell sends its column (and
    only it) through the full parse."""
    from yanglao.core.engine import frames

    rows: list[dict[str, str | None]] = [
        {"id_number": VALID_ID, "sex": "1", "living_arrangement": "alone", "hukou_region": "410721"},
        {"id_number": make_id_number("410721", dt.date(1950, 1, 2), 21), "sex": None,
         "living_arrangement": "empty_nest", "hukou_region": "410721100200"},
    ]  # fmt: skip
    raw = pl.DataFrame(rows, schema=dict.fromkeys(rows[0], pl.String)).with_row_index(LINE, offset=2)
    raw = raw.with_columns(pl.col(LINE).cast(pl.Int64))
    present = [f for f in FIELDS if f.name in raw.columns]
    assert frames.exact_columns(raw, present) == {"sex", "living_arrangement", "hukou_region"}
    fast = parse_frame(raw)
    monkeypatch.setattr(frames, "exact_columns", lambda raw, present: set())
    full = parse_frame(raw)
    monkeypatch.undo()
    assert fast.persons.equals(full.persons)
    assert fast.errors == full.errors == []
    assert fast.persons.height == 2

    for column, cell in (("living_arrangement", "独居"), ("hukou_region", " 410721"), ("sex", "x")):
        mixed = raw.with_columns(
            pl.when(pl.col(LINE) == 3).then(pl.lit(cell)).otherwise(column).alias(column)
        )
        assert frames.exact_columns(mixed, present) == {"sex", "living_arrangement", "hukou_region"} - {
            column
        }
        batch = parse_frame(mixed)
        want = reference(mixed.drop(LINE).to_dicts())
        assert {(e.line, e.field, e.reason) for e in batch.errors} == want[1]
        assert set(batch.persons.get_column(LINE)) == set(want[0])
