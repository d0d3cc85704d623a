"""Every XLSX and CSV file the system writes for people to open goes through this module.

A spreadsheet program runs a cell that begins with ``=``, ``+``, ``-`` or ``@`` (and, in some, a tab,
a carriage return or the full-width ``＝＋－＠``) as a formula: a person named
``=HYPERLINK("http://…","…")`` would become a live link in the payment roll. So:

- **CSV** (``csv_writer``, ``csv_cell``): a text value beginning with one of those characters is written
  with a single quote in front (OWASP's advice); numbers (``int``, ``float``, ``Decimal``) and dates are
  written unchanged, so a negative amount stays a number.
- **XLSX** (``workbook``): every text cell is written as a text cell (type ``s``), never as a formula
  or an error value, whatever it begins with; a text beginning with a dangerous character is also
  marked “quote prefix”, so that editing the cell in Excel keeps it text. ID numbers, phone numbers and
  account numbers are text and stay text (no scientific notation); numbers and dates stay numbers and
  dates. The value in the cell is the original text.

Files written for the importer to read back (the demo's source files, the benchmarks' input) are not
exports and are written with the plain ``csv`` module; ``tests/unit/test_exports.py`` lists them and
fails when any other module creates a workbook or a CSV writer of its own.
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Iterable
from typing import IO, Any

DANGEROUS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
ERROR_CODES = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"))


def dangerous(value: object) -> bool:
    """True for a text a spreadsheet program could take for a formula."""
    return isinstance(value, str) and value.startswith(DANGEROUS)


def csv_cell(value: Any) -> Any:
    """The value as it goes into a CSV cell: a dangerous text gets a leading single quote."""
    return "'" + value if dangerous(value) else value


class CsvWriter:
    """``csv.writer`` whose every cell goes through ``csv_cell``."""

    def __init__(self, handle: IO[str], **options: Any) -> None:
        self._writer = csv.writer(handle, **options)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([csv_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(handle: IO[str], **options: Any) -> CsvWriter:
    """A CSV writer for an export (``options`` as for ``csv.writer``)."""
    return CsvWriter(handle, **options)


def _as_text(cell: Any) -> None:
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if dangerous(cell.value):
            cell.quotePrefix = True


@functools.cache
def _workbook_class() -> Any:
    """The workbook class, made on first use (openpyxl is not imported by the CSV exports)."""
    from openpyxl import Workbook
    from openpyxl.cell import Cell, WriteOnlyCell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

    class TextWriteOnlySheet(WriteOnlyWorksheet):  # type: ignore[misc]
        """A write-only sheet whose ``append`` writes what openpyxl would take for a formula as text."""

        def append(self, row: Iterable[Any]) -> None:
            super().append([self._cell(value) for value in row])

        def _cell(self, value: Any) -> Any:
            if isinstance(value, Cell):
                _as_text(value)
                return value
            if isinstance(value, str) and (dangerous(value) or value in ERROR_CODES):
                cell = WriteOnlyCell(self, value=value)
                _as_text(cell)
                return cell
            return value

    class TextWorkbook(Workbook):  # type: ignore[misc]
        """An openpyxl workbook that never saves a text cell as a formula (see the module's note)."""

        def create_sheet(self, title: str | None = None, index: int | None = None) -> Any:
            if not self.write_only:
                return super().create_sheet(title, index)
            sheet = TextWriteOnlySheet(parent=self, title=title)
            self._add_sheet(sheet=sheet, index=index)
            return sheet

        def save(self, filename: Any) -> None:
            if not self.write_only:
                for sheet in self.worksheets:
                    for row in sheet.iter_rows():
                        for cell in row:
                            _as_text(cell)
            super().save(filename)

    return TextWorkbook


def workbook(*, write_only: bool = False) -> Any:
    """A new workbook for an export; use it like ``openpyxl.Workbook`` (``workbook_bytes`` saves it)."""
    return _workbook_class()(write_only=write_only)


def workbook_bytes(book: Any) -> bytes:
    """The saved workbook's bytes."""
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
