"""The demo network: the baseline paragraph's counts exactly, plus centres, stations, reports, projects."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db.models import Sum

from yanglao.demo.network import build_network
from yanglao.facilities.models import (
    CapacityReport,
    Facility,
    ResidentialProject,
    StaffMember,
    Status,
    TrainingRecord,
)
from yanglao.regions import geo
from yanglao.regions.models import Region
from yanglao.stats.compute import region_stats

pytestmark = pytest.mark.django_db


@pytest.fixture
def network(today: dt.date) -> int:
    return build_network(Region.objects.get(code="152223"), today)


def test_the_baseline_paragraph_exactly(network: int, today: dt.date) -> None:
    def counted(kind: str) -> tuple[int, int]:
        qs = Facility.objects.filter(kind=kind)
        return qs.count(), int(qs.aggregate(n=Sum("beds"))["n"] or 0)

    assert counted("public_home") == (4, 428)
    assert counted("private_home") == (9, 469)
    assert counted("mutual_aid") == (2, 370)
    assert counted("community_station") == (3, 40)
    assert counted("day_care") == (2, 30)
    assert Facility.objects.filter(kind="village_station", status=Status.OPEN).count() == 36
    s = region_stats(Region.objects.get(code="152223"), today, entitlements=False)
    assert (s["institutions"], s["institution_beds"]) == (13, 897)
    assert network == Facility.objects.count()


def test_every_facility_is_placed_in_the_county_with_coordinates(network: int) -> None:
    for f in Facility.objects.all():
        assert f.region_id.startswith("152223")
        assert f.lon is not None
        assert f.lat is not None
        assert 121 < f.lon < 124
        assert 45.9 < f.lat < 47.6
    kinds = Counter(Facility.objects.values_list("kind", flat=True))
    assert kinds["regional_centre"] >= 8
    assert kinds["meal_point"] >= 6
    assert Facility.objects.filter(status=Status.PLANNED).exists()


def test_twelve_months_of_reports_some_missing_late_or_corrected(network: int, today: dt.date) -> None:
    months = set(CapacityReport.objects.values_list("month", flat=True))
    assert len(months) == 12
    assert max(months) < today.replace(day=1)
    last = max(months)
    with_beds = Facility.objects.filter(beds__gt=0, status=Status.OPEN).count()
    assert CapacityReport.objects.filter(month=last, current=True).count() == with_beds - 2
    assert CapacityReport.objects.filter(late=True).exists()
    replaced = CapacityReport.objects.get(current=False)
    assert CapacityReport.objects.get(replaces=replaced).reason
    for r in CapacityReport.objects.all():
        assert r.in_use <= r.beds
        assert r.residents == r.in_use == r.tekun + r.dibao + r.social


def test_staff_and_projects(network: int) -> None:
    assert StaffMember.objects.filter(role="caregiver").count() > 100
    assert TrainingRecord.objects.exists()
    assert ResidentialProject.objects.count() == 5


def test_the_build_is_seeded(today: dt.date) -> None:
    build_network(Region.objects.get(code="152223"), today)
    first = list(
        Facility.objects.order_by("pk").values_list("name", "region_id", "lon", "beds", "nursing_beds")
    )
    CapacityReport.objects.exclude(replaces=None).delete()
    Facility.objects.all().delete()
    ResidentialProject.objects.all().delete()
    build_network(Region.objects.get(code="152223"), today)
    again = list(
        Facility.objects.order_by("pk").values_list("name", "region_id", "lon", "beds", "nursing_beds")
    )
    assert first == again


def test_every_planning_check_finds_a_failing_place(
    network: int, today: dt.date, make_person: Callable[..., Any]
) -> None:
    """With the demo's 特困 who cannot look after themselves (503 of 64,511 people aged 60+; here 350, enough
    for the open public homes' 204 beds to fall short of 60 %) and people in every village."""
    from yanglao.facilities.checks import network_checks

    villages = sorted(geo.village_points("152223"))
    for i in range(350):
        make_person(
            f"特困{i}",
            region=villages[i % len(villages)],
            birth=dt.date(1945, 1, 1),
            tekun="dispersed",
            tekun_care="full",
        )
    results = network_checks(Region.objects.get(code="152223"), today)
    assert len(results) == 7
    for r in results:
        assert not r.passed, r.check
        assert r.failing, r.check
        assert all(place["name"] for place in r.failing), r.check


@pytest.mark.parametrize("code", ["411700", "410400", "411303", "410721"])
def test_the_other_demo_jurisdictions_get_a_network_too(code: str, today: dt.date) -> None:
    region = Region.objects.get(code=code)
    built = build_network(region, today)
    assert built == Facility.objects.count() > 13
    s = region_stats(region, today, entitlements=False)
    assert (s["institutions"], s["institution_beds"]) == (13, 897)
    assert CapacityReport.objects.exists()
