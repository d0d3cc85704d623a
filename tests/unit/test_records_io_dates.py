"""Dates as Excel writes them: separators, Chinese, compact, serial numbers, and what is refused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from yanglao.core.idnumber import make_id_number
from yanglao.core.person import FIELD_BY_NAME, HEADER_ALIASES, FieldError, parse_record, parse_value
from yanglao.core.records_io import open_source
from yanglao.core.records_io.dates import DateError, date_of_number, excel_serial_date, parse_date_text

JUNE_6 = dt.date(1946, 6, 6)
BIRTH = FIELD_BY_NAME["birth_date"]


@pytest.mark.parametrize(
    "text",
    [
        "1946-06-06",
        "1946-6-6",
        "1946/6/6",
        "1946/06/06",
        "1946.6.6",
        "1946年6月6日",
        "1946年06月06日",
        "1946 年 6 月 6 日",
        "1946年6月6",
        "19460606",
        "1946/6/6 0:00",
        "1946-06-06 00:00:00",
        "1946-06-06T00:00:00",
        "16959",
        "16959.0",
        "16959.75",
    ],
)
def test_a_date_as_a_spreadsheet_writes_it_is_read(text: str) -> None:
    assert parse_date_text(text) == JUNE_6


def test_the_excel_serial_follows_excels_calendar() -> None:
    assert excel_serial_date(61) == dt.date(1900, 3, 1)
    assert excel_serial_date(25569) == dt.date(1970, 1, 1)
    assert excel_serial_date(45000) == dt.date(2023, 3, 15)
    assert date_of_number(16959.0) == JUNE_6


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("1946/2/30", "“1946/2/30”不是有效日期"),
        ("19461306", "“19461306”不是有效日期"),
        ("1946", "只有年份“1946”"),
        ("60", "Excel 日期序号 60 超出范围"),
        ("0", "Excel 日期序号 0 超出范围"),
        ("6/6/1946", "日期应为 1946-06-06、1946/6/6、1946-6-6、1946年6月6日 或 Excel 日期，实际为“6/6/1946”"),
        ("1946/6-6", "实际为“1946/6-6”"),
        ("一九四六年六月六日", "实际为“一九四六年六月六日”"),
        ("99999999", "“99999999”不是有效日期"),
    ],
)
def test_what_is_not_plainly_a_date_is_refused_with_its_reason(text: str, reason: str) -> None:
    with pytest.raises(DateError) as caught:
        parse_date_text(text)
    assert reason in str(caught.value)


@pytest.mark.parametrize("cell", [16959, 16959.0, "16959", "1946/6/6", dt.datetime(1946, 6, 6, 0, 0)])
def test_a_date_field_takes_number_cells_and_text_cells(cell: object) -> None:
    assert parse_value(BIRTH, cell) == JUNE_6


def test_a_bare_year_in_a_number_cell_is_refused() -> None:
    with pytest.raises(FieldError) as caught:
        parse_value(BIRTH, 1946)
    assert caught.value.field == "birth_date"
    assert "只有年份" in caught.value.reason


def test_a_number_in_a_field_that_is_not_a_date_stays_a_number() -> None:
    assert parse_value(FIELD_BY_NAME["ability_level"], 3.0) == 3


def test_the_id_number_cross_check_compares_the_day_not_the_text() -> None:
    ident = make_id_number("152223", JUNE_6, 1)
    record, errors = parse_record({"id_number": ident, "birth_date": "1946/6/6"})
    assert errors == []
    assert record["birth_date"] == JUNE_6


def test_an_xlsx_serial_cell_and_a_csv_serial_are_read_as_dates(tmp_path: Path) -> None:
    from openpyxl import Workbook

    ident = make_id_number("152223", JUNE_6, 1)
    book = Workbook()
    sheet = book.active
    sheet.append(["公民身份号码", "出生日期", "能力评估日期"])
    sheet.append([ident, 16959, "2026/5/6"])  # a number cell without a date format
    book.save(tmp_path / "f.xlsx")
    (tmp_path / "f.csv").write_text(f"公民身份号码,出生日期,能力评估日期\n{ident},16959,2026年5月6日\n")

    for name in ("f.xlsx", "f.csv"):
        source = open_source(tmp_path / name, HEADER_ALIASES)
        [(line, row)] = list(source.rows)
        record, errors = parse_record(row)
        assert (line, errors) == (2, []), name
        assert (record["birth_date"], record["ability_assessed_on"]) == (JUNE_6, dt.date(2026, 5, 6)), name


@pytest.mark.parametrize("cell", [1.52223194606061e17, "1.52223E+17", "1.52223194606061E+17"])
def test_an_id_number_excel_turned_into_a_number_is_explained(cell: object) -> None:
    with pytest.raises(FieldError) as caught:
        parse_value(FIELD_BY_NAME["id_number"], cell)
    assert caught.value.reason.startswith("身份证号码被 Excel 存成了数字")


def test_an_id_number_as_an_exact_integer_is_taken() -> None:
    ident = make_id_number("152223", JUNE_6, 1)
    assert ident.isdigit()
    assert parse_value(FIELD_BY_NAME["id_number"], int(ident)) == ident
