"""Binary files: XLSX (first sheet, read-only, every row whatever the sheet says its size is) and Parquet."""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Mapping
from pathlib import Path

from yanglao.core.records_io.base import (
    MB,
    UNREADABLE,
    FileFormatError,
    ReadLimits,
    RowError,
    Rows,
    map_header,
    zip_row,
)

DAMAGED = "XLSX 文件不完整或已损坏：请重新导出或重新上传"


def check_xlsx_archive(path: Path, limits: ReadLimits) -> None:
    """Before anything is unpacked: a zip, holding a workbook, unpacking to at most
    ``limits.max_unzipped_bytes`` (a member's declared size bounds what ``zipfile`` will unpack: more
    data fails its CRC check)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        with path.open("rb") as handle:
            head = handle.read(4)
        if head == b"\xd0\xcf\x11\xe0":
            raise FileFormatError("这是旧版 Excel（.xls）文件：请在 Excel 中另存为 .xlsx") from None
        if head.startswith(b"PK"):
            raise FileFormatError(DAMAGED) from None
        raise FileFormatError("不是 XLSX 文件（不是压缩包）：请在 Excel 中另存为 .xlsx") from None
    if not any(m.filename == "[Content_Types].xml" for m in members):
        raise FileFormatError("不是 XLSX 文件：压缩包里没有 Excel 工作簿") from None
    unzipped = sum(m.file_size for m in members)
    if unzipped > limits.max_unzipped_bytes:
        raise FileFormatError(
            f"XLSX 文件解压后有 {unzipped / MB:,.0f} MB，超过上限 {limits.max_unzipped_bytes / MB:,.0f} MB："
            "请分成几个文件，或另存为 CSV"
        )
    shared = sum(m.file_size for m in members if m.filename.lower().endswith("sharedstrings.xml"))
    if shared > limits.max_shared_strings_bytes:  # read whole into memory, at about 6 bytes a byte
        raise FileFormatError(
            f"XLSX 文件的共享字符串表解压后有 {shared / MB:,.0f} MB，超过上限 "
            f"{limits.max_shared_strings_bytes / MB:,.0f} MB：请分成几个文件，或另存为 CSV"
        )


def open_xlsx(
    path: Path, aliases: Mapping[str, str], required: tuple[str, ...], limits: ReadLimits
) -> tuple[list[str | None], list[RowError], Rows]:
    check_xlsx_archive(path, limits)
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zlib.error, zipfile.BadZipFile, EOFError):
        raise FileFormatError(DAMAGED) from None
    except Exception as exc:  # openpyxl raises several unrelated types for a broken file
        raise FileFormatError(f"无法读取 XLSX 文件（{type(exc).__name__}: {exc}）") from None
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # never trust <dimension ref>: rows and columns beyond it are read
        values = sheet.iter_rows(values_only=True)
        header = [str(c) if c is not None else "" for c in next(values, ())]
    except Exception as exc:  # no sheet, a chart sheet, a damaged sheet
        book.close()
        raise FileFormatError(f"无法读取 XLSX 文件的第 1 个工作表：{type(exc).__name__}: {exc}") from None
    while header and header[-1] == "":
        header.pop()
    if not header:
        book.close()
        raise FileFormatError("工作表为空：第 1 行应为列名")
    mapped, errors = map_header(header, aliases, required)

    def rows() -> Rows:
        number = 1
        try:
            for number, cells in enumerate(values, start=2):
                if all(c is None or str(c).strip() == "" for c in cells):
                    continue
                padded = (*cells, *(None,) * (len(mapped) - len(cells)))  # a row ends at its last cell
                yield number, zip_row(mapped, padded)
        except Exception as exc:  # damaged XML or zip data: the rows before are kept
            yield number + 1, {UNREADABLE: f"XLSX 文件从本行起已损坏，未能读取（{type(exc).__name__}）"}
        finally:
            book.close()

    return mapped, errors, rows()


def open_parquet(
    path: Path, aliases: Mapping[str, str], required: tuple[str, ...]
) -> tuple[list[str | None], list[RowError], Rows]:
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid and OSError subclasses
        raise FileFormatError(f"无法读取 Parquet 文件：{exc}") from None
    header = list(parquet.schema_arrow.names)
    mapped, errors = map_header(header, aliases, required)

    def rows() -> Rows:
        number = 1
        try:
            for batch in parquet.iter_batches(batch_size=20_000):
                columns = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
                for cells in zip(*columns, strict=True):
                    number += 1
                    yield number, zip_row(mapped, cells)
        except Exception as exc:  # a damaged page: the rows before are kept
            yield number + 1, {UNREADABLE: f"Parquet 文件从本行起已损坏，未能读取（{type(exc).__name__}）"}

    return mapped, errors, rows()
