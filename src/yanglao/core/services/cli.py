"""``yanglao services catalog|match|test …`` (pure: no database).

- ``catalog --catalog CODE [--date YYYY-MM-DD] [--json]``: the services in force on the date (default:
  today): code, name, unit, price cap, who may receive it, co-payment by category, monthly caps,
  funding; ``--json`` prints a JSON list of objects.
- ``match --catalog CODE --month YYYY-MM --plans F --claims F --checkins F [--persons F] [--stays F]
  [--settled F] [--sample 0.05] [--seed N] [--option NAME=true] [--engine embedded|spark] --output F``:
  the three-way match, JSON Lines per claim line; row errors on stderr and in ``<output>.errors.jsonl``.
- ``test [CODE …]``: the YAML cases beside the catalogues (reference and bulk match).

Exit status: 0 all well, 1 rows reported (match) or cases failed (test), 2 a usage error (unknown
catalogue, unreadable file, bad month).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import IO

from yanglao.core.catalog.yamlio import CatalogError
from yanglao.core.records_io import FileFormatError
from yanglao.core.services.catalog import CATEGORIES, ServiceCatalog, list_service_catalogs, load_services


def _month(text: str) -> dt.date:
    try:
        return dt.datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        raise argparse.ArgumentTypeError(f"月份应为 YYYY-MM，实际为“{text}”") from None


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应为 YYYY-MM-DD，实际为“{text}”") from None


def _share(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except ArithmeticError:
        value = Decimal(-1)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"抽查比例应为 0 到 1 之间的数，实际为“{text}”")
    return value


def _option(text: str) -> tuple[str, bool]:
    name, _, value = text.partition("=")
    if value.lower() not in ("true", "false", ""):
        raise argparse.ArgumentTypeError(f"选项应写成 名称=true 或 名称=false，实际为“{text}”")
    return name, value.lower() != "false"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="yanglao services", description="居家社区养老服务：服务目录与三方核对")
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("catalog", help="列出服务目录")
    c.add_argument("--catalog", required=True, help="目录代码（行政区划代码），如 152223")
    c.add_argument("--date", type=_date, default=None, help="哪天有效的目录（默认今天）")
    c.add_argument("--json", action="store_true", help="输出 JSON")
    m = sub.add_parser("match", help="申报明细与服务计划、签到记录三方核对")
    m.add_argument("--catalog", required=True)
    m.add_argument("--month", required=True, type=_month, help="结算月份 YYYY-MM")
    m.add_argument("--plans", required=True, type=Path)
    m.add_argument("--claims", required=True, type=Path)
    m.add_argument("--checkins", required=True, type=Path)
    m.add_argument("--persons", type=Path, default=None, help="人员记录（死亡日期、对象类别）")
    m.add_argument("--stays", type=Path, default=None, help="入住养老机构、住院的起止日期")
    m.add_argument("--settled", type=Path, default=None, help="以前已结算的明细（避免重复支付）")
    m.add_argument("--sample", type=_share, default=Decimal("0.05"), help="抽查比例（默认 0.05）")
    m.add_argument("--seed", type=int, default=0, help="抽查的随机种子（同一种子同一结果）")
    m.add_argument("--option", action="append", type=_option, default=[], help="地方选项，如 name=true")
    m.add_argument("--engine", choices=["embedded", "spark"], default="embedded")
    m.add_argument("--output", required=True, type=Path, help="结果 .jsonl")
    t = sub.add_parser("test", help="运行服务目录旁的 YAML 用例")
    t.add_argument("codes", nargs="*")
    return p


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value % 1 == 0 else float(value)


def listing(catalog: ServiceCatalog, on: dt.date) -> list[dict[str, object]]:
    """The JSON listing of ``services catalog --json``."""
    out: list[dict[str, object]] = []
    for s in catalog.services_on(on):
        figures = [
            s.price_cap,
            s.cap_units,
            s.cap_yuan,
            *dict(s.copay).values(),
            *dict(s.subsidy_per_unit).values(),
        ]
        out.append(
            {
                "code": s.code,
                "name": s.name,
                "unit": s.unit,
                "price_cap": _number(catalog.value(s.price_cap, on)),
                "eligibility": s.rule_source,
                "copay_rules": [
                    {
                        "category": cat,
                        "label": label,
                        "copay_share": _number(catalog.value(dict(s.copay)[cat], on))
                        if cat in dict(s.copay)
                        else None,
                        "subsidy_per_unit": _number(catalog.value(dict(s.subsidy_per_unit)[cat], on))
                        if cat in dict(s.subsidy_per_unit)
                        else None,
                    }
                    for cat, label in CATEGORIES.items()
                ],
                "copay": {cat: _number(catalog.value(v, on)) for cat, v in s.copay},
                "subsidy_per_unit": {cat: _number(catalog.value(v, on)) for cat, v in s.subsidy_per_unit},
                "monthly_cap": {
                    "units": _number(catalog.value(s.cap_units, on)),
                    "yuan": _number(catalog.value(s.cap_yuan, on)),
                },
                "funding": {
                    "source": s.funding.source,
                    "text": s.funding.text,
                    "levels": {level: _number(share) for level, share in s.funding.shares},
                },
                "item": s.item,
                "quote": s.quote,
                "reference": s.reference,
                "example": s.example or any(catalog.is_example(f, on) for f in figures),
                "valid_from": s.valid_from.isoformat() if s.valid_from else None,
                "valid_to": s.valid_to.isoformat() if s.valid_to else None,
            }
        )
    return out


def _show(catalog: ServiceCatalog, on: dt.date, out: IO[str]) -> None:
    out.write(f"{catalog.name}（{on}）\n")
    for row in listing(catalog, on):
        cap = row["price_cap"]
        copay = dict(row["copay"])  # type: ignore[call-overload]
        per_unit = dict(row["subsidy_per_unit"])  # type: ignore[call-overload]
        parts = [f"{CATEGORIES[c]} 每{row['unit']}补贴 {v} 元" for c, v in per_unit.items()]
        parts += [f"{CATEGORIES[c]} 自付 {v}" for c, v in copay.items()]
        out.write(
            f"  {row['code']}  {row['name']}  单位：{row['unit']}  价格上限：{'无' if cap is None else f'{cap} 元'}"
            f"  {'；'.join(parts)}{'  （含示例值，须替换）' if row['example'] else ''}\n"
        )


def main(argv: list[str], stdout: IO[str] | None = None, stderr: IO[str] | None = None) -> int:
    out, err = stdout or sys.stdout, stderr or sys.stderr
    args = parser().parse_args(argv)
    try:
        if args.command == "catalog":
            catalog = load_services(args.catalog)
            on = args.date or dt.date.today()
            if args.json:
                out.write(json.dumps(listing(catalog, on), ensure_ascii=False, indent=1) + "\n")
            else:
                _show(catalog, on, out)
            return 0
        if args.command == "test":
            return _test(args.codes or list_service_catalogs(), out)
        return _match(args, err)
    except CatalogError as exc:
        err.write(f"服务目录文件有误：{exc}\n")
        return 2
    except (FileFormatError, FileNotFoundError, ValueError) as exc:
        err.write(f"{exc}\n")
        return 2


def _test(codes: list[str], out: IO[str]) -> int:
    from yanglao.core.services.cases import run_cases

    failed = 0
    for code in codes:
        for case, problems in run_cases(code):
            if problems:
                failed += 1
                out.write(f"失败 {code} {case.name}（{case.where}）：{'；'.join(problems)}\n")
            else:
                out.write(f"通过 {code} {case.name}\n")
    return 1 if failed else 0


def _match(args: argparse.Namespace, err: IO[str]) -> int:
    from yanglao.core.services.api import match_files

    if args.output.suffix.lower() not in (".jsonl", ".ndjson"):
        err.write(f"不支持的输出文件类型“{args.output.suffix}”：请使用 .jsonl\n")
        return 2
    summary = match_files(
        args.catalog,
        args.month,
        args.plans,
        args.claims,
        args.checkins,
        args.output,
        persons=args.persons,
        stays=args.stays,
        settled=args.settled,
        sample_share=args.sample,
        seed=args.seed,
        options=dict(args.option),
        engine=args.engine,
    )
    for error in summary.errors:
        err.write(f"第{error.line}行 {error.field}：{error.reason}\n")
    reasons = "，".join(f"{k} {v}" for k, v in sorted(summary.reasons.items())) or "无"
    err.write(
        f"{args.month:%Y-%m}：明细 {summary.lines} 行，可支付 {summary.payable} 行，暂缓 {summary.held} 行（{reasons}），"
        f"抽查 {summary.review} 行；补贴 {summary.subsidy} 元，个人自付 {summary.copay} 元；"
        f"出错 {len(summary.errors)} 处；{summary.seconds:.1f} 秒\n"
    )
    return 1 if summary.errors else 0
