"""Reading department files: encodings, line numbers a person can find, every format."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from yanglao.core.idnumber import make_id_number
from yanglao.core.person import HEADER_ALIASES
from yanglao.core.records_io import (
    FileFormatError,
    RowError,
    detect_encoding,
    open_source,
    write_csv_text,
)

ONE = make_id_number("152223", dt.date(1950, 3, 1), 2)
TWO = make_id_number("152223", dt.date(1944, 7, 1), 3)
THREE = make_id_number("152223", dt.date(1938, 12, 9), 4)


# The registry adds columns of its own (phone, address, …) to the person record's headers.
ALIASES = {**HEADER_ALIASES, "address": "address"}


def rows(path: Path) -> list[tuple[int, dict[str, Any]]]:
    source = open_source(path, ALIASES)
    assert source.header_errors == []
    return list(source.rows)


# --- encodings --------------------------------------------------------------------------------


def test_it_detects_utf8(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes("id_number,name\n1,王秀英\n".encode())

    assert detect_encoding(path) == "utf-8"


def test_it_detects_utf8_with_a_bom_and_drops_the_bom(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(f"id_number,姓名\n{ONE},王秀英\n".encode("utf-8-sig"))

    source = open_source(path, HEADER_ALIASES)

    assert source.encoding == "utf-8-sig"
    assert source.header_errors == []
    assert list(source.rows) == [(2, {"id_number": ONE, "name": "王秀英"})]


def test_it_detects_gb18030(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    data = f"公民身份号码,姓名,居住状况\n{ONE},王秀英,独居\n".encode("gb18030")
    path.write_bytes(data)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")

    source = open_source(path, HEADER_ALIASES)

    assert source.encoding == "gb18030"
    assert list(source.rows) == [(2, {"id_number": ONE, "name": "王秀英", "living_arrangement": "独居"})]


def test_it_detects_gb18030_when_the_first_non_ascii_byte_is_far_into_the_file(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(
        b"id_number,name\n" + f"{ONE},x\n".encode() * 50_000 + f"{TWO},张桂兰\n".encode("gb18030")
    )

    assert detect_encoding(path, chunk=4096) == "gb18030"


# --- CSV line numbers -------------------------------------------------------------------------


def test_csv_rows_carry_the_physical_line_they_start_on(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text(
        "id_number,name,address\n"
        f'{ONE},王秀英,"音德尔镇\n龙腾社区\n3号楼"\n'
        "\n"
        f"{TWO},李建国,新林镇\n"
        f"{THREE},张桂兰,\n",
        encoding="utf-8",
    )

    numbered = [(line, row["id_number"]) for line, row in rows(path)]

    assert numbered == [(2, ONE), (6, TWO), (7, THREE)]


def test_a_multi_line_cell_keeps_its_line_breaks(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text(f'id_number,address\n{ONE},"音德尔镇\n龙腾社区"\n', encoding="utf-8")

    assert rows(path) == [(2, {"id_number": ONE, "address": "音德尔镇\n龙腾社区"})]


def test_a_row_with_the_wrong_number_of_cells_is_marked(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text(f"id_number,name\n{ONE},王秀英,多余\n", encoding="utf-8")

    [(line, row)] = rows(path)

    assert line == 2
    assert row["__width__"] == "本行有 3 列，列名行有 2 列"


def test_header_problems_are_reported_on_line_1(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("name,鞋码,name\n王秀英,38,王\n", encoding="utf-8")

    source = open_source(path, HEADER_ALIASES)

    assert source.header_errors == [
        RowError(1, "鞋码", "未知列名，该列未导入"),
        RowError(1, "name", "列名重复，重复的列未导入"),
        RowError(1, "id_number", "缺少必填列"),
    ]


def test_an_empty_csv_cannot_be_read(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(b"")

    with pytest.raises(FileFormatError, match="文件为空"):
        open_source(path, HEADER_ALIASES)


def test_an_unknown_file_type_cannot_be_read(tmp_path: Path) -> None:
    with pytest.raises(FileFormatError, match=r"不支持的文件类型“\.doc”"):
        open_source(tmp_path / "f.doc", HEADER_ALIASES)


def test_csv_text_is_written_with_a_header() -> None:
    assert write_csv_text(["id_number", "name"], [[ONE, "王, 秀英"]]) == f'id_number,name\n{ONE},"王, 秀英"\n'


# --- XLSX -------------------------------------------------------------------------------------


def test_xlsx_rows_carry_their_spreadsheet_row_number(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["公民身份号码", "姓名", "出生日期", "残疾等级", None])
    sheet.append([ONE, "王秀英", dt.datetime(1950, 3, 1), 2])
    sheet.append([None, None, None, None])
    sheet.append([TWO, "李建国", None, None])
    path = tmp_path / "f.xlsx"
    book.save(path)

    source = open_source(path, HEADER_ALIASES)

    assert source.header_errors == []
    assert list(source.rows) == [
        (
            2,
            {
                "id_number": ONE,
                "name": "王秀英",
                "birth_date": dt.datetime(1950, 3, 1),
                "disability_grade": 2,
            },
        ),
        (4, {"id_number": TWO, "name": "李建国", "birth_date": None, "disability_grade": None}),
    ]


def test_a_broken_xlsx_cannot_be_read(tmp_path: Path) -> None:
    path = tmp_path / "f.xlsx"
    path.write_bytes(b"not a zip file")

    with pytest.raises(FileFormatError, match="不是 XLSX 文件"):
        open_source(path, HEADER_ALIASES)


# --- Parquet ----------------------------------------------------------------------------------


def test_parquet_rows_are_numbered_as_if_written_as_csv(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "f.parquet"
    table = pa.table(
        {"id_number": [ONE, TWO, THREE], "姓名": ["王秀英", "李建国", None], "dibao": [True, None, False]}
    )
    pq.write_table(table, path)

    assert rows(path) == [
        (2, {"id_number": ONE, "name": "王秀英", "dibao": True}),
        (3, {"id_number": TWO, "name": "李建国", "dibao": None}),
        (4, {"id_number": THREE, "name": None, "dibao": False}),
    ]


def test_a_broken_parquet_cannot_be_read(tmp_path: Path) -> None:
    path = tmp_path / "f.parquet"
    path.write_bytes(b"PAR1 broken")

    with pytest.raises(FileFormatError, match="无法读取 Parquet 文件"):
        open_source(path, HEADER_ALIASES)


# --- JSON Lines -------------------------------------------------------------------------------


def test_jsonl_rows_carry_their_line_and_a_malformed_line_is_marked(tmp_path: Path) -> None:
    path = tmp_path / "f.jsonl"
    path.write_text(
        json.dumps({"id_number": ONE, "姓名": "王秀英"}, ensure_ascii=False)
        + "\n\n"
        + '{"id_number": "broken\n'
        + '["not", "an", "object"]\n'
        + json.dumps({"id_number": TWO, "shoe_size": 38})
        + "\n",
        encoding="utf-8",
    )

    result = rows(path)

    assert result[0] == (1, {"id_number": ONE, "name": "王秀英"})
    assert result[1][0] == 3
    assert result[1][1]["__json__"].startswith("不是有效的 JSON")
    assert result[2] == (4, {"__json__": "每行应为一个 JSON 对象"})
    assert result[3] == (5, {"id_number": TWO, "__unknown__": ["shoe_size"]})


# --- limits from the environment --------------------------------------------------------------------


def test_the_import_limits_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from yanglao.conf import import_limits
    from yanglao.core.records_io import ReadLimits

    for name in ("BYTES", "ROWS", "UNZIPPED_BYTES", "SHARED_STRINGS_BYTES", "FIELD_CHARS", "ERRORS_KEPT"):
        monkeypatch.delenv(f"YANGLAO_IMPORT_MAX_{name}", raising=False)
    assert import_limits() == ReadLimits()

    monkeypatch.setenv("YANGLAO_IMPORT_MAX_BYTES", "1000")
    monkeypatch.setenv("YANGLAO_IMPORT_MAX_ROWS", "5")
    monkeypatch.setenv("YANGLAO_IMPORT_MAX_UNZIPPED_BYTES", "2000")
    monkeypatch.setenv("YANGLAO_IMPORT_MAX_SHARED_STRINGS_BYTES", "3000")
    monkeypatch.setenv("YANGLAO_IMPORT_MAX_FIELD_CHARS", "40")
    monkeypatch.setenv("YANGLAO_IMPORT_MAX_ERRORS_KEPT", "7")

    assert import_limits() == ReadLimits(
        max_bytes=1000,
        max_rows=5,
        max_unzipped_bytes=2000,
        max_shared_strings_bytes=3000,
        max_field_chars=40,
        max_errors_kept=7,
    )
