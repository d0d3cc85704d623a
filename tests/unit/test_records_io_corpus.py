"""Malformed, huge and hostile department files: each one is generated here and gets a clear error
naming its line and reason — never a traceback — and the good rows of a file with bad lines are kept."""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

from yanglao.bench.filebomb import write_xlsx
from yanglao.core.idnumber import make_id_number
from yanglao.core.person import HEADER_ALIASES
from yanglao.core.records_io import FileFormatError, ReadLimits, RowError, open_source, row_problems
from yanglao.core.records_io.base import MB

ONE = make_id_number("152223", dt.date(1950, 3, 1), 2)
TWO = make_id_number("152223", dt.date(1944, 7, 1), 3)
THREE = make_id_number("152223", dt.date(1938, 12, 9), 4)
ALIASES = {**HEADER_ALIASES, "address": "address"}
WHOLE = "（整行）"


def read(path: Path, limits: ReadLimits | None = None) -> tuple[list[tuple[int, str]], list[RowError]]:
    """(line, ID number) of every good row, and every error, as an importer collects them."""
    source = open_source(path, ALIASES, limits=limits)
    errors = list(source.header_errors)
    good: list[tuple[int, str]] = []
    for line, row in source.rows:
        problems = row_problems(line, row)
        errors.extend(problems)
        if not problems:
            good.append((line, row["id_number"]))
    return good, errors


def refused(path: Path, message: str, limits: ReadLimits | None = None) -> None:
    with pytest.raises(FileFormatError, match=f"^{re.escape(message)}$"):
        open_source(path, ALIASES, limits=limits)


def csv_bytes(encoding: str, *lines: str) -> bytes:
    return "".join(f"{line}\n" for line in lines).encode(encoding)


