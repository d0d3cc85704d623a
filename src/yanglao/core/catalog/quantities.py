"""What a benefit gives besides a periodic amount, and to whom: the ``quantity`` and ``payee`` keys of an
item or part in ``items.yaml`` (docs/catalogs.md), read strictly (file, line, path, reason)."""

from __future__ import annotations

from typing import cast

from yanglao.core.catalog.model import (
    COMPARISONS,
    PAYEES,
    PERIODS,
    QUANTITY_UNITS,
    UNITS_WITHOUT_VALUE,
    Comparison,
    Payee,
    Period,
    Quantity,
    QuantityUnit,
)
from yanglao.core.catalog.yamlio import At, MarkedDict, mapping, number, optional_text, text


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
