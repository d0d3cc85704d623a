from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yanglao.core.assessment import (
    AssessmentResult,
    change_grounds,
    final_level,
    initial_level,
    instrument,
    level_name,
    score,
)

COMA = "昏迷：直接评定为完全失能"
MENTAL = "痴呆（F00-F03）或其他精神和行为障碍（F04-F99）：提高一个等级"
EVENTS = "近30天内照护风险事件2次及以上：提高一个等级"


@pytest.mark.parametrize(
    ("total", "level", "name"),
    [
        (90, 0, "能力完好"),
        (89, 1, "轻度失能"),
        (66, 1, "轻度失能"),
        (65, 2, "中度失能"),
        (46, 2, "中度失能"),
        (45, 3, "重度失能"),
        (30, 3, "重度失能"),
        (29, 4, "完全失能"),
        (0, 4, "完全失能"),
    ],
)
def test_the_level_table_at_every_boundary(make_items, total, level, name):
    result = score(make_items(total))
    assert result.total == total
    assert result.initial_level == level
    assert result.final_level == level
    assert result.final_level_name == name
    assert result.grounds == ()


@pytest.mark.parametrize("total", [-1, 91])
def test_a_total_outside_the_scale_is_refused(total):
    with pytest.raises(ValueError, match="outside"):
        initial_level(total)


def test_indicator_maxima_add_up_to_ninety(full_items):
    result = score(full_items)
    assert dict(result.indicators) == {"B.1": 32, "B.2": 15, "B.3": 28, "B.4": 15}
    assert result.total == 90


def test_indicators_sum_their_own_items_only(full_items):
    items = dict(full_items, **{"B.2.4": 0, "B.3.9": 1})
    result = score(items)
    assert dict(result.indicators) == {"B.1": 32, "B.2": 12, "B.3": 27, "B.4": 15}
    assert result.total == 86


def test_coma_with_a_full_score_is_completely_disabled(full_items):
    result = score(full_items, coma=True)
    assert (result.total, result.initial_level, result.final_level) == (90, 0, 4)
    assert result.final_level_name == "完全失能"
    assert result.grounds == (COMA,)


@pytest.mark.parametrize("code", ["F00", "F01", "F02", "F03", "F03.x00", "F01.1"])
def test_dementia_raises_one_level(make_items, code):
    result = score(make_items(70), diagnoses=[code])
    assert (result.initial_level, result.final_level) == (1, 2)
    assert result.grounds == (MENTAL,)


@pytest.mark.parametrize("code", ["F04", "F20", "F32", "F99"])
def test_another_mental_disorder_raises_one_level(make_items, code):
    result = score(make_items(50), diagnoses=["I10", code])
    assert (result.initial_level, result.final_level) == (2, 3)
    assert result.grounds == (MENTAL,)


@pytest.mark.parametrize("codes", [[], ["I10", "E11", "I63", "J44"], ["G30"]])
def test_other_diagnoses_change_nothing(make_items, codes):
    # G30 (Alzheimer disease) alone is not F00: the assessor records F00 as well
    result = score(make_items(70), diagnoses=codes)
    assert result.final_level == 1
    assert result.grounds == ()


def test_one_risk_event_changes_nothing(make_items):
    result = score(make_items(70), risk_events={"fall": 1})
    assert result.final_level == 1
    assert result.grounds == ()


def test_two_events_of_one_kind_raise_one_level(make_items):
    result = score(make_items(70), risk_events={"fall": 2})
    assert result.final_level == 2
    assert result.grounds == (EVENTS,)


def test_events_are_counted_across_kinds(make_items):
    # (decision) one fall and one choking make two
    result = score(make_items(70), risk_events={"fall": 1, "choking": 1, "lost": 0})
    assert result.final_level == 2
    assert result.grounds == (EVENTS,)


def test_many_events_still_raise_only_one_level(make_items):
    events = {"fall": 3, "lost": 3, "choking": 3, "self_harm": 3, "other": 3}
    assert score(make_items(70), risk_events=events).final_level == 2


def test_dementia_and_two_events_raise_once_not_twice(make_items):
    # (decision) grounds 2 and 3 together raise the level once
    result = score(make_items(70), diagnoses=["F01"], risk_events={"fall": 1, "other": 1})
    assert (result.initial_level, result.final_level) == (1, 2)
    assert result.grounds == (MENTAL, EVENTS)


