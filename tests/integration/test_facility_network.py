"""The network page (county and township) and the offline map's page and data, on the demo network."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from yanglao.accounts.models import User
from yanglao.demo.network import build_network
from yanglao.facilities.models import Facility, Status
from yanglao.regions import geo
from yanglao.regions.models import Region

pytestmark = pytest.mark.django_db


def far_village() -> str:
    """A village of 音德尔镇's neighbours with no facility within 3 km of its point."""
    points = [
        (f.lon, f.lat) for f in Facility.objects.exclude(lon=None) if f.lon is not None and f.lat is not None
    ]
    for code, at in geo.village_points("152223").items():
        if all(geo.distance_km(at, p) > 3 for p in points):
            return code
    raise AssertionError("every village has a facility nearby")


@pytest.fixture
def network(today: dt.date, make_person: Callable[..., Any]) -> dict[str, str]:
    build_network(Region.objects.get(code="152223"), today)
    far = far_village()
    near = Facility.objects.filter(kind="village_station").order_by("pk").first()
    assert near is not None
    for i in range(3):
        make_person(f"老人{i}", region=far, birth=dt.date(1950, 1, 1))
    make_person("站旁老人", region=near.region_id, birth=dt.date(1950, 1, 1))
    return {"far": far, "near": near.region_id}


def test_the_county_network_page_lists_every_check_the_townships_and_missing_reports(
    login: Any, county_user: User, network: dict[str, str]
) -> None:
    response = login(county_user).get(reverse("facilities:network"))
    html = response.content.decode()
    assert response.status_code == 200
    for label in (
        "每个乡镇（苏木）有区域养老服务中心",
        "每个村（嘎查、社区）有养老服务站点",
        "护理型床位占比",
        "15分钟养老服务圈",
    ):
        assert label in html
    assert "项未达标" in html
    assert reverse("facilities:network-region", args=["152223101000"]) in html  # a township's page
    assert "未报 <strong>2</strong>" in html  # the demo's two facilities without last month's report


def test_a_township_page_lists_its_villages_with_their_problems(
    login: Any, county_user: User, network: dict[str, str]
) -> None:
    township = network["far"][:9] + "000"
    html = login(county_user).get(reverse("facilities:network-region", args=[township])).content.decode()
    name = Region.objects.get(code=network["far"]).name
    assert name in html
    assert "在服务圈外" in html


def test_the_map_page_loads_only_local_scripts(
    login: Any, county_user: User, network: dict[str, str]
) -> None:
    html = login(county_user).get(reverse("facilities:map")).content.decode()
    assert "示意边界，非实际行政界线" in html
    assert "facilities/vendor/leaflet/leaflet.js" in html
    assert reverse("facilities:map-data", args=["152223"]) in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)  # no inline script
    assert "http://" not in html.replace("http://testserver", "")
    assert "https://" not in html


def test_the_map_data_is_the_generated_outlines_the_facilities_and_the_villages_outside(
    login: Any, county_user: User, network: dict[str, str]
) -> None:
    data = json.loads(login(county_user).get(reverse("facilities:map-data", args=["152223"])).content)
    assert data["generated"] is True
    assert data["note"] == "示意边界，非实际行政界线"
    assert len(data["townships"]["features"]) == 18
    assert len(data["villages"]["features"]) == 156
    assert data["county"]["features"][0]["properties"]["code"] == "152223"
    villages = {f["properties"]["code"]: f["properties"] for f in data["villages"]["features"]}
    assert villages[network["far"]]["outside"] is True
    assert villages[network["near"]]["outside"] is False
    assert data["outside"] >= 1
    shown = Facility.objects.exclude(status=Status.CLOSED).exclude(lon=None).count()
    assert len(data["facilities"]) == shown
    assert {f["kind"] for f in data["facilities"]} >= {"public_home", "village_station", "meal_point"}
    assert "http" not in json.dumps(data)


def test_a_township_map_shows_only_that_township(
    login: Any, township_user: User, network: dict[str, str]
) -> None:
    data = json.loads(login(township_user).get(reverse("facilities:map-data", args=["152223100000"])).content)
    assert data["county"] is None
    assert [f["properties"]["code"] for f in data["townships"]["features"]] == ["152223100000"]
    assert all(f["properties"]["code"].startswith("152223100") for f in data["villages"]["features"])
    assert data["facilities"]
    assert all(Facility.objects.get(pk=f["id"]).region_id.startswith("152223100") for f in data["facilities"])
