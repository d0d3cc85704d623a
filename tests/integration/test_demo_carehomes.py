"""The demo's public care homes: residents as the last capacity reports show (never more than the beds;
the 失能 in 护理型 beds), a ranked queue, offers declined, expired and refused."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest

from yanglao.carehomes.models import Application, Offer, Residence
from yanglao.demo.carehomes import build_carehomes
from yanglao.demo.network import build_network
from yanglao.facilities.models import Facility
from yanglao.facilities.reportmodels import CapacityReport
from yanglao.regions.models import Region

pytestmark = pytest.mark.django_db


def population(make_person: Any, today: dt.date, size: int = 700) -> None:
    rng = random.Random(7)
    for i in range(size):
        roll = rng.random()
        tekun = "centralized" if roll < 0.1 else "dispersed" if roll < 0.2 else "none"
        level = 0 if rng.random() < 0.5 else rng.randrange(1, 5)
        make_person(
            f"演示{i}",
            birth=dt.date(1930 + rng.randrange(30), 1 + rng.randrange(12), 1 + rng.randrange(28)),
            tekun=tekun,
            self_care_unable=tekun == "dispersed" and rng.random() < 0.5,
            dibao=rng.random() < 0.5,
            ability_level=level,
            ability_assessed_on=today - dt.timedelta(days=rng.randrange(1, 300)),
        )


def test_the_demo_homes(make_person: Any, today: dt.date, client: Any) -> None:
    county = Region.objects.get(code="152223")
    build_network(county, today)
    population(make_person, today)
    made = build_carehomes(county, today)
    homes = Facility.objects.filter(kind="public_home", status="open")
    assert sum(h.beds for h in Facility.objects.filter(kind="public_home")) == 428
    for home in homes:
        residents = Residence.objects.filter(facility=home)
        report = CapacityReport.objects.filter(facility=home, current=True).order_by("-month").first()
        assert report is not None
        assert residents.count() == report.general_in_use + report.nursing_in_use <= home.beds
        assert residents.filter(nursing=True).count() == report.nursing_in_use <= home.nursing_beds
    assert made["residents"] == Residence.objects.count()
    positions = list(
        Application.objects.filter(position__isnull=False)
        .order_by("position")
        .values_list("position", flat=True)
    )
    assert positions == list(range(1, len(positions) + 1))
    assert len(positions) > 50
    states = set(Offer.objects.values_list("state", flat=True))
    assert {"declined", "expired", "refused", "open"} <= states
    assert Application.objects.filter(status="withdrawn").exists()
    assert client.get("/carehomes/queue/152223/").status_code == 200
