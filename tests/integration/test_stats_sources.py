"""Visits and discovery findings in the statistics and the evaluation (built by other apps)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.urls import reverse

from tests.conftest import frozen_now, frozen_today
from yanglao.entitlements.models import Finding, FindingKind, FindingState
from yanglao.regions.models import Region
from yanglao.registry.models import Person
from yanglao.stats.cache import _store
from yanglao.stats.compute import region_stats
from yanglao.visits.models import Target, Visit

pytestmark = [pytest.mark.django_db, pytest.mark.hard_dates]

VILLAGE = "152223100001"
OTHER_VILLAGE = "152223101001"


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    _store().clear()
    yield
    _store().clear()


@pytest.fixture
def world(make_person: Callable[..., Person]) -> dict[str, list[Person]]:
    today = frozen_today()
    ours = [
        make_person(f"甲{i}", birth=dt.date(1950, 1, 1 + i), living_arrangement="alone") for i in range(10)
    ]
    theirs = [make_person(f"乙{i}", region=OTHER_VILLAGE, birth=dt.date(1950, 2, 1 + i)) for i in range(4)]
    since = today - dt.timedelta(days=100)
    for i, person in enumerate(ours + theirs):
        Target.objects.create(
            person=person,
            village=person.hukou_region,
            tier="monthly",
            tier_label="每月",
            interval_months=1,
            since=since,
            evaluated_on=since,
        )
        # 甲0-7 visited today; 甲8, 甲9 and 乙 never (a month after becoming targets: overdue).
        if i < 8:
            when = frozen_now()
            Visit.objects.create(person=person, mode="home", visited_at=when, visited_on=today)
    for i, person in enumerate(theirs[:3]):
        Finding.objects.create(
            key=f"missed:{person.pk}",
            kind=FindingKind.MISSED,
            person=person,
            township="152223101000",
            summary="符合条件未享受高龄津贴",
            found_on=today,
            last_seen_on=today,
            state=FindingState.OPEN if i < 2 else FindingState.ENROLLED,
        )
    return {"ours": ours, "theirs": theirs}


def test_visits_and_findings_in_the_figures(world: dict[str, list[Person]]) -> None:
    s = region_stats(Region.objects.get(code="152223"), frozen_today(), entitlements=False)
    v = s["visits"]
    assert (v["targets"], v["visited"], v["overdue"]) == (14, 8, 6)  # 甲8, 甲9 and the four 乙 are late
    assert v["rate_percent"] == round(100 * 8 / 14, 1)
    d = s["discovery"]
    assert (d["open"], d["closed"], d["total"], d["missed_open_people"]) == (2, 1, 3, 2)
    assert d["by_kind"]["missed"] == {"label": FindingKind.MISSED.label, "open": 2, "closed": 1}
    units = {u["name"]: u for u in s["units"]}
    assert units["音德尔镇"]["visit_rate_percent"] == 80.0
    assert units["新林镇"]["visit_rate_percent"] == 0.0
    assert units["新林镇"]["missed_percent"] == 50.0  # 2 of 4 people aged 60+
    assert units["音德尔镇"]["missed_percent"] == 0.0


def test_the_evaluation_uses_visits_and_missed(
    login: Any, county_user: Any, world: dict[str, list[Person]]
) -> None:
    page = login(county_user).get(reverse("stats:evaluation") + "?region=152223")
    keys = [m.key for m in page.context["measures"]]
    assert keys == ["visit_rate", "overdue_rate", "assessment_coverage_65", "missed_rate"]
    ranked = page.context["ranked"]
    assert ranked[0].name == "音德尔镇"
    assert ranked[0].values["missed_rate"] == 0.0
    assert "漏保率" in page.content.decode()


def test_the_dashboard_shows_findings_and_visit_trend(
    login: Any, county_user: Any, world: dict[str, list[Person]]
) -> None:
    response = login(county_user).get(reverse("stats:region", kwargs={"code": "152223"}))
    text = response.content.decode()
    assert "服务找人" in text
    assert "chart-visits" in text
    assert response.context["charts"]["visits"]["rates"][-1] == round(100 * 8 / 14, 1)


def test_without_findings_the_indicator_is_left_out(make_person: Callable[..., Person]) -> None:
    make_person("丙", birth=dt.date(1950, 1, 1))
    s = region_stats(Region.objects.get(code="152223"), frozen_today(), entitlements=False)
    assert "discovery" not in s
    assert "visits" not in s
