"""Reading department files: CSV (UTF-8, UTF-8 with BOM or GB18030, detected), XLSX, JSON Lines, Parquet.

Every reader yields ``(line, row)`` where ``row`` maps field names to raw cells and ``line`` is where a
person would look for the row:
- CSV: the physical line the record starts on (the header is line 1; a quoted cell spanning lines
  counts every line);
- JSON Lines: the physical line;
- XLSX: the spreadsheet row number (the header is row 1);
- Parquet: the row number as if the file were written as CSV with a header (first row = 2).

Headers may be the fixed English field names or their Chinese labels. Header problems (an unknown
column, a duplicated column, a missing required column) are reported as errors on line 1.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from yanglao.core import exports

FORMATS = {
    ".csv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
}


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "field": self.field, "reason": self.reason}


class FileFormatError(ValueError):
    """The file cannot be read at all (unknown format, not a spreadsheet, no header)."""


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


def detect_encoding(path: Path, chunk: int = 1 << 20) -> str:
    """``utf-8-sig`` when the file starts with a BOM, ``utf-8`` when it all decodes as UTF-8, else ``gb18030``."""
    with path.open("rb") as handle:
        head = handle.read(3)
        if head == codecs.BOM_UTF8:
            return "utf-8-sig"
        decoder = codecs.getincrementaldecoder("utf-8")()
        data = head
        try:
            while True:
                decoder.decode(data)
                data = handle.read(chunk)
                if not data:
                    decoder.decode(b"", final=True)
                    return "utf-8"
        except UnicodeDecodeError:
            return "gb18030"


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


def open_source(path: Path, aliases: Mapping[str, str], required: tuple[str, ...] = ("id_number",)) -> Source:
    fmt = detect_format(path)
    if fmt == "csv":
        return _open_csv(path, aliases, required)
    if fmt == "xlsx":
        return _open_xlsx(path, aliases, required)
    if fmt == "jsonl":
        return _open_jsonl(path, aliases, required)
    return _open_parquet(path, aliases, required)


def _zip_row(mapped: list[str | None], cells: Any) -> dict[str, Any]:
    return {name: cell for name, cell in zip(mapped, cells, strict=False) if name is not None}


def _open_csv(path: Path, aliases: Mapping[str, str], required: tuple[str, ...]) -> Source:
    encoding = detect_encoding(path)
    handle = path.open(encoding=encoding, newline="")
    reader = csv.reader(handle)
    try:
        header = next(reader)
    except StopIteration:
        handle.close()
        raise FileFormatError("文件为空：第1行应为列名") from None
    mapped, errors = map_header(header, aliases, required)
    width = len(header)

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        with handle:
            previous = reader.line_num
            for cells in reader:
                start = previous + 1
                previous = reader.line_num
                if not any(c.strip() for c in cells):
                    continue
                row = _zip_row(mapped, cells)
                if len(cells) != width:
                    row["__width__"] = f"本行有 {len(cells)} 列，列名行有 {width} 列"
                yield start, row

    return Source(path, "csv", encoding, [m for m in mapped if m], errors, rows())


def _open_xlsx(path: Path, aliases: Mapping[str, str], required: tuple[str, ...]) -> Source:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for a broken file
        raise FileFormatError(f"无法读取 XLSX 文件：{exc}") from None
    sheet = book.worksheets[0]
    values = sheet.iter_rows(values_only=True)
    try:
        header = [str(c) if c is not None else "" for c in next(values)]
    except StopIteration:
        book.close()
        raise FileFormatError("工作表为空：第1行应为列名") from None
    while header and header[-1] == "":
        header.pop()
    mapped, errors = map_header(header, aliases, required)

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        try:
            for number, cells in enumerate(values, start=2):
                if all(c is None or str(c).strip() == "" for c in cells):
                    continue
                yield number, _zip_row(mapped, cells)
        finally:
            book.close()

    return Source(path, "xlsx", None, [m for m in mapped if m], errors, rows())


def _open_jsonl(path: Path, aliases: Mapping[str, str], required: tuple[str, ...]) -> Source:
    encoding = detect_encoding(path)
    handle = path.open(encoding=encoding)

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        with handle:
            for number, text in enumerate(handle, start=1):
                if not text.strip():
                    continue
                try:
                    obj = json.loads(text)
                except json.JSONDecodeError as exc:
                    yield number, {"__json__": f"不是有效的 JSON：{exc.msg}（第 {exc.colno} 个字符）"}
                    continue
                if not isinstance(obj, dict):
                    yield number, {"__json__": "每行应为一个 JSON 对象"}
                    continue
                row: dict[str, Any] = {}
                for key, cell in obj.items():
                    name = aliases.get(key)
                    if name is None:
                        row.setdefault("__unknown__", []).append(key)
                    else:
                        row[name] = cell
                yield number, row

    return Source(path, "jsonl", encoding, [], [], rows())


def _open_parquet(path: Path, aliases: Mapping[str, str], required: tuple[str, ...]) -> Source:
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid and OSError subclasses
        raise FileFormatError(f"无法读取 Parquet 文件：{exc}") from None
    header = list(parquet.schema_arrow.names)
    mapped, errors = map_header(header, aliases, required)

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        number = 1
        for batch in parquet.iter_batches(batch_size=20_000):
            columns = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
            for cells in zip(*columns, strict=True):
                number += 1
                yield number, _zip_row(mapped, cells)

    return Source(path, "parquet", None, [m for m in mapped if m], errors, rows())


def write_csv_text(header: list[str], rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = exports.csv_writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()
