"""The statistics on a demo county's population (the demo's own generator, 扎赉特旗 at 1/16 of its
published size, every group the demo plants): every indicator counted in SQL by the rule language's
database backend, per township, equals the count of the catalogue evaluator over the same persons
(one record at a time), at every hard date; and the care homes' 生活不能自理特困人员 likewise."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest

from yanglao.carehomes.indicators import centralized_rate
from yanglao.core.stats.indicators import PERSON_INDICATORS, definition, in_base, matches
from yanglao.demo.build import BASELINES, villages_of
from yanglao.demo.population import Baseline, PopulationBuilder
from yanglao.regions.models import Region
from yanglao.registry.models import Person
from yanglao.stats.figures import person_counts_by

pytestmark = [pytest.mark.django_db, pytest.mark.hard_dates]
COUNTY = "152223"
SCALE = 16


@pytest.fixture
def records(today: dt.date) -> list[dict[str, Any]]:
    full = BASELINES[COUNTY]
    baseline = Baseline(COUNTY, full.aged_60_plus // SCALE, full.aged_80_plus // SCALE, None, "测试")
    people = PopulationBuilder(baseline, villages_of(Region.objects.get(code=COUNTY)), today).build()
    fields = {f.name for f in Person._meta.concrete_fields} - {"id", "spouse"}
    Person.objects.bulk_create(
        [Person(**{k: v for k, v in p.items() if k in fields}) for p in people], batch_size=2000
    )
    assert Person.objects.count() > 4000
    return [p.record() for p in Person.objects.all()]


def test_every_indicator_per_township_is_the_evaluators_count(
    records: list[dict[str, Any]], today: dt.date
) -> None:
    for on in (today, today - dt.timedelta(days=200)):
        want: dict[str, Counter[str]] = {}
        for record in records:
            if not in_base(record, on, COUNTY):
                continue
            unit = want.setdefault(str(record["hukou_region"])[:9], Counter())
            for indicator in PERSON_INDICATORS:
                if matches(indicator.cond, record, on):
                    unit[indicator.key] += 1
        got = person_counts_by(COUNTY, on, 9)
        assert set(got) == set(want)
        for unit_code, counts in got.items():
            assert {k: v for k, v in counts.items() if v} == dict(want[unit_code]), (on, unit_code)
        assert sum(c["alone_tekun_disabled"] for c in got.values()) > 100  # the planted groups are there

    # The care homes count 生活不能自理的特困人员 (living, 户籍 or 常住 here) by the same definitions.
    rule = definition("tekun_unable").rule

    def living_here(r: dict[str, Any]) -> bool:
        death = r["death_date"]
        places = (r["hukou_region"] or "", r["residence_region"] or "")
        return (death is None or death > today) and any(p.startswith(COUNTY) for p in places)

    unable = sum(1 for r in records if living_here(r) and matches(rule, r, today))
    assert unable > 0
    assert centralized_rate(COUNTY, today)["生活不能自理特困人员"] == unable
