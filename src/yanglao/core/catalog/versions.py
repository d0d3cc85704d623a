"""What changed between two versions of a list, in plain words for the public page's history:
"自2025年1月1日起，80–89周岁高龄津贴由每人每月50元提高到80元，依据：…"."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from yanglao.core.catalog.model import Catalog, Item, ParamValue, no_sort_key
from yanglao.core.catalog.rules import params_used
from yanglao.core.catalog.words import number_text

_QUALIFIED = re.compile(r"^(?P<base>.+?)（(?P<qualifier>[^（）]+)）$")
_UNITS: dict[str, tuple[str, str]] = {
    "元/人/月": ("每人每月", "元"),
    "元/人/年": ("每人每年", "元"),
    "元/户/年": ("每户每年", "元"),
    "元/户": ("每户", "元"),
    "元/月": ("每月", "元"),
    "元/年": ("每年", "元"),
    "元/人": ("每人", "元"),
}


@dataclass(frozen=True)
class HistoryLine:
    on: dt.date
    kind: str  # parameter, option, item_added, item_retired, item_changed, definition
    text: str


def date_words(on: dt.date) -> str:
    return f"{on.year}年{on.month}月{on.day}日"


def label_words(label: str) -> str:
    """ "高龄津贴（80–89周岁）" → "80–89周岁高龄津贴": the qualifier read first, as one says it."""
    match = _QUALIFIED.match(label)
    return f"{match['qualifier']}{match['base']}" if match else label


def _amount(value: Decimal, unit: str) -> tuple[str, str]:
    per, short = _UNITS.get(unit, ("", unit))
    return per, f"{number_text(value)}{short}"


def _used_by(catalog: Catalog, name: str) -> list[Item]:
    out = []
    for item in catalog.items:
        for b in item.benefits:
            nodes = [n for n in (b.amount, b.rule) if n is not None]
            if any(name in params_used(n) for n in nodes):
                out.append(item)
                break
    return out


def _items_words(items: list[Item]) -> str:
    return "、".join(f"第{i.no}项{i.name}" for i in items)


def _param_lines(before: Catalog, after: Catalog) -> list[HistoryLine]:
    out: list[HistoryLine] = []
    for name, param in after.parameters.items():
        old = before.parameters.get(name)
        known = set(old.values) if old is not None else set()
        previous: ParamValue | None = None
        for value in param.values:
            if value not in known:
                label = label_words(param.label)
                per, new = _amount(value.value, param.unit)
                if previous is None:
                    change = f"{label}为{per}{new}"
                else:
                    _, was = _amount(previous.value, param.unit)
                    verb = (
                        "提高到"
                        if value.value > previous.value
                        else "降低到"
                        if value.value < previous.value
                        else "仍为"
                    )
                    change = f"{label}由{per}{was}{verb}{new}"
                items = _items_words(_used_by(after, name))
                where = f"（{items}）" if items else ""
                mark = "（示例值，待本地填报）" if value.example else ""
                out.append(
                    HistoryLine(
                        value.valid_from,
                        "parameter",
                        f"自{date_words(value.valid_from)}起，{change}{mark}{where}，依据：{value.reference}。",
                    )
                )
            previous = value
    return out


def _option_lines(
    before: Catalog, after: Catalog, effective: dt.date, references: Mapping[str, str]
) -> list[HistoryLine]:
    out: list[HistoryLine] = []
    for name, option in after.options.items():
        old = before.options.get(name)
        was = old.default if old is not None else False
        if option.default == was:
            continue
        items = "、".join(f"第{no}项" for no in option.items)
        where = f"（{items}）" if items else ""
        basis = references.get(name, "")
        if option.default:
            text = f"自{date_words(effective)}起，{option.label}{where}"
        else:
            text = f"自{date_words(effective)}起，不再{option.label}{where}"
        out.append(HistoryLine(effective, "option", f"{text}{'，依据：' + basis if basis else ''}。"))
    return out


_ITEM_FIELDS = {
    "name": "名称",
    "target_text": "服务对象",
    "content": "服务内容",
    "standard_text": "服务标准",
    "benefits": "享受条件或金额",
    "funding": "支出责任",
    "lead_departments": "牵头部门",
}


def _item_lines(before: Catalog, after: Catalog, effective: dt.date) -> list[HistoryLine]:
    out: list[HistoryLine] = []
    old_items = {i.no: i for i in before.items}
    for item in sorted(after.items, key=lambda i: no_sort_key(i.no)):
        old = old_items.get(item.no)
        if old is None:
            since = item.valid_from or effective
            out.append(
                HistoryLine(since, "item_added", f"自{date_words(since)}起，新增第{item.no}项“{item.name}”。")
            )
            continue
        if item.valid_to is not None and item.valid_to != old.valid_to:
            stop = item.valid_to + dt.timedelta(days=1)
            out.append(
                HistoryLine(
                    stop, "item_retired", f"自{date_words(stop)}起，第{item.no}项“{item.name}”停止执行。"
                )
            )
        changed = [words for key, words in _ITEM_FIELDS.items() if getattr(item, key) != getattr(old, key)]
        if changed:
            out.append(
                HistoryLine(
                    effective,
                    "item_changed",
                    f"自{date_words(effective)}起，第{item.no}项“{item.name}”的{'、'.join(changed)}有调整。",
                )
            )
    for no, old in old_items.items():
        if all(i.no != no for i in after.items):
            out.append(
                HistoryLine(
                    effective,
                    "item_retired",
                    f"自{date_words(effective)}起，第{no}项“{old.name}”不再列入清单。",
                )
            )
    return out


def _definition_lines(before: Catalog, after: Catalog, effective: dt.date) -> list[HistoryLine]:
    out = []
    for name, definition in after.definitions.items():
        old = before.definitions.get(name)
        if old is None or old.rule != definition.rule:
            out.append(
                HistoryLine(
                    effective,
                    "definition",
                    f"自{date_words(effective)}起，“{definition.label}”的认定条件有调整，依据：{definition.reference}。",
                )
            )
    return out


def history(
    before: Catalog, after: Catalog, effective: dt.date, references: Mapping[str, str] | None = None
) -> list[HistoryLine]:
    """Every change from ``before`` to ``after`` (the version published from ``effective``), dated:
    new parameter values from their own dates, the rest from ``effective``. ``references`` gives the
    document of each local option switched (its name → the document)."""
    lines = [
        *_param_lines(before, after),
        *_option_lines(before, after, effective, references or {}),
        *_item_lines(before, after, effective),
        *_definition_lines(before, after, effective),
    ]
    return sorted(lines, key=lambda line: line.on)
