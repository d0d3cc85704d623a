"""Age bands and the date arithmetic behind them.

Age is counted in completed years (周岁) on the date, like :func:`yanglao.core.person.age_on`: someone
is aged ``n`` or more on ``on`` exactly when born on or before :func:`born_by` ``(on, n)``, so an age
condition becomes a birth-date comparison a database can evaluate for a whole region at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Band:
    key: str  # "60_64", …, "100_plus"
    label: str  # "60-64岁"
    low: int
    high: int | None  # inclusive; None: open-ended


def _bands() -> tuple[Band, ...]:
    out = [Band(f"{lo}_{lo + 4}", f"{lo}-{lo + 4}岁", lo, lo + 4) for lo in range(60, 100, 5)]
    out.append(Band("100_plus", "100岁及以上", 100, None))
    return tuple(out)


AGE_BANDS: tuple[Band, ...] = _bands()
BAND_BY_KEY: dict[str, Band] = {b.key: b for b in AGE_BANDS}


def band_of(age: int) -> Band | None:
    for band in AGE_BANDS:
        if age >= band.low and (band.high is None or age <= band.high):
            return band
    return None


def born_by(on: dt.date, years: int) -> dt.date:
    """The latest birth date of someone aged ``years`` or more on ``on``.

    On 29 February the same day ``years`` earlier may not exist: then 28 February (someone born on
    1 March is not a year older until 1 March)."""
    try:
        return on.replace(year=on.year - years)
    except ValueError:
        return on.replace(year=on.year - years, day=28)


def band_range(band: Band, on: dt.date) -> tuple[dt.date | None, dt.date]:
    """(earliest exclusive bound or None, latest inclusive birth date) of the people in ``band`` on ``on``:
    born after the first (if any) and on or before the second."""
    latest = born_by(on, band.low)
    earliest = None if band.high is None else born_by(on, band.high + 1)
    return earliest, latest


def month_end(year: int, month: int) -> dt.date:
    if month == 12:
        return dt.date(year, 12, 31)
    return dt.date(year, month + 1, 1) - dt.timedelta(days=1)


def month_ends(until: dt.date, count: int) -> list[dt.date]:
    """The last ``count`` month ends up to ``until``, oldest first; the month of ``until`` ends on
    ``until`` itself (a month still running is counted up to that day)."""
    out: list[dt.date] = [until]
    year, month = until.year, until.month
    for _ in range(count - 1):
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        out.append(month_end(year, month))
    return list(reversed(out))
