"""``yanglao admissions rank|show|test`` (docs/admissions.md §6). Pure Python: the Django command
``carehomes/management/commands/admissions.py`` only hands its arguments here.

``rank`` exits 0 when every row was ranked, 1 when rows were reported (and the rest ranked), 2 on a
usage error (unknown rules, unreadable file, bad date)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from yanglao.core.admissions.cases import load_cases, run_case
from yanglao.core.admissions.files import rank_file
from yanglao.core.admissions.loader import list_rules, load_rules
from yanglao.core.admissions.model import Rules
from yanglao.core.catalog.describe import describe_cond
from yanglao.core.catalog.yamlio import CatalogError
from yanglao.core.records_io import FileFormatError


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应为 YYYY-MM-DD，实际为“{text}”") from None


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="yanglao admissions", description="公办养老机构入住条件和轮候排序")
    p.add_argument("--root", type=Path, help="使用另一个规则目录（录入草稿时）")
    sub = p.add_subparsers(dest="action", required=True)
    rank = sub.add_parser("rank", help="按入住规则对申请排序，逐人写出类别、位次和理由（JSON Lines）")
    rank.add_argument("--rules", required=True, help="行政区划代码，如 152223")
    rank.add_argument("--date", required=True, type=_date, help="排序日期 YYYY-MM-DD")
    rank.add_argument("--input", required=True, type=Path, help="申请表（CSV/XLSX/JSONL/Parquet）")
    rank.add_argument("--output", required=True, type=Path, help="结果（.jsonl）")
    rank.add_argument("--json", action="store_true", help="在标准输出写出 JSON 摘要（含出错的行）")
    show = sub.add_parser("show", help="显示一个辖区的入住规则")
    show.add_argument("code", nargs="?", help="行政区划代码；不写则列出全部")
    show.add_argument("--date", type=_date, help="参数取值的日期（默认为各参数的最新值）")
    test = sub.add_parser("test", help="运行规则旁的 YAML 测试用例")
    test.add_argument("codes", nargs="*")
    return p


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    try:
        if args.action == "rank":
            return _rank(args)
        if args.action == "show":
            return _show(args)
        return _test(args)
    except CatalogError as exc:
        sys.stderr.write(f"入住规则文件有误：{exc}\n")
        return 2
    except FileFormatError as exc:
        sys.stderr.write(f"{exc}\n")
        return 2


def _rank(args: argparse.Namespace) -> int:
    if args.output.suffix.lower() != ".jsonl":
        sys.stderr.write(f"不支持的输出文件类型“{args.output.suffix}”：请使用 .jsonl\n")
        return 2
    rules = load_rules(args.rules, args.root)
    summary, _ = rank_file(rules, args.date, args.input, args.output)
    for error in summary.errors:
        sys.stderr.write(f"第{error.line}行 {error.field}：{error.reason}\n")
    sys.stderr.write(
        f"{rules.name}，{args.date}：共 {summary.rows} 行，排序 {summary.ranked} 人，其中轮候 {summary.in_queue} 人，"
        f"出错 {len({e.line for e in summary.errors if e.line > 1})} 行\n"
    )
    if args.json:
        sys.stdout.write(json.dumps(summary.as_json(), ensure_ascii=False) + "\n")
    return 1 if summary.errors else 0


def _show(args: argparse.Namespace) -> int:
    if not args.code:
        for code in list_rules(args.root):
            rules = load_rules(code, args.root)
            sys.stdout.write(f"{code}  {rules.name}（{len(rules.classes)} 类）\n")
        return 0
    sys.stdout.write(describe_rules(load_rules(args.code, args.root), args.date))
    return 0


def describe_rules(rules: Rules, on: dt.date | None = None) -> str:
    """The rules in words: conditions, classes in order, tie-breakers, parameters with references."""
    cat = rules.catalog
    lines = [
        f"{rules.name}（{rules.code}）",
        f"文件：{rules.document} {rules.document_number or ''}".rstrip(),
    ]
    lines.append(f"申请条件：{describe_cond(rules.eligibility.rule, cat)}")
    lines.append(
        f"能力评估：{describe_cond(rules.assessment.rule, cat)}；"
        f"{rules.parameters[rules.assessment.valid_months].label}见参数"
    )
    lines.append("轮候类别（第1类最先）：")
    for rank, provision in enumerate(rules.classes, start=1):
        lines.append(
            f"  第{rank}类 {provision.name}：{describe_cond(provision.rule, cat)}（{provision.reference}）"
        )
    lines.append("同一类别内：")
    for provision in rules.tie_breakers:
        lines.append(
            f"  同等条件下优先 {provision.name}：{describe_cond(provision.rule, cat)}（{provision.reference}）"
        )
    lines.append("  然后申请日期在前者优先；再同时，年长者在前；再同时，按公民身份号码（只为次序确定）")
    lines.append("参数：")
    for param in rules.parameters.values():
        value = param.value_on(on) if on else (param.values[-1] if param.values else None)
        if value is None:
            lines.append(f"  {param.label}：{on} 无有效值")
            continue
        flag = "（示例值，须替换）" if value.example else ""
        lines.append(
            f"  {param.label} = {value.value} {param.unit}（自 {value.valid_from}；{value.reference}）{flag}"
        )
    return "\n".join(lines) + "\n"


def _test(args: argparse.Namespace) -> int:
    failures = 0
    for code in args.codes or list_rules(args.root):
        cases = load_cases(code, args.root)
        for case in cases:
            problems = run_case(code, case, args.root)
            failures += len(problems)
            for problem in problems:
                sys.stdout.write(f"{code} 失败：{problem}\n")
        sys.stdout.write(f"{code}：{len(cases)} 个用例\n")
    return 1 if failures else 0
