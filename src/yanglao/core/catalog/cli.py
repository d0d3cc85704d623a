"""``yanglao catalog …``: list, show, check against the parent list, diff between dates, run the cases;
impact of a draft and a year's budget (:mod:`.impactcli`, docs/impact.md).

``main(argv)`` takes what follows ``yanglao catalog`` (``["list", "--json"]``) and returns the exit
status: 0 success; 1 a check found something falling short, or a case failed; 2 wrong usage or a list
file that does not load.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from yanglao.core.catalog import impactcli
from yanglao.core.catalog.cases import run_cases
from yanglao.core.catalog.compare import amount_on, check, diff
from yanglao.core.catalog.describe import describe_cond, describe_expr, money_text
from yanglao.core.catalog.loader import list_codes, load_all, load_catalog
from yanglao.core.catalog.model import COMPARISONS, ITEM_TYPES, PAYEES, PERIODS, Benefit, Catalog, Item
from yanglao.core.catalog.placeholders import example_params, rests_on_example
from yanglao.core.catalog.words import CHOICE_WORDS, PLACEHOLDER_MARK, payee_text, quantity_text
from yanglao.core.catalog.yamlio import CatalogError


def _today() -> dt.date:
    return dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应为 YYYY-MM-DD：{text}") from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="yanglao catalog", description="基本养老服务清单")
    parser.add_argument("--root", type=Path, default=None, help="清单目录（默认为程序自带的 catalogs/）")
    sub = parser.add_subparsers(dest="command", required=True, metavar="命令")
    p_list = sub.add_parser("list", help="列出全部清单")
    p_list.add_argument("--json", action="store_true", help="输出 JSON")
    p_show = sub.add_parser("show", help="显示一个清单")
    p_show.add_argument("code", help="清单的区划代码，如 152223")
    p_show.add_argument("--date", type=_date, default=None, help="按该日期显示（默认今天）")
    p_show.add_argument("--json", action="store_true", help="输出 JSON")
    p_check = sub.add_parser("check", help="与上级清单逐项比对")
    p_check.add_argument("code")
    p_check.add_argument("--against", required=True, help="上级清单的区划代码")
    p_check.add_argument("--date", type=_date, default=None, help="比对日期（默认今天）")
    p_diff = sub.add_parser("diff", help="同一清单两个日期之间的变化")
    p_diff.add_argument("first", help="CODE@YYYY-MM-DD")
    p_diff.add_argument("second", help="CODE@YYYY-MM-DD")
    p_test = sub.add_parser("test", help="运行清单旁的 YAML 测试用例")
    p_test.add_argument("codes", nargs="*", help="清单代码（默认全部）")
    impactcli.add_parsers(sub, _date)
    return parser


def main(argv: list[str], out: TextIO | None = None, err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        root: Path | None = args.root
        if args.command == "list":
            return _list(root, args.json, out)
        if args.command == "show":
            return _show(load_catalog(args.code, root), args.date or _today(), args.json, out)
        if args.command == "check":
            return _check(
                load_catalog(args.code, root),
                load_catalog(args.against, root),
                args.date or _today(),
                out,
                err,
            )
        if args.command == "diff":
            return _diff(root, args.first, args.second, out, err)
        if args.command == "impact":
            return impactcli.run_impact(args, root, out, err)
        if args.command == "budget":
            return impactcli.run_budget(args, root, out, err)
        return _test(root, args.codes, out, err)
    except CatalogError as exc:
        print(f"清单文件有误：{exc}", file=err)
        return 2


def _list(root: Path | None, as_json: bool, out: TextIO) -> int:
    catalogs = load_all(root)
    rows = [
        {"code": c.code, "name": c.name, "items": len(c.items), "parent": c.parent, "version": c.version}
        for c in catalogs.values()
    ]
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2), file=out)
        return 0
    print("代码\t项目数\t上级\t版本\t名称", file=out)
    for row in rows:
        flag = "（重建）" if catalogs[str(row["code"])].reconstructed else ""
        print(
            f"{row['code']}\t{row['items']}\t{row['parent'] or '—'}\t{row['version']}\t{row['name']}{flag}",
            file=out,
        )
    return 0


def _benefit_json(catalog: Catalog, benefit: Benefit, on: dt.date) -> dict[str, Any]:
    fixed = amount_on(catalog, benefit, on)
    quantity = benefit.quantity
    return {
        "code": benefit.code,
        "name": benefit.name,
        "target_text": benefit.target_text,
        "rule": describe_cond(benefit.rule, catalog) if benefit.rule is not None else None,
        "rule_note": benefit.rule_note,
        "standard_text": benefit.standard_text,
        "amount": describe_expr(benefit.amount, catalog) if benefit.amount is not None else None,
        "amount_on_date": money_text(fixed) if fixed is not None else None,
        "placeholder": rests_on_example(benefit, example_params(catalog, on)),
        "period": benefit.period,
        "comparison": benefit.comparison,
        "payee": benefit.payee,
        "payee_text": benefit.payee_text,
        "quantity": None if quantity is None else {**quantity.as_json(), "text": quantity_text(quantity)},
        "notes": benefit.notes or None,
    }


def _item_json(catalog: Catalog, item: Item, on: dt.date) -> dict[str, Any]:
    data: dict[str, Any] = {
        "no": item.no,
        "code": item.code,
        "name": item.name,
        "type": item.type,
        "type_label": item.type_text or ITEM_TYPES[item.type],
        "target_text": item.target_text,
        "content": item.content,
        "standard_text": item.standard_text,
        "funding": {"text": item.funding.text, "levels": list(item.funding.levels)},
        "lead_departments": list(item.lead_departments),
        "policy_basis": item.policy_basis,
        "valid_from": item.valid_from.isoformat() if item.valid_from else None,
        "valid_to": item.valid_to.isoformat() if item.valid_to else None,
        "notes": item.notes or None,
    }
    if item.has_parts:
        data["parts"] = [_benefit_json(catalog, b, on) for b in item.benefits]
    else:
        only = _benefit_json(catalog, item.benefits[0], on)
        data.update(
            {k: v for k, v in only.items() if k not in ("code", "name", "target_text", "standard_text")}
        )
        data["notes"] = item.notes or None
    return data


def catalog_json(catalog: Catalog, on: dt.date) -> dict[str, Any]:
    """The list as in force on ``on``, for ``show --json`` and the public pages."""
    params = []
    for param in catalog.parameters.values():
        now = param.value_on(on)
        params.append(
            {
                "name": param.name,
                "label": param.label,
                "unit": param.unit,
                "value": str(now.value) if now else None,
                "valid_from": now.valid_from.isoformat() if now else None,
                "reference": now.reference if now else None,
                "example": now.example if now else False,
                "history": [
                    {"from": v.valid_from.isoformat(), "value": str(v.value), "reference": v.reference,
                     "example": v.example}
                    for v in param.values
                ],
            }
        )  # fmt: skip
    return {
        "code": catalog.code,
        "name": catalog.name,
        "jurisdiction": catalog.jurisdiction,
        "document": catalog.document,
        "document_number": catalog.document_number,
        "issued_on": catalog.issued_on.isoformat() if catalog.issued_on else None,
        "version": catalog.version,
        "parent": catalog.parent,
        "reconstructed": catalog.reconstructed,
        "status": catalog.status,
        "status_text": catalog.status_text,
        "effective_from": catalog.effective_from.isoformat() if catalog.effective_from else None,
        "effective_to": catalog.effective_to.isoformat() if catalog.effective_to else None,
        "date": on.isoformat(),
        "notes": catalog.notes or None,
        "parameters": params,
        "options": [
            {"name": o.name, "label": o.label, "text": o.text, "default": o.default, "items": list(o.items)}
            for o in catalog.options.values()
        ],
        "items": [_item_json(catalog, item, on) for item in catalog.items_on(on)],
        "exclusive_groups": [
            {"name": g.name, "members": list(g.members), "text": g.text, "chooser": g.chooser}
            for g in (*catalog.exclusive_groups, *catalog.choice_groups)
        ],
    }


def _show(catalog: Catalog, on: dt.date, as_json: bool, out: TextIO) -> int:
    data = catalog_json(catalog, on)
    if as_json:
        print(json.dumps(data, ensure_ascii=False, indent=2), file=out)
        return 0
    w = out.write
    w(f"{catalog.name}（{catalog.code}）{'【重建】' if catalog.reconstructed else ''}\n")
    w(f"文件：{catalog.document_number or ''} {catalog.document}\n")
    w(f"印发日期：{catalog.issued_on or '—'}；版本：{catalog.version}；上级清单：{catalog.parent or '无'}\n")
    w(
        f"状态：{catalog.status_text}；施行：{catalog.effective_from or '—'} 至 {catalog.effective_to or '—'}\n"
    )
    w(f"显示日期：{on}\n\n参数（该日有效值）：\n")
    for p in data["parameters"]:
        flag = "【示例值，须替换】" if p["example"] else ""
        since = f"自 {p['valid_from']} 起；依据：{p['reference']}"
        w(f"  {p['label']}：{p['value'] or '无'} {p['unit']}（{since}）{flag}\n")
    if catalog.options:
        w("地方选项：\n")
        for o in catalog.options.values():
            w(f"  {o.name}：{o.label}（默认{'开启' if o.default else '关闭'}）\n")
    for item in data["items"]:
        w(f"\n第{item['no']}项 {item['name']}〔{item['type_label']}〕 {item['code']}\n")
        for label, key in (
            ("服务对象", "target_text"),
            ("服务内容", "content"),
            ("服务标准", "standard_text"),
        ):
            if item.get(key):
                w(f"  {label}：{item[key]}\n")
        for benefit in item.get("parts") or [item]:
            prefix = f"  〔{benefit['name']}〕" if "parts" in item else "  "
            rule = benefit["rule"] or f"无法机器判断：{benefit['rule_note']}"
            w(f"{prefix}对象规则：{rule}\n")
            if benefit["amount"]:
                period = PERIODS.get(benefit["period"] or "", "")
                word = COMPARISONS.get(benefit["comparison"] or "", "")
                fixed = f" = {benefit['amount_on_date']} 元" if benefit["amount_on_date"] else ""
                mark = PLACEHOLDER_MARK if benefit["placeholder"] else ""
                w(f"{prefix}金额（{word}，每{period}）：{benefit['amount']}{fixed}{mark}\n")
            payee = payee_text(benefit["payee"], benefit["payee_text"]) or PAYEES["person"]
            quantity = benefit["quantity"]["text"] if benefit["quantity"] else "—"
            w(f"{prefix}领取方：{payee}；数量：{quantity}\n")
        funding = item["funding"]
        if funding["text"] or funding["levels"]:
            levels = "（" + "、".join(funding["levels"]) + "）" if funding["levels"] else ""
            w(f"  支出责任：{funding['text'] or ''}{levels}\n")
        if item["lead_departments"]:
            w(f"  牵头部门：{'、'.join(item['lead_departments'])}\n")
        if item["policy_basis"]:
            w(f"  政策依据：{item['policy_basis']}\n")
    for group in catalog.exclusive_groups:
        w(f"\n择高：{group.name}（{'、'.join(group.members)}）{group.text}\n")
    for group in catalog.choice_groups:
        w(f"\n{CHOICE_WORDS}：{group.name}（{'、'.join(group.members)}）{group.text}\n")
    return 0


def _check(child: Catalog, parent: Catalog, on: dt.date, out: TextIO, err: TextIO) -> int:
    findings = check(child, parent, on)
    for finding in findings:
        print(finding.line(), file=out)
    short = sum(1 for f in findings if f.falls_short)
    notes = len(findings) - short
    verdict = f"{short} 处低于上级清单" if short else "未发现低于上级清单之处"
    print(f"{child.name} 对照 {parent.name}（{on}）：{verdict}；提示 {notes} 条", file=err)
    return 1 if short else 0


def _diff(root: Path | None, first: str, second: str, out: TextIO, err: TextIO) -> int:
    try:
        (code1, date1), (code2, date2) = (_at(first), _at(second))
    except ValueError as exc:
        print(str(exc), file=err)
        return 2
    if code1 != code2:
        print(f"只能比较同一清单的两个日期：{code1} 与 {code2} 不同", file=err)
        return 2
    catalog = load_catalog(code1, root)
    changes = diff(catalog, date1, date2)
    for change in changes:
        print(change.text, file=out)
    if not changes:
        print(f"{catalog.name} 在 {date1} 与 {date2} 之间没有变化", file=out)
    return 0


def _at(text: str) -> tuple[str, dt.date]:
    code, sep, day = text.partition("@")
    if not sep:
        raise ValueError(f"应写成 CODE@YYYY-MM-DD，实际为“{text}”")
    try:
        return code, dt.date.fromisoformat(day)
    except ValueError:
        raise ValueError(f"日期应为 YYYY-MM-DD：“{day}”") from None


def _test(root: Path | None, codes: list[str], out: TextIO, err: TextIO) -> int:
    failed = 0
    total = 0
    for code in codes or list_codes(root):
        for case, problems in run_cases(code, root):
            total += 1
            if problems:
                failed += 1
                print(f"失败 {code} {case.name}（{case.where}）", file=out)
                for problem in problems:
                    print(f"    {problem}", file=out)
    print(f"共 {total} 个用例，{total - failed} 个通过，{failed} 个失败", file=err)
    return 1 if failed else 0
