"""What the public list page and the XLSX export show of one list on one date (pure Python)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from yanglao.catalogweb.plain import PERIOD_WORDS, cond_words, expr_words, extra_words, money_words
from yanglao.core.catalog.compare import amount_on
from yanglao.core.catalog.describe import number_text
from yanglao.core.catalog.model import (
    COMPARISONS,
    ITEM_TYPES,
    PERIODS,
    Benefit,
    Catalog,
    ExclusiveGroup,
    Item,
    Option,
    Parameter,
    no_sort_key,
)
from yanglao.core.catalog.placeholders import example_params, rests_on_example
from yanglao.core.catalog.rules import params_used

EXAMPLE_WORDS = "示例值，需本地填报"


@dataclass(frozen=True)
class HistoryRow:
    valid_from: dt.date
    value: str
    reference: str
    example: bool
    current: bool  # the value in force on the page's date


@dataclass(frozen=True)
class ParamView:
    name: str
    label: str
    unit: str
    notes: str
    current: str  # the value on the date, or "（该日无值）"
    rows: tuple[HistoryRow, ...]
    used_by: tuple[str, ...]  # item numbers

    @property
    def anchor(self) -> str:
        return f"param-{self.name}"


@dataclass(frozen=True)
class BenefitView:
    """Who and how much, for the item itself or for one of its parts."""

    code: str
    name: str
    target_text: str
    rule_words: str  # the machine rule in plain words, or why there is none
    evaluable: bool
    standard_text: str
    amount_words: str  # "定额：每月 100 元" / "不低于：每月 60 元" / "按年龄分档（…）" / ""
    formula: str  # the amount with the figures on the date
    period: str
    comparison: str
    notes: str
    extra: str = ""  # what it gives besides money, and to whom: "每年1次", "由敬老院领取（不发给本人）"


@dataclass(frozen=True)
class OptionView:
    name: str
    label: str
    text: str
    default: bool
    words: str  # the switch explained


@dataclass(frozen=True)
class GroupView:
    name: str
    text: str
    members: tuple[str, ...]  # "第8项 经济困难老年人护理补贴"
    words: str


@dataclass(frozen=True)
class ItemView:
    no: str
    code: str
    name: str
    type_label: str
    target_text: str
    content: str
    standard_text: str
    funding_text: str
    funding_levels: tuple[str, ...]
    lead_departments: tuple[str, ...]
    policy_basis: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    notes: str
    benefits: tuple[BenefitView, ...]
    has_parts: bool
    params: tuple[ParamView, ...]
    options: tuple[OptionView, ...]
    groups: tuple[GroupView, ...]

    @property
    def anchor(self) -> str:
        return f"item-{self.no}"


@dataclass(frozen=True)
class ListView:
    catalog: Catalog
    on: dt.date
    items: tuple[ItemView, ...]
    params: tuple[ParamView, ...]  # every parameter of the list
    other_params: tuple[ParamView, ...]  # those no item reads
    options: tuple[OptionView, ...]
    groups: tuple[GroupView, ...]
    not_in_force: tuple[str, ...]  # items of the list not in force on the date

    @property
    def example_params(self) -> tuple[ParamView, ...]:
        return tuple(p for p in self.params if any(r.example and r.current for r in p.rows))


def benefit_params(benefit: Benefit) -> set[str]:
    names: set[str] = set()
    for tree in (benefit.rule, benefit.amount):
        if tree is not None:
            names |= params_used(tree)
    return names


def _param_view(param: Parameter, on: dt.date, used_by: tuple[str, ...]) -> ParamView:
    now = param.value_on(on)
    rows = tuple(
        HistoryRow(v.valid_from, number_text(v.value), v.reference, v.example, v is now) for v in param.values
    )
    current = number_text(now.value) if now else "（该日无值）"
    if now is not None and now.example:
        current += f"（{EXAMPLE_WORDS}）"
    return ParamView(param.name, param.label, param.unit, param.notes, current, rows, used_by)


def _amount_words(catalog: Catalog, benefit: Benefit, on: dt.date) -> tuple[str, str]:
    if benefit.amount is None:
        return "", ""
    word = COMPARISONS.get(benefit.comparison or "exact", "")
    formula = expr_words(benefit.amount, catalog, on)
    fixed = amount_on(catalog, benefit, on)
    if fixed is not None:
        marked = rests_on_example(benefit, example_params(catalog, on))  # 〔示例值〕 (issue 12)
        return f"{word}：{money_words(fixed, benefit.period, None, placeholder=marked)}", formula
    per = PERIOD_WORDS.get(benefit.period or "", "")
    return f"{word}，{per}（元）：{formula}", formula


def _benefit_view(catalog: Catalog, item: Item, benefit: Benefit, on: dt.date) -> BenefitView:
    if benefit.rule is not None:
        rule_words, evaluable = cond_words(benefit.rule, catalog), True
    else:
        rule_words, evaluable = benefit.rule_note or "", False
    amount_words, formula = _amount_words(catalog, benefit, on)
    return BenefitView(
        code=benefit.code,
        name=benefit.name,
        target_text=benefit.target_text or (item.target_text or "" if not item.has_parts else ""),
        rule_words=rule_words,
        evaluable=evaluable,
        standard_text=benefit.standard_text or "" if item.has_parts else "",
        amount_words=amount_words,
        formula=formula,
        period=PERIODS.get(benefit.period or "", ""),
        comparison=COMPARISONS.get(benefit.comparison or "", ""),
        notes=benefit.notes if item.has_parts else "",
        extra=extra_words(benefit),
    )


def _option_view(option: Option) -> OptionView:
    state = "本清单已开启" if option.default else "本清单默认关闭，各地可按本地政策开启"
    items = "、".join(f"第{no}项" for no in option.items)
    words = (
        f"原文“{option.text}”是一个地方选项：{state}；涉及{items}。"
        if items
        else f"原文“{option.text}”：{state}。"
    )
    return OptionView(option.name, option.label, option.text, option.default, words)


def _member_name(catalog: Catalog, code: str) -> str:
    try:
        item, benefit = catalog.benefit(code)
    except KeyError:
        return code
    name = benefit.name if item.has_parts else item.name
    return f"第{item.no}项 {name}"


def _group_view(catalog: Catalog, group: ExclusiveGroup) -> GroupView:
    members = tuple(_member_name(catalog, c) for c in group.members)
    words = f"同时符合{'和'.join(members)}的，只能享受其中金额较高的一项（择高申领）。"
    if group.chooser == "applicant":
        words = f"同时符合{'和'.join(members)}的，只能申领其中一项，择高，由本人选择。"
    return GroupView(group.name, group.text, members, words)


def list_view(catalog: Catalog, on: dt.date) -> ListView:
    """The list as it stood on ``on``: items in force, parameter values and their whole history."""
    items = sorted(catalog.items_on(on), key=lambda i: no_sort_key(i.no))
    used: dict[str, list[str]] = {name: [] for name in catalog.parameters}
    item_params: dict[str, list[str]] = {}
    for item in items:
        names = sorted(set().union(*(benefit_params(b) for b in item.benefits)))
        item_params[item.no] = names
        for name in names:
            used[name].append(item.no)
    params = {name: _param_view(p, on, tuple(used[name])) for name, p in catalog.parameters.items()}
    options = {name: _option_view(o) for name, o in catalog.options.items()}
    groups = [(g, _group_view(catalog, g)) for g in (*catalog.exclusive_groups, *catalog.choice_groups)]
    views = []
    for item in items:
        codes = {item.code} | {b.code for b in item.benefits}
        views.append(
            ItemView(
                no=item.no,
                code=item.code,
                name=item.name,
                type_label=item.type_text or ITEM_TYPES[item.type],
                target_text=item.target_text or "",
                content=item.content or "",
                standard_text=item.standard_text or "",
                funding_text=item.funding.text or "",
                funding_levels=item.funding.levels,
                lead_departments=item.lead_departments,
                policy_basis=item.policy_basis or "",
                valid_from=item.valid_from,
                valid_to=item.valid_to,
                notes=item.notes,
                benefits=tuple(_benefit_view(catalog, item, b, on) for b in item.benefits),
                has_parts=item.has_parts,
                params=tuple(params[n] for n in item_params[item.no]),
                options=tuple(v for v in options.values() if item.no in catalog.options[v.name].items),
                groups=tuple(v for g, v in groups if codes & set(g.members)),
            )
        )
    in_force = {i.no for i in items}
    return ListView(
        catalog=catalog,
        on=on,
        items=tuple(views),
        params=tuple(params.values()),
        other_params=tuple(p for p in params.values() if not p.used_by),
        options=tuple(options.values()),
        groups=tuple(v for _, v in groups),
        not_in_force=tuple(f"第{i.no}项 {i.name}" for i in catalog.items if i.no not in in_force),
    )


def history_dates(catalog: Catalog) -> list[dt.date]:
    """Every date on which something in the list changed (for the date picker's hints)."""
    dates: set[dt.date] = set()
    for param in catalog.parameters.values():
        dates |= {v.valid_from for v in param.values}
    for item in catalog.items:
        dates |= {d for d in (item.valid_from, item.valid_to) if d is not None}
    return sorted(dates)
