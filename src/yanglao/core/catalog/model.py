"""The catalogue (基本养老服务清单) as loaded: plain frozen dataclasses, no behaviour beyond lookups."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from yanglao.core.catalog.rules import Cond, Expr

ItemType = Literal["material_aid", "care_service", "caring_service"]
Period = Literal["month", "year", "once"]
Comparison = Literal["floor", "ceiling", "exact"]
Level = Literal["中央", "省", "市", "县"]

ITEM_TYPES: dict[str, str] = {
    "material_aid": "物质帮助",
    "care_service": "照护服务",
    "caring_service": "关爱服务",
}
PERIODS: dict[str, str] = {"month": "月", "year": "年", "once": "次"}
COMPARISONS: dict[str, str] = {"floor": "不低于", "ceiling": "不高于", "exact": "定额"}
LEVELS: tuple[str, ...] = ("中央", "省", "市", "县")
# Amounts are compared across periods on a yearly basis.
PERIOD_FACTOR: dict[str, int] = {"month": 12, "year": 1, "once": 1}


@dataclass(frozen=True)
class Service:
    """One canonical service of the shared taxonomy (``catalogs/taxonomy.yaml``)."""

    code: str
    name: str
    description: str = ""
    broader: str | None = None  # the service this one is a part or a narrower form of


@dataclass(frozen=True)
class Taxonomy:
    services: dict[str, Service]

    def related(self, code: str) -> set[str]:
        """The code, the services it is part of, and the services that are part of it."""
        out = {code}
        current: str | None = code
        while current is not None and current in self.services:
            current = self.services[current].broader
            if current is not None:
                out.add(current)
        out |= {s.code for s in self.services.values() if code in self.ancestors(s.code)}
        return out

    def ancestors(self, code: str) -> set[str]:
        out: set[str] = set()
        current = self.services.get(code)
        while current is not None and current.broader is not None:
            out.add(current.broader)
            current = self.services.get(current.broader)
        return out


@dataclass(frozen=True)
class ParamValue:
    valid_from: dt.date
    value: Decimal
    reference: str
    example: bool = False  # an example figure that each county must replace with its own


@dataclass(frozen=True)
class Parameter:
    name: str
    label: str
    unit: str
    values: tuple[ParamValue, ...]  # sorted by valid_from
    notes: str = ""

    def value_on(self, on: dt.date) -> ParamValue | None:
        """The value in force on ``on``: the latest value whose ``valid_from`` is on or before it."""
        found: ParamValue | None = None
        for value in self.values:
            if value.valid_from <= on:
                found = value
        return found


@dataclass(frozen=True)
class Option:
    """A local option ("有条件的地方可扩大到…"): a switch, off unless the list says otherwise."""

    name: str
    label: str
    text: str
    default: bool = False
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class Funding:
    text: str | None = None
    levels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Benefit:
    """What a person is granted: the item itself, or one part of an item that has several.

    ``rule is None`` means the benefit is not machine-evaluable (``rule_note`` says why)."""

    code: str
    name: str
    target_text: str | None
    rule: Cond | None
    rule_note: str | None
    standard_text: str | None
    amount: Expr | None
    period: Period | None
    comparison: Comparison | None
    notes: str = ""


@dataclass(frozen=True)
class Item:
    no: str  # 序号 exactly as printed
    code: str
    name: str
    type: ItemType
    type_text: str | None
    target_text: str | None
    content: str | None
    standard_text: str | None
    funding: Funding
    lead_departments: tuple[str, ...]
    policy_basis: str | None
    benefits: tuple[Benefit, ...]  # one (the item itself) unless the item has ``parts``
    has_parts: bool
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    notes: str = ""

    def in_force(self, on: dt.date) -> bool:
        if self.valid_from is not None and on < self.valid_from:
            return False
        return not (self.valid_to is not None and on > self.valid_to)


@dataclass(frozen=True)
class ExclusiveGroup:
    """择高申领: of the benefits a person qualifies for, only the highest amount is granted."""

    name: str
    members: tuple[str, ...]  # benefit codes
    text: str = ""
    notes: str = ""


@dataclass(frozen=True)
class Definition:
    """A named definition (失能, 经济困难老年人 …) declared once per jurisdiction with its reference
    (``definitions.yaml``) and used by name in rules (``defined: disabled``)."""

    name: str
    label: str
    rule: Cond
    reference: str
    notes: str = ""
    declared_in: str = ""  # the list (code) whose definitions.yaml declares it


@dataclass(frozen=True)
class Catalog:
    code: str  # GB/T 2260
    name: str
    jurisdiction: str
    document: str
    document_number: str | None
    issued_on: dt.date | None
    version: str
    parent: str | None
    reconstructed: bool
    source: str
    notes: str
    parameters: dict[str, Parameter]
    options: dict[str, Option]
    items: tuple[Item, ...]
    exclusive_groups: tuple[ExclusiveGroup, ...]
    folder: str = ""  # where the files were read from
    definitions: dict[str, Definition] = field(default_factory=dict)

    def item(self, no: str) -> Item:
        for item in self.items:
            if item.no == no:
                return item
        raise KeyError(no)

    def benefit(self, code: str) -> tuple[Item, Benefit]:
        for item in self.items:
            for benefit in item.benefits:
                if benefit.code == code:
                    return item, benefit
        raise KeyError(code)

    def items_on(self, on: dt.date) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.in_force(on))


def no_sort_key(no: str) -> tuple[int, ...]:
    """Natural order of printed item numbers: "2" < "10", "3-1" < "3-2"."""
    return tuple(int(part) for part in re.findall(r"\d+", no)) or (0,)
