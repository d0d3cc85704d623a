"""``yanglao catalog impact`` and ``yanglao catalog budget``: the arguments, the reading of persons
(a file, or the registry through Django) and the printed tables in Chinese (docs/impact.md)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    import polars as pl

from yanglao.core.catalog.loader import load_catalog
from yanglao.core.catalog.model import Catalog
from yanglao.core.records_io import FileFormatError

# The Django side that reads the people of a list's region from the registry (the core names it and
# imports it only when asked; it sets Django up itself).
REGISTRY_READER = "yanglao.stats.registryimpact"


def add_parsers(sub: Any, date: Any) -> None:
    p = sub.add_parser("impact", help="草稿清单对照现行清单：增减人数与资金（按项目、乡镇、资金层级）")
    p.add_argument("--catalog", required=True, help="现行清单的区划代码，如 410721")
    p.add_argument("--draft", required=True, type=Path, help="草稿清单目录（与自带清单同样的文件）")
    p.add_argument("--date", required=True, type=date, help="测算日期 YYYY-MM-DD")
    p.add_argument("--input", type=Path, default=None, help="人员文件（CSV/JSONL/Parquet）；省略时用信息库")
    p.add_argument("--engine", choices=["embedded", "spark"], default="embedded", help="计算引擎")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    b = sub.add_parser("budget", help="一年的预算测算（按项目、月份、乡镇、资金层级），可导出 XLSX")
    b.add_argument("--catalog", required=True, help="清单的区划代码")
    b.add_argument("--draft", type=Path, default=None, help="按草稿清单测算（默认现行清单）")
    b.add_argument("--year", required=True, type=int, help="预算年度")
    b.add_argument("--input", type=Path, default=None, help="人员文件；省略时用信息库")
    b.add_argument("--xlsx", type=Path, default=None, help="导出财政局用的 XLSX")
    b.add_argument("--json", action="store_true", help="输出 JSON")


def persons_of(code: str, path: Path | None, on: dt.date) -> tuple[pl.DataFrame, list[Any]]:
    """The persons: a file as ``yanglao entitle`` reads it, else the registry's people of the list's
    region living on ``on`` (Django, :data:`REGISTRY_READER`)."""
    if path is not None:
        from yanglao.core.engine.frames import read_persons

        frame, errors = read_persons(path)
        return frame.drop("__line"), errors
    reader = import_module(REGISTRY_READER)
    frame = reader.persons_for(code, on)
    return frame, []


def _catalogs(args: argparse.Namespace, root: Path | None) -> tuple[Catalog, Catalog | None]:
    from yanglao.core.catalog.impact import load_folder

    current = load_catalog(args.catalog, root)
    draft = load_folder(args.draft) if args.draft is not None else None
    if draft is not None and draft.code != current.code:
        raise ValueError(f"草稿清单代码“{draft.code}”与 --catalog {current.code} 不一致")
    return current, draft


def run_impact(args: argparse.Namespace, root: Path | None, out: TextIO, err: TextIO) -> int:
    from yanglao.core.catalog.impact import impact_batches, impact_file

    try:
        before, after = _catalogs(args, root)
        assert after is not None
        if args.input is not None:
            report = impact_file(before, after, args.input, args.date, engine=args.engine)
        else:
            frame, _ = persons_of(before.code, None, args.date)
            report = impact_batches(before, after, [frame], args.date)
    except (FileFormatError, FileNotFoundError, ValueError) as exc:
        print(str(exc), file=err)
        return 2
    for error in report.errors[:50]:
        print(f"第{error.line}行 {error.field}：{error.reason}", file=err)
    if len(report.errors) > 50:
        print(f"……共 {len(report.errors)} 处错误", file=err)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=1), file=out)
    else:
        print_impact(report.to_dict(), before, after, out)
    return 0


def _y(value: float | None) -> str:
    return "—" if value is None else f"{value:,.2f}"


def print_impact(data: dict[str, Any], before: Catalog, after: Catalog, out: TextIO) -> None:
    w = out.write
    w(f"{before.name}（{before.code}）草稿（版本 {after.version}）对照现行清单（版本 {before.version}），")
    w(f"测算日期 {data['date']}，{data['persons']:,} 人\n")
    w("金额单位：元/月（年度金额按月×12另加一次性金额）。标“※”的项目金额依赖示例值，单列，不计入合计。\n\n")
    w("序号\t项目\t现行人数\t草稿人数\t新增\t减少\t金额变化\t现行月支出\t草稿月支出\t资金层级\n")
    for i in data["items"]:
        mark = "※" if i["example_before"] or i["example_after"] else ""
        status = f"〔{i['status']}〕" if i["status"] else ""
        levels = "、".join(i["by_level"]) or "—"
        money = (_y(i["monthly_cost_before"]), _y(i["monthly_cost_after"])) if i["has_amount"] else ("—", "—")
        w(
            f"{i['no']}\t{mark}{i['name']}{status}\t{i['people_before']:,}\t{i['people_after']:,}\t"
            f"{i['gaining']:,}\t{i['losing']:,}\t{i['changed']:,}\t{money[0]}\t{money[1]}\t{levels}\n"
        )
    t = data["total"]
    w(
        f"\n合计（不含示例值）：月支出 {_y(t['monthly_cost_before'])} → {_y(t['monthly_cost_after'])}；"
        f"年支出 {_y(t['yearly_cost_before'])} → {_y(t['yearly_cost_after'])}\n"
    )
    w(
        f"享受至少一项 {t['people_before']:,} → {t['people_after']:,} 人；新增享受某项 {t['gaining']:,} 人，"
        f"失去某项 {t['losing']:,} 人，金额变化 {t['changed']:,} 人\n"
    )
    if t["example_items_before"] or t["example_items_after"]:
        w(
            f"※示例值（不计入合计）：第{'、'.join(t['example_items_after'] or t['example_items_before'])}项，"
            f"月支出 {_y(t['example_monthly_cost_before'])} → {_y(t['example_monthly_cost_after'])}\n"
        )
    counted = [i for i in data["items"] if i["quantity_before"] or i["quantity_after"]]
    if counted:
        w("\n金额以外的数量（测算日享受的人数 × 清单标准）：\n序号\t项目\t现行\t草稿\n")
        for i in counted:
            said = [(q or {}).get("text", "—") for q in (i["quantity_before"], i["quantity_after"])]
            w(f"{i['no']}\t{i['name']}\t{said[0]}\t{said[1]}\n")
    w("\n按资金层级（元/月；“未拆分”：清单列了几级共同承担而没有写分担比例）：\n")
    for level, v in t["by_level"].items():
        w(f"  {level}\t{_y(v.get('monthly_cost_before', 0.0))} → {_y(v.get('monthly_cost_after', 0.0))}")
        if v.get("example_monthly_cost_before") or v.get("example_monthly_cost_after"):
            w(
                f"\t※示例值 {_y(v.get('example_monthly_cost_before', 0.0))} → "
                f"{_y(v.get('example_monthly_cost_after', 0.0))}"
            )
        w("\n")
    w("\n按乡镇（常住地，元/月）：\n代码\t新增\t减少\t金额变化\t现行月支出\t草稿月支出\n")
    for town, v in t["by_township"].items():
        w(
            f"{town}\t{v['gaining']:,}\t{v['losing']:,}\t{v['changed']:,}\t"
            f"{_y(v['monthly_cost_before'])}\t{_y(v['monthly_cost_after'])}\n"
        )


def run_budget(args: argparse.Namespace, root: Path | None, out: TextIO, err: TextIO) -> int:
    from yanglao.core.catalog import budget

    try:
        current, draft = _catalogs(args, root)
        catalog = draft or current
        config = budget.load_config(catalog.code, args.draft)
        frame, errors = persons_of(catalog.code, args.input, dt.date(args.year, 1, 1))
        report = budget.project(catalog, frame, args.year, config)
    except (FileFormatError, FileNotFoundError, ValueError) as exc:
        print(str(exc), file=err)
        return 2
    for error in errors[:50]:
        print(f"第{error.line}行 {error.field}：{error.reason}", file=err)
    for warning in budget.check_budget(catalog, report, config):
        print(f"提示：{warning}", file=err)
    if args.xlsx is not None:
        args.xlsx.write_bytes(budget.budget_xlsx(report))
        print(f"已写出 {args.xlsx}", file=err)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=1), file=out)
    else:
        budget.print_budget(report, out)
    return 0
