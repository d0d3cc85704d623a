"""Splitting a payment by funding level (支出责任): only as far as the list says, never invented.

The rule, applied per item and per evaluation day (the first that applies):

1. **Share parameters.** The list's ``parameters.yaml`` may hold ``funding_share_<item code>_<level>``
   (``level``: ``central`` 中央, ``province`` 省, ``city`` 市, ``county`` 县), a fraction with its
   date and reference like every parameter (a note that gives shares is transcribed this way). When the
   values in force add up to exactly 1 and cover every level the item's ``funding.levels`` names, the
   amount is split by them; otherwise the line says why it is not split.
2. **One level named.** ``funding.levels`` names exactly one level (“县政府负责。” → ``[县]``): the list
   names no other payer, so the whole amount is that level's.
3. **Several levels, no shares** (“市、县级政府负责，省财政给予适当补助”): not split; the line and the
   totals say which levels the list names and that it gives no shares.
4. **No level named**: not split (“清单未列明支出责任层级”), quoting the list's funding text if any.

Splitting rounds each level's part half-up to the fen in the order 中央、省、市、县, and the last level
takes the remainder, so the parts always add up to the amount (negative amounts — recovery — alike).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from yanglao.core.catalog.evaluate import round_amount
from yanglao.core.catalog.model import LEVELS, Catalog, Item

LEVEL_KEYS: dict[str, str] = {"中央": "central", "省": "province", "市": "city", "县": "county"}
SHARE_PREFIX = "funding_share_"
UNSPLIT = "未拆分"


@dataclass(frozen=True)
class FundingRule:
    shares: tuple[tuple[str, Decimal], ...]  # (level, fraction) in LEVELS order; empty: not split
    note: str  # how the split was reached, or why there is none

    @property
    def split(self) -> bool:
        return bool(self.shares)


def share_parameter(item_code: str, level: str) -> str:
    return f"{SHARE_PREFIX}{item_code}_{LEVEL_KEYS[level]}"


def funding_rule(catalog: Catalog, item: Item, on: dt.date) -> FundingRule:
    named = tuple(level for level in LEVELS if level in item.funding.levels)
    found: dict[str, Decimal] = {}
    refs: list[str] = []
    for level in LEVELS:
        param = catalog.parameters.get(share_parameter(item.code, level))
        value = param.value_on(on) if param is not None else None
        if value is not None:
            found[level] = value.value
            refs.append(value.reference)
    if found:
        total = sum(found.values(), Decimal(0))
        if total != 1:
            return FundingRule((), f"分担比例参数合计为 {total}，不等于 1，未拆分")
        missing = [level for level in named if level not in found]
        if missing:
            return FundingRule((), f"清单列明的{'、'.join(missing)}级没有分担比例参数，未拆分")
        shares = tuple((level, found[level]) for level in LEVELS if level in found)
        words = "、".join(f"{level} {share}" for level, share in shares)
        return FundingRule(shares, f"按分担比例参数拆分：{words}（依据：{'；'.join(dict.fromkeys(refs))}）")
    text = f"（原文：{item.funding.text}）" if item.funding.text else ""
    if not named:
        return FundingRule((), f"清单未列明支出责任层级{text}，未拆分")
    if len(named) == 1:
        return FundingRule(
            ((named[0], Decimal(1)),), f"清单只列明{named[0]}级承担{text}，全额计入{named[0]}级"
        )
    return FundingRule((), f"清单列明{'、'.join(named)}共同承担，未列明分担比例{text}，未拆分")


def split(amount: Decimal, rule: FundingRule) -> tuple[tuple[str, Decimal], ...]:
    """The amount by level (empty when the rule does not split); the parts add up to ``amount``."""
    if not rule.shares:
        return ()
    parts: list[tuple[str, Decimal]] = []
    remaining = amount
    for index, (level, share) in enumerate(rule.shares):
        part = remaining if index == len(rule.shares) - 1 else round_amount(amount * share)
        parts.append((level, part))
        remaining -= part
    return tuple(parts)
