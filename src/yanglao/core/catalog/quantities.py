"""What a benefit gives besides a periodic amount, and to whom: the ``quantity`` and ``payee`` keys of an
item or part in ``items.yaml`` (docs/catalog-format.md), read strictly (file, line, path, reason); and a
quantity counted over the people granted it, for the impact and budget totals (docs/impact.md)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, cast

from yanglao.core.catalog.model import (
    COMPARISONS,
    PAYEES,
    PERIOD_FACTOR,
    PERIODS,
    QUANTITY_UNITS,
    UNITS_WITHOUT_VALUE,
    Comparison,
    Item,
    Payee,
    Period,
    Quantity,
    QuantityUnit,
)
from yanglao.core.catalog.words import quantity_count_text
from yanglao.core.catalog.yamlio import At, MarkedDict, mapping, number, optional_text, text

# Units whose value adds up over people: times (人次) and sums insured (保额). A percentage, 免费 and 优先
# are counted in people only.
ADDED_UP = frozenset({"times", "sum_insured"})


def parse_payee(data: MarkedDict, at: At) -> tuple[Payee, str | None]:
    """``payee: institution`` with ``payee_text: 供养本人的敬老院``; the person when not given."""
    payee = optional_text(data, "payee", at) or "person"
    if payee not in PAYEES:
        allowed = "、".join(f"{k}（{v}）" for k, v in PAYEES.items())
        raise at.key("payee", data).error(f"未知的领取方“{payee}”，可用：{allowed}")
    payee_text = optional_text(data, "payee_text", at)
    if payee_text is not None and payee == "person":
        raise at.key("payee_text", data).error("payee_text 只用于 payee: institution（写明领取的机构）")
    return cast(Payee, payee), payee_text


def parse_quantity(raw: object, at: At) -> Quantity:
    """``quantity: {unit: times, value: 1, per: month, comparison: floor}`` (每月至少一次), ``{unit: percent,
    value: 70}`` (报销70%), ``{unit: free}``, ``{unit: priority}``, ``{unit: sum_insured, value: 10000}``."""
    data = mapping(raw, at, required=("unit",), optional=("value", "per", "comparison"))
    unit = text(data["unit"], at.key("unit", data))
    if unit not in QUANTITY_UNITS:
        allowed = "、".join(f"{k}（{v}）" for k, v in QUANTITY_UNITS.items())
        raise at.key("unit", data).error(f"未知的数量单位“{unit}”，可用：{allowed}")
    value = number(data["value"], at.key("value", data)) if data.get("value") is not None else None
    if unit in UNITS_WITHOUT_VALUE and value is not None:
        raise at.key("value", data).error(f"“{QUANTITY_UNITS[unit]}”没有数值，请删去 value")
    if unit not in UNITS_WITHOUT_VALUE and value is None:
        raise at.key("unit", data).error(f"数量单位“{QUANTITY_UNITS[unit]}”须写 value")
    if value is not None and value < 0:
        raise at.key("value", data).error("数量不能为负数")
    if unit == "percent" and value is not None and value > 100:
        raise at.key("value", data).error(f"百分比不能超过100，实际为 {value}")
    per = optional_text(data, "per", at)
    if per is not None and per not in PERIODS:
        raise at.key("per", data).error(f"未知的周期“{per}”，可用：month（月）、year（年）、once（次）")
    if per is not None and unit != "times":
        raise at.key("per", data).error("只有次数（times）有周期 per")
    comparison = optional_text(data, "comparison", at)
    if comparison is not None and comparison not in COMPARISONS:
        raise at.key("comparison", data).error(
            f"未知的比较方式“{comparison}”，可用：floor（不低于/至少）、ceiling（不高于）、exact（确定数值）"
        )
    if comparison is not None and value is None:
        raise at.key("comparison", data).error("没有数值的数量不能写 comparison")
    return Quantity(
        cast(QuantityUnit, unit),
        value,
        cast(Period | None, per),
        cast(Comparison | None, comparison),
    )


# --- counted over people ----------------------------------------------------------------------------


def item_quantity(item: Item) -> Quantity | None:
    """The quantity everybody granted ``item`` receives: the item's own, or the one all its parts share.
    A quantity on some parts only is not counted per item (the people granted another part would be
    counted with it)."""
    found = {b.quantity for b in item.benefits}
    return found.pop() if len(found) == 1 else None


def _number(value: Decimal | float) -> float | int:
    return int(value) if value == int(value) else float(value)


def counted(
    quantity: Quantity, people: float, total: Decimal | float | None, over: str = "period"
) -> dict[str, Any]:
    """``{"unit", "value", "per", "comparison", "people", "total", "text"}``: ``total`` in times (人次) or
    yuan insured, None for a unit that does not add up."""
    return {
        **quantity.as_json(),
        "people": _number(people),
        "total": None if total is None else _number(total),
        "text": quantity_count_text(quantity, people, None if total is None else float(total), over),
    }


def on_date(quantity: Quantity, people: int) -> dict[str, Any]:
    """The quantity of ``people`` granted it on a date, per its period: ``每月至少1,200人次``."""
    total = quantity.value * people if quantity.unit in ADDED_UP and quantity.value is not None else None
    return counted(quantity, people, total)


def over_year(quantity: Quantity, months: Sequence[tuple[float, float]]) -> dict[str, Any]:
    """The quantity over a year from the expected people of each month ``(granted, newly granted)``: times
    per month every month, times per year a twelfth a month, times without a period (or once) in the month
    a person first qualifies — as the budget counts money; a sum insured over the most people of a month."""
    people = max((granted for granted, _ in months), default=0.0)
    total: float | None = None
    if quantity.unit in ADDED_UP and quantity.value is not None:
        value = float(quantity.value)
        if quantity.unit == "sum_insured":
            total = people * value
        elif quantity.per in ("month", "year"):
            total = sum(granted for granted, _ in months) * value * PERIOD_FACTOR[quantity.per] / 12
        else:
            total = sum(new for _, new in months) * value
    return counted(quantity, people, total, over="year")
