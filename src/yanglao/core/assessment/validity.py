"""Which result counts: validity, supersession and the one current result of a person.

- **(decision)** A GB/T 42195 result is valid for 12 months unless a local parameter
  (``validity_months``) says otherwise. The period is counted as the Civil Code counts periods in
  months (arts. 201-202): the day of the assessment is not counted, the last day is the day of the
  same number in the last month, or that month's last day if it has no such day. Assessed on
  2024-03-15 → valid up to and including 2025-03-15; on 2024-02-29 → up to 2025-02-28.
- A later result supersedes an earlier one, whatever its reason; in particular an immediate
  re-assessment (即时评估) after a change of condition replaces the current result before it expires,
  and a review (复评) replaces the result it reviewed. Two results on the same day: the one recorded
  later (later in the history) wins. An expired result is never brought back by anything.
- A person has at most one current result: the latest one, if it is still valid on the day asked.
- Results made on the predecessor scale MZ/T 039-2013 keep their own four levels
  (:class:`LegacyLevel`) and are never mapped onto the 0-4 scale. They take part in "the latest
  result" like any other, but :func:`ability_level` gives a level only from a current GB/T 42195
  result: with a legacy result current it gives ``None`` (not known), and the legacy result is shown
  as such (:meth:`LegacyResult.display`).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import ClassVar

DEFAULT_VALIDITY_MONTHS = 12


class Reason(StrEnum):
    """A.1.3 评估原因."""

    FIRST = "first"
    ROUTINE = "routine"
    IMMEDIATE = "immediate"
    REVIEW = "review"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _REASON_LABELS[self]


_REASON_LABELS = {
    Reason.FIRST: "首次评估",
    Reason.ROUTINE: "常规评估",
    Reason.IMMEDIATE: "即时评估",
    Reason.REVIEW: "复评",
    Reason.OTHER: "其他",
}


class LegacyLevel(Enum):
    """A level on the MZ/T 039-2013 scale. Deliberately not an int: it cannot be compared with,
    added to or converted into a GB/T 42195 level (``int(LegacyLevel.SEVERE)`` is a TypeError)."""

    INTACT = "mzt039-0"
    MILD = "mzt039-1"
    MODERATE = "mzt039-2"
    SEVERE = "mzt039-3"

    @property
    def grade(self) -> int:
        """The number written on MZ/T 039-2013 records (0-3), for display only."""
        return int(self.value.rsplit("-", 1)[1])

    @property
    def label(self) -> str:
        return _LEGACY_LABELS[self]

    @classmethod
    def from_grade(cls, grade: int) -> LegacyLevel:
        """The level of an imported MZ/T 039-2013 record that carries the number 0-3."""
        for member in cls:
            if member.grade == grade and isinstance(grade, int) and not isinstance(grade, bool):
                return member
        raise ValueError(f"MZ/T 039-2013 has levels 0-3, not {grade!r}")


_LEGACY_LABELS = {
    LegacyLevel.INTACT: "能力完好",
    LegacyLevel.MILD: "轻度失能",
    LegacyLevel.MODERATE: "中度失能",
    LegacyLevel.SEVERE: "重度失能",
}


@dataclass(frozen=True)
class AssessmentRecord:
    """One GB/T 42195-2022 result in a person's history."""

    scale: ClassVar[str] = "GB/T 42195-2022"
    result_id: str
    assessed_on: dt.date
    reason: Reason
    final_level: int  # 0-4

    def __post_init__(self) -> None:
        level = self.final_level
        if isinstance(level, bool) or not isinstance(level, int) or not 0 <= level <= 4:
            raise ValueError(f"a GB/T 42195-2022 level is an int 0-4, not {level!r}")
        _check_date(self.assessed_on)


@dataclass(frozen=True)
class LegacyResult:
    """One MZ/T 039-2013 result imported from older records, kept on its own scale."""

    scale: ClassVar[str] = "MZ/T 039-2013"
    result_id: str
    assessed_on: dt.date
    level: LegacyLevel

    def __post_init__(self) -> None:
        if not isinstance(self.level, LegacyLevel):
            raise TypeError(f"an MZ/T 039-2013 result carries a LegacyLevel, not {self.level!r}")
        _check_date(self.assessed_on)

    def display(self) -> str:
        return f"{self.level.label}（{self.scale}，{self.level.grade}级）"


Result = AssessmentRecord | LegacyResult


def _check_date(value: object) -> None:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise TypeError(f"assessed_on is a date, not {value!r}")


def add_months(day: dt.date, months: int) -> dt.date:
    """The day of the same number ``months`` later, or the last day of that month if it is shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def valid_until(assessed_on: dt.date, months: int = DEFAULT_VALIDITY_MONTHS) -> dt.date:
    """The last day (inclusive) on which a result made on ``assessed_on`` is valid."""
    if isinstance(months, bool) or not isinstance(months, int) or months < 1:
        raise ValueError(f"validity_months must be a whole number ≥ 1, not {months!r}")
    return add_months(assessed_on, months)


def is_valid_on(result: Result, on: dt.date, validity_months: int = DEFAULT_VALIDITY_MONTHS) -> bool:
    """Made no later than ``on`` and not yet expired on ``on`` (supersession not considered)."""
    return result.assessed_on <= on <= valid_until(result.assessed_on, validity_months)


def latest_result(history: Sequence[Result], on: dt.date) -> Result | None:
    """The result that supersedes all others made up to ``on``: the latest; on the same day, the
    one recorded later (later in ``history``)."""
    made = [(r.assessed_on, i, r) for i, r in enumerate(history) if r.assessed_on <= on]
    return max(made, key=lambda t: (t[0], t[1]))[2] if made else None


def supersedes(newer: Result, older: Result, history: Sequence[Result]) -> bool:
    """Does ``newer`` replace ``older``? (Both from ``history``, which gives the order of recording.)"""
    return (newer.assessed_on, history.index(newer)) > (older.assessed_on, history.index(older))


def current_result(
    history: Sequence[Result], on: dt.date, validity_months: int = DEFAULT_VALIDITY_MONTHS
) -> Result | None:
    """The one current result on ``on``: the latest result, if it is still valid; else none."""
    latest = latest_result(history, on)
    if latest is None or not is_valid_on(latest, on, validity_months):
        return None
    return latest


def is_current(
    result: Result, history: Sequence[Result], on: dt.date, validity_months: int = DEFAULT_VALIDITY_MONTHS
) -> bool:
    """Is ``result`` the person's current result on ``on``?"""
    return current_result(history, on, validity_months) == result


def ability_level(
    history: Sequence[Result], on: dt.date, validity_months: int = DEFAULT_VALIDITY_MONTHS
) -> int | None:
    """The GB/T 42195 ``ability_level`` (0-4) for the entitlement engine, from the current result
    only. ``None`` when there is no current result or when the current one is an MZ/T 039-2013
    result: a legacy level is never turned into a 0-4 level."""
    current = current_result(history, on, validity_months)
    if isinstance(current, AssessmentRecord):
        return current.final_level
    return None
