"""The indicators on a small synthetic population with known counts (the demo's definitions)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from yanglao.cli import main
from yanglao.core.stats.ages import born_by
from yanglao.core.stats.indicators import PERSON_INDICATORS, in_base, matches
from yanglao.facilities.models import Facility
from yanglao.regions.models import Region
from yanglao.registry.models import Person
from yanglao.stats.cache import _store
from yanglao.stats.compute import region_stats
from yanglao.stats.figures import person_counts, population_trend

pytestmark = [pytest.mark.django_db, pytest.mark.hard_dates]

ON = dt.date(2026, 3, 15)
VILLAGE = "152223100001"  # 龙腾社区, 音德尔镇
OTHER_VILLAGE = "152223101001"  # 解放社区, 新林镇
ELSEWHERE = "152201001001"  # a place in 乌兰浩特市, outside the county
OLD = dt.date(1950, 3, 1)  # 76 on ON


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    _store().clear()
    yield
    _store().clear()


@pytest.fixture
def population(make_person: Callable[..., Person]) -> dict[str, Person]:
    p: dict[str, Person] = {}
    p["birthday"] = make_person("生日当天", birth=born_by(ON, 60), sex="1")
    p["not_yet"] = make_person("差一天", birth=born_by(ON, 60) + dt.timedelta(days=1))
    p["died_on_date"] = make_person("当日死亡", birth=OLD, death_date=ON, living_arrangement="alone")
    p["died_after"] = make_person("次日死亡", birth=OLD, death_date=ON + dt.timedelta(days=1))
    p["elsewhere"] = make_person("户籍在此", birth=OLD, residence_region=ELSEWHERE)
    p["incomer"] = make_person("常住在此", birth=OLD, hukou_region=ELSEWHERE)
    p["eighty"] = make_person("八十", birth=born_by(ON, 80))
    p["seventy_nine"] = make_person("七十九", birth=born_by(ON, 80) + dt.timedelta(days=1))
    p["overlap"] = make_person(
        "三者皆是", birth=OLD, living_arrangement="alone", tekun="dispersed", ability_level=3
    )
    p["alone"] = make_person("独居", birth=OLD, living_arrangement="alone")
    p["centralized"] = make_person("集中供养", birth=OLD, tekun="centralized")
    p["disabled"] = make_person("中度失能", birth=OLD, ability_level=2, living_arrangement="empty_nest")
    p["mild"] = make_person(
        "轻度失能",
        birth=OLD,
        ability_level=1,
        dibao=True,
        fp_special="bereaved",
        special_contribution="disabled_veteran",
        disability_grade=2,
        disability_category="physical",
    )
    p["dead_disabled"] = make_person("已故", birth=OLD, ability_level=4, death_date=ON - dt.timedelta(days=3))
    p["other_township"] = make_person(
        "新林镇独居", birth=OLD, region=OTHER_VILLAGE, living_arrangement="alone"
    )
    p["centenarian"] = make_person("百岁", birth=born_by(ON, 100))
    p["other_county"] = make_person("外旗", birth=OLD, region=ELSEWHERE, living_arrangement="alone")
    return p


@pytest.fixture
def facilities() -> None:
    township = Region.objects.get(code="152223100000")
    other_county = (
        Region.objects.filter(code__startswith="1522", level="township")
        .exclude(code__startswith="152223")
        .first()
    )
    Facility.objects.create(
        name="敬老院一", kind="public_home", region=township, beds=10, nursing_beds=6, occupied_beds=8
    )
    Facility.objects.create(
        name="敬老院二", kind="public_home", region=township, beds=20, nursing_beds=10, occupied_beds=10
    )
    Facility.objects.create(
        name="颐养院", kind="private_home", region=township, beds=5, nursing_beds=0, occupied_beds=2
    )
    Facility.objects.create(name="互助幸福院", kind="mutual_aid", region=township, beds=50)
    if other_county is not None:
        Facility.objects.create(name="外旗敬老院", kind="public_home", region=other_county, beds=99)


def county() -> Region:
    return Region.objects.get(code="152223")


def test_headline_definitions(population: dict[str, Person], facilities: None) -> None:
    s = region_stats(county(), ON, entitlements=False)
    # Living (no death on or before the date), 60+ in completed years on the date, 户籍 in the county:
    # the birthday on the date counts, the day-short does not; a death on the date does not, the day
    # after does; 户籍 here living elsewhere counts, living here with 户籍 elsewhere does not.
    assert s["population_60_plus"] == 12
    assert s["population_80_plus"] == 2  # exactly 80 on the date, and the centenarian
    # Alone, 特困 or 失能 (level ≥ 2), each counted once: overlap, alone, centralized, disabled, other township.
    assert s["alone_tekun_disabled"] == 5
    assert (
        s["institutions"] == 3
    )  # public + private homes of the county; not the 互助幸福院, not the other county
    assert s["institution_beds"] == 35
    assert s["facilities"]["nursing_bed_share_percent"] == round(100 * 16 / 35, 1)
    assert s["facilities"]["institution_occupancy_percent"] == round(100 * 20 / 35, 1)


def test_the_other_indicators(population: dict[str, Person], facilities: None) -> None:
    s = region_stats(county(), ON, entitlements=False)
    assert s["age_bands"] == {
        "60-64": 1,
        "65-69": 0,
        "70-74": 0,
        "75-79": 9,
        "80-84": 1,
        "85-89": 0,
        "90-94": 0,
        "95-99": 0,
        "100+": 1,
    }
    assert s["sex"] == {"male": 1, "female": 11}
    assert s["hukou_residence"]["hukou"] == 12
    assert s["hukou_residence"]["resident"] == 12  # 11 of them live here, and the incomer
    assert s["hukou_residence"]["hukou_living_elsewhere"] == 1
    assert s["hukou_residence"]["resident_hukou_elsewhere"] == 1
    g = s["special_groups"]
    assert (g["living_alone"], g["tekun_dispersed"], g["tekun_centralized"], g["dibao"]) == (3, 1, 1, 1)
    assert g["fp_special"]["bereaved"] == 1
    assert g["youfu"]["total"] == 1
    assert s["disability"]["by_grade"]["2"] == 1
    assert s["ability"]["disabled"] == 2
    assert s["ability"]["by_level"]["1"] == 1
    units = {u["name"]: u for u in s["units"]}
    assert units["音德尔镇"]["population_60_plus"] == 11
    assert units["新林镇"]["population_60_plus"] == 1
    assert units["新林镇"]["alone_tekun_disabled"] == 1
    assert units["音德尔镇"]["institutions"] == 3


def test_sql_agrees_with_the_pure_definitions(population: dict[str, Person]) -> None:
    counts = person_counts("152223", ON)
    records = [p.record() for p in Person.objects.all()]
    for indicator in PERSON_INDICATORS:
        expected = sum(1 for r in records if in_base(r, ON, "152223") and matches(indicator.cond, r, ON))
        assert counts[indicator.key] == expected, indicator.key


def test_a_later_date_counts_the_day_short_and_not_the_dead(population: dict[str, Person]) -> None:
    later = person_counts("152223", ON + dt.timedelta(days=1))
    assert later["population_60_plus"] == 12  # + the day-short, − the one who died the next day
    assert population_trend("152223", [ON, ON + dt.timedelta(days=1)])[1]["population_60_plus"] == 12


def test_the_command_prints_the_json(population: dict[str, Person], facilities: None, capsys: Any) -> None:
    assert main(["stats", "--region", "152223", "--date", ON.isoformat(), "--json", "--no-entitlements"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {k: out[k] for k in ("population_60_plus", "population_80_plus", "alone_tekun_disabled")} == {
        "population_60_plus": 12,
        "population_80_plus": 2,
        "alone_tekun_disabled": 5,
    }
    assert (out["institutions"], out["institution_beds"]) == (3, 35)
    assert out["region"]["name"] == "扎赉特旗"
    assert out["date"] == "2026-03-15"


def test_the_command_prints_a_chinese_table(population: dict[str, Person], capsys: Any) -> None:
    assert main(["stats", "--region", "152223100000", "--date", ON.isoformat(), "--no-entitlements"]) == 0
    out = capsys.readouterr().out
    assert "60周岁及以上老年人口" in out
    assert "音德尔镇" in out
    assert "龙腾社区" in out  # the villages of a township


def test_entitlements_by_item(population: dict[str, Person]) -> None:
    s = region_stats(county(), ON)
    e = s["entitlements"]
    assert e["catalog"] == "152223"
    by_code = {i["code"]: i for i in e["items"]}
    assert by_code["gaoling_jintie"]["people"] >= 1
    assert all(i["people"] <= e["people_with_any"] for i in e["items"])
    assert e["by_funding_level"]


def test_unknown_region_is_an_error(capsys: Any) -> None:
    assert main(["stats", "--region", "999999"]) != 0
