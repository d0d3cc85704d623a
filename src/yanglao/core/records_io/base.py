"""What every reader shares: row errors, the limits a file is read under, the header, the row guard."""

from __future__ import annotations

from collections.abc import Generator, Iterator, Mapping
from dataclasses import dataclass, replace
from itertools import chain
from typing import Any

MB = 1024 * 1024
# A row that cannot be read at all is yielded as ``{UNREADABLE: reason}`` (the key's name is historical:
# JSON Lines used it first; callers report it as an error of the whole line). ``WIDTH`` marks a CSV row
# with the wrong number of cells (its cells are kept beside it).
UNREADABLE = "__json__"
WIDTH = "__width__"
MARKERS = (WIDTH, UNREADABLE)
SCALARS = (str, int, float, bool)


@dataclass(frozen=True)
class RowError:
    """One error: its line, its field (the code name, or a column heading as the file has it) and the
    reason; for an error of a row, the row's ID number as its last 4 characters and the row's name, so
    the error report says whose row it is."""

    line: int
    field: str
    reason: str
    id_tail: str = ""
    name: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "field": self.field, "reason": self.reason}

    def report_dict(self) -> dict[str, Any]:
        """As the error report shows it: with whose row it is."""
        return {**self.as_dict(), "id_tail": self.id_tail, "name": self.name}

    def of_row(self, id_number: object, name: object) -> RowError:
        """This error naming its row: the ID number cut to its last 4 characters, the name as written."""
        ident = "" if id_number is None else str(id_number).strip()
        return replace(self, id_tail=ident[-4:], name=("" if name is None else str(name).strip())[:64])


class FileFormatError(ValueError):
    """The file cannot be read at all (unknown format, not a spreadsheet, no header, over a limit)."""


@dataclass(frozen=True)
class ReadLimits:
    """The bounds a department file is read within (settings ``YANGLAO_IMPORT_*``, docs/settings.md)."""

    max_bytes: int = 200 * MB  # the file as uploaded
    max_rows: int = 2_000_000  # data rows; the rows beyond are one error and are not read
    max_unzipped_bytes: int = 300 * MB  # XLSX: the sum of its zip members' sizes, checked before opening
    max_shared_strings_bytes: int = 50 * MB  # XLSX: its shared-string table, which is held in memory whole
    max_field_chars: int = 10_000  # one cell
    max_errors_kept: int = 10_000  # errors kept for the report; the count stays exact beyond


def row_problems(line: int, row: dict[str, Any]) -> list[RowError]:
    """Pops the markers of a raw row: the errors of a row that is then left out."""
    return [RowError(line, "（整行）", str(row.pop(key))) for key in MARKERS if key in row]


def repeated_id(line: int, row: dict[str, Any], seen: dict[str, int]) -> RowError | None:
    """The error of a row whose ID number (stripped, upper-case) an earlier row of the file had
    (``seen``: number → first line, updated here); None for the first occurrence or no number."""
    ident = str(row.get("id_number") or "").strip().upper()
    if not ident:
        return None
    if ident in seen:
        return RowError(line, "id_number", f"与第 {seen[ident]} 行的公民身份号码重复")
    seen[ident] = line
    return None


def map_header(
    raw_columns: list[str], aliases: Mapping[str, str], required: tuple[str, ...] = ("id_number",)
) -> tuple[list[str | None], list[RowError]]:
    """Map raw header cells to field names; ``None`` for a column that is skipped (reported)."""
    errors: list[RowError] = []
    mapped: list[str | None] = []
    seen: set[str] = set()
    for raw in raw_columns:
        text = (raw or "").strip().lstrip("\ufeff")
        name = aliases.get(text) or aliases.get(text.lower())
        if name is None:
            errors.append(RowError(1, text or "（空列名）", "未知列名，该列未导入"))
            mapped.append(None)
        elif name in seen:
            errors.append(RowError(1, name, "列名重复，重复的列未导入"))
            mapped.append(None)
        else:
            seen.add(name)
            mapped.append(name)
    for name in required:
        if name not in seen:
            errors.append(RowError(1, name, "缺少必填列"))
    return mapped, errors


def zip_row(mapped: list[str | None], cells: Any) -> dict[str, Any]:
    return {name: cell for name, cell in zip(mapped, cells, strict=False) if name is not None}


Rows = Generator[tuple[int, dict[str, Any]], None, None]


def guarded(rows: Rows, limits: ReadLimits, empty: str, cells_checked: bool = False) -> Rows:
    """``rows`` with the limits applied (the cells too, unless the reader has ``cells_checked``); a file
    without a data row raises ``FileFormatError(empty)``."""
    first = next(rows, None)
    if first is None:
        rows.close()
        raise FileFormatError(empty)
    return _limited(chain([first], rows), rows, limits, cells_checked)


def _limited(
    rows: Iterator[tuple[int, dict[str, Any]]], inner: Rows, limits: ReadLimits, cells_checked: bool
) -> Rows:
    try:
        for count, (line, row) in enumerate(rows, start=1):
            if count > limits.max_rows:
                yield line, {UNREADABLE: f"超过 {limits.max_rows:,} 行数据的上限：本行及以后的行未读取"}
                return
            problem = None if cells_checked else cell_problem(row, limits.max_field_chars)
            yield line, ({UNREADABLE: problem} if problem else row)
    finally:
        inner.close()


def cell_problem(row: dict[str, Any], max_chars: int) -> str | None:
    """Why a row's cells cannot be taken (a cell too long, or a list or object instead of a value)."""
    for name, value in row.items():
        if name.startswith("__") or value is None:
            continue
        if isinstance(value, str):
            if len(value) > max_chars:
                return f"字段 {name} 有 {len(value):,} 个字符，超过上限 {max_chars:,} 个字符"
        elif isinstance(value, (list, tuple, dict, set, bytes, bytearray)):
            kind = "对象" if isinstance(value, dict) else "列表"
            return f"字段 {name} 的值是{kind}，应为文字、数字、日期或是/否"
    return None
