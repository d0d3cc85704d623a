"""The demo's ability-assessment results: one signed GB/T 42195-2022 result per living demo person with
an ability level.

The population file gives some people an ability level (0-4) and the date of their assessment; here each
of them gets the assessment behind it. The 26 item scores, the coma answer, the diagnoses and the
care-risk events are drawn (seeded, so every build is the same) so that the instrument's own scoring
(:func:`yanglao.core.assessment.score`, as ``yanglao assess`` and signing use it) gives exactly that
level: a total in the level's band of C.3, or, for some people, a total one band lower and a change
ground of C.4 (a dementia or other mental-disorder diagnosis, two care-risk events in the last 30
days, or coma for level 4). The stored results (total, indicators, levels, grounds) come from that
scoring, validity from the same parameter and rule as :func:`do_sign_assessment`.

Everything is synthetic. The results are written in bulk: no change events (the person's
``ability_level`` and ``ability_assessed_on`` already equal the result) and one audit event for all.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from yanglao.assessments.actions import assessment_number
from yanglao.assessments.models import Assessment, ReasonChoice, Scale, Status
from yanglao.assessments.results import validity_months
from yanglao.audit.log import audit
from yanglao.audit.models import Action
from yanglao.core.assessment import AssessmentResult, instrument, score, valid_until
from yanglao.core.assessment.instrument import RISK_EVENT_KEYS
from yanglao.regions.models import Region
from yanglao.registry import fastwrite
from yanglao.registry.models import Person

ACTOR = "演示数据"
BATCH = 2000

# Demo assessors (two different names on every result) and informants.
ASSESSORS = ("高玉梅", "包金花", "刘建国", "吴敖日格乐", "陈淑芬", "白乌云", "赵志强", "那仁满都拉")
RELATIVES = ("王国华", "李秀梅", "巴特尔", "张海燕", "其其格", "刘志刚", "苏和", "陈丽娟")
CAREGIVERS = ("孙桂兰", "宝音", "杨淑珍", "周海林")  # 敬老院 care workers
# Diagnoses: common ones that do not change the level; the F codes of C.4 ground 2.
COMMON_DIAGNOSES = ("I10", "E11", "I25", "I63", "J44", "M17", "H25", "G20", "I69", "M81")
MENTAL_DIAGNOSES = ("F03", "F01", "F00", "F32")
# The share of people at each level whose level comes from a change ground (C.4) rather than the total.
RAISED = {2: 0.12, 3: 0.2, 4: 0.25}
COMA = 0.04  # of level 4: coma (A.5.11), whatever the score


@dataclass(frozen=True)
class Drawn:
    """The answers of one synthetic assessment that matter for scoring."""

    items: dict[str, int]
    coma: bool = False
    diagnoses: list[str] = field(default_factory=list)
    risk_events: dict[str, int] = field(default_factory=dict)


def _band(level: int) -> tuple[int, int]:
    lv = instrument().level(level)
    return lv.min_total, lv.max_total


def _items_for_total(rng: random.Random, total: int) -> dict[str, int]:
    """Item scores adding up to ``total``: the points lost are drawn evenly over all the points."""
    items = instrument().items
    lost = rng.sample(
        [i.code for i in items], instrument().total_max - total, counts=[i.max_score for i in items]
    )
    scores = {i.code: i.max_score for i in items}
    for code in lost:
        scores[code] -= 1
    return scores


def _events(rng: random.Random, at_least_two: bool) -> dict[str, int]:
    events = dict.fromkeys(RISK_EVENT_KEYS, 0)
    if at_least_two:
        first, second = rng.choice(
            (("fall", "fall"), ("fall", "choking"), ("fall", "lost"), ("lost", "lost"))
        )
        events[first] += 1
        events[second] += 1
    elif rng.random() < 0.15:
        events["fall"] = 1
    return events


def draw(rng: random.Random, level: int) -> Drawn:
    """Answers that the instrument scores as ``level`` (0-4)."""
    diagnoses = sorted(rng.sample(COMMON_DIAGNOSES, rng.choice((0, 1, 1, 2, 2, 3))))
    if level == 4 and rng.random() < COMA:
        low, high = _band(4)
        return Drawn(_items_for_total(rng, rng.randint(low, high)), True, diagnoses, _events(rng, False))
    if rng.random() < RAISED.get(level, 0.0):
        low, high = _band(level - 1)
        events = _events(rng, rng.random() < 0.4)
        if sum(events.values()) < 2:
            diagnoses = sorted({*diagnoses, rng.choice(MENTAL_DIAGNOSES)})
        return Drawn(_items_for_total(rng, rng.randint(low, high)), False, diagnoses, events)
    low, high = _band(level)
    return Drawn(_items_for_total(rng, rng.randint(low, high)), False, diagnoses, _events(rng, False))


def scored(drawn: Drawn) -> AssessmentResult:
    return score(drawn.items, coma=drawn.coma, diagnoses=drawn.diagnoses, risk_events=drawn.risk_events)


@dataclass(frozen=True)
class Subject:
    pk: int
    name: str
    level: int
    assessed_on: dt.date
    region: str  # for the number: the person's 常住地, else 户籍地, as the sign action takes it
    tekun: str


def subjects(county: Region, on: dt.date) -> Iterator[Subject]:
    """Living people of the county (户籍地) with an ability level and no assessment yet, by ID number."""
    rows = (
        Person.objects.filter(hukou_region__startswith=county.prefix, ability_level__isnull=False)
        .filter(ability_assessed_on__isnull=False, ability_assessed_on__lte=on)
        .filter(Q(death_date__isnull=True) | Q(death_date__gt=on))
        .exclude(Exists(Assessment.objects.filter(person=OuterRef("pk"))))
        .order_by("id_number")
        .values_list(
            "pk", "name", "ability_level", "ability_assessed_on", "residence_region", "hukou_region", "tekun"
        )
    )
    for pk, name, level, assessed_on, residence, hukou, tekun in rows.iterator(chunk_size=BATCH):
        if level is None or assessed_on is None:  # excluded by the query
            continue
        yield Subject(pk, name, level, assessed_on, residence or hukou or "", tekun or "")


def _signed_at(rng: random.Random, day: dt.date) -> dt.datetime:
    time = dt.time(8 + rng.randrange(9), rng.randrange(60), rng.randrange(60))
    return dt.datetime.combine(day, time, tzinfo=timezone.get_current_timezone())


def _informant(rng: random.Random, s: Subject) -> tuple[str, str]:
    if s.tekun == "centralized":
        return rng.choice(CAREGIVERS), "other"
    if s.level <= 1 and rng.random() < 0.8:
        return s.name, "self"
    return rng.choice(RELATIVES), rng.choice(("child", "child", "spouse", "relative"))


@cache
def _blank_texts() -> dict[str, str]:
    """Text columns left empty (the bulk writer takes no default for them)."""
    return {
        f.attname: ""
        for f in Assessment._meta.concrete_fields
        if isinstance(f, models.CharField) and not f.null and not f.has_default()
    }


def assessment_of(rng: random.Random, s: Subject, pk: int, months: int, county_name: str) -> dict[str, Any]:
    """The row of one signed result for ``s`` whose final level is ``s.level`` (checked), with what
    :func:`do_sign_assessment` stores: the scoring, validity, status, number and time of signing (on
    the reference date: the demo's assessors signed on the day they assessed)."""
    drawn = draw(rng, s.level)
    result = scored(drawn)
    if result.final_level != s.level:  # pragma: no cover - draw() is built so that it never happens
        raise AssertionError(f"drew level {result.final_level} for level {s.level}")
    first, second = rng.sample(ASSESSORS, 2)
    informant, relation = _informant(rng, s)
    if s.tekun == "centralized":
        place = "供养机构（敬老院）"
    elif rng.random() < 0.3:
        place = f"{county_name}老年人能力评估中心"
    else:
        place = "老年人家中"
    signed_at = _signed_at(rng, s.assessed_on)
    reason = ReasonChoice.FIRST if rng.random() < 0.7 else ReasonChoice.ROUTINE
    return {
        **_blank_texts(),
        "id": pk,
        "person_id": s.pk,
        "number": assessment_number(s.region, s.assessed_on, pk),
        "scale": Scale.GBT_42195.value,
        "status": Status.SIGNED.value,
        "reference_date": s.assessed_on,
        "reason": reason.value,
        "informant_name": informant,
        "informant_relation": relation,
        "informant_relation_detail": "敬老院护理员" if relation == "other" else "",
        "place": place,
        "items": drawn.items,
        "coma": drawn.coma,
        "diagnoses": drawn.diagnoses,
        "risk_events": drawn.risk_events,
        "total": result.total,
        "indicators": dict(result.indicators),
        "initial_level": result.initial_level,
        "final_level": result.final_level,
        "ground_keys": list(result.ground_keys),
        "grounds": list(result.grounds),
        "assessor_1_name": first,
        "assessor_2_name": second,
        "validity_months": months,
        "valid_until": valid_until(s.assessed_on, months),
        "signed_at": signed_at,
        "created_at": signed_at,
        "updated_at": signed_at,
    }


def build_assessments(
    county: Region, on: dt.date, progress: Callable[[float], None] | None = None, seed: int | None = None
) -> int:
    """One signed GB/T 42195-2022 result per living person of the county with an ability level and no
    assessment yet. Returns how many were made.

    Written with the registry's bulk writer (ids allocated first, so each number is final when the row
    is written; one statement per batch), in one transaction."""
    rng = random.Random(seed if seed is not None else int(county.code) + 42195)
    months = validity_months()
    people = list(subjects(county, on))
    if not people:
        return 0
    with transaction.atomic():
        ids = fastwrite.allocate_ids(Assessment, len(people))
        for start in range(0, len(people), BATCH):
            chunk = zip(people[start : start + BATCH], ids[start : start + BATCH], strict=True)
            fastwrite.insert(Assessment, [assessment_of(rng, s, pk, months, county.name) for s, pk in chunk])
            if progress is not None:
                progress(min(start + BATCH, len(people)) / len(people))
        audit(
            ACTOR,
            Action.CREATE,
            object_type="assessment",
            object_id=county.code,
            summary=f"生成演示能力评估结果 {len(people)} 份（GB/T 42195-2022，已签署，合成数据）",
            detail={"region": county.code, "assessments": len(people), "levels": _levels(people)},
        )
    return len(people)


def _levels(people: list[Subject]) -> dict[str, int]:
    out: dict[str, int] = {}
    for s in people:
        out[str(s.level)] = out.get(str(s.level), 0) + 1
    return dict(sorted(out.items()))
