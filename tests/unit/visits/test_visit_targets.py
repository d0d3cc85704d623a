"""Who is a visit target, in which tier, and why — pure rules, the shipped parameter files."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from yanglao.core.idnumber import make_id_number
from yanglao.core.visits.params import Rules, load_rules
from yanglao.core.visits.targets import Target, evaluate_target
from yanglao.visits.rules import DATA

ON = dt.date(2026, 11, 15)
_seq = iter(range(100, 999, 2))


@pytest.fixture(scope="module")
def default() -> Rules:
    return load_rules(DATA, "default")


@pytest.fixture(scope="module")
def zalaite() -> Rules:
    return load_rules(DATA, "152223")


def person(birth: dt.date = dt.date(1950, 3, 1), **fields: Any) -> dict[str, Any]:
    record: dict[str, Any] = {"id_number": make_id_number("152223", birth, next(_seq))}
    record.update(fields)
    return record


def target(rules: Rules, record: dict[str, Any], on: dt.date = ON) -> Target | None:
    return evaluate_target(record, rules, on)


@pytest.mark.parametrize(
    ("fields", "group", "reason"),
    [
        ({"living_arrangement": "alone"}, "alone", "独居"),
        ({"living_arrangement": "empty_nest"}, "empty_nest", "空巢"),
        ({"living_arrangement": "left_behind"}, "left_behind", "留守"),
        ({"ability_level": 2}, "disabled", "失能（老年人能力等级：中度失能）"),
        ({"ability_level": 4}, "disabled", "失能（老年人能力等级：完全失能）"),
        ({"disability_grade": 1}, "severe_disability", "重残（残疾等级：一级）"),
        ({"disability_grade": 2}, "severe_disability", "重残（残疾等级：二级）"),
        ({"fp_special": "bereaved"}, "fp_special", "计划生育特殊家庭（独生子女死亡）"),
        ({"fp_special": "disabled_child"}, "fp_special", "计划生育特殊家庭（独生子女伤残）"),
    ],
)
def test_each_seed_group_makes_a_monthly_target_with_its_reason(
    default: Rules, fields: dict[str, Any], group: str, reason: str
) -> None:
    found = target(default, person(**fields))

    assert found is not None
    assert found.groups == (group,)
    assert found.tier == "monthly"
    assert found.interval.months == 1
    assert found.reasons == (reason, "分级：重点关注，每月探访一次")
    assert found.as_json()["interval_days"] == 30


@pytest.mark.parametrize(
    "fields",
    [
        {"living_arrangement": "with_family"},
        {"ability_level": 1},  # 轻度失能 is below the default 中度
        {"ability_level": 0},
        {"disability_grade": 3},
        {"fp_special": "none"},
        {},  # nothing known: nothing holds
        {"living_arrangement": None, "ability_level": None, "disability_grade": None},
    ],
)
def test_people_in_no_group_are_not_targets(default: Rules, fields: dict[str, Any]) -> None:
    assert target(default, person(**fields)) is None


def test_a_person_who_died_on_the_date_or_before_is_never_a_target(default: Rules) -> None:
    alone: dict[str, Any] = {"living_arrangement": "alone"}

    assert target(default, person(death_date=ON, **alone)) is None
    assert target(default, person(death_date=ON - dt.timedelta(days=1), **alone)) is None
    assert target(default, person(death_date=ON + dt.timedelta(days=1), **alone)) is not None


def test_people_under_sixty_are_not_targets(default: Rules) -> None:
    sixty_tomorrow = dt.date(1966, 11, 16)

    assert target(default, person(sixty_tomorrow, living_arrangement="alone")) is None
    assert target(default, person(dt.date(1966, 11, 15), living_arrangement="alone")) is not None


@pytest.mark.parametrize("arrangement", ["alone", "empty_nest", "left_behind"])
def test_aged_80_and_living_alone_empty_nest_or_left_behind_is_weekly(
    default: Rules, arrangement: str
) -> None:
    found = target(default, person(dt.date(1946, 11, 15), living_arrangement=arrangement))

    assert found is not None
    assert (found.tier, found.interval.days) == ("high", 7)
    assert found.as_json()["interval_days"] == 7
    assert found.reasons[-1] == "分级：高风险（80周岁及以上且独居、空巢或留守），每周（7天）探访一次"


def test_aged_79_the_day_before_the_80th_birthday_is_monthly(default: Rules) -> None:
    found = target(default, person(dt.date(1946, 11, 16), living_arrangement="alone"))

    assert found is not None
    assert found.tier == "monthly"


def test_born_on_29_february_turns_80_on_that_day_in_a_leap_year(default: Rules) -> None:
    record = person(dt.date(1944, 2, 29), living_arrangement="empty_nest")

    assert target(default, record, dt.date(2024, 2, 28)).tier == "monthly"  # type: ignore[union-attr]
    assert target(default, record, dt.date(2024, 2, 29)).tier == "high"  # type: ignore[union-attr]


def test_born_on_29_february_turns_80_on_1_march_in_a_common_year(default: Rules) -> None:
    # 2100 is not a leap year (a century not divisible by 400): the 80th birthday is 1 March.
    record = person(dt.date(2020, 2, 29), living_arrangement="alone")

    assert target(default, record, dt.date(2100, 2, 28)).tier == "monthly"  # type: ignore[union-attr]
    assert target(default, record, dt.date(2100, 3, 1)).tier == "high"  # type: ignore[union-attr]


def test_disabled_and_living_alone_is_weekly_at_any_age(default: Rules) -> None:
    found = target(default, person(dt.date(1960, 1, 1), living_arrangement="alone", ability_level=3))

    assert found is not None
    assert found.tier == "high"
    assert found.groups == ("alone", "disabled")
    assert found.reasons == (
        "独居",
        "失能（老年人能力等级：重度失能）",
        "分级：高风险（失能且独居），每周（7天）探访一次",
    )


def test_disabled_but_empty_nest_under_80_is_monthly(default: Rules) -> None:
    found = target(default, person(dt.date(1950, 1, 1), living_arrangement="empty_nest", ability_level=4))

    assert found is not None
    assert found.tier == "monthly"


def test_aged_80_disabled_living_with_family_is_monthly(default: Rules) -> None:
    found = target(default, person(dt.date(1930, 1, 1), living_arrangement="with_family", ability_level=4))

    assert found is not None
    assert (found.groups, found.tier) == (("disabled",), "monthly")


def test_the_json_line_has_exactly_the_promised_keys(default: Rules) -> None:
    record = person(dt.date(1940, 5, 5), living_arrangement="alone")

    line = target(default, record).as_json()  # type: ignore[union-attr]

    assert line == {
        "id_number": record["id_number"],
        "tier": "high",
        "interval_days": 7,
        "reasons": ["独居", "分级：高风险（80周岁及以上且独居、空巢或留守），每周（7天）探访一次"],
    }


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"tekun": "dispersed"}, "特殊困难老年人（分散供养特困人员）"),
        ({"dibao": True}, "特殊困难老年人（最低生活保障对象）"),
        ({"tekun": "dispersed", "dibao": True}, "特殊困难老年人（分散供养特困人员；最低生活保障对象）"),
    ],
)
def test_zalaite_adds_its_special_difficulty_elders(
    zalaite: Rules, default: Rules, fields: dict[str, Any], reason: str
) -> None:
    record = person(living_arrangement="with_family", **fields)

    found = target(zalaite, record)

    assert found is not None
    assert found.groups == ("special_difficulty",)
    assert found.reasons[0] == reason
    assert found.tier == "monthly"
    assert target(default, record) is None  # elsewhere 特困/低保 alone do not make a target


@pytest.mark.parametrize(
    "fields", [{"tekun": "centralized"}, {"tekun": "none"}, {"dibao": False}, {"dibao_edge": True}]
)
def test_zalaite_special_difficulty_leaves_out_care_home_residents_and_others(
    zalaite: Rules, fields: dict[str, Any]
) -> None:
    assert target(zalaite, person(living_arrangement="with_family", **fields)) is None


def test_zalaite_keeps_the_seed_groups_and_tiers(zalaite: Rules) -> None:
    found = target(zalaite, person(dt.date(1940, 1, 1), living_arrangement="alone", dibao=True))

    assert found is not None
    assert found.groups == ("alone", "special_difficulty")
    assert found.tier == "high"


def test_sex_and_birth_date_come_from_the_id_number_when_missing(default: Rules) -> None:
    record = {"id_number": make_id_number("152223", dt.date(1930, 6, 1), 500), "living_arrangement": "alone"}

    found = target(default, record)

    assert found is not None
    assert found.tier == "high"
