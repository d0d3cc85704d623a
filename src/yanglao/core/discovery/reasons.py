"""Why a person is no longer entitled to an item, in a word and in the list's own explanation.

The reason is read from the one-person explanation (:func:`yanglao.core.catalog.evaluate`) of that
item for that person: dead (``Decision.deceased``), moved away (a failing condition on 户籍地 or
常住地), no longer 低保 (a failing condition on 最低生活保障对象), or another condition (its words).
"""

from __future__ import annotations

from dataclasses import dataclass

from yanglao.core.catalog.decision import Decision, ItemDecision, Trace
from yanglao.core.person import FIELD_BY_NAME

PLACE_LABELS = (FIELD_BY_NAME["hukou_region"].label, FIELD_BY_NAME["residence_region"].label)
DIBAO_LABEL = FIELD_BY_NAME["dibao"].label
KIND_WORDS = {
    "died": "已去世",
    "moved": "户籍或居住地迁出",
    "dibao": "不再是低保对象",
    "other": "不再符合条件",
}


@dataclass(frozen=True)
class Why:
    kind: str  # died / moved / dibao / other / entitled
    short: str  # "已于 2024-05-20 去世", "户籍已迁出（本人：410721）", …
    reason: str  # the evaluator's full reason for the item


def failing_leaves(item: ItemDecision) -> list[Trace]:
    traces = [p.trace for p in item.parts] if item.parts else [item.trace]
    out: list[Trace] = []
    for trace in traces:
        if trace is None or trace.result:
            continue
        out.extend(_failing(trace))
    return out


def _failing(trace: Trace) -> list[Trace]:
    if trace.kind == "leaf":
        return [] if trace.result else [trace]
    if trace.kind == "not":
        return [trace] if not trace.result else []
    return [leaf for child in trace.children if not child.result for leaf in _failing(child)]


def classify(decision: Decision, item: ItemDecision, death_date: object = None) -> Why:
    """Why ``item`` (from ``decision``) is not granted; ``kind="entitled"`` when it is."""
    if item.granted:
        return Why("entitled", "符合条件", item.reason)
    if decision.deceased:
        when = f"已于 {death_date} 去世" if death_date else "已去世"
        return Why("died", when, item.reason)
    leaves = failing_leaves(item)
    for leaf in leaves:
        if any(label in leaf.text for label in PLACE_LABELS):
            return Why("moved", f"户籍或居住地不在本地（{leaf.text}；{leaf.value}）", item.reason)
    for leaf in leaves:
        if DIBAO_LABEL in leaf.text:
            return Why("dibao", f"不再是最低生活保障对象（{leaf.value}）", item.reason)
    if item.status == "excluded":
        return Why("other", item.reason.split("（", 1)[0], item.reason)
    first = leaves[0] if leaves else None
    short = f"{first.text}不成立（{first.value}）" if first is not None and first.value else item.reason
    return Why("other", short.removeprefix("不符合："), item.reason)


def closing_words(why: Why) -> str:
    """The closing reason of a finding that disappeared because the data changed."""
    return f"数据变化：{why.short}"
