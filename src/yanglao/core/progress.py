"""Progress of long work on the terminal, and the row count a progress bar needs.

Pure Python (no Django): the registry, the jobs and the commands all use it. The web's progress bar
polls the job's row in the database (:mod:`yanglao.jobs`), not anything kept in a process."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TextIO


def count_rows(path: Path) -> int:
    """Data rows in a file, cheaply (for the bar's total)."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        return int(pq.ParquetFile(path).metadata.num_rows)
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True)
        try:
            return max(int(book.worksheets[0].max_row or 1) - 1, 0)
        finally:
            book.close()
    lines = 0
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            lines += block.count(b"\n")
    return max(lines - (1 if suffix in (".csv", ".txt") else 0), 0)


class TerminalBar:
    """``导入 [#########-----------]  45% 450000/1000000  12.3 万行/分  剩余 0:45``"""

    def __init__(self, label: str, total: int, stream: TextIO | None = None, width: int = 30) -> None:
        self.label, self.total, self.width = label, max(total, 1), width
        self.stream = stream or sys.stderr
        self.started = time.monotonic()
        self.last = 0.0

    def update(self, done: int) -> None:
        now = time.monotonic()
        if now - self.last < 0.2 and done < self.total:
            return
        self.last = now
        share = min(done / self.total, 1.0)
        filled = int(share * self.width)
        elapsed = now - self.started
        rate = done / elapsed if elapsed > 0 else 0.0
        remaining = (self.total - done) / rate if rate > 0 else 0.0
        self.stream.write(
            f"\r{self.label} [{'#' * filled}{'-' * (self.width - filled)}] {share:4.0%} "
            f"{done}/{self.total}  剩余 {int(remaining) // 60}:{int(remaining) % 60:02d} "
        )
        self.stream.flush()

    def close(self) -> None:
        self.update(self.total)
        self.stream.write("\n")
        self.stream.flush()
