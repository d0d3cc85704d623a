"""Checking an assessment handed to the software as JSON, before it is scored.

The input is ``{"items": {"B.1.1": 0-4, … all 26 codes}, "coma": bool, "diagnoses": ["F01", …],
"risk_events": {"fall": n, "lost": n, "choking": n, "self_harm": n, "other": n}}``; only ``items`` is
required. Every problem is collected, each naming the item or field and the reason in Chinese, so
that one run shows all that is wrong. Nothing is "fixed":

- a score is a JSON whole number from 0 to the item's maximum; ``true``, ``"3"`` and also ``2.0`` are
  refused (a score is an option of the form, never a measurement; a decimal point means the file was
  produced by something that does not know the form);
- an optional field is either absent or of its type: ``null`` is refused like any other wrong type;
- a key given twice in one JSON object is refused (JSON readers disagree on which one wins);
- a diagnosis is an ICD-10 code as in :mod:`yanglao.core.assessment.icd10`; an F code must be one of
  the categories of ICD-10 chapter V;
- a risk-event count is a whole number ≥ 0 (3 and more are all "3次及以上" on the form).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from yanglao.core.assessment import icd10
from yanglao.core.assessment.instrument import RISK_EVENT_KEYS, instrument
from yanglao.core.assessment.scoring import AssessmentInput

FIELDS = ("items", "coma", "diagnoses", "risk_events")

_JSON_MESSAGES = {
    "Expecting value": "此处应为一个值",
    "Expecting ',' delimiter": "缺少逗号",
    "Expecting ':' delimiter": "缺少冒号",
    "Expecting property name enclosed in double quotes": "键名应放在双引号中",
    "Unterminated string starting at": "字符串缺少结尾的引号",
    "Invalid control character at": "字符串中有控制字符",
    "Extra data": "JSON内容之后还有多余的字符",
    "Invalid \\escape": "无效的转义字符",
}


@dataclass(frozen=True)
class Problem:
    field: str  # "B.1.1", "items", "coma", "diagnoses[2]", "risk_events.fall", "JSON", "输入"
    reason: str
    label: str = ""  # the Chinese name of the item or field, if it has one

    def __str__(self) -> str:
        name = f"{self.field}（{self.label}）" if self.label else self.field
        return f"{name}：{self.reason}"


class InvalidInput(ValueError):
    """The input has problems; ``problems`` lists every one of them."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = tuple(problems)


def parse_json(text: str) -> AssessmentInput:
    """Parse and check a JSON document; :class:`InvalidInput` lists every problem."""
    duplicates: list[str] = []

    def pairs_hook(pairs: list[tuple[str, object]]) -> dict[str, object]:
        obj: dict[str, object] = {}
        for key, value in pairs:
            if key in obj:
                duplicates.append(key)
            obj[key] = value
        return obj

    try:
        data = json.loads(text, object_pairs_hook=pairs_hook)
    except json.JSONDecodeError as exc:
        reason = _JSON_MESSAGES.get(exc.msg, exc.msg)
        raise InvalidInput(
            [Problem("JSON", f"不是合法的JSON：第{exc.lineno}行第{exc.colno}列，{reason}")]
        ) from None
    dup_problems = [
        Problem("JSON", f"键“{key}”在同一对象中出现了不止一次") for key in dict.fromkeys(duplicates)
    ]
    try:
        parsed = parse_input(data)
    except InvalidInput as exc:
        raise InvalidInput(dup_problems + list(exc.problems)) from None
    if dup_problems:
        raise InvalidInput(dup_problems)
    return parsed


def parse_input(data: object) -> AssessmentInput:
    """Check already-decoded JSON data; :class:`InvalidInput` lists every problem."""
    if not isinstance(data, Mapping):
        raise InvalidInput([Problem("输入", f"应为JSON对象（{{…}}），实际为{_kind(data)}")])
    problems: list[Problem] = []
    for key in data:
        if key not in FIELDS:
            problems.append(Problem(str(key), f"未知字段，可用的字段为：{'、'.join(FIELDS)}"))
    items = _items(data, problems)
    coma = _coma(data, problems)
    diagnoses = _diagnoses(data, problems)
    risk_events = _risk_events(data, problems)
    if problems:
        raise InvalidInput(problems)
    return AssessmentInput(items=items, coma=coma, diagnoses=diagnoses, risk_events=risk_events)


