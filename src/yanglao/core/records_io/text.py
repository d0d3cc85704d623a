"""Text files: CSV and JSON Lines, in UTF-8 (with or without BOM), GB18030, or UTF-16/UTF-32 with a BOM.

A file is read line by line as bytes and each line decoded on its own, so a line that does not decode
(a Latin-1 name in a GB18030 file, a cut-off last character, a NUL byte) is an error of that line and
the other lines are read. A file that is not text at all fails on its first line.
"""

from __future__ import annotations

import codecs
import csv
import json
from collections.abc import Generator, Mapping
from itertools import chain
from pathlib import Path
from typing import Any

from yanglao.core.records_io.base import (
    UNREADABLE,
    WIDTH,
    FileFormatError,
    ReadLimits,
    Rows,
    cell_problem,
    map_header,
    zip_row,
)

BOMS = (  # UTF-32 LE first: its BOM begins with UTF-16 LE's
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
SIGNATURES = (
    (b"PK\x03\x04", "这是 XLSX 或其他压缩文件，不是文本：Excel 文件请使用 .xlsx 扩展名"),
    (
        b"\xd0\xcf\x11\xe0",
        "这是旧版 Excel（.xls）或其他 Office 文件，不是文本：请在 Excel 中另存为 .xlsx 或 CSV",
    ),
    (b"PAR1", "这是 Parquet 文件，不是文本：请使用 .parquet 扩展名"),
    (b"%PDF", "这是 PDF 文件，不是文本"),
)
LABELS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8",
    "gb18030": "GB18030",
    "utf-16": "UTF-16",
    "utf-32": "UTF-32",
}


def detect_encoding(path: Path, chunk: int = 1 << 20) -> str:
    """By the BOM (``utf-8-sig``, ``utf-16``, ``utf-32``); else ``utf-8`` when the whole file decodes as
    UTF-8, else ``gb18030``."""
    with path.open("rb") as handle:
        head = handle.read(4)
        for bom, encoding in BOMS:
            if head.startswith(bom):
                return encoding
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


def text_encoding(path: Path) -> str:
    """The encoding of a file that must be text (raises ``FileFormatError`` for a known binary type)."""
    with path.open("rb") as handle:
        head = handle.read(8)
    for signature, reason in SIGNATURES:
        if head.startswith(signature):
            raise FileFormatError(reason)
    return detect_encoding(path)


def decoded_lines(path: Path, encoding: str, problems: dict[int, str]) -> Generator[str, None, None]:
    """The file's physical lines as text; a line that is not clean text is decoded with replacement
    characters and its reason is put in ``problems`` under its line number."""
    label = LABELS[encoding]
    if encoding in ("utf-16", "utf-32"):  # not ASCII-compatible: decode as a stream
        with path.open(encoding=encoding, errors="replace", newline="") as stream:
            for number, text in enumerate(stream, start=1):
                if "\ufffd" in text:
                    problems[number] = f"本行有无法按 {label} 解码的字符"
                yield text
        return
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if b"\x00" in raw:
                problems[number] = "本行含有空字节（0x00），不是文本：请确认文件是 CSV 文本"
                yield raw.replace(b"\x00", b"").decode(encoding, "replace")
                continue
            try:
                yield raw.decode(encoding)
            except UnicodeDecodeError as exc:
                problems[number] = (
                    f"本行第 {exc.start + 1} 个字节（0x{raw[exc.start]:02X}）无法按 {label} 解码："
                    "请将文件另存为 UTF-8 或 GB18030 编码"
                )
                yield raw.decode(encoding, "replace")


def _first_problem(problems: dict[int, str], first: int, last: int) -> str | None:
    found = [problems.pop(n) for n in range(first, last + 1) if n in problems]
    return found[0] if found else None


def _csv_reason(exc: csv.Error, limits: ReadLimits) -> str:
    text = str(exc)
    if "field larger than field limit" in text:
        return f"本行有字段超过 {limits.max_field_chars:,} 个字符的上限"
    if "new-line character seen in unquoted field" in text:
        return "本行有单独的回车符（\\r）：请用 Excel 或文本编辑器重新保存为 CSV"
    return f"无法按 CSV 读取本行（{text}）"


