from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from yanglao.core.person import age_on
from yanglao.core.stats.ages import AGE_BANDS, band_of, band_range, born_by, month_end, month_ends

dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))


@given(birth=dates, on=dates, years=st.integers(min_value=0, max_value=110))
def test_born_by_is_the_age_condition(birth: dt.date, on: dt.date, years: int) -> None:
    if on.year - years < 1:
        return
    assert (birth <= born_by(on, years)) == (age_on(birth, on) >= years)


@given(birth=dates, on=dates)
def test_band_range_agrees_with_band_of(birth: dt.date, on: dt.date) -> None:
    if on.year < 1 + 105:
        return
    band = band_of(age_on(birth, on))
    for b in AGE_BANDS:
        earliest, latest = band_range(b, on)
        inside = birth <= latest and (earliest is None or birth > earliest)
        assert inside == (b == band)


def test_leap_day_births() -> None:
    # Born 29 February 1964: 60 on 1 March 2024? No, on 29 February 2024; in 2025 a year older on 1 March.
    assert born_by(dt.date(2024, 2, 29), 60) == dt.date(1964, 2, 29)
    assert born_by(dt.date(2024, 2, 29), 61) == dt.date(1963, 2, 28)
    assert age_on(dt.date(1964, 2, 29), dt.date(2025, 2, 28)) == 60


def test_bands() -> None:
    assert next(b.label for b in AGE_BANDS) == "60-64岁"
    assert AGE_BANDS[-1].label == "100岁及以上"
    assert len(AGE_BANDS) == 9
    assert band_of(59) is None
    assert band_of(104) == band_of(120) == AGE_BANDS[-1]


def test_month_ends() -> None:
    assert month_end(2024, 2) == dt.date(2024, 2, 29)
    assert month_ends(dt.date(2026, 3, 15), 3) == [
        dt.date(2026, 1, 31),
        dt.date(2026, 2, 28),
        dt.date(2026, 3, 15),
    ]
