"""The self-check "我能享受哪些服务？": answers → person record → ``evaluate`` → what to show (pure Python).

The public form and the HTTP API share this path::

    record = build_record(answers, catalog, on)           # the anonymous form only
    decision = evaluate(catalog, record, on, options)
    items = explain(decision, catalog, record)            # any record, e.g. a registered person's

Nothing here stores or logs anything: the record lives in memory for one request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from yanglao.catalogweb.plain import (
    Mismatch,
    expr_words,
    extra_words,
    money_words,
    places,
    region_choices,
    why_not,
    why_yes,
)
from yanglao.core.catalog import Catalog, Decision, ItemDecision, evaluate
from yanglao.core.catalog.decision import STATUS_WORDS, ParamRead
from yanglao.core.catalog.describe import number_text
from yanglao.core.catalog.model import ITEM_TYPES, Benefit, Item
from yanglao.core.catalog.rules import fields_used
from yanglao.core.person import FIELD_BY_NAME, Record, Value, parse_value
from yanglao.core.personfields import asked

# The status as the public pages say it (the core's words are for staff).
STATUS_WORDS_PUBLIC: dict[str, str] = {
    **STATUS_WORDS,
    "not_evaluable": "需个案审核",
    "excluded": "择高未享受",
}
GROUPS: tuple[tuple[str, str], ...] = (
    ("granted", "可以享受"),
    ("not_evaluable", "需要个案审核"),
    ("excluded", "择高：已享受同类更高的一项"),
    ("not_granted", "不符合条件"),
)


def asked_fields(catalog: Catalog) -> list[str]:
    """The person fields the self-check asks about for this list (besides age and the places): those
    ``core/personfields.py`` says are asked of everyone, and those the list's rules read."""
    used: set[str] = set()
    for item in catalog.items:
        for benefit in item.benefits:
            for tree in (benefit.rule, benefit.amount):
                if tree is not None:
                    used |= fields_used(tree)
    return [f.name for f in asked(used)]


def birth_date_for_age(age: int, on: dt.date) -> dt.date:
    """A birth date giving exactly ``age`` completed years on ``on`` (the birthday falls on ``on``)."""
    try:
        return on.replace(year=on.year - age)
    except ValueError:  # 29 February
        return on.replace(year=on.year - age, day=28)


def build_record(data: Mapping[str, object], catalog: Catalog, on: dt.date) -> Record:
    """A person record from the self-check's answers; nothing is stored.

    ``data`` keys: ``birth_date`` (a date or ``YYYY-MM-DD``) or ``age`` (completed years); ``hukou`` and
    ``residence`` (keys of :func:`~yanglao.catalogweb.plain.region_choices`: ``local``, ``city``,
    ``province``, ``elsewhere``; ``residence`` defaults to ``hukou``); and person fields by name
    (``dibao``, ``tekun``, ``ability_level``…), typed or as text. A yes/no question the list asks
    that is missing from ``data`` is "否" (an unticked box). Raises ``ValueError`` with a message."""
    record: Record = {}
    birth = data.get("birth_date")
    if birth not in (None, ""):
        parsed = parse_value(FIELD_BY_NAME["birth_date"], birth)
        assert isinstance(parsed, dt.date)
        record["birth_date"] = parsed
    elif data.get("age") not in (None, ""):
        age = int(str(data["age"]))
        if not 0 <= age <= 130:
            raise ValueError("年龄应在 0–130 岁之间")
        record["birth_date"] = birth_date_for_age(age, on)
    else:
        raise ValueError("请填写年龄或出生日期")
    codes = {key: code for key, _, code in region_choices(catalog)}
    hukou = str(data.get("hukou") or "local")
    residence = str(data.get("residence") or hukou)
    for name, key in (("hukou_region", hukou), ("residence_region", residence)):
        if key not in codes:
            raise ValueError(f"未知的地点选项“{key}”")
        record[name] = codes[key]
    for name in asked_fields(catalog):
        fld = FIELD_BY_NAME[name]
        raw = data.get(name)
        if raw is None and fld.kind == "bool":
            raw = False
        record[name] = parse_value(fld, raw)
    if record.get("ability_level") is not None:
        record["ability_assessed_on"] = on
    return record


# --- the view-model ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParamLine:
    """A figure the answer used: its value on the date, since when, and the document it comes from."""

    label: str
    value: str
    unit: str
    since: str
    reference: str
    example: bool  # 示例值，需本地填报

    @classmethod
    def of(cls, read: ParamRead) -> ParamLine:
        value = number_text(read.value) if read.value is not None else "（该日无值）"
        since = read.valid_from.isoformat() if read.valid_from else ""
        return cls(read.label, value, read.unit, since, read.reference, read.example)


@dataclass(frozen=True)
class ItemView:
    """One item of the list as answered for one person, in plain words."""

    no: str
    name: str
    code: str
    status: str  # granted / not_granted / excluded / not_evaluable
    status_words: str
    reason: str  # why yes or why not, with the person's own values
    type_label: str
    standard_text: str
    amount: Decimal | None
    amount_words: str  # "每月 100 元", "每月不低于 75 元"; "" for a service without a fixed sum
    how: str  # how the amount is worked out, figures on the date
    params: tuple[ParamLine, ...]
    ask: str  # who to ask: the lead departments
    parts: tuple[ItemView, ...] = field(default=())
    extra: str = (
        ""  # what it gives besides money, and to whom: "每年1次", "免费", "由敬老院领取（不发给本人）"
    )

    @property
    def granted(self) -> bool:
        return self.status == "granted"

    @property
    def uses_example(self) -> bool:
        return any(p.example for p in self.params) or any(p.uses_example for p in self.parts)


