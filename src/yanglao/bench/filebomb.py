"""``yanglao bench bomb``: the peak memory of opening an XLSX decompression bomb (an 8 MB file of shared
strings, as the security audit made), with the unzipped-size limit on and, for comparison, off.

Each opening runs in a fresh process, whose peak resident memory (``ru_maxrss``) is the number.
Also the writer of hand-made XLSX files the malformed-file tests use (pure Python, no Django)."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from yanglao.core.records_io import ReadLimits
from yanglao.core.records_io.base import MB

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
OFFICE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
PARTS = {
    "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{OFFICE}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{OFFICE}.worksheet+xml"/>'
    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{OFFICE}.sharedStrings+xml"/></Types>',
    "_rels/.rels": f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
    f'Type="{DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="{DOC}"><sheets>'
    '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{RELS}">'
    f'<Relationship Id="rId1" Type="{DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{DOC}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
}


def write_xlsx(path: Path, rows: list[list[str]], dimension: str, extra_strings: int = 0) -> Path:
    """A minimal XLSX written byte by byte: every cell a shared string, the sheet's ``<dimension>`` as
    given (true or not), and ``extra_strings`` more shared strings no cell uses (a decompression bomb)."""
    strings = [cell for row in rows for cell in row]
    cells = (
        f'<row r="{r}">'
        + "".join(
            f'<c r="{chr(65 + c)}{r}" t="s"><v>{(r - 1) * len(row) + c}</v></c>' for c in range(len(row))
        )
        + "</row>"
        for r, row in enumerate(rows, start=1)
    )
    sheet = f'<worksheet xmlns="{MAIN}"><dimension ref="{dimension}"/><sheetData>{"".join(cells)}</sheetData></worksheet>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in PARTS.items():
            archive.writestr(name, text)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as shared:
            shared.write(f'<sst xmlns="{MAIN}">'.encode())
            shared.write("".join(f"<si><t>{s}</t></si>" for s in strings).encode())
            for start in range(0, extra_strings, 100_000):
                shared.write(
                    b"".join(
                        b"<si><t>%d</t></si>" % i for i in range(start, min(start + 100_000, extra_strings))
                    )
                )
            shared.write(b"</sst>")
    return path


def bomb(path: Path, target_bytes: int = 8 * 1024 * 1024) -> Path:
    """An XLSX of about ``target_bytes`` whose shared strings unpack to many times that."""
    strings = target_bytes * 10 // 26  # about 2.6 compressed bytes per <si><t>N</t></si>
    return write_xlsx(path, [["id_number"], ["11010519491231002X"]], "A1:A2", extra_strings=strings)


OPEN = """
import json, resource, sys, time
from pathlib import Path
from yanglao.core.person import HEADER_ALIASES
from yanglao.core.records_io import FileFormatError, ReadLimits, open_source
started = time.perf_counter()
limits = ReadLimits(max_unzipped_bytes=int(sys.argv[2]), max_shared_strings_bytes=int(sys.argv[3]))
try:
    rows = sum(1 for _ in open_source(Path(sys.argv[1]), HEADER_ALIASES, limits=limits).rows)
    outcome = f"opened, {rows} row(s)"
except FileFormatError as exc:
    outcome = f"refused: {exc}"
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"outcome": outcome, "peak_mb": round(peak, 1), "seconds": round(time.perf_counter() - started, 2)}, ensure_ascii=False))
"""


def measure_open(path: Path, limits: ReadLimits) -> dict[str, Any]:
    """Open ``path`` within ``limits`` in a fresh process: its outcome, peak memory and time."""
    bounds = [str(limits.max_unzipped_bytes), str(limits.max_shared_strings_bytes)]
    done = subprocess.run(
        [sys.executable, "-c", OPEN, str(path), *bounds], capture_output=True, text=True, check=True
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def unzipped_mb(path: Path) -> float:
    with zipfile.ZipFile(path) as archive:
        return round(sum(m.file_size for m in archive.infolist()) / MB, 1)


def strings_within(size: int) -> int:
    """How many ``<si><t>N</t></si>`` (N = 0, 1, …, as :func:`write_xlsx` writes them) fit in ``size`` bytes."""
    count, used, digits = 0, 0, 1
    while True:
        block = int(10**digits) - count  # the numbers with ``digits`` digits
        fitting = min(block, (size - used) // (16 + digits))
        count, used = count + fitting, used + fitting * (16 + digits)
        if fitting < block:
            return count
        digits += 1


def main(write: Callable[[str], object] = print) -> dict[str, Any]:
    """The 8 MB bomb opened with the default limits and with none; and the largest shared-string table
    the default limits let through, opened."""
    limits = ReadLimits()
    unlimited = replace(limits, max_unzipped_bytes=2**62, max_shared_strings_bytes=2**62)
    results: dict[str, Any] = {"limits": asdict(limits)}
    with tempfile.TemporaryDirectory() as folder:
        eight = bomb(Path(folder) / "bomb.xlsx")
        largest = write_xlsx(
            Path(folder) / "largest.xlsx",
            [["id_number"], ["11010519491231002X"]],
            "A1:A2",
            extra_strings=strings_within(limits.max_shared_strings_bytes - 1024),
        )
        for label, path, bounds in (
            ("bomb_limits_on", eight, limits),
            ("bomb_limits_off", eight, unlimited),
            ("largest_accepted", largest, limits),
        ):
            result = {"file_mb": round(path.stat().st_size / MB, 1), "unzipped_mb": unzipped_mb(path)}
            result |= measure_open(path, bounds)
            results[label] = result
            write(f"{label}: {result}")
    return results
