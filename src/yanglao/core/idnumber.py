"""Citizen ID numbers (公民身份号码) per GB 11643-1999.

18 characters: 6-digit address code, birth date YYYYMMDD, 3-digit sequence (odd = male), check
character. Legacy 15-digit numbers (GB 11643-1989) have a 2-digit year and no check character; they
are converted by inserting ``19`` before the year and appending the check character.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
_RE18 = re.compile(r"^\d{17}[\dX]$")
_RE15 = re.compile(r"^\d{15}$")


class IdNumberError(ValueError):
    """The reason an ID number is invalid, in the words shown to users."""


def check_char(first17: str) -> str:
    """The check character for the first 17 digits."""
    total = sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


@dataclass(frozen=True)
class IdNumber:
    value: str
    birth_date: dt.date
    sex: str  # "1" male, "2" female (GB/T 2261.1)
    converted_from_15: bool = False

    @property
    def address_code(self) -> str:
        return self.value[:6]


def parse_id_number(raw: str) -> IdNumber:
    """Validate and normalise an ID number, raising :class:`IdNumberError` with a reason."""
    text = raw.strip().upper()
    converted = False
    if _RE15.match(text):
        body = text[:6] + "19" + text[6:]
        text = body + check_char(body)
        converted = True
    elif not _RE18.match(text):
        raise IdNumberError(f"应为18位（前17位为数字，末位为数字或X）或15位旧号码，实际为“{raw.strip()}”")
    expected = check_char(text[:17])
    if text[17] != expected:
        raise IdNumberError(f"校验码错误：末位应为 {expected}，实际为 {text[17]}")
    try:
        birth = dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise IdNumberError(f"出生日期部分 {text[6:14]} 不是有效日期") from None
    if birth.year < 1880:
        raise IdNumberError(f"出生日期部分 {text[6:14]} 早于1880年")
    sex = "1" if int(text[16]) % 2 == 1 else "2"
    return IdNumber(text, birth, sex, converted)


def make_id_number(address: str, birth: dt.date, sequence: int) -> str:
    """Build a valid 18-digit ID number (used for synthetic data and tests)."""
    body = f"{address[:6]}{birth:%Y%m%d}{sequence % 1000:03d}"
    return body + check_char(body)


def mask_id_number(value: str) -> str:
    """First 6 and last 4 characters shown (GB/T 35273-2020 usual masking)."""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    """First 3 and last 4 digits shown."""
    digits = value.strip()
    if len(digits) <= 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_name(value: str) -> str:
    """张三 → 张*, 欧阳小明 → 欧***."""
    return value[:1] + "*" * (len(value) - 1) if value else value
