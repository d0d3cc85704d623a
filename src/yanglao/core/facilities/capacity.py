"""The monthly capacity report's rules (pure): the figures, their checks, the report window.

A facility reports for month M in a window that opens on the 1st of M+1 and closes on ``due_day`` of
M+1 (5 by default); a report may also be filed during M itself (from its last ``early_days`` days). A
report filed after the window closes is late; no report once the window has closed is missing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from yanglao.core.person import ABILITY_LEVELS

FIGURES: dict[str, str] = {
    "nursing_in_use": "护理型床位在用",
    "general_in_use": "普通床位在用",
    **{f"level_{level}": label for level, label in ABILITY_LEVELS},  # labels from core/person.py only
    "tekun": "特困人员",
    "dibao": "低保对象",
    "social": "社会老人",
    "caregivers_on_duty": "在岗养老护理员",
    "staff_on_duty": "在岗工作人员（合计）",
}
LEVELS = ("level_0", "level_1", "level_2", "level_3", "level_4")
CATEGORIES = ("tekun", "dibao", "social")
DUE_DAY = 5
MAX_FIGURE = 100_000


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def parse_month(text: str) -> dt.date:
    """``YYYY-MM`` → the month's first day (ValueError in the users' words)."""
    try:
        return dt.date.fromisoformat(f"{text.strip()}-01")
    except ValueError:
        raise ValueError(f"月份应为 YYYY-MM，实际为“{text}”") from None


def due_date(month: dt.date, due_day: int = DUE_DAY) -> dt.date:
    """The last day of the window for ``month``'s report."""
    return next_month(month).replace(day=due_day)


def is_late(month: dt.date, filed_on: dt.date, due_day: int = DUE_DAY) -> bool:
    return filed_on > due_date(month, due_day)


def status_of(month: dt.date, filed_on: dt.date | None, today: dt.date, due_day: int = DUE_DAY) -> str:
    """``on_time`` | ``late`` | ``missing`` (window closed, nothing filed) | ``pending`` (window open)."""
    if filed_on is not None:
        return "late" if is_late(month, filed_on, due_day) else "on_time"
    return "missing" if today > due_date(month, due_day) else "pending"


def check_figures(figures: dict[str, Any], *, beds: int, nursing_beds: int) -> tuple[dict[str, int], list[tuple[str, str]]]:  # fmt: skip
    """The figures as integers, and the errors (field, reason): every figure a whole number ≥ 0; beds in
    use within the beds of each type; the residents by ability level, by category and the beds in use
    the same total; caregivers on duty within all staff on duty."""
    out: dict[str, int] = {}
    errors: list[tuple[str, str]] = []
    for name in figures:
        if name not in FIGURES:
            errors.append((name, "未知的报告项目"))
    for name, label in FIGURES.items():
        raw = figures.get(name, 0)
        if raw is None or raw == "":
            raw = 0
        try:
            number = float(str(raw).strip())
        except ValueError:
            errors.append((name, f"{label}应为整数，实际为“{raw}”"))
            continue
        if not number.is_integer():
            errors.append((name, f"{label}应为整数，实际为“{raw}”"))
        elif number < 0:
            errors.append((name, f"{label}不能为负数（{int(number)}）"))
        elif number > MAX_FIGURE:
            errors.append((name, f"{label}数值过大（{int(number)}）"))
        else:
            out[name] = int(number)
    if errors:
        return out, errors
    general_beds = max(beds - nursing_beds, 0)
    in_use = out["nursing_in_use"] + out["general_in_use"]
    if in_use > beds:
        errors.append(("general_in_use", f"在用床位 {in_use} 超过床位数 {beds}"))
    if out["nursing_in_use"] > nursing_beds:
        errors.append(
            ("nursing_in_use", f"护理型床位在用 {out['nursing_in_use']} 超过护理型床位数 {nursing_beds}")
        )
    if out["general_in_use"] > general_beds:
        errors.append(
            ("general_in_use", f"普通床位在用 {out['general_in_use']} 超过普通床位数 {general_beds}")
        )
    by_level = sum(out[n] for n in LEVELS)
    by_category = sum(out[n] for n in CATEGORIES)
    if by_level != in_use:
        errors.append(("level_0", f"按能力等级合计的在住老年人 {by_level} 与在用床位 {in_use} 不一致"))
    if by_category != in_use:
        errors.append(("tekun", f"按类别合计的在住老年人 {by_category} 与在用床位 {in_use} 不一致"))
    if out["caregivers_on_duty"] > out["staff_on_duty"]:
        errors.append(("caregivers_on_duty", "在岗养老护理员多于在岗工作人员合计"))
    return out, errors
