"""``yanglao entitle --catalog CODE --date YYYY-MM-DD --input FILE --output FILE [--engine embedded|spark]
[--spark-master URL] [--spark-dir DIR] [--explain] [--option NAME=true|false …]``

Evaluates a person-record file (CSV, JSON Lines or Parquet) against a catalogue. The output is chosen
by its extension: ``.jsonl`` (one line per valid person: ``{"id_number", "catalog", "date", "items"}``)
or ``.parquet`` (one row per person and granted item). Invalid rows are reported as ``第N行 字段：原因``
on stderr and as JSON objects in ``<output>.errors.jsonl``; the other rows are evaluated.

Exit status: 0 when every row was valid, 1 when some rows were reported, 2 for a usage error (unknown
catalogue or option, unreadable file, bad date).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应为 YYYY-MM-DD，实际为“{text}”") from None


def _option(text: str) -> tuple[str, bool]:
    name, _, value = text.partition("=")
    if value.lower() not in ("true", "false", ""):
        raise argparse.ArgumentTypeError(f"选项应写成 名称=true 或 名称=false，实际为“{text}”")
    return name, value.lower() != "false"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="yanglao entitle", description="按基本养老服务清单批量计算待遇")
    p.add_argument("--catalog", required=True, help="清单代码（行政区划代码），如 410721")
    p.add_argument("--date", required=True, type=_date, help="评估日期 YYYY-MM-DD")
    p.add_argument("--input", required=True, type=Path, help="人员文件：.csv / .jsonl / .parquet")
    p.add_argument("--output", required=True, type=Path, help="结果文件：.jsonl 或 .parquet")
    p.add_argument(
        "--engine", choices=["embedded", "spark"], default="embedded", help="计算引擎（默认 embedded）"
    )
    p.add_argument(
        "--spark-master", default=None, help="Spark 主节点，如 spark://host:7077（默认 local[*]，本机）"
    )
    p.add_argument(
        "--spark-dir", type=Path, default=None, help="Spark 各节点都能读写的共享目录（集群运行时必填）"
    )
    p.add_argument("--explain", action="store_true", help="每项附上理由（逐人运行单人解释器，较慢）")
    p.add_argument("--option", action="append", type=_option, default=[], help="地方选项，如 name=true")
    return p


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)  # --help and usage errors exit here, before the engine is imported
    from yanglao.core.catalog.yamlio import CatalogError
    from yanglao.core.engine.small import entitle_small, fits
    from yanglao.core.records_io import FileFormatError

    if args.output.suffix.lower() not in (".jsonl", ".ndjson", ".parquet"):
        sys.stderr.write(f"不支持的输出文件类型“{args.output.suffix}”：请使用 .jsonl 或 .parquet\n")
        return 2
    try:
        if fits(args.input, args.output, args.engine):  # a small file: the same output without Polars
            summary = entitle_small(
                args.catalog, args.date, args.input, args.output, args.explain, dict(args.option)
            )
        else:
            from yanglao.core.engine.api import entitle_file

            summary = entitle_file(
                args.catalog,
                args.date,
                args.input,
                args.output,
                engine=args.engine,
                explain=args.explain,
                options=dict(args.option),
                spark_master=args.spark_master,
                spark_dir=args.spark_dir,
                small=False,
            )
    except CatalogError as exc:
        sys.stderr.write(f"清单文件有误：{exc}\n")
        return 2
    except (FileFormatError, FileNotFoundError, ValueError) as exc:
        sys.stderr.write(f"{exc}\n")
        return 2
    from yanglao.core.catalog.loader import load_catalog
    from yanglao.core.catalog.words import list_status_text

    for note in list_status_text(load_catalog(summary.catalog), summary.on):  # 征求意见稿, not in force
        sys.stderr.write(f"注意：{note}\n")
    if summary.timings:
        parts = "，".join(f"{name} {seconds:.1f} 秒" for name, seconds in summary.timings.items())
        sys.stderr.write(f"Spark 各部分：{parts}\n")
    for error in summary.errors:
        sys.stderr.write(f"第{error.line}行 {error.field}：{error.reason}\n")
    sys.stderr.write(
        f"清单 {summary.catalog}，{summary.on}：读入 {summary.rows} 行，计算 {summary.persons} 人，"
        f"可享受 {summary.granted} 项次；出错 {len(summary.errors)} 处（{summary.errors_path}）；"
        f"{summary.seconds:.1f} 秒（{summary.engine}）\n"
    )
    return 0 if summary.ok else 1
