"""A synthetic population of older people whose figures match a jurisdiction's published baseline.

Pure Python (no Django): given the baseline counts, the villages and a reference date, it returns
person-record rows. Exact by construction: ``aged_60_plus`` living people aged 60+ on the reference date,
``aged_80_plus`` of them 80+, and exactly ``alone_tekun_disabled`` of them living alone, 特困 or 失能
(ability level ≥ ``DISABLED_MIN_LEVEL``), each counted once. Every other share is drawn at a rate
written beside it with its source (see docs/demo.md). ID numbers are valid and marked synthetic.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from dataclasses import dataclass
from typing import Any

from yanglao.core.idnumber import make_id_number
from yanglao.core.person import age_on
from yanglao.core.synthetic_names import synthetic_name

DISABLED_MIN_LEVEL = 2  # 失能 = 中度失能 or worse (GB/T 42195-2022 level ≥ 2); the visits issue's default too

# Shares (each with its source; national figures unless said otherwise).
AGE_BANDS_60_79 = ((60, 0.322), (65, 0.325), (70, 0.218), (75, 0.135))  # 2020 census, people 60-79 by band
AGE_BANDS_80 = ((80, 0.571), (85, 0.291), (90, 0.109), (95, 0.025), (100, 0.004))  # 2020 census, 80+
MALE_60_79 = 0.49  # 2020 census: sex ratio ≈ 96 at 60-79
MALE_80 = 0.42  # 2020 census: sex ratio ≈ 73 at 80+
DIED_LAST_YEAR = 0.012  # crude death rate of people 60+ ≈ 25‰ a year; half a year of deaths recorded
DIBAO = 0.062  # rural 低保 ≈ 6.8% of rural residents (民政事业发展统计公报 2023), elders ≈ average
DIBAO_EDGE = 0.015  # 低保边缘: about a quarter of the 低保 count (local practice)
SPENDING_HARDSHIP = 0.004
TEKUN_SHARE = 0.0149  # 特困 ≈ 4.7 M nationally, ≈ 1.5% of people 60+ (公报 2023)
TEKUN_CENTRALIZED = 364  # 4 public 敬老院 with 428 beds for 特困集中供养 (seed 003), 85% occupied
ASSESSED = 0.28  # share of people 60+ with a current GB/T 42195 result (local practice, demo choice)
DISABLED_LEVELS = ((2, 0.55), (3, 0.30), (4, 0.15))  # 失能 people by level (fourth national survey)
DISABILITY = 0.082  # 残疾人证 holders among people 60+ (中国残联 2023: 38 M holders, ≈ 53% aged 60+)
DISABILITY_GRADES = ((1, 0.12), (2, 0.23), (3, 0.30), (4, 0.35))  # 残联 statistics by grade
DISABILITY_CATEGORIES = (
    ("physical", 0.45),
    ("hearing", 0.20),
    ("visual", 0.15),
    ("multiple", 0.08),
    ("mental", 0.07),
    ("intellectual", 0.04),
    ("speech", 0.01),
)  # second national sample survey on disability (2006), people 60+
FP_SPECIAL = 0.004  # 计生特殊家庭: ≈ 1 M families nationally (国家卫健委)
LIVING_OTHERS = (("with_family", 0.44), ("empty_nest", 0.46), ("left_behind", 0.10))  # 四调 2015
PENSION = (("urban_rural", 0.66), ("employee", 0.25), ("public_sector", 0.06), ("none", 0.03))  # 人社公报
CONTRIBUTION = (
    ("retired_soldier", 0.010),
    ("demobilized", 0.003),
    ("disabled_veteran", 0.001),
    ("martyr_family", 0.0008),
    ("illness_death_family", 0.0006),
    ("duty_death_family", 0.0003),
)
MOBILE = 0.72  # people 60+ using a mobile phone (CNNIC 2023 for 60+: ≈ 70%)
MOVED_AWAY = 0.03  # 户籍 here, living elsewhere (人户分离 of older people, 2020 census ≈ 3-5%)
EMIGRANTS_80 = 0.003  # 80+ people whose 户籍 public security moves out after they were enrolled (demo)

MONGOL_SHARE = {"152223": 0.38}  # 扎赉特旗: Mongolian ≈ 38% of the population (旗情简介)


@dataclass(frozen=True)
class Baseline:
    """The published figures a demo jurisdiction must reproduce."""

    code: str
    aged_60_plus: int
    aged_80_plus: int
    alone_tekun_disabled: int | None = None
    source: str = ""


@dataclass(frozen=True)
class Village:
    code: str
    name: str
    township: str
    weight: float


def _pick(rng: random.Random, table: tuple[tuple[Any, float], ...]) -> Any:
    roll = rng.random() * sum(w for _, w in table)
    for value, weight in table:
        roll -= weight
        if roll <= 0:
            return value
    return table[-1][0]


def _birth_for_age(rng: random.Random, age: int, on: dt.date) -> dt.date:
    """A birth date giving exactly ``age`` completed years on ``on``."""
    latest = _years_before(on, age)
    earliest = _years_before(on, age + 1) + dt.timedelta(days=1)
    birth = earliest + dt.timedelta(days=rng.randrange((latest - earliest).days + 1))
    assert age_on(birth, on) == age
    return birth


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _name(rng: random.Random, sex: str, mongol_share: float) -> str:
    return synthetic_name(rng, sex == "1", mongol_share)


def _phone(rng: random.Random) -> str:
    return rng.choice(("139", "138", "150", "151", "152", "158", "187", "188", "133", "176")) + (
        f"{rng.randrange(10**8):08d}"
    )


class PopulationBuilder:
    def __init__(
        self, baseline: Baseline, villages: list[Village], on: dt.date, seed: int | None = None
    ) -> None:
        self.baseline, self.villages, self.on = baseline, villages, on
        self.rng = random.Random(seed if seed is not None else int(baseline.code))
        self.mongol_share = MONGOL_SHARE.get(baseline.code, 0.0)
        self.sequences: dict[tuple[str, dt.date], int] = {}
        self.weights = [v.weight for v in villages]
        self.cumulative = list(itertools.accumulate(self.weights))  # the same draws as weights=, summed once

    def _id_number(self, birth: dt.date, sex: str) -> str:
        key = (self.baseline.code, birth)
        seq = self.sequences.get(key, self.rng.randrange(0, 200))
        if seq % 2 != (1 if sex == "1" else 0):
            seq += 1
        self.sequences[key] = seq + 1
        return make_id_number(self.baseline.code, birth, seq)

    def _ages(self) -> list[int]:
        base = self.baseline
        ages: list[int] = []
        for _ in range(base.aged_80_plus):
            start = _pick(self.rng, tuple((a, w) for a, w in AGE_BANDS_80))
            ages.append(start + self.rng.randrange(5) if start < 100 else 100 + self.rng.randrange(5))
        for _ in range(base.aged_60_plus - base.aged_80_plus):
            ages.append(_pick(self.rng, AGE_BANDS_60_79) + self.rng.randrange(5))
        return ages

    def build(self) -> list[dict[str, Any]]:
        rng, on = self.rng, self.on
        people = [self._person(age) for age in self._ages()]
        self._assign_groups(people)
        dead = [
            self._person(rng.choice((65, 72, 78, 83, 88, 91)))
            for _ in range(round(len(people) * DIED_LAST_YEAR))
        ]
        for person in dead:
            days = rng.randrange(1, 180)
            person["death_date"] = on - dt.timedelta(days=days)
            person["_flags"] = set()
            self._ordinary(person)
        # People who will move their 户籍 out of the county (the enrolment step of the demo moves them,
        # so that discovery finds someone paid after moving away). They are extra: once moved they are
        # no longer in the 户籍 population, which then matches the baseline exactly.
        emigrants = [
            self._person(80 + rng.randrange(10))
            for _ in range(max(1, round(self.baseline.aged_80_plus * EMIGRANTS_80)))
        ]
        for person in emigrants:
            person["_flags"] = set()
            person["_emigrant"] = True
            person["residence_region"] = person["hukou_region"]
            self._ordinary(person)
        dead += emigrants
        self._pair_spouses(people)
        elsewhere = "152201" if self.baseline.code.startswith("15") else self.baseline.code[:4] + "02"
        for person in people + dead:
            if person["residence_region"] == "MOVED":
                person["residence_region"] = elsewhere
        return people + dead

    def _person(self, age: int) -> dict[str, Any]:
        rng = self.rng
        sex = "1" if rng.random() < (MALE_80 if age >= 80 else MALE_60_79) else "2"
        birth = _birth_for_age(rng, age, self.on)
        village = rng.choices(self.villages, cum_weights=self.cumulative)[0]
        # "MOVED": 户籍 here, living outside the county; build() puts in the place they live.
        residence = "MOVED" if rng.random() < MOVED_AWAY else village.code
        phone = _phone(rng) if rng.random() < MOBILE else ""
        return {
            "id_number": self._id_number(birth, sex),
            "name": _name(rng, sex, self.mongol_share),
            "sex": sex,
            "birth_date": birth,
            "hukou_region": village.code,
            "residence_region": residence,
            "_age": age,
            "_village": village,
            "pension_scheme": _pick(rng, PENSION),
            "phone": phone,
            "address": f"{village.township}{village.name}{rng.randrange(1, 12)}组{rng.randrange(1, 80)}号",
        }

    def _assign_groups(self, people: list[dict[str, Any]]) -> None:
        """Exactly ``alone_tekun_disabled`` people in the union of 独居, 特困 and 失能."""
        rng, base = self.rng, self.baseline
        union_size = base.alone_tekun_disabled or round(len(people) * 0.0758)
        candidates = [p for p in people if p["residence_region"] != "MOVED"]
        # Cumulative weights once (``choices(weights=…)`` would sum them again at every draw: quadratic
        # at a million people); the draws are the same.
        cumulative = list(itertools.accumulate(1.0 + max(p["_age"] - 60, 0) / 8 for p in candidates))
        indexes = range(len(candidates))
        union: list[dict[str, Any]] = []
        chosen: set[int] = set()
        while len(union) < union_size:
            index = rng.choices(indexes, cum_weights=cumulative)[0]
            if index not in chosen:
                chosen.add(index)
                union.append(candidates[index])
        tekun_count = min(round(len(people) * TEKUN_SHARE), len(union))
        disabled_count = round(union_size * 0.36)
        for i, person in enumerate(union):
            flags: set[str] = set()
            if i < tekun_count:
                flags.add(
                    "tekun_centralized" if i < min(TEKUN_CENTRALIZED, tekun_count) else "tekun_dispersed"
                )
            # 失能 overlaps the last 300 特困 (fewer in a small sample, which would otherwise have none).
            overlap = min(300, tekun_count // 3)
            if tekun_count - overlap <= i < tekun_count - overlap + disabled_count:
                flags.add("disabled")
            if (
                not flags
                or ("tekun_dispersed" in flags and rng.random() < 0.5)
                or ("disabled" in flags and rng.random() < 0.15)
            ):
                flags.add("alone")
            person["_flags"] = flags
            self._special(person)
        for person in people:
            if "_flags" not in person:
                person["_flags"] = set()
                self._ordinary(person)

    def _special(self, person: dict[str, Any]) -> None:
        rng, flags = self.rng, person["_flags"]
        self._common(person)
        if "tekun_centralized" in flags or "tekun_dispersed" in flags:
            person["tekun"] = "centralized" if "tekun_centralized" in flags else "dispersed"
            person["no_supporter"] = True
            person["tekun_care"] = (
                "full" if "disabled" in flags else _pick(rng, (("self", 0.7), ("half", 0.3)))
            )
            person["dibao"] = False
        if "disabled" in flags:
            level = _pick(rng, DISABLED_LEVELS)
            self._assess(person, level)
            person["disabled_months"] = rng.randrange(6, 121)
            person["long_term_care_need"] = level >= 3
            person["self_care_unable"] = level >= 3
        if "alone" in flags:
            person["living_arrangement"] = "alone"
        elif "tekun_centralized" in flags:
            person["living_arrangement"] = None
        else:
            person["living_arrangement"] = _pick(rng, LIVING_OTHERS)

    def _ordinary(self, person: dict[str, Any]) -> None:
        rng = self.rng
        self._common(person)
        person["living_arrangement"] = _pick(rng, LIVING_OTHERS)
        if rng.random() < ASSESSED:
            self._assess(person, 0 if rng.random() < 0.62 else 1)

    def _assess(self, person: dict[str, Any], level: int) -> None:
        person["ability_level"] = level
        person["ability_assessed_on"] = self.on - dt.timedelta(days=self.rng.randrange(1, 365))

    def _common(self, person: dict[str, Any]) -> None:
        rng = self.rng
        person["tekun"] = "none"
        person["no_supporter"] = False
        roll = rng.random()
        person["dibao"] = roll < DIBAO
        person["dibao_edge"] = DIBAO <= roll < DIBAO + DIBAO_EDGE
        person["spending_hardship"] = rng.random() < SPENDING_HARDSHIP
        person["self_care_unable"] = False
        person["long_term_care_need"] = False
        person["ltc_insured"] = False
        if rng.random() < DISABILITY:
            person["disability_grade"] = _pick(rng, DISABILITY_GRADES)
            person["disability_category"] = _pick(rng, DISABILITY_CATEGORIES)
        person["fp_special"] = (
            _pick(rng, (("bereaved", 0.7), ("disabled_child", 0.3))) if rng.random() < FP_SPECIAL else "none"
        )
        contribution = "none"
        roll = rng.random()
        for code, share in CONTRIBUTION:
            if roll < share:
                contribution = code
                break
            roll -= share
        person["special_contribution"] = contribution
        person["periodic_pension"] = contribution in (
            "disabled_veteran",
            "martyr_family",
            "illness_death_family",
            "duty_death_family",
            "demobilized",
        )
        person["military_family"] = rng.random() < 0.004

    def _pair_spouses(self, people: list[dict[str, Any]]) -> None:
        """About half of the people married to another person of the registry in the same village."""
        rng = self.rng
        by_village: dict[str, dict[str, list[dict[str, Any]]]] = {}
        for person in people:
            if (
                person["living_arrangement"] in ("empty_nest", "with_family", "left_behind")
                and rng.random() < 0.6
            ):
                by_village.setdefault(person["hukou_region"], {"1": [], "2": []})[person["sex"]].append(
                    person
                )
        for groups in by_village.values():
            men = sorted(groups["1"], key=lambda p: p["birth_date"])
            women = sorted(groups["2"], key=lambda p: p["birth_date"])
            for man, woman in zip(men, women, strict=False):
                man["spouse_id_number"], woman["spouse_id_number"] = woman["id_number"], man["id_number"]
