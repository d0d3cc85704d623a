"""The monthly capacity report's figures and window (core.facilities.capacity)."""

from __future__ import annotations

import datetime as dt

import pytest

from yanglao.core.facilities import capacity

GOOD = {
    "nursing_in_use": 30,
    "general_in_use": 10,
    "level_0": 5,
    "level_1": 5,
    "level_2": 10,
    "level_3": 10,
    "level_4": 10,
    "tekun": 25,
    "dibao": 5,
    "social": 10,
    "caregivers_on_duty": 8,
    "staff_on_duty": 12,
}


def test_good_figures() -> None:
    values, errors = capacity.check_figures(GOOD, beds=60, nursing_beds=40)
    assert errors == []
    assert values["level_4"] == 10


def test_general_beds_in_use_above_the_general_beds_is_an_error() -> None:
    figures = {**GOOD, "general_in_use": 25, "social": 25, "level_0": 20}
    _, errors = capacity.check_figures(figures, beds=60, nursing_beds=40)
    assert errors == [("general_in_use", "普通床位在用 25 超过普通床位数 20")]


def test_more_in_use_than_all_beds() -> None:
    figures = {**GOOD, "nursing_in_use": 40, "general_in_use": 30, "social": 40, "level_0": 35}
    _, errors = capacity.check_figures(figures, beds=60, nursing_beds=40)
    assert ("general_in_use", "在用床位 70 超过床位数 60") in errors


def test_negative_unknown_and_inconsistent_totals() -> None:
    _, errors = capacity.check_figures({**GOOD, "level_2": -1}, beds=60, nursing_beds=40)
    assert errors == [("level_2", "中度失能不能为负数（-1）")]
    _, errors = capacity.check_figures({**GOOD, "beds_free": 3}, beds=60, nursing_beds=40)
    assert errors == [("beds_free", "未知的报告项目")]
    _, errors = capacity.check_figures({**GOOD, "level_0": 6}, beds=60, nursing_beds=40)
    assert [f for f, _ in errors] == ["level_0"]
    _, errors = capacity.check_figures({**GOOD, "caregivers_on_duty": 13}, beds=60, nursing_beds=40)
    assert [f for f, _ in errors] == ["caregivers_on_duty"]


@pytest.mark.parametrize(
    ("month", "filed", "status"),
    [
        (dt.date(2026, 5, 1), dt.date(2026, 6, 5), "on_time"),
        (dt.date(2026, 5, 1), dt.date(2026, 6, 6), "late"),
        (dt.date(2026, 12, 1), dt.date(2027, 1, 5), "on_time"),
        (dt.date(2026, 12, 1), dt.date(2027, 1, 6), "late"),
        (dt.date(2026, 5, 1), dt.date(2026, 5, 31), "on_time"),
    ],
)
def test_the_window_closes_on_the_fifth_of_the_next_month(
    month: dt.date, filed: dt.date, status: str
) -> None:
    assert capacity.status_of(month, filed, filed) == status


def test_missing_after_the_window_pending_within() -> None:
    month = dt.date(2026, 1, 1)
    assert capacity.status_of(month, None, dt.date(2026, 2, 5)) == "pending"
    assert capacity.status_of(month, None, dt.date(2026, 2, 6)) == "missing"
    assert capacity.due_date(month, 10) == dt.date(2026, 2, 10)


def test_parse_month() -> None:
    assert capacity.parse_month("2026-02") == dt.date(2026, 2, 1)
    with pytest.raises(ValueError, match="YYYY-MM"):
        capacity.parse_month("2026/2")
