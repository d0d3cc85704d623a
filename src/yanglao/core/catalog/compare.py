"""Comparing lists: a list against the list above it (``check``), and one list between two dates (``diff``).

``check`` matches items through their canonical service codes (``taxonomy.yaml``), then for each
matched pair reports what falls short in the child: a parent item missing, a weaker direction of the
standard ("不高于" where the parent says "不低于"), a lower amount, a narrower target group. Amounts and
target groups are compared mechanically by probe persons (:mod:`yanglao.core.catalog.probes`); what
cannot be compared that way is reported as a note (``falls_short=False``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Literal

from yanglao.core.catalog.decimals import period_factor, round_amount
from yanglao.core.catalog.evaluate import Context, eval_cond, eval_expr, resolve_options
from yanglao.core.catalog.loader import load_taxonomy
from yanglao.core.catalog.model import (
    COMPARISONS,
    Benefit,
    Catalog,
    Item,
    no_sort_key,
)
from yanglao.core.catalog.probes import describe_probe, domains, probes
from yanglao.core.catalog.rules import Cond, Expr, params_used
from yanglao.core.catalog.words import money_text, per_text

FindingKind = Literal["missing", "direction", "lower_standard", "narrower_target", "note"]
KIND_WORDS: dict[str, str] = {
    "missing": "缺项",
    "direction": "标准方向",
    "lower_standard": "标准偏低",
    "narrower_target": "对象偏窄",
    "note": "提示",
}


@dataclass(frozen=True)
class Finding:
    kind: FindingKind
    parent_no: str
    child_no: str | None
    code: str
    text: str  # one line, naming the item numbers and what differs

    @property
    def falls_short(self) -> bool:
        return self.kind != "note"

    def line(self) -> str:
        return f"[{KIND_WORDS[self.kind]}] {self.text}"


@dataclass(frozen=True)
class Change:
    kind: Literal["parameter", "item_added", "item_removed"]
    name: str
    text: str


def _label(item: Item, benefit: Benefit) -> str:
    return item.name if not item.has_parts else f"{item.name}·{benefit.name}"


def _find_item(child: Catalog, code: str, related: set[str], on: dt.date) -> Item | None:
    items = child.items_on(on)
    for item in items:
        if item.code == code or any(b.code == code for b in item.benefits):
            return item
    for item in items:
        if item.code in related or any(b.code in related for b in item.benefits):
            return item
    return None


def check(child: Catalog, parent: Catalog, on: dt.date) -> list[Finding]:
    """Everything in ``child`` that falls short of ``parent`` on ``on``, item by item."""
    taxonomy = load_taxonomy(Path(child.folder).parent if child.folder else None)
    parent = with_local_figures(parent, child, on)
    findings: list[Finding] = []
    for p_item in sorted(parent.items_on(on), key=lambda i: no_sort_key(i.no)):
        c_item = _find_item(child, p_item.code, taxonomy.related(p_item.code), on)
        if c_item is None:
            findings.append(
                Finding(
                    "missing",
                    p_item.no,
                    None,
                    p_item.code,
                    f"上级第{p_item.no}项 {p_item.name}（{p_item.code}）：本级清单没有对应项目",
                )
            )
            continue
        for p_benefit in p_item.benefits:
            c_benefit = _match_benefit(c_item, p_benefit, taxonomy.related(p_benefit.code))
            if c_benefit is None:
                findings.append(
                    Finding(
                        "note",
                        p_item.no,
                        c_item.no,
                        p_benefit.code,
                        f"本级第{c_item.no}项 {c_item.name}：未分列上级第{p_item.no}项的分项"
                        f"“{p_benefit.name}”，无法逐项比较",
                    )
                )
                continue
            findings.extend(_compare_pair(child, parent, c_item, c_benefit, p_item, p_benefit, on))
    return findings


def with_local_figures(parent: Catalog, child: Catalog, on: dt.date) -> Catalog:
    """The parent as the child's county would apply it: a parameter that is only an example figure in
    the parent (低保标准, 最低工资标准: "each county enters its own") takes the child's own value of the same
    parameter, so "1/3 of the local minimum wage" is compared on one minimum wage, not two examples."""
    replaced = dict(parent.parameters)
    for name, parameter in parent.parameters.items():
        value = parameter.value_on(on)
        local = child.parameters.get(name)
        if value is not None and value.example and local is not None and local.value_on(on) is not None:
            replaced[name] = local
    return replace(parent, parameters=replaced)


def _match_benefit(c_item: Item, p_benefit: Benefit, related: set[str]) -> Benefit | None:
    for benefit in c_item.benefits:
        if benefit.code == p_benefit.code:
            return benefit
    for benefit in c_item.benefits:
        if benefit.code in related:
            return benefit
    if not c_item.has_parts:
        return c_item.benefits[0]
    return None


def _compare_pair(
    child: Catalog, parent: Catalog, c_item: Item, c: Benefit, p_item: Item, p: Benefit, on: dt.date
) -> list[Finding]:
    out: list[Finding] = []
    head = f"本级第{c_item.no}项 {_label(c_item, c)}"
    ref = f"上级第{p_item.no}项"

    def add(kind: FindingKind, text: str) -> None:
        out.append(Finding(kind, p_item.no, c_item.no, c.code, f"{head}：{text}"))

    if p.comparison in ("floor", "exact") and c.comparison == "ceiling":
        add("direction", f"{ref}为“{COMPARISONS[p.comparison]}”，本级为“不高于”")
    if p.amount is not None and c.amount is None:
        add("note", f"{ref}有机器金额，本级没有，无法比较标准")
    if p.rule is None or c.rule is None:
        if p.rule is not None:
            add("note", f"本级对象无机器规则（{c.rule_note}），无法比较对象范围")
        return out
    trees: list[Expr | Cond] = [p.rule, c.rule]
    trees += [a for a in (p.amount, c.amount) if a is not None]
    fields = domains(trees, on, child.code, parent.code)
    if fields is None:
        add("note", "对象规则组合过多，未做机器比较")
        return out
    c_ctx = Context(child, {}, on, resolve_options(child, None), explain=False)
    p_ctx = Context(parent, {}, on, resolve_options(parent, None), explain=False)
    narrower = 0
    first_narrower = ""
    lower: list[tuple[str, Decimal, Decimal]] = []
    compare_amounts = p.amount is not None and c.amount is not None and p.comparison in ("floor", "exact")
    for person in probes(fields):
        c_ctx.record = p_ctx.record = person
        p_ok = eval_cond(p.rule, p_ctx).result
        c_ok = eval_cond(c.rule, c_ctx).result
        if p_ok and not c_ok:
            narrower += 1
            if narrower == 1:  # describing costs more than evaluating: only the first is shown
                first_narrower = describe_probe(person, on)
        elif p_ok and c_ok and compare_amounts and not lower:
            assert p.amount is not None
            assert c.amount is not None
            pa, ca = eval_expr(p.amount, p_ctx), eval_expr(c.amount, c_ctx)
            if isinstance(pa, Decimal) and isinstance(ca, Decimal):
                p_year = round_amount(pa) * period_factor(p.period)
                c_year = round_amount(ca) * period_factor(c.period)
                if c_year < p_year:
                    lower.append((describe_probe(person, on), round_amount(ca), round_amount(pa)))
    if narrower:
        more = f"等 {narrower} 种情形" if narrower > 1 else ""
        add("narrower_target", f"对象范围窄于{ref}：如 {first_narrower} 的人上级可享受、本级不可{more}")
    if lower:
        who, c_amount, p_amount = lower[0]
        add(
            "lower_standard",
            f"标准低于{ref}：{who} 时本级 {money_text(c_amount)} 元{per_text(c.period)}，"
            f"上级{'不低于' if p.comparison == 'floor' else '为'} {money_text(p_amount)} 元{per_text(p.period)}",
        )
    return out


def diff(catalog: Catalog, date1: dt.date, date2: dt.date) -> list[Change]:
    """What changed in ``catalog`` between two dates: parameter values in force, items added or removed."""
    changes: list[Change] = []
    for name, param in catalog.parameters.items():
        before, after = param.value_on(date1), param.value_on(date2)
        if before == after:
            continue
        old = "无" if before is None else f"{before.value}（自 {before.valid_from} 起）"
        new = "无" if after is None else f"{after.value}（自 {after.valid_from} 起；依据：{after.reference}）"
        users = [
            f"第{item.no}项" for item in catalog.items if any(name in _params_of(b) for b in item.benefits)
        ]
        used = f"；影响 {'、'.join(users)}" if users else ""
        changes.append(Change("parameter", name, f"参数 {param.label}（{param.unit}）：{old} → {new}{used}"))
    for item in sorted(catalog.items, key=lambda i: no_sort_key(i.no)):
        was, now = item.in_force(date1), item.in_force(date2)
        if was and not now:
            changes.append(Change("item_removed", item.no, f"删除 第{item.no}项 {item.name}（{item.code}）"))
        elif now and not was:
            changes.append(Change("item_added", item.no, f"新增 第{item.no}项 {item.name}（{item.code}）"))
    return changes


def _params_of(benefit: Benefit) -> set[str]:
    out: set[str] = set()
    for tree in (benefit.rule, benefit.amount):
        if tree is not None:
            out |= params_used(tree)
    return out


def amount_on(catalog: Catalog, benefit: Benefit, on: dt.date) -> Decimal | None:
    """The amount when it does not depend on the person (e.g. 50 yuan), else ``None``."""
    if benefit.amount is None:
        return None
    ctx = Context(catalog, {}, on, resolve_options(catalog, None))
    value = eval_expr(benefit.amount, ctx)
    return round_amount(value) if isinstance(value, Decimal) else None
