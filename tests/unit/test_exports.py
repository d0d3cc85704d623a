"""One place escapes every export: CSV cells get a leading quote, XLSX text cells are text cells."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

import yanglao
from yanglao.core.exports import csv_cell, csv_writer, dangerous, workbook, workbook_bytes

DANGEROUS_TEXTS = [
    '=HYPERLINK("http://x","y")',
    "+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",
    "＋1",
    "－2",
    "＠SUM(A1)",
]
SAFE = ["王秀英", "152223194501011234", "13800001111", "6217000012345678901", "", "a=b", " 1"]


@pytest.mark.parametrize("text", DANGEROUS_TEXTS)
def test_a_dangerous_text_gets_a_quote_in_csv(text: str) -> None:
    assert dangerous(text)
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("value", [*SAFE, 0, -2, 3.5, -3.5, Decimal("-12.30"), dt.date(2026, 6, 17), None])
def test_numbers_dates_and_plain_text_are_unchanged_in_csv(value: object) -> None:
    assert not dangerous(value)
    assert csv_cell(value) == value


def test_the_csv_writer_escapes_every_cell() -> None:
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\n")
    writer.writerow(["=1+1", -5, Decimal("-1.50"), "王"])
    writer.writerows([["@x", "+1"]])
    assert out.getvalue() == "'=1+1,-5,-1.50,王\n'@x,'+1\n"


@pytest.mark.parametrize("write_only", [False, True])
def test_every_xlsx_text_is_a_text_cell_and_numbers_stay_numbers(write_only: bool) -> None:
    book = workbook(write_only=write_only)
    sheet = book.create_sheet("表")
    row = [*DANGEROUS_TEXTS, "#N/A", *SAFE[:4], 7, -2.5, dt.date(2026, 6, 17)]
    sheet.append(row)
    if not write_only:
        sheet["A2"] = "=1+1"  # a cell set outside ``append`` is caught when the book is saved
    cells = list(load_workbook(io.BytesIO(workbook_bytes(book)))["表"].iter_rows())
    first = cells[0]
    for cell, value in zip(first, row, strict=True):
        if isinstance(value, str):
            # XML reads a carriage return back as a line feed (openpyxl writes it bare)
            assert (cell.data_type, cell.value) == ("s", value.replace("\r", "\n"))
            assert cell.quotePrefix == dangerous(value)
    assert [(c.data_type, c.value) for c in first[-3:-1]] == [("n", 7), ("n", -2.5)]
    assert first[-1].is_date
    assert first[-1].value == dt.datetime(2026, 6, 17)
    if not write_only:
        assert (cells[1][0].data_type, cells[1][0].value) == ("s", "=1+1")


SRC = Path(yanglao.__file__).resolve().parent
# Files the importer reads back, not exports for people: written with the plain csv module on purpose.
IMPORT_INPUT = {"demo/build.py", "entitlements/demo.py", "bench/importbench.py"}


def test_no_module_writes_a_workbook_or_csv_of_its_own() -> None:
    """A new export cannot forget the escaping: only core/exports.py creates workbooks and CSV writers."""
    pattern = re.compile(r"\bWorkbook\(|csv\.writer\(|\bDictWriter\(|\.save_workbook\(")
    offenders = sorted(
        f"{path.relative_to(SRC)}:{number}"
        for path in SRC.rglob("*.py")
        if path.relative_to(SRC).as_posix() not in {"core/exports.py", *IMPORT_INPUT}
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    )
    assert offenders == []
    for name in IMPORT_INPUT:
        assert (SRC / name).exists(), name


def test_the_records_csv_writer_goes_through_the_module() -> None:
    from yanglao.core.records_io import write_csv_text

    assert write_csv_text(["name", "n"], [["=1+1", "2"], ["@x", "-3"]]) == "name,n\n'=1+1,2\n'@x,'-3\n"
