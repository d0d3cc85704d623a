"""The dated parameters, item classes and rule-language conditions of the fund-fraud checks
(``checks.yaml`` beside this module), read strictly: a missing key or a bad value is an error naming it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from yanglao.core.catalog.ruleparse import Names, parse_cond
from yanglao.core.catalog.rules import Cond
from yanglao.core.catalog.yamlio import At

PATH = Path(__file__).with_name("checks.yaml")
ITEM_CLASSES = ("centralized", "dispersed", "tekun_either", "institution")
CONDITIONS = ("registered_centralized", "registered_dispersed")
NUMBERS = ("max_absent_days", "min_unrelated_families")


class ParameterError(ValueError):
    """checks.yaml is wrong."""


@dataclass(frozen=True)
class Dated:
    start: dt.date
    value: int
    reference: str


@dataclass(frozen=True)
class Settings:
    """What one run uses: the figures in force on the month's first day."""

    month: dt.date
    max_absent_days: int
    min_unrelated_families: int
    items: dict[str, tuple[str, ...]]
    conditions: dict[str, Cond]
    references: dict[str, str]


def _dated(name: str, entry: Any) -> list[Dated]:
    values = entry.get("values") if isinstance(entry, dict) else None
    if not isinstance(values, list) or not values:
        raise ParameterError(f"checks.yaml：参数 {name} 缺少 values")
    out = []
    for i, v in enumerate(values):
        start, value, ref = v.get("from"), v.get("value"), v.get("reference")
        if not isinstance(start, dt.date) or not isinstance(value, int) or not ref:
            raise ParameterError(
                f"checks.yaml：参数 {name} 第{i + 1}个值须有 from（日期）、value（整数）、reference"
            )
        out.append(Dated(start, value, str(ref).strip()))
    return sorted(out, key=lambda d: d.start)


def load(month: dt.date, path: Path = PATH) -> Settings:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    params = data.get("parameters", {})
    figures: dict[str, int] = {}
    refs: dict[str, str] = {}
    for name in NUMBERS:
        if name not in params:
            raise ParameterError(f"checks.yaml：缺少参数 {name}")
        in_force = [d for d in _dated(name, params[name]) if d.start <= month]
        if not in_force:
            raise ParameterError(f"checks.yaml：参数 {name} 在 {month:%Y-%m} 尚未生效")
        figures[name] = in_force[-1].value
        refs[name] = in_force[-1].reference
    items: dict[str, tuple[str, ...]] = {}
    for name in ITEM_CLASSES:
        codes = data.get("items", {}).get(name, {}).get("codes")
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            raise ParameterError(f"checks.yaml：items.{name}.codes 应为服务代码的列表")
        items[name] = tuple(codes)
    names = Names(parameters=set(), options=set())
    conditions: dict[str, Cond] = {}
    for name in CONDITIONS:
        entry = data.get("conditions", {}).get(name)
        if not isinstance(entry, dict) or "rule" not in entry:
            raise ParameterError(f"checks.yaml：缺少条件 {name}")
        conditions[name] = parse_cond(entry["rule"], At(str(path.name), f"conditions.{name}.rule"), names)
    return Settings(
        month=month,
        max_absent_days=figures["max_absent_days"],
        min_unrelated_families=figures["min_unrelated_families"],
        items=items,
        conditions=conditions,
        references=refs,
    )
