"""The indicators, as data: what each counts, its label, and the section it is shown in.

Every person indicator counts people of the *base* — living on the date (no death date on or before
it), aged 60 or more in completed years on the date, 户籍 in the region — who meet its condition. The
conditions are small values (:class:`Eq`, :class:`AnyOf`, …) that the stats app turns into SQL and
:func:`matches` evaluates for one record (the tests compare the two).

Status fields (living arrangement, 低保, 特困, ability level, disability …) are the values on record
now: the registry keeps their history as change events, not as a time series, so only age and death
are evaluated on the date asked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from yanglao.core.person import (
    DISABILITY_CATEGORY,
    FP_SPECIAL,
    LIVING,
    SPECIAL_CONTRIBUTION,
    age_on,
)
from yanglao.core.stats.ages import AGE_BANDS, Band

# 失能: a GB/T 42195-2022 level of 中度失能 or worse, as the visits read it; the lists read levels 1-4.
# Where each definition holds and why: docs/catalog-format.md §12.1.1 (pinned by a test).
DISABLED_MIN_LEVEL = 2
ABILITY_NAMES = ("能力完好", "轻度失能", "中度失能", "重度失能", "完全失能")
# 优抚对象: the categories entitled to the state's periodic pensions and subsidies (《军人抚恤优待条例》).
YOUFU_CATEGORIES = (
    "martyr_family",
    "duty_death_family",
    "illness_death_family",
    "disabled_veteran",
    "demobilized",
)


@dataclass(frozen=True)
class Eq:
    field: str
    value: object


@dataclass(frozen=True)
class In:
    field: str
    values: tuple[object, ...]


@dataclass(frozen=True)
class AtLeast:
    field: str
    value: int


@dataclass(frozen=True)
class Known:
    field: str


@dataclass(frozen=True)
class AgeAtLeast:
    years: int


@dataclass(frozen=True)
class AgeBand:
    band: Band


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[Cond, ...]


@dataclass(frozen=True)
class AllOf:
    parts: tuple[Cond, ...]


Cond = Eq | In | AtLeast | Known | AgeAtLeast | AgeBand | AnyOf | AllOf | None  # None: the whole base


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    section: str
    cond: Cond
    note: str = ""


ALONE = Eq("living_arrangement", "alone")
TEKUN = In("tekun", ("dispersed", "centralized"))
DISABLED = AtLeast("ability_level", DISABLED_MIN_LEVEL)
YOUFU = AnyOf(
    (In("special_contribution", YOUFU_CATEGORIES), Eq("periodic_pension", True), Eq("military_family", True))
)

POPULATION = "人口"
GROUPS = "特殊困难群体"
ABILITY = "能力与残疾"


def _person_indicators() -> tuple[Indicator, ...]:
    out = [
        Indicator("population_60_plus", "60周岁及以上老年人", POPULATION, None, "户籍在本区划、在世"),
        Indicator("population_65_plus", "65周岁及以上", POPULATION, AgeAtLeast(65)),
        Indicator("population_80_plus", "80周岁及以上", POPULATION, AgeAtLeast(80)),
    ]
    out += [Indicator(f"age_{b.key}", b.label, POPULATION, AgeBand(b)) for b in AGE_BANDS]
    out += [
        Indicator("sex_male", "男性", POPULATION, Eq("sex", "1")),
        Indicator("sex_female", "女性", POPULATION, Eq("sex", "2")),
        Indicator(
            "alone_tekun_disabled",
            "独居、特困、失能老年人（不重复计算）",
            GROUPS,
            AnyOf((ALONE, TEKUN, DISABLED)),
            "独居或特困（分散、集中供养）或失能（能力等级≥2），每人只计一次",
        ),
    ]
    out += [
        Indicator(f"living_{code}", label, GROUPS, Eq("living_arrangement", code))
        for code, label in LIVING
        if code != "with_family"
    ]
    out += [
        Indicator("dibao", "最低生活保障对象", GROUPS, Eq("dibao", True)),
        Indicator("dibao_edge", "低保边缘家庭成员", GROUPS, Eq("dibao_edge", True)),
        Indicator("spending_hardship", "支出型困难家庭成员", GROUPS, Eq("spending_hardship", True)),
        Indicator("tekun_dispersed", "特困人员（分散供养）", GROUPS, Eq("tekun", "dispersed")),
        Indicator("tekun_centralized", "特困人员（集中供养）", GROUPS, Eq("tekun", "centralized")),
        Indicator(
            "fp_special", "计划生育特殊家庭老年人", GROUPS, In("fp_special", ("bereaved", "disabled_child"))
        ),
    ]
    out += [
        Indicator(f"fp_{code}", f"计生特殊家庭：{label}", GROUPS, Eq("fp_special", code))
        for code, label in FP_SPECIAL
        if code != "none"
    ]
    out.append(
        Indicator(
            "youfu",
            "优抚对象",
            GROUPS,
            YOUFU,
            "烈属、因公牺牲及病故军人遗属、残疾军人、复员军人、享受定期抚恤补助、现役军人家属",
        )
    )
    out += [
        Indicator(f"contribution_{code}", label, GROUPS, Eq("special_contribution", code))
        for code, label in SPECIAL_CONTRIBUTION
        if code != "none"
    ]
    out += [
        Indicator("disabled", "失能老年人（中度及以上）", ABILITY, DISABLED),
        Indicator("assessed", "有能力评估等级", ABILITY, Known("ability_level")),
        Indicator(
            "assessed_65_plus",
            "65周岁及以上有能力评估等级",
            ABILITY,
            AllOf((AgeAtLeast(65), Known("ability_level"))),
            "考核“65周岁及以上老年人能力评估覆盖率”的分子",
        ),
    ]
    out += [
        Indicator(f"ability_{level}", name, ABILITY, Eq("ability_level", level))
        for level, name in enumerate(ABILITY_NAMES)
    ]
    out.append(Indicator("disability_any", "持残疾人证", ABILITY, Known("disability_grade")))
    out += [
        Indicator(
            f"disability_{grade}", f"残疾{'一二三四'[grade - 1]}级", ABILITY, Eq("disability_grade", grade)
        )
        for grade in (1, 2, 3, 4)
    ]
    out += [
        Indicator(f"disability_cat_{code}", f"{label}残疾", ABILITY, Eq("disability_category", code))
        for code, label in DISABILITY_CATEGORY
    ]
    return tuple(out)


PERSON_INDICATORS: tuple[Indicator, ...] = _person_indicators()
INDICATOR_BY_KEY: dict[str, Indicator] = {i.key: i for i in PERSON_INDICATORS}
AGE_BAND_KEYS: tuple[str, ...] = tuple(f"age_{b.key}" for b in AGE_BANDS)
# The figures of the published baseline, in the order the bulletin names them.
HEADLINE: tuple[str, ...] = ("population_60_plus", "population_80_plus", "alone_tekun_disabled")


def matches(cond: Cond, record: Mapping[str, object], on: dt.date) -> bool:
    """Whether one person record meets ``cond`` on ``on`` (the base itself is not checked here)."""
    if cond is None:
        return True
    if isinstance(cond, AnyOf):
        return any(matches(part, record, on) for part in cond.parts)
    if isinstance(cond, AllOf):
        return all(matches(part, record, on) for part in cond.parts)
    if isinstance(cond, AgeAtLeast | AgeBand):
        birth = record.get("birth_date")
        if not isinstance(birth, dt.date):
            return False
        age = age_on(birth, on)
        if isinstance(cond, AgeAtLeast):
            return age >= cond.years
        return age >= cond.band.low and (cond.band.high is None or age <= cond.band.high)
    value = record.get(cond.field)
    if isinstance(cond, Eq):
        return value is not None and value == cond.value
    if isinstance(cond, In):
        return value in cond.values
    if isinstance(cond, AtLeast):
        return isinstance(value, int) and not isinstance(value, bool) and value >= cond.value
    return value is not None


def in_base(record: Mapping[str, object], on: dt.date, prefix: str, *, by: str = "hukou_region") -> bool:
    """Living on ``on``, aged 60+ on ``on``, and ``by`` (户籍 or 常住地) inside the region ``prefix``."""
    death = record.get("death_date")
    if isinstance(death, dt.date) and death <= on:
        return False
    birth = record.get("birth_date")
    if not isinstance(birth, dt.date) or age_on(birth, on) < 60:
        return False
    code = record.get(by)
    return isinstance(code, str) and code.startswith(prefix)