def _items(data: Mapping[str, object], problems: list[Problem]) -> dict[str, int]:
    inst = instrument()
    if "items" not in data:
        problems.append(Problem("items", f"缺少必填字段：{len(inst.items)}个评估项目的评分"))
        return {}
    raw = data["items"]
    if not isinstance(raw, Mapping):
        problems.append(Problem("items", f"应为对象（评估项目代码 → 评分），实际为{_kind(raw)}"))
        return {}
    items: dict[str, int] = {}
    for item in inst.items:
        if item.code not in raw:
            problems.append(Problem(item.code, f"缺少评分（应为0-{item.max_score}的整数）", item.name))
            continue
        value = raw[item.code]
        if _is_whole(value) and 0 <= value <= item.max_score:
            items[item.code] = value
        else:
            problems.append(
                Problem(item.code, f"评分应为0-{item.max_score}的整数，实际为{_show(value)}", item.name)
            )
    for code in raw:
        if not inst.has_item(code):
            problems.append(Problem(str(code), "未知的评估项目代码（应为B.1.1-B.4.5中的一个）"))
    return items


def _coma(data: Mapping[str, object], problems: list[Problem]) -> bool:
    value = data.get("coma", False)
    if isinstance(value, bool):
        return value
    problems.append(Problem("coma", f"应为true或false，实际为{_show(value)}", "昏迷"))
    return False


def _diagnoses(data: Mapping[str, object], problems: list[Problem]) -> tuple[str, ...]:
    raw = data.get("diagnoses", [])
    if not isinstance(raw, list):
        problems.append(Problem("diagnoses", f"应为ICD-10编码的数组，实际为{_show(raw)}", "疾病诊断"))
        return ()
    codes: list[str] = []
    for i, code in enumerate(raw):
        where = f"diagnoses[{i}]"
        if not isinstance(code, str):
            problems.append(Problem(where, f"应为ICD-10编码字符串，实际为{_show(code)}"))
        elif not icd10.is_well_formed(code):
            problems.append(
                Problem(
                    where, f"“{code}”不是ICD-10编码的格式（应为大写字母加两位数字，可带细目，如F01、F03.x00）"
                )
            )
        elif code.startswith("F") and not icd10.is_known_chapter_v(code):
            problems.append(Problem(where, f"“{code}”不是ICD-10第五章（F00-F99）的类目"))
        elif code not in codes:
            codes.append(code)
    return tuple(codes)


def _risk_events(data: Mapping[str, object], problems: list[Problem]) -> dict[str, int]:
    labels = {f.key: f.label for f in instrument().field("A.2.14").fields}
    raw = data.get("risk_events", {})
    if not isinstance(raw, Mapping):
        problems.append(
            Problem("risk_events", f"应为对象（事件 → 次数），实际为{_show(raw)}", "照护风险事件")
        )
        return {}
    events: dict[str, int] = {}
    for key, value in raw.items():
        where = f"risk_events.{key}"
        if key not in RISK_EVENT_KEYS:
            known = "、".join(f"{k}（{labels[k]}）" for k in RISK_EVENT_KEYS)
            problems.append(Problem(where, f"未知的照护风险事件，可用的为：{known}"))
        elif _is_whole(value) and value >= 0:
            events[key] = value
        else:
            problems.append(Problem(where, f"次数应为0或正整数，实际为{_show(value)}", labels[key]))
    return events


def _is_whole(value: object) -> bool:
    """A JSON whole number: an int, never a bool, a float such as 2.0, or a string."""
    return isinstance(value, int) and not isinstance(value, bool)


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "布尔值"
    if isinstance(value, int):
        return "整数"
    if isinstance(value, float):
        return "小数"
    if isinstance(value, str):
        return "字符串"
    if isinstance(value, list):
        return "数组"
    if isinstance(value, Mapping):
        return "对象"
    return type(value).__name__


def _show(value: object) -> str:
    """The value as it was written in JSON, and what kind of value it is."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    if len(text) > 40:
        text = text[:37] + "…"
    if _is_whole(value):
        return text
    return f"{text}（{_kind(value)}）"
