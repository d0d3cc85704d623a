"""Dates as spreadsheets write them.

A department's file carries dates the way its Excel wrote them: ``1946-06-06`` (ISO), ``1946-6-6``,
``1946/6/6``, ``1946.6.6``, ``1946年6月6日``, ``19460606``, sometimes with a time of day
(``1946/6/6 0:00``), and, where a date column was saved as a number, the Excel serial number
(``16959`` is 1946-06-06) — as a number cell in an XLSX file or as digits in a CSV file.

Nothing is guessed: day-month-year and month-day-year orders (``6/6/1946``) are refused, because
``3/4/1946`` could be either; a bare year (``1946``) is refused rather than read as the serial number
of a day in 1905.
"""

from __future__ import annotations

import datetime as dt
import re

# Excel's day 0 for serials from 61 on (its calendar wrongly has a 29 February 1900, serial 60).
EXCEL_EPOCH = dt.date(1899, 12, 30)
FIRST_SERIAL = 61  # 1900-03-01: earlier serials are off by a day in Excel, and no record needs them
LAST_SERIAL = (dt.date(9999, 12, 31) - EXCEL_EPOCH).days
YEARS = range(1800, 2101)  # a number in this range is a year, not a serial (a serial would be 1904–1905)

FORMATS_SHOWN = "1946-06-06、1946/6/6、1946-6-6、1946年6月6日 或 Excel 日期"
_YMD = re.compile(
    r"^(?P<y>\d{4})\s*(?:(?P<sep>[-/.])\s*(?P<m>\d{1,2})\s*(?P=sep)\s*(?P<d>\d{1,2})"
    r"|年\s*(?P<cm>\d{1,2})\s*月\s*(?P<cd>\d{1,2})\s*日?)"
    r"(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_SERIAL = re.compile(r"^\d{1,7}(?:\.\d+)?$")


class DateError(ValueError):
    """Why a cell is not a date (the reason in the users' words)."""


def excel_serial_date(serial: float) -> dt.date:
    """The day of an Excel serial number (the 1900 date system; a time of day is dropped)."""
    if serial != serial or serial < FIRST_SERIAL or serial >= LAST_SERIAL + 1:  # NaN, before 1900-03-01
        raise DateError(f"Excel 日期序号 {serial:g} 超出范围（应不小于 {FIRST_SERIAL}）")
    return EXCEL_EPOCH + dt.timedelta(days=int(serial))


def date_of_number(number: float) -> dt.date:
    """A number in a date column: an Excel serial, never a bare year."""
    if float(number).is_integer() and int(number) in YEARS:
        raise DateError(f"只有年份“{int(number)}”，应为完整日期（{FORMATS_SHOWN}）")
    return excel_serial_date(number)


def _day(year: str, month: str, day: str, text: str) -> dt.date:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        raise DateError(f"“{text}”不是有效日期") from None


def parse_date_text(text: str) -> dt.date:
    """A date cell's text in any of the forms above (already stripped, not empty)."""
    match = _YMD.match(text)
    if match:
        if match["sep"]:
            return _day(match["y"], match["m"], match["d"], text)
        return _day(match["y"], match["cm"], match["cd"], text)
    compact = _COMPACT.match(text)
    if compact and not text.startswith("0"):
        year, month, day = compact.groups()
        return _day(year, month, day, text)
    if _SERIAL.match(text):
        return date_of_number(float(text))
    raise DateError(f"日期应为 {FORMATS_SHOWN}，实际为“{text}”")
