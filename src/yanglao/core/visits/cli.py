"""``yanglao visits targets --date D --input FILE --output FILE``: the visit targets of a person file.

Pure Python, no database: reads the person-record format (CSV, XLSX, JSON Lines, Parquet), writes JSON
Lines ``{"id_number", "tier", "interval_days", "reasons"}`` for every target and nobody else. Each
person is judged by the parameter file of their 常住地 (else 户籍地) region, unless ``--region`` names
one. Invalid rows are reported on standard error as ``第 N 行 field：reason`` and skipped; the good
rows are still processed. Unknown columns are reported and
ignored. Exit status: 0; 1 when some rows were invalid; 2 when the input or the
parameters cannot be read.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from yanglao.core import person as spec
from yanglao.core.records_io import FileFormatError, RowError, open_source
from yanglao.core.visits.params import ParamsError, RulesCache
from yanglao.core.visits.targets import evaluate_target


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应为 YYYY-MM-DD：{text}") from None


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="yanglao visits targets", description="计算探访对象及其分级（不需要数据库）"
    )
    p.add_argument("--date", type=_date, default=None, help="评估日期 YYYY-MM-DD（默认今天）")
    p.add_argument("--input", type=Path, required=True, help="人员信息文件（CSV/XLSX/JSONL/Parquet）")
    p.add_argument("--output", required=True, help="输出的 JSON Lines 文件（- 为标准输出）")
    p.add_argument("--region", default=None, help="统一使用该区划的参数文件（默认按每人的常住地）")
    return p


def parse_row(line: int, row: dict[str, Any]) -> tuple[spec.Record, list[RowError]]:
    """One raw row of ``open_source`` to a parsed record, or its errors."""
    errors = [RowError(line, "（整行）", row.pop(key)) for key in ("__width__", "__json__") if key in row]
    row.pop("__unknown__", None)
    if errors:
        return {}, errors
    if "id_number" not in row:
        return {}, [RowError(line, "id_number", "缺少公民身份号码")]
    record, field_errors = spec.parse_record(row)
    return record, [RowError(line, e.field, e.reason) for e in field_errors]


@contextmanager
def _opened(target: str, out: TextIO) -> Iterator[TextIO]:
    if target == "-":
        yield out
        return
    with Path(target).open("w", encoding="utf-8") as handle:
        yield handle


def run(
    source_path: Path, output: str, on: dt.date, root: Path, region: str | None, out: TextIO, err: TextIO
) -> int:
    cache = RulesCache(root)
    try:
        if region is not None:
            cache.for_region(region)
        source = open_source(source_path, spec.HEADER_ALIASES)
    except (ParamsError, FileFormatError, OSError) as exc:
        err.write(f"错误：{exc}\n")
        return 2
    bad = 0
    for error in source.header_errors:
        err.write(f"第 {error.line} 行 {error.field}：{error.reason}\n")
    if any(e.field == "id_number" and e.reason == "缺少必填列" for e in source.header_errors):
        return 2
    written = 0
    with _opened(output, out) as sink:
        unknown: set[str] = set()
        for line, row in source.rows:
            for key in row.get("__unknown__", ()):
                if key not in unknown:
                    unknown.add(key)
                    err.write(f"第 {line} 行 {key}：未知字段，已忽略\n")
            record, errors = parse_row(line, row)
            if errors:
                bad += 1
                for error in errors:
                    err.write(f"第 {error.line} 行 {error.field}：{error.reason}\n")
                continue
            home = region or record.get("residence_region") or record.get("hukou_region")
            try:
                rules = cache.for_region(str(home) if home else None)
            except ParamsError as exc:
                err.write(f"错误：{exc}\n")
                return 2
            target = evaluate_target(record, rules, on)
            if target is not None:
                sink.write(json.dumps(target.as_json(), ensure_ascii=False) + "\n")
                written += 1
    err.write(f"探访对象 {written} 人；无效行 {bad} 行\n")
    return 1 if bad else 0


def main(argv: list[str], root: Path, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        args = parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code) if isinstance(exc.code, int) else 2
    on = args.date or dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()
    return run(args.input, args.output, on, root, args.region, out, err)
