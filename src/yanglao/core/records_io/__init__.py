"""Reading department files: CSV (UTF-8, UTF-8 with BOM, GB18030, or UTF-16/32 with BOM), XLSX, JSON
Lines, Parquet — within limits, and never failing on a bad line.

Every reader yields ``(line, row)`` where ``row`` maps field names to raw cells and ``line`` is where a
person would look for the row:
- CSV: the physical line the record starts on (the header is line 1; a quoted cell spanning lines
  counts every line);
- JSON Lines: the physical line;
- XLSX: the spreadsheet row number (the header is row 1);
- Parquet: the row number as if the file were written as CSV with a header (first row = 2).

Headers may be the fixed English field names or their Chinese labels. Header problems (an unknown
column, a duplicated column, a missing required column) are reported as errors on line 1.

A file that cannot be read at all raises :class:`FileFormatError` when opened (unknown type, not text,
not a workbook, over a size limit, empty, a header without data). A line that cannot be read is yielded
as ``{"__json__": reason}`` and reading goes on (undecodable bytes, a NUL byte, a cell over
``max_field_chars``, a list or object instead of a value, bad JSON, the rows beyond ``max_rows``);
:func:`row_problems` turns such markers into :class:`RowError` s.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from yanglao.core import exports
from yanglao.core.records_io.base import (
    MB,
    UNREADABLE,
    WIDTH,
    FileFormatError,
    ReadLimits,
    RowError,
    guarded,
    map_header,
    repeated_id,
    row_problems,
)
from yanglao.core.records_io.sheets import open_parquet, open_xlsx
from yanglao.core.records_io.text import detect_encoding, open_csv, open_jsonl

FORMATS = {
    ".csv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
}
NO_DATA = "第 2 行起没有数据：文件只有列名行"


@dataclass
class Source:
    """An opened department file: its header problems, its column names, and its rows."""

    path: Path
    fmt: str
    encoding: str | None
    columns: list[str]
    header_errors: list[RowError] = field(default_factory=list)
    rows: Iterator[tuple[int, dict[str, Any]]] = field(default_factory=lambda: iter(()))


def detect_format(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise FileFormatError(f"不支持的文件类型“{path.suffix}”：请使用 CSV、XLSX、JSONL 或 Parquet")
    return fmt


def open_source(
    path: Path,
    aliases: Mapping[str, str],
    required: tuple[str, ...] = ("id_number",),
    limits: ReadLimits | None = None,
) -> Source:
    """Open a department file within ``limits`` (the defaults of :class:`ReadLimits` when None)."""
    limits = limits or ReadLimits()
    fmt = detect_format(path)
    try:
        size = path.stat().st_size
    except OSError:
        raise FileFormatError(f"文件不存在或无法读取：{path.name}") from None
    if size == 0:
        raise FileFormatError("文件为空：第 1 行应为列名")
    if size > limits.max_bytes:
        raise FileFormatError(f"文件有 {size / MB:,.1f} MB，超过上限 {limits.max_bytes / MB:,.0f} MB")
    encoding: str | None = None
    if fmt == "jsonl":
        encoding, raw = open_jsonl(path, aliases)
        return Source(path, fmt, encoding, [], [], guarded(raw, limits, "文件为空：没有一行 JSON 数据"))
    if fmt == "csv":
        encoding, mapped, errors, raw = open_csv(path, aliases, required, limits)
    elif fmt == "xlsx":
        mapped, errors, raw = open_xlsx(path, aliases, required, limits)
    else:
        mapped, errors, raw = open_parquet(path, aliases, required)
    rows = guarded(raw, limits, NO_DATA, cells_checked=fmt == "csv")
    return Source(path, fmt, encoding, [m for m in mapped if m], errors, rows)


def write_csv_text(header: list[str], rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = exports.csv_writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


__all__ = [
    "FORMATS",
    "UNREADABLE",
    "WIDTH",
    "FileFormatError",
    "ReadLimits",
    "RowError",
    "Source",
    "detect_encoding",
    "detect_format",
    "map_header",
    "open_source",
    "repeated_id",
    "row_problems",
    "write_csv_text",
]