def xlsx(path: Path, rows: list[list[Any]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def persons(count: int) -> list[str]:
    return [make_id_number("152223", dt.date(1940, 1, 1) + dt.timedelta(days=i), 1) for i in range(count)]


# --- encodings ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_utf16_and_utf32_with_a_bom_are_decoded(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(csv_bytes(encoding, "公民身份号码,姓名", f"{ONE},王秀英", f"{TWO},李建国"))

    assert read(path) == ([(2, ONE), (3, TWO)], [])


def test_a_latin1_line_that_is_not_gb18030_is_an_error_of_its_line(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(csv_bytes("latin-1", "id_number,name", f"{ONE},Jose", f"{TWO},José", f"{THREE},Li"))

    assert read(path) == (
        [(2, ONE), (4, THREE)],
        [
            RowError(
                3, WHOLE, "本行第 23 个字节（0xE9）无法按 GB18030 解码：请将文件另存为 UTF-8 或 GB18030 编码"
            )
        ],
    )


def test_a_gb18030_file_with_a_cut_off_last_character_keeps_the_lines_before(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    data = csv_bytes("gb18030", "公民身份号码,姓名", f"{ONE},王秀英", f"{TWO},李建国", f"{THREE},张桂兰")
    path.write_bytes(data[:-2])  # the newline and half of 兰

    assert read(path) == (
        [(2, ONE), (3, TWO)],
        [
            RowError(
                4, WHOLE, "本行第 24 个字节（0xC0）无法按 GB18030 解码：请将文件另存为 UTF-8 或 GB18030 编码"
            )
        ],
    )


def test_random_bytes_are_not_a_csv_file(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(random.Random(10).randbytes(4096))

    refused(
        path,
        "不是 CSV 文本：第 1 行（列名行）第 23 个字节（0xCC）无法按 GB18030 解码：请将文件另存为 UTF-8 或 GB18030 编码",
    )


def test_a_nul_byte_is_an_error_of_its_line(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(csv_bytes("utf-8", "id_number,name", f"{ONE},王\x00秀英", f"{TWO},李建国"))

    assert read(path) == (
        [(3, TWO)],
        [RowError(2, WHOLE, "本行含有空字节（0x00），不是文本：请确认文件是 CSV 文本")],
    )


def test_a_lone_carriage_return_is_an_error_of_its_line(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(csv_bytes("utf-8", "id_number,name", f"{ONE},王\r秀英", f"{TWO},李建国"))

    assert read(path) == (
        [(3, TWO)],
        [RowError(2, WHOLE, "本行有单独的回车符（\\r）：请用 Excel 或文本编辑器重新保存为 CSV")],
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"\xd0\xcf\x11\xe0" + bytes(100),
            "这是旧版 Excel（.xls）或其他 Office 文件，不是文本：请在 Excel 中另存为 .xlsx 或 CSV",
        ),
        (b"PK\x03\x04" + bytes(100), "这是 XLSX 或其他压缩文件，不是文本：Excel 文件请使用 .xlsx 扩展名"),
    ],
)
def test_a_spreadsheet_named_csv_is_refused(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(data)

    refused(path, message)


# --- sizes ------------------------------------------------------------------------------------------


def test_a_field_over_131072_characters_is_an_error_of_its_line(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(
        csv_bytes("utf-8", "id_number,address", f"{ONE},短", f"{TWO}," + "长" * 131_073, f"{THREE},短")
    )

    assert read(path) == ([(2, ONE), (4, THREE)], [RowError(3, WHOLE, "本行有字段超过 10,000 个字符的上限")])


def test_a_field_over_the_limit_names_its_column_and_one_at_the_limit_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(csv_bytes("utf-8", "id_number,address", f"{ONE}," + "长" * 100, f"{TWO}," + "长" * 101))

    assert read(path, ReadLimits(max_field_chars=100)) == (
        [(2, ONE)],
        [RowError(3, WHOLE, "字段 address 有 101 个字符，超过上限 100 个字符")],
    )


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(csv_bytes("utf-8", "id_number", *[ONE] * 100_000))

    refused(path, "文件有 1.8 MB，超过上限 1 MB", ReadLimits(max_bytes=1024 * 1024))


def test_rows_beyond_the_row_limit_are_one_error_and_are_not_read(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(csv_bytes("utf-8", "id_number", *persons(8)))

    good, errors = read(path, ReadLimits(max_rows=5))

    assert [line for line, _ in good] == [2, 3, 4, 5, 6]
    assert errors == [RowError(7, WHOLE, "超过 5 行数据的上限：本行及以后的行未读取")]


def test_two_thousand_invalid_rows_are_each_an_error_and_the_good_row_is_kept(tmp_path: Path) -> None:
    # The audit's file had 2.15 million; the importer keeps the first errors and counts all
    # (``max_errors_kept``, registry/imports.py): reading must give every one, lazily, in order.
    path = tmp_path / "f.csv"
    path.write_bytes(
        csv_bytes("utf-8", "id_number,name", *[f"{ONE},王\x00" for _ in range(2_000)], f"{TWO},李")
    )

    good, errors = read(path)

    assert good == [(2_002, TWO)]
    assert len(errors) == 2_000
    assert [e.line for e in errors] == list(range(2, 2_002))
    assert set(errors) == {
        RowError(e.line, WHOLE, "本行含有空字节（0x00），不是文本：请确认文件是 CSV 文本") for e in errors
    }


def test_an_empty_file_and_a_header_only_file_are_refused(tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "header.csv").write_bytes(b"id_number,name\n,\n\n")
    (tmp_path / "empty.jsonl").write_bytes(b"\n\n")

    refused(tmp_path / "empty.csv", "文件为空：第 1 行应为列名")
    refused(tmp_path / "header.csv", "第 2 行起没有数据：文件只有列名行")
    refused(tmp_path / "empty.jsonl", "文件为空：没有一行 JSON 数据")
    refused(xlsx(tmp_path / "header.xlsx", [["id_number", "name"]]), "第 2 行起没有数据：文件只有列名行")


# --- JSON Lines -------------------------------------------------------------------------------------


def test_deeply_nested_and_oversized_json_are_errors_of_their_lines(tmp_path: Path) -> None:
    path = tmp_path / "f.jsonl"
    lines = [
        json.dumps({"id_number": ONE}),
        "[" * 100_000 + "]" * 100_000,
        json.dumps({"id_number": TWO, "name": [[["王"]]]}),
        '{"id_number": 1' + "0" * 5_000 + "}",
        json.dumps({"id_number": THREE}),
    ]
    path.write_text("\n".join(lines), encoding="utf-8")

    assert read(path) == (
        [(1, ONE), (5, THREE)],
        [
            RowError(2, WHOLE, "不是有效的 JSON：嵌套层数过多"),
            RowError(3, WHOLE, "字段 name 的值是列表，应为文字、数字、日期或是/否"),
            RowError(4, WHOLE, "不是有效的 JSON：数字超过 4,300 位"),
        ],
    )


# --- XLSX -------------------------------------------------------------------------------------------


def test_xlsx_rows_beyond_the_declared_dimension_are_read(tmp_path: Path) -> None:
    ids = persons(100)
    path = write_xlsx(tmp_path / "f.xlsx", [["id_number", "name"], *[[i, "王"] for i in ids]], "A1:M11")

    assert read(path) == ([(n, i) for n, i in enumerate(ids, start=2)], [])


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "f.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")

    refused(path, "不是 XLSX 文件：压缩包里没有 Excel 工作簿")


def test_a_truncated_or_foreign_xlsx_is_refused(tmp_path: Path) -> None:
    whole = write_xlsx(tmp_path / "whole.xlsx", [["id_number"], [ONE]], "A1:A2").read_bytes()
    (tmp_path / "cut.xlsx").write_bytes(whole[: len(whole) // 2])
    (tmp_path / "old.xlsx").write_bytes(b"\xd0\xcf\x11\xe0" + bytes(100))
    (tmp_path / "empty.xlsx").write_bytes(b"")

    refused(tmp_path / "cut.xlsx", "XLSX 文件不完整或已损坏：请重新导出或重新上传")
    refused(tmp_path / "old.xlsx", "这是旧版 Excel（.xls）文件：请在 Excel 中另存为 .xlsx")
    refused(tmp_path / "empty.xlsx", "文件为空：第 1 行应为列名")


def test_a_damaged_sheet_keeps_the_rows_before_the_damage(tmp_path: Path) -> None:
    ids = persons(3_000)
    path = write_xlsx(tmp_path / "f.xlsx", [["id_number", "name"], *[[i, "王"] for i in ids]], "A1:B3001")
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    data = bytearray(path.read_bytes())
    damage = info.header_offset + 30 + len(info.filename) + len(info.extra) + info.compress_size * 2 // 3
    data[damage : damage + 40] = bytes(b ^ 0x55 for b in data[damage : damage + 40])
    path.write_bytes(bytes(data))

    good, errors = read(path)

    assert good == [(n, i) for n, i in enumerate(ids[:1_988], start=2)]
    assert errors == [RowError(1_990, WHOLE, "XLSX 文件从本行起已损坏，未能读取（ParseError）")]


def test_a_shared_strings_bomb_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    # The audit's bomb was 8 MB and took 1.5 GB to open; this one is smaller, and so is the limit.
    path = write_xlsx(tmp_path / "f.xlsx", [["id_number"], [ONE]], "A1:A2", extra_strings=200_000)
    assert path.stat().st_size < 600_000

    refused(
        path,
        "XLSX 文件解压后有 4 MB，超过上限 1 MB：请分成几个文件，或另存为 CSV",
        ReadLimits(max_unzipped_bytes=MB),
    )
    refused(
        path,
        "XLSX 文件的共享字符串表解压后有 4 MB，超过上限 2 MB：请分成几个文件，或另存为 CSV",
        ReadLimits(max_shared_strings_bytes=2 * MB),
    )
    assert read(path) == ([(2, ONE)], [])  # under the default limits it opens


def test_excel_unicode_text_is_read_utf16_and_tab_separated(tmp_path: Path) -> None:
    path = tmp_path / "f.txt"  # Excel: 另存为 Unicode 文本
    path.write_bytes(
        "公民身份号码\t姓名\r\n".encode("utf-16")
        + f"{ONE}\t王, 秀英\r\n{TWO}\t李建国\r\n".encode("utf-16-le")
    )

    source = open_source(path, ALIASES)

    assert (source.encoding, source.header_errors) == ("utf-16", [])
    assert list(source.rows) == [
        (2, {"id_number": ONE, "name": "王, 秀英"}),
        (3, {"id_number": TWO, "name": "李建国"}),
    ]
