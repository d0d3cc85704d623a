from __future__ import annotations

import datetime as dt

import pytest

from yanglao.core.assessment import (
    AssessmentRecord,
    LegacyLevel,
    LegacyResult,
    Reason,
    ability_level,
    current_result,
    is_current,
    valid_until,
)
from yanglao.core.assessment.validity import add_months, is_valid_on, latest_result, supersedes

D = dt.date


def gb(result_id: str, on: dt.date, level: int, reason: Reason = Reason.ROUTINE) -> AssessmentRecord:
    return AssessmentRecord(result_id, on, reason, level)


@pytest.mark.parametrize(
    ("assessed_on", "months", "until"),
    [
        (D(2024, 3, 15), 12, D(2025, 3, 15)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2024, 8, 31), 6, D(2025, 2, 28)),
        (D(2023, 12, 31), 2, D(2024, 2, 29)),
        (D(2024, 1, 10), 24, D(2026, 1, 10)),
    ],
)
def test_valid_until(assessed_on, months, until):
    assert valid_until(assessed_on, months) == until


def test_twelve_months_by_default():
    assert valid_until(D(2024, 5, 1)) == D(2025, 5, 1)


@pytest.mark.parametrize("months", [0, -1, True, 1.5])
def test_a_validity_period_is_a_whole_number_of_months(months):
    with pytest.raises(ValueError, match="validity_months"):
        valid_until(D(2024, 5, 1), months)


def test_add_months_crosses_years():
    assert add_months(D(2024, 11, 30), 3) == D(2025, 2, 28)


def test_valid_from_the_day_of_assessment_to_the_last_day():
    r = gb("a", D(2024, 3, 15), 2)
    assert not is_valid_on(r, D(2024, 3, 14))
    assert is_valid_on(r, D(2024, 3, 15))
    assert is_valid_on(r, D(2025, 3, 15))
    assert not is_valid_on(r, D(2025, 3, 16))
    assert is_valid_on(r, D(2025, 9, 15), validity_months=18)


def test_no_history_no_current_result():
    assert current_result([], D(2025, 1, 1)) is None
    assert ability_level([], D(2025, 1, 1)) is None


def test_an_expired_result_is_not_current():
    history = [gb("a", D(2023, 1, 10), 2)]
    assert current_result(history, D(2024, 1, 10)) == history[0]
    assert current_result(history, D(2024, 1, 11)) is None
    assert ability_level(history, D(2024, 1, 11)) is None
    assert ability_level(history, D(2024, 6, 1), validity_months=24) == 2


def test_a_later_result_supersedes_an_earlier_one():
    first = gb("a", D(2024, 1, 10), 1, Reason.FIRST)
    routine = gb("b", D(2025, 1, 5), 2, Reason.ROUTINE)
    history = [first, routine]
    assert current_result(history, D(2025, 1, 4)) == first
    assert current_result(history, D(2025, 1, 5)) == routine
    assert supersedes(routine, first, history)
    assert not supersedes(first, routine, history)


def test_an_immediate_reassessment_after_a_change_of_condition_replaces_the_current_one():
    routine = gb("a", D(2024, 1, 10), 1)
    immediate = gb("b", D(2024, 4, 2), 3, Reason.IMMEDIATE)
    history = [routine, immediate]
    assert ability_level(history, D(2024, 4, 1)) == 1
    assert ability_level(history, D(2024, 4, 2)) == 3
    assert is_current(immediate, history, D(2024, 6, 1))
    assert not is_current(routine, history, D(2024, 6, 1))
    # it starts its own 12 months
    assert ability_level(history, D(2025, 4, 2)) == 3
    assert ability_level(history, D(2025, 4, 3)) is None


def test_once_the_latest_result_expires_there_is_no_current_result():
    history = [gb("a", D(2023, 6, 1), 1), gb("b", D(2023, 7, 1), 2)]
    assert current_result(history, D(2024, 7, 1)) == history[1]
    assert current_result(history, D(2024, 7, 2)) is None
    assert latest_result(history, D(2024, 7, 2)) == history[1]


def test_a_result_dated_after_the_day_asked_does_not_count_yet():
    history = [gb("a", D(2024, 1, 10), 1), gb("b", D(2024, 9, 1), 4, Reason.IMMEDIATE)]
    assert current_result(history, D(2024, 8, 31)) == history[0]


def test_on_the_same_day_the_one_recorded_later_wins():
    review = gb("b", D(2024, 5, 1), 2, Reason.REVIEW)
    history = [gb("a", D(2024, 5, 1), 3), review]
    assert current_result(history, D(2024, 5, 1)) == review


def test_an_assessment_record_holds_a_gbt_42195_level_only():
    for bad in [5, -1, True, "2", LegacyLevel.SEVERE]:
        with pytest.raises(ValueError, match="GB/T 42195-2022 level"):
            gb("x", D(2024, 1, 1), bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        AssessmentRecord("x", dt.datetime(2024, 1, 1, 8), Reason.FIRST, 1)


# The predecessor scale MZ/T 039-2013 -------------------------------------------------------------


def test_legacy_levels_are_their_own_four_levels():
    assert [(lv.grade, lv.label) for lv in LegacyLevel] == [
        (0, "能力完好"),
        (1, "轻度失能"),
        (2, "中度失能"),
        (3, "重度失能"),
    ]
    assert LegacyLevel.from_grade(3) is LegacyLevel.SEVERE
    for bad in [4, -1, True]:
        with pytest.raises(ValueError, match="MZ/T 039-2013"):
            LegacyLevel.from_grade(bad)


def test_a_legacy_level_is_not_a_number():
    severe = LegacyLevel.SEVERE
    with pytest.raises(TypeError):
        int(severe)  # type: ignore[call-overload]
    with pytest.raises(TypeError):
        severe < 4  # type: ignore[operator]  # noqa: B015
    assert severe != 3
    assert all(lv not in range(5) for lv in LegacyLevel)


def test_a_legacy_result_keeps_its_level_and_is_shown_as_such():
    old = LegacyResult("m1", D(2022, 6, 1), LegacyLevel.SEVERE)
    assert old.scale == "MZ/T 039-2013"
    assert old.display() == "重度失能（MZ/T 039-2013，3级）"
    with pytest.raises(TypeError):
        LegacyResult("m2", D(2022, 6, 1), 3)  # type: ignore[arg-type]


def test_a_current_legacy_result_never_becomes_an_ability_level():
    old = LegacyResult("m1", D(2022, 6, 1), LegacyLevel.SEVERE)
    history = [old]
    assert current_result(history, D(2022, 12, 1)) == old
    assert ability_level(history, D(2022, 12, 1)) is None
    for lv in LegacyLevel:
        assert ability_level([LegacyResult("m", D(2022, 6, 1), lv)], D(2022, 7, 1)) is None


def test_a_gbt_result_supersedes_a_legacy_one():
    old = LegacyResult("m1", D(2022, 6, 1), LegacyLevel.MILD)
    new = gb("g1", D(2023, 3, 1), 2, Reason.FIRST)
    history = [old, new]
    assert current_result(history, D(2023, 2, 28)) == old
    assert ability_level(history, D(2023, 2, 28)) is None
    assert current_result(history, D(2023, 3, 1)) == new
    assert ability_level(history, D(2023, 3, 1)) == 2


def test_reasons_have_their_form_labels():
    assert [r.label for r in Reason] == ["首次评估", "常规评估", "即时评估", "复评", "其他"]
