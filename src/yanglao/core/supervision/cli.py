"""``yanglao supervise checks …`` (pure: no database).

``checks --month YYYY-MM --persons F --payments F [--services F] [--residents F] --output F.jsonl
[--engine polars|spark]``: the fund-fraud checks over the month's files, one JSON line per finding
(``{"check", "id_number", "reason", "title", "source", "line", …}``); row errors (line, field, reason)
on stderr and in ``<output>.errors.jsonl``; a summary per check on stderr.

Exit status: 0 all rows read, 1 some rows reported as errors (the rest were checked), 2 a usage error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import IO

import polars as pl

from yanglao.core.records_io import FileFormatError
from yanglao.core.records_io.base import RowError
from yanglao.core.supervision import api, files
from yanglao.core.supervision.checks import CHECKS, skipped
from yanglao.core.supervision.params import ParameterError, load


def _month(text: str) -> dt.date:
    try:
        return dt.datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        raise argparse.ArgumentTypeError(f"月份应为 YYYY-MM，实际为“{text}”") from None


def add_checks(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    c = sub.add_parser("checks", help="按文件核查资金（支付前）")
    c.add_argument("--month", required=True, type=_month, help="发放月份 YYYY-MM")
    c.add_argument("--persons", required=True, type=Path, help="人员记录（人员记录格式）")
    c.add_argument("--payments", required=True, type=Path, help="发放明细")
    c.add_argument("--services", type=Path, default=None, help="居家服务明细")
    c.add_argument("--residents", type=Path, default=None, help="入住养老机构的老人")
    c.add_argument("--output", required=True, type=Path, help="结果 .jsonl")
    c.add_argument("--engine", choices=["polars", "spark"], default="polars")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="yanglao supervise", description="综合监管：资金核查")
    add_checks(p.add_subparsers(dest="command", required=True))
    return p


def read_files(args: argparse.Namespace) -> tuple[dict[str, pl.DataFrame | None], list[RowError]]:
    errors: list[RowError] = []
    frames: dict[str, pl.DataFrame | None] = {}
    persons, bad = files.read_persons_file(args.persons)
    frames["persons"] = persons
    errors.extend(bad)
    payments, bad = files.read_payments(args.payments)
    frames["payments"] = payments
    errors.extend(bad)
    for kind, reader in (("services", files.read_services), ("residents", files.read_residents)):
        path = getattr(args, kind)
        if path is None:
            frames[kind] = None
            continue
        frame, bad = reader(path)
        frames[kind] = frame
        errors.extend(bad)
    return frames, errors


def checks(args: argparse.Namespace, err: IO[str]) -> int:
    if args.output.suffix.lower() not in (".jsonl", ".ndjson"):
        err.write(f"不支持的输出文件类型“{args.output.suffix}”：请使用 .jsonl\n")
        return 2
    started = time.perf_counter()
    settings = load(args.month)
    frames, errors = read_files(args)
    findings = api.run(settings, frames, args.engine)
    records = api.records(findings, settings)
    args.output.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    Path(f"{args.output}.errors.jsonl").write_text(
        "".join(json.dumps(e.as_dict(), ensure_ascii=False) + "\n" for e in errors), encoding="utf-8"
    )
    for e in errors:
        err.write(f"第{e.line}行 {e.field}：{e.reason}\n")
    counts = Counter(r["check"] for r in records)
    missing = skipped(frames)
    parts = [f"{c.title}（{c.name}）{counts.get(c.name, 0)} 行" for c in CHECKS if c.name not in missing]
    if missing:
        parts.append(f"未核查（缺文件）：{'、'.join(missing)}")
    err.write(
        f"{args.month:%Y-%m}：{'；'.join(parts)}；出错 {len(errors)} 处；"
        f"{time.perf_counter() - started:.1f} 秒\n"
    )
    return 1 if errors else 0


def main(argv: list[str], stdout: IO[str] | None = None, stderr: IO[str] | None = None) -> int:
    err = stderr or sys.stderr
    args = parser().parse_args(argv)
    try:
        return checks(args, err)
    except (FileFormatError, FileNotFoundError, ValueError, ParameterError, files.InputError) as exc:
        err.write(f"{exc}\n")
        return 2
