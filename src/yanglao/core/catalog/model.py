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
Payee = Literal["person", "institution"]
QuantityUnit = Literal["times", "percent", "sum_insured", "free", "priority"]
Chooser = Literal["highest", "applicant"]
ListStatus = Literal["issued", "draft", "adopted"]

ITEM_TYPES: dict[str, str] = {
    "material_aid": "物质帮助",
    "care_service": "照护服务",
    "caring_service": "关爱服务",
}
PERIODS: dict[str, str] = {"month": "月", "year": "年", "once": "次"}
COMPARISONS: dict[str, str] = {"floor": "不低于", "ceiling": "不高于", "exact": "定额"}
LEVELS: tuple[str, ...] = ("中央", "省", "市", "县")
PAYEES: dict[str, str] = {"person": "本人", "institution": "服务机构"}
# Quantities other than a periodic amount of money (docs/catalogs.md "数量"): the unit, its words.
QUANTITY_UNITS: dict[str, str] = {
    "times": "次",
    "percent": "%",
    "sum_insured": "元保额",
    "free": "免费",
    "priority": "优先",
}
# Units that carry no number ("免费", "优先").
UNITS_WITHOUT_VALUE = frozenset({"free", "priority"})
CHOOSERS: dict[str, str] = {"highest": "按金额择高", "applicant": "择高，由本人选择"}
LIST_STATUSES: dict[str, str] = {
    "issued": "已印发",
    "draft": "征求意见稿",
    "adopted": "征求意见稿（本局已决定采用）",
}
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
class Quantity:
    """What a benefit gives when it is not (only) a periodic amount of money: ``每月至少一次`` (1 times per
    month, floor), ``报销70%`` (70 percent), ``减免不低于30%`` (30 percent, floor), a sum insured, ``免费``,
    ``优先`` (no value)."""

    unit: QuantityUnit
    value: Decimal | None = None
    per: Period | None = None
    comparison: Comparison | None = None

    def as_json(self) -> dict[str, object]:
        return {
            "value": None if self.value is None else float(self.value),
            "unit": self.unit,
            "per": self.per,
            "comparison": self.comparison,
        }


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
    payee: Payee = "person"  # who is paid: the person, or the institution that serves them
    payee_text: str | None = None  # the institution as the document names it (敬老院)
    quantity: Quantity | None = None


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
    # "highest": the evaluator grants only the highest amount; "applicant": the document leaves the choice
    # to the person (可择高申领其中一类): every member qualified for is shown as eligible, "择高，由本人选择".
    chooser: Chooser = "highest"


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
    # 择高 groups whose document leaves the choice to the person (``chooser: applicant``): kept apart from
    # ``exclusive_groups`` so that no whole-list step (evaluator, bulk plan) ranks them.
    choice_groups: tuple[ExclusiveGroup, ...] = ()
    status: ListStatus = "issued"  # a 征求意见稿 (draft) is not found by 户籍 unless adopted
    effective_from: dt.date | None = None  # the list grants nothing before this day
    effective_to: dt.date | None = None  # nor after this one

    @property
    def status_text(self) -> str:
        return LIST_STATUSES[self.status]

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    def in_force(self, on: dt.date) -> bool:
        """Whether the list itself applies on ``on`` (its effective dates; a draft named explicitly is
        evaluated as if in force, and says so)."""
        if self.effective_from is not None and on < self.effective_from:
            return False
        return not (self.effective_to is not None and on > self.effective_to)

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
        """The items in force on ``on``: none before the list's effective date or after its end date."""
        if not self.in_force(on):
            return ()
        return tuple(item for item in self.items if item.in_force(on))


def no_sort_key(no: str) -> tuple[int, ...]:
    """Natural order of printed item numbers: "2" < "10", "3-1" < "3-2"."""
    return tuple(int(part) for part in re.findall(r"\d+", no)) or (0,)