@pytest.mark.parametrize("total", [29, 0])
def test_the_final_level_never_exceeds_four(make_items, total):
    result = score(make_items(total), diagnoses=["F03"], risk_events={"fall": 2})
    assert (result.initial_level, result.final_level) == (4, 4)
    assert result.grounds == (MENTAL, EVENTS)


def test_severe_plus_a_ground_reaches_four(make_items):
    assert score(make_items(30), risk_events={"self_harm": 2}).final_level == 4


def test_coma_lists_every_ground_found_and_gives_four(make_items):
    result = score(make_items(89), coma=True, diagnoses=["F00"], risk_events={"fall": 2})
    assert result.final_level == 4
    assert result.grounds == (COMA, MENTAL, EVENTS)
    assert result.ground_keys == ("coma", "mental_disorder", "risk_events")


def test_final_level_by_itself():
    assert final_level(0, ["coma"]) == 4
    assert final_level(2, ["mental_disorder", "risk_events"]) == 3
    assert final_level(4, ["mental_disorder"]) == 4
    assert final_level(3, []) == 3


def test_change_grounds_refuses_what_it_cannot_count():
    with pytest.raises(ValueError, match="unknown risk events"):
        change_grounds(risk_events={"walk": 2})
    with pytest.raises(ValueError, match="whole numbers"):
        change_grounds(risk_events={"fall": -1})
    with pytest.raises(ValueError, match="not an ICD-10 code"):
        change_grounds(diagnoses=["痴呆"])


@pytest.mark.parametrize(
    "change",
    [{"B.1.1": 5}, {"B.2.4": 4}, {"B.1.1": -1}, {"B.1.1": True}, {"B.1.1": 2.0}, {"B.9.9": 1}],
)
def test_score_refuses_items_that_were_not_validated(full_items, change):
    with pytest.raises(ValueError):
        score(dict(full_items, **change))


def test_score_refuses_a_missing_item(full_items):
    items = dict(full_items)
    del items["B.4.5"]
    with pytest.raises(ValueError, match="missing"):
        score(items)


def test_the_result_is_frozen(full_items):
    result = score(full_items)
    with pytest.raises(AttributeError):
        result.total = 1  # type: ignore[misc]
    with pytest.raises(TypeError):
        result.indicators["B.1"] = 0  # type: ignore[index]


def test_to_dict_has_the_command_line_shape(full_items):
    assert score(full_items, coma=True).to_dict() == {
        "total": 90,
        "indicators": {"B.1": 32, "B.2": 15, "B.3": 28, "B.4": 15},
        "initial_level": 0,
        "final_level": 4,
        "final_level_name": "完全失能",
        "grounds": [COMA],
    }


def test_level_names():
    assert [level_name(n) for n in range(5)] == ["能力完好", "轻度失能", "中度失能", "重度失能", "完全失能"]


# Property tests ---------------------------------------------------------------------------------

_items = st.fixed_dictionaries({i.code: st.integers(0, i.max_score) for i in instrument().items})
_diagnoses = st.lists(
    st.sampled_from(["F00", "F03.x00", "F04", "F32", "F99", "I10", "G30", "E11"]), max_size=4
)
_events = st.dictionaries(
    st.sampled_from(["fall", "lost", "choking", "self_harm", "other"]), st.integers(0, 5), max_size=5
)


@given(items=_items, coma=st.booleans(), diagnoses=_diagnoses, events=_events)
def test_properties_of_every_result(items, coma, diagnoses, events):
    result: AssessmentResult = score(items, coma=coma, diagnoses=diagnoses, risk_events=events)
    assert result.total == sum(result.indicators.values()) == sum(items.values())
    assert 0 <= result.initial_level <= result.final_level <= 4
    assert result.final_level_name == level_name(result.final_level)
    if coma:
        assert result.final_level == 4
    else:
        assert result.final_level <= result.initial_level + 1
    if not result.grounds:
        assert result.final_level == result.initial_level
    for ind in instrument().indicators:
        assert 0 <= result.indicators[ind.code] <= ind.max_score


@given(st.integers(0, 90), st.integers(0, 90))
def test_the_level_never_rises_with_a_higher_total(a, b):
    low, high = sorted((a, b))
    assert initial_level(low) >= initial_level(high)
