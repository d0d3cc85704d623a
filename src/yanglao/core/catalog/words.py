"""The words of the rule language, in one place, for both registers.

Staff read the rules as written ("年龄 ≥ 80周岁", "能力等级为 1（轻度失能）"): :mod:`describe`. Families
read them in everyday words ("年满80周岁", "轻度失能"): :mod:`yanglao.catalogweb.plain`. Both take their
labels from here, and here takes the labels of the person's fields from :mod:`yanglao.core.person` only
(ability levels, disability grades, codes): nothing else spells them.

Also here: the words of what the language adds to an amount — who is paid (``payee``), a quantity other
than money (``quantity``), the applicant's own choice (``chooser: applicant``), the list's status — and
the mark of an amount resting on an example figure (示例值).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from yanglao.core.catalog.decision import ItemDecision, Trace
from yanglao.core.catalog.model import PERIODS, Catalog, Quantity
from yanglao.core.person import FIELD_BY_NAME, value_words

PLACEHOLDER_MARK = "〔示例值〕"
PLACEHOLDER_NOTE = "金额按示例值计算，须换成本地标准后才是实际金额"
CHOICE_WORDS = "择高，由本人选择"
PER_WORDS = {"month": "每月", "year": "每年", "once": "每次"}
COMPARISON_QUANTITY = {"floor": "至少", "ceiling": "至多", "exact": ""}
COMPARISON_PERCENT = {"floor": "不低于", "ceiling": "不高于", "exact": ""}


def number_text(value: Decimal) -> str:
    """``Decimal('100.00')`` → ``100``, ``Decimal('1.30')`` → ``1.3``."""
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")


def money_text(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'))}"


def literal_text(value: object) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return number_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# --- the person's fields (labels from core/person.py only) -----------------------------------------


def field_label(name: str) -> str:
    if name == "age":
        return "年龄"
    return FIELD_BY_NAME[name].label


def code_label(field: str, code: str | int) -> str:
    """A coded value as staff read it: ``1（轻度失能）``, ``1级``, ``分散供养``."""
    fld = FIELD_BY_NAME[field]
    if field == "disability_grade":
        return f"{code}级"
    if fld.levels:
        return f"{code}（{value_words(field, code)}）"
    if fld.kind == "code":
        return value_words(field, code)
    return str(code)


def code_words(field: str, code: str | int) -> str:
    """A coded value as a family says it: ``轻度失能``, ``一级``, ``分散供养`` (the field's codes or named
    levels, :func:`yanglao.core.person.value_words`)."""
    return value_words(field, code)


# --- what a benefit gives, and to whom --------------------------------------------------------------


def quantity_text(quantity: Quantity) -> str:
    """``每月至少1次``, ``每年1次``, ``70%``, ``不低于30%``, ``保额10000元``, ``免费``, ``优先``."""
    unit, value = quantity.unit, quantity.value
    if unit == "free":
        return "免费"
    if unit == "priority":
        return "优先"
    assert value is not None
    if unit == "percent":
        return f"{COMPARISON_PERCENT[quantity.comparison or 'exact']}{number_text(value)}%"
    if unit == "sum_insured":
        return f"保额{COMPARISON_PERCENT[quantity.comparison or 'exact']}{number_text(value)}元"
    per = PER_WORDS[quantity.per] if quantity.per else ""
    return f"{per}{COMPARISON_QUANTITY[quantity.comparison or 'exact']}{number_text(value)}次"


def count_text(value: float | Decimal) -> str:
    """A count of people or of times: ``1,200``; an expected value rounded to the whole (``约`` is the
    caller's)."""
    return f"{float(value):,.0f}"


def quantity_count_text(quantity: Quantity, people: float, total: float | None, over: str = "period") -> str:
    """A quantity counted over the people granted it: on a date, per its period (``over="period"``:
    ``每月至少1,200人次（1,200人，每人每月至少1次）``), or over a year (``over="year"``: ``全年至少14,400人次
    （最多1,200人，每人每月至少1次）``); ``保额合计…元``; ``300人（报销70%）`` where there is nothing to add up."""
    each = quantity_text(quantity)
    who = f"{'最多' if over == 'year' else ''}{count_text(people)}人"
    if total is None:
        return f"{who}（{each}）"
    if quantity.unit == "sum_insured":
        return f"保额合计{count_text(total)}元（{who}，每人{each}）"
    at_least = COMPARISON_QUANTITY[quantity.comparison or "exact"]
    span = "全年" if over == "year" else PER_WORDS[quantity.per] if quantity.per else "共"
    return f"{span}{at_least}{count_text(total)}人次（{who}，每人{each}）"


def payee_text(payee: str, name: str | None) -> str:
    """Empty for the person; ``由敬老院领取（不发给本人）`` for an institution."""
    if payee == "person":
        return ""
    return f"由{name or '服务机构'}领取（不发给本人）"


def per_text(period: str | None) -> str:
    return f"/{PERIODS[period]}" if period else ""


def choice_text(group_text: str, others: list[str]) -> str:
    """``择高，由本人选择：与第17项 重度残疾人护理补贴只能申领其一（…）``."""
    with_ = "、".join(others)
    said = f"（{group_text}）" if group_text else ""
    return f"{CHOICE_WORDS}：与{with_}只能申领其一{said}"


def list_status_text(catalog: Catalog, on: dt.date) -> list[str]:
    """What a reader must know about the list itself on ``on``: a draft, a list not yet (or no longer)
    in force."""
    out: list[str] = []
    if catalog.status != "issued":
        out.append(f"本清单是{catalog.status_text}")
    if catalog.effective_from is not None and on < catalog.effective_from:
        out.append(f"本清单自 {catalog.effective_from} 起施行，{on} 尚未施行，不享受其中任何待遇")
    if catalog.effective_to is not None and on > catalog.effective_to:
        out.append(f"本清单已于 {catalog.effective_to} 终止，{on} 不再适用")
    return out


# --- reasons (the evaluator's words, for staff) --------------------------------------------------


def failure_reason(trace: Trace) -> str:
    """Why a condition does not hold, in plain words, naming the person's values."""
    if trace.kind == "leaf":
        return f"{trace.text}（{trace.value}）" if trace.value else trace.text
    if trace.kind == "all":
        return "；".join(failure_reason(c) for c in trace.children if not c.result)
    if trace.kind == "any":
        return "以下条件均不满足：" + " / ".join(failure_reason(c) for c in trace.children)
    inner = trace.children[0]
    return f"{trace.text}不成立，因为{success_reason(inner)}"


def success_reason(trace: Trace) -> str:
    if trace.kind == "leaf":
        return f"{trace.text}（{trace.value}）" if trace.value else trace.text
    if trace.kind == "all":
        return "；".join(success_reason(c) for c in trace.children)
    if trace.kind == "any":
        return next(success_reason(c) for c in trace.children if c.result)
    inner = trace.children[0]
    return f"{trace.text}（{failure_reason(inner)}）"


def exclusion_reason(
    group_name: str, winner: ItemDecision, loser: ItemDecision, win: Decimal | None, lose: Decimal | None
) -> str:
    """Why a member of a 择高 group ranked by amount is not granted (``win``/``lose``: yearly amounts)."""
    head = f"第{winner.no}项 {winner.name}"
    if win is not None and (lose is None or lose < win):
        own = (
            "本项金额未定"
            if lose is None
            else f"本项 {money_text(loser.amount or Decimal(0))} 元{per_text(loser.period)}"
        )
        return f"择高：已享受更高的 {head}（{group_name}，只能择一；{own}）"
    why = "金额相同" if lose is not None else "金额未定"
    return f"择高：已享受 {head}（{group_name}，只能择一；{why}，按序号在前者享受）"