def ask_words(item: Item, catalog: Catalog) -> str:
    if item.lead_departments:
        return "、".join(item.lead_departments)
    return f"清单未写牵头部门：可向所在乡镇（街道）或{places(catalog).short}民政部门咨询"


def _reason(
    benefit: Benefit, decision: ItemDecision, record: Mapping[str, Value], catalog: Catalog, on: dt.date
) -> str:
    if decision.status == "not_evaluable":
        return "需要个案审核：" + (benefit.rule_note or decision.reason.removeprefix("无法机器判断："))
    if decision.status not in ("granted", "not_granted") or benefit.rule is None or decision.trace is None:
        return decision.reason
    try:
        if decision.status == "granted":
            choice = f"；{decision.choice}" if decision.choice else ""  # 择高，由本人选择 (issue 12)
            return "符合：" + why_yes(benefit.rule, decision.trace, record, on, catalog) + choice
        return "不符合：" + why_not(benefit.rule, decision.trace, record, on, catalog)
    except (Mismatch, StopIteration):
        return decision.reason


def _amount_words(decision: ItemDecision, comparison: str | None, has_amount: bool) -> str:
    """The money of a granted item; ``has_amount``: the item has an amount at all (a service given
    once a year, or for free, has none: its words are ``ItemView.extra``, not a missing amount)."""
    if not decision.granted:
        return ""
    if decision.amount is not None:
        return money_words(decision.amount, decision.period, comparison, placeholder=decision.placeholder)
    if has_amount:
        return "金额无法计算（所需数值未知）"
    return ""


def _benefit_view(
    item: Item,
    benefit: Benefit,
    decision: ItemDecision,
    record: Mapping[str, Value],
    catalog: Catalog,
    on: dt.date,
) -> ItemView:
    how = ""
    if decision.granted and benefit.amount is not None:
        how = expr_words(benefit.amount, catalog, on)
    return ItemView(
        no=item.no,
        name=benefit.name,
        code=benefit.code,
        status=decision.status,
        status_words=STATUS_WORDS_PUBLIC[decision.status],
        reason=_reason(benefit, decision, record, catalog, on),
        type_label=item.type_text or ITEM_TYPES[item.type],
        standard_text=benefit.standard_text or item.standard_text or "",
        amount=decision.amount if decision.granted else None,
        amount_words=_amount_words(decision, benefit.comparison, benefit.amount is not None),
        how=how,
        params=tuple(ParamLine.of(p) for p in decision.params) if decision.granted else (),
        ask=ask_words(item, catalog),
        extra=extra_words(benefit),
    )


def explain(decision: Decision, catalog: Catalog, record: Mapping[str, Value]) -> list[ItemView]:
    """Every item of ``decision`` (from ``evaluate(catalog, record, …)``) in plain words, in list order."""
    out: list[ItemView] = []
    for item_decision in decision.items:
        item = catalog.item(item_decision.no)
        if not item.has_parts:
            out.append(_benefit_view(item, item.benefits[0], item_decision, record, catalog, decision.on))
            continue
        parts = (
            tuple(
                _benefit_view(item, catalog.benefit(p.code)[1], p, record, catalog, decision.on)
                for p in item_decision.parts
            )
            if item_decision.parts
            else ()
        )
        granted = [catalog.benefit(p.code)[1] for p in item_decision.parts if p.granted]
        comparisons = {b.comparison for b in granted}
        comparison = "floor" if "floor" in comparisons else "ceiling" if "ceiling" in comparisons else "exact"
        reason = "；".join(f"{p.name}：{p.reason}" for p in parts) or item_decision.reason
        out.append(
            ItemView(
                no=item.no,
                name=item.name,
                code=item.code,
                status=item_decision.status,
                status_words=STATUS_WORDS_PUBLIC[item_decision.status],
                reason=reason,
                type_label=item.type_text or ITEM_TYPES[item.type],
                standard_text=item.standard_text or "",
                amount=item_decision.amount if item_decision.granted else None,
                amount_words=_amount_words(
                    item_decision, comparison, any(b.amount is not None for b in granted)
                )
                if len(granted) > 1
                else "",
                how="",
                params=(),
                ask=ask_words(item, catalog),
                parts=parts,
            )
        )
    return out


def grouped(items: list[ItemView]) -> list[tuple[str, str, list[ItemView]]]:
    """The items by status, granted first: ``(status, heading, items)``; empty groups left out."""
    return [
        (key, heading, rows) for key, heading in GROUPS if (rows := [i for i in items if i.status == key])
    ]


@dataclass(frozen=True)
class SelfCheck:
    on: dt.date
    record: Record
    decision: Decision
    items: list[ItemView]

    @property
    def groups(self) -> list[tuple[str, str, list[ItemView]]]:
        return grouped(self.items)


def self_check(
    catalog: Catalog, data: Mapping[str, object], on: dt.date, options: Mapping[str, bool] | None = None
) -> SelfCheck:
    """``build_record`` → ``evaluate`` → ``explain`` in one call (raises ``ValueError`` on bad answers)."""
    record = build_record(data, catalog, on)
    decision = evaluate(catalog, record, on, options)
    return SelfCheck(on, record, decision, explain(decision, catalog, record))
