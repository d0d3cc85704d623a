"""What :func:`yanglao.core.catalog.evaluate.evaluate` returns: a decision per item, with its explanation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from yanglao.core.catalog.model import Quantity

Status = Literal["granted", "not_granted", "excluded", "not_evaluable"]
STATUS_WORDS: dict[str, str] = {
    "granted": "可享受",
    "not_granted": "不符合条件",
    "excluded": "择高未享受",
    "not_evaluable": "无法机器判断",
}
UNKNOWN = "未知"


@dataclass(frozen=True)
class Trace:
    """One condition as evaluated for this person: its words, the person's value(s), the result."""

    text: str
    result: bool
    value: str = ""  # e.g. "年龄（周岁）：85" or "最低生活保障对象：未知"; empty for all/any/not
    children: tuple[Trace, ...] = ()
    kind: Literal["leaf", "all", "any", "not"] = "leaf"

    def leaves(self) -> list[Trace]:
        if not self.children:
            return [self]
        return [leaf for child in self.children for leaf in child.leaves()]


@dataclass(frozen=True)
class ParamRead:
    """A parameter read on the evaluation date: the value, the date it is in force from, its reference."""

    name: str
    label: str
    unit: str
    value: Decimal | None
    valid_from: dt.date | None
    reference: str
    example: bool

    def text(self) -> str:
        if self.value is None:
            return f"{self.label}：该日期无有效值"
        flag = "（示例值，须替换为本地标准）" if self.example else ""
        since = f"自 {self.valid_from} 起；依据：{self.reference}"
        return f"{self.label} = {self.value} {self.unit}（{since}）{flag}"


@dataclass(frozen=True)
class ItemDecision:
    """The decision on one item (or, inside ``parts``, on one part of an item)."""

    no: str
    code: str
    name: str
    status: Status
    reason: str  # plain Chinese: why granted or why not
    amount: Decimal | None = None  # rounded to 0.01 yuan; None when not granted or not fixed by the text
    period: str | None = None
    comparison: str | None = None
    amount_text: str = ""  # how the amount was reached
    trace: Trace | None = None
    params: tuple[ParamRead, ...] = ()
    parts: tuple[ItemDecision, ...] = ()
    payee: str = "person"  # "person" | "institution": who is paid (卧龙区第11项: the 敬老院)
    payee_text: str | None = None  # the institution as the document names it
    quantity: Quantity | None = None  # times per period, percent, sum insured, free, priority
    placeholder: bool = False  # the amount rests on an example figure (示例值), not on a real standard
    choice: str = ""  # 择高，由本人选择: the other members of the person's choice, in words

    @property
    def granted(self) -> bool:
        return self.status == "granted"

    def conditions(self) -> list[Trace]:
        """Every leaf condition with this person's value (for items with parts: of every part)."""
        if self.parts:
            return [leaf for part in self.parts for leaf in part.conditions()]
        return self.trace.leaves() if self.trace is not None else []


@dataclass(frozen=True)
class Decision:
    catalog: str
    on: dt.date
    options: dict[str, bool]
    deceased: bool
    items: tuple[ItemDecision, ...]
    notes: tuple[str, ...] = field(default=())

    def item(self, no: str) -> ItemDecision:
        for item in self.items:
            if item.no == no:
                return item
        raise KeyError(no)

    def granted(self) -> list[ItemDecision]:
        return [item for item in self.items if item.granted]
