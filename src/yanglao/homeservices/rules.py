"""The figures of the three workflows that are not in the service catalogue: ``data/<code>.yaml``
(dated parameters with their references, like ``catalogs/<code>/parameters.yaml``; the adaptation item
list with its price caps)."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Item:
    code: str
    name: str
    unit: str
    cap: Decimal  # yuan per unit


@functools.cache
def _load(code: str) -> dict[str, object]:
    path = DATA / f"{code}.yaml"
    if not path.exists():
        raise LookupError(f"没有 {code} 的居家服务参数（{path.name}）")
    loaded: dict[str, object] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return loaded


def value(code: str, name: str, on: dt.date) -> Decimal:
    """The parameter's value in force on ``on`` (the latest ``from`` not after it)."""
    params = _load(code)["parameters"]
    assert isinstance(params, dict)
    found = [v for v in params[name]["values"] if dt.date.fromisoformat(str(v["from"])) <= on]
    if not found:
        raise LookupError(f"参数 {name} 在 {on} 尚未生效")
    latest = max(found, key=lambda v: str(v["from"]))
    return Decimal(str(latest["value"]))


def adaptation_items(code: str) -> dict[str, Item]:
    raw = _load(code)["adaptation_items"]
    assert isinstance(raw, dict)
    return {i["code"]: Item(i["code"], i["name"], i["unit"], Decimal(str(i["cap"]))) for i in raw["items"]}
