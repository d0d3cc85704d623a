"""Calendar months: the unit of a payment roll (发放月份)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

_MONTH = re.compile(r"(\d{4})-(\d{2})")


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12 or not 1900 <= self.year <= 9999:
            raise ValueError(f"月份无效：{self.year}-{self.month}")

    @classmethod
    def parse(cls, text: str) -> Month:
        """``YYYY-MM`` exactly (``2025-06``)."""
        found = _MONTH.fullmatch(text.strip())
        if found is None:
            raise ValueError(f"月份应写成 YYYY-MM（如 2025-06），实际为“{text}”")
        return cls(int(found.group(1)), int(found.group(2)))

    @classmethod
    def of(cls, day: dt.date) -> Month:
        return cls(day.year, day.month)

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def last(self) -> dt.date:
        return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def shift(self, months: int) -> Month:
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)

    def until(self, end: Month) -> list[Month]:
        """This month and every month after it, up to but not including ``end``."""
        out: list[Month] = []
        current = self
        while current < end:
            out.append(current)
            current = current.shift(1)
        return out

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month:02d}月"

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"
