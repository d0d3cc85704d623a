"""``yanglao demo --no-serve`` built for real into the test database: the published baseline of 扎赉特旗,
one signed GB/T 42195-2022 result behind every ability level, discovery finding the results that run
out, and a second run reusing the first.

One test, because the build takes most of a minute."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.db.models import Count, F, Q

from yanglao.assessments.models import Assessment, Scale, Status
from yanglao.assessments.results import counts_by_level, current_results, expiring, living
from yanglao.cli import main
from yanglao.core.assessment import score, valid_until
from yanglao.demo.models import DemoBuild
from yanglao.entitlements.discovery import WITHIN_DAYS
from yanglao.registry.models import Person
from yanglao.stats.cache import _store
from yanglao.visits.models import Assignment, Visit, Visitor

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]  # the commands close connections

COUNTY = "152223"
BASELINE = {
    "population_60_plus": 64_511,
    "population_80_plus": 4_088,
    "alone_tekun_disabled": 4_890,
    "institutions": 13,
    "institution_beds": 897,
}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(list(args)) == 0
    return capsys.readouterr().out


def check_assessments(on: dt.date) -> None:
    """Every living person with an ability level has exactly one signed result, current on the build
    day, whose final level and date are the person's; nobody else has one."""
    assessed = living(on).filter(ability_level__isnull=False)
    total = assessed.count()
    assert total > 15_000
    assert Assessment.objects.count() == total
    assert not assessed.annotate(n=Count("assessments")).exclude(n=1).exists()
    assert not Assessment.objects.exclude(status=Status.SIGNED).exists()
    assert not Assessment.objects.exclude(scale=Scale.GBT_42195).exists()
    assert not Assessment.objects.exclude(final_level=F("person__ability_level")).exists()
    assert not Assessment.objects.exclude(reference_date=F("person__ability_assessed_on")).exists()
    assert not Assessment.objects.filter(person__death_date__lte=on).exists()
    assert current_results(assessed, on).count() == total
    levels = dict(Assessment.objects.values_list("final_level").annotate(n=Count("pk")))
    assert set(levels) == {0, 1, 2, 3, 4}


def check_sample(on: dt.date) -> None:
    """A sample scored again with the core gives what is stored; the sign action's number and validity."""
    sample = list(Assessment.objects.select_related("person").order_by("pk")[::97])
    grounds_seen: set[str] = set()
    for a in sample:
        result = score(a.items, coma=bool(a.coma), diagnoses=a.diagnoses, risk_events=a.risk_events)
        assert (a.total, a.initial_level, a.final_level) == (
            result.total,
            result.initial_level,
            result.final_level,
        )
        assert a.indicators == dict(result.indicators)
        assert (a.ground_keys, a.grounds) == (list(result.ground_keys), list(result.grounds))
        grounds_seen.update(a.ground_keys)
        assert a.reference_date is not None
        assert a.reference_date < on
        assert a.validity_months == 12
        assert a.valid_until == valid_until(a.reference_date, 12)
        assert a.signed_at is not None
        assert a.signed_at.date() <= on
        region = (a.person.residence_region or a.person.hukou_region)[:6]
        assert a.number == f"PG{region}{a.reference_date:%Y%m%d}{a.pk:06d}"
        assert re.fullmatch(r"PG\d{20,}", a.number)
        assert len(a.items) == 26
        assert set(a.risk_events) == {"fall", "lost", "choking", "self_harm", "other"}
        assert a.coma is not None
        assert a.informant_name
        assert a.informant_relation
        assert a.place
        assert a.assessor_1_name
        assert a.assessor_2_name
        assert a.assessor_1_name != a.assessor_2_name
        assert a.signed_by_id is None
    assert len(sample) > 150
    assert grounds_seen  # some levels come from a change ground, not only from the total


def test_the_demo_reproduces_the_baseline_with_an_assessment_behind_every_level(
    settings: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.HOME = tmp_path
    _store().clear()

    out = run(capsys, "demo", "--no-serve")

    assert "人数 " in out
    demo = DemoBuild.objects.get(region_code=COUNTY)
    on = demo.reference_date
    assert (tmp_path / "demo" / COUNTY / "民政局_老年人基础信息.csv").is_file()

    figures = json.loads(run(capsys, "stats", "--region", COUNTY, "--date", on.isoformat(), "--json"))
    assert {k: figures[k] for k in BASELINE} == BASELINE
    check_assessments(on)
    check_sample(on)
    # The assessments' counts (by 常住地) agree with the levels on record of the people living here.
    here = living(on).filter(
        Q(residence_region__startswith=COUNTY)
        | Q(residence_region__isnull=True, hukou_region__startswith=COUNTY)
    )
    on_record = dict(
        here.filter(ability_level__isnull=False).values_list("ability_level").annotate(n=Count("pk"))
    )
    by_level = {int(k): v for k, v in figures["assessments"]["by_level"].items()}
    assert by_level == {level: on_record.get(level, 0) for level in range(5)} == counts_by_level(COUNTY, on)
    assert figures["assessments"]["total"] == sum(on_record.values())

    found = json.loads(run(capsys, "discover", "--date", on.isoformat(), "--region", COUNTY, "--json"))
    soon = found["found"]["assessment_expiring"]
    assert soon > 0
    assert soon == len(expiring(COUNTY, on, WITHIN_DAYS))

    # This month's visits so far: the demo 网格员 has a caseload, the month's rate is the simulation's.
    visitor = Visitor.objects.get(user__username=f"visitor{COUNTY}")
    assert Assignment.objects.filter(visitor=visitor, ended_at__isnull=True).exists()
    assert Visit.objects.filter(visited_on__year=on.year, visited_on__month=on.month).exists()
    assert 90 <= figures["visits"]["rate_percent"] <= 100

    persons, assessments = Person.objects.count(), Assessment.objects.count()
    assert main(["demo", "--no-serve"]) == 0
    again = capsys.readouterr()
    assert "已有演示数据，直接使用" in again.err
    assert f"人数 {demo.persons}" in again.out
    assert (Person.objects.count(), Assessment.objects.count()) == (persons, assessments)
    assert DemoBuild.objects.count() == 1