def open_csv(
    path: Path, aliases: Mapping[str, str], required: tuple[str, ...], limits: ReadLimits
) -> tuple[str, list[str | None], list[Any], Rows]:
    """(encoding, mapped header, header errors, rows) of a CSV file."""
    encoding = text_encoding(path)
    if csv.field_size_limit() <= limits.max_field_chars:  # a process-wide setting: only ever raised
        csv.field_size_limit(limits.max_field_chars + 1)
    problems: dict[int, str] = {}
    lines = decoded_lines(path, encoding, problems)
    first = next(lines, "")
    # Excel's "Unicode text" and "text (tab delimited)" separate cells by tabs
    delimiter = "\t" if "\t" in first and "," not in first else ","
    reader = csv.reader(chain([first] if first else [], lines), delimiter=delimiter)
    header: list[str] = []
    problem: str | None = None
    try:
        header = next(reader)
    except StopIteration:
        problem = "文件为空：第 1 行应为列名"
    except csv.Error as exc:
        problem = _csv_reason(exc, limits)
    problem = _first_problem(problems, 1, reader.line_num) or problem
    if problem is not None:
        lines.close()
        raise FileFormatError(
            problem
            if problem.startswith("文件为空")
            else f"不是 CSV 文本：第 1 行（列名行）{problem.removeprefix('本行')}"
        )
    mapped, errors = map_header(header, aliases, required)
    width = len(header)

    def rows() -> Rows:
        previous = reader.line_num
        try:
            while True:
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    start, previous = previous + 1, reader.line_num
                    yield (
                        start,
                        {UNREADABLE: _first_problem(problems, start, previous) or _csv_reason(exc, limits)},
                    )
                    continue
                start, previous = previous + 1, reader.line_num
                problem = _first_problem(problems, start, previous)
                if problem is not None:
                    yield start, {UNREADABLE: problem}
                    continue
                if not any(c.strip() for c in cells):
                    continue
                row = zip_row(mapped, cells)
                if max(map(len, cells)) > limits.max_field_chars:  # every cell text: checked at C speed
                    problem = cell_problem(row, limits.max_field_chars)
                    if problem is not None:
                        yield start, {UNREADABLE: problem}
                        continue
                if len(cells) != width:
                    row[WIDTH] = f"本行有 {len(cells)} 列，列名行有 {width} 列"
                yield start, row
        finally:
            lines.close()

    return encoding, mapped, errors, rows()


def open_jsonl(path: Path, aliases: Mapping[str, str]) -> tuple[str, Rows]:
    encoding = text_encoding(path)
    problems: dict[int, str] = {}
    lines = decoded_lines(path, encoding, problems)

    def rows() -> Rows:
        try:
            for number, text in enumerate(lines, start=1):
                problem = problems.pop(number, None)
                if problem is None and not text.strip():
                    continue
                yield number, ({UNREADABLE: problem} if problem else _json_row(text, aliases))
        finally:
            lines.close()

    return encoding, rows()


def _json_row(text: str, aliases: Mapping[str, str]) -> dict[str, Any]:
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        return {UNREADABLE: f"不是有效的 JSON：{exc.msg}（第 {exc.colno} 个字符）"}
    except RecursionError:
        return {UNREADABLE: "不是有效的 JSON：嵌套层数过多"}
    except ValueError:  # the only other: an integer of more than 4,300 digits
        return {UNREADABLE: "不是有效的 JSON：数字超过 4,300 位"}
    if not isinstance(obj, dict):
        return {UNREADABLE: "每行应为一个 JSON 对象"}
    row: dict[str, Any] = {}
    for key, cell in obj.items():
        name = aliases.get(key)
        if name is None:
            row.setdefault("__unknown__", []).append(key)
        else:
            row[name] = cell
    return row
