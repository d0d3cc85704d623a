"""`yanglao facilities list --region C --json` and `yanglao facilities check --region C [--date D] [--json]`
on a small network built in the database (facilities, people, a residential project)."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from yanglao.facilities.actions import do_save_facility, do_save_project
from yanglao.facilities.checks import network_checks
from yanglao.facilities.models import Facility
from yanglao.regions.geo import village_points
from yanglao.regions.models import Region

pytestmark = pytest.mark.django_db

T1 = "152223100000"  # 音德尔镇
T2 = "152223101000"  # 新林镇
V1 = "152223100001"  # 龙腾社区
V2 = "152223100002"  # 振兴社区


def json_of(*args: str) -> Any:
    out = io.StringIO()
    call_command("facilities", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def network(make_person: Callable[..., Any], today: dt.date) -> dict[str, Facility]:
    point = village_points("152223")[V1]
    made = {
        "centre": do_save_facility(
            "命令行",
            {"name": "音德尔镇养老服务中心", "kind": "regional_centre", "region": T1, "tier": "township"},
        ),
        "home": do_save_facility(
            "命令行",
            {"name": "音德尔镇敬老院", "kind": "public_home", "region": T1, "beds": 3, "nursing_beds": 2},
        ),
        "private": do_save_facility(
            "命令行",
            {
                "name": "颐养院",
                "kind": "private_home",
                "operator": "private",
                "region": T2,
                "beds": 50,
                "nursing_beds": 10,
                "occupied_beds": 20,
            },
        ),
        "station": do_save_facility(
            "命令行",
            {
                "name": "龙腾社区养老服务站",
                "kind": "village_station",
                "region": V1,
                "lon": point[0],
                "lat": point[1],
                "tier": "village",
            },
        ),
    }
    for i in range(5):
        make_person(f"特困{i}", region=V1, tekun="dispersed", tekun_care="full", birth=dt.date(1950, 1, 1))
    make_person("老人", region=V2, birth=dt.date(1950, 1, 1), ability_level=4)
    make_person("年轻人", region=V2, birth=dt.date(1990, 1, 1))
    do_save_project(
        "命令行",
        V1,
        {"name": "幸福小区", "households": 1500, "area_kind": "new", "required_area": 300,
         "first_phase_handover": dt.date(2025, 10, 1)},
    )  # fmt: skip
    return made


def test_list_json_has_the_promised_keys(network: dict[str, Facility]) -> None:
    rows = json_of("list", "--region", "152223")
    assert {
        "id",
        "name",
        "kind",
        "tier",
        "operator",
        "region",
        "beds",
        "nursing_beds",
        "occupied_beds",
    } <= set(rows[0])
    private = next(r for r in rows if r["kind"] == "private_home")
    assert (private["operator"], private["beds"], private["nursing_beds"], private["occupied_beds"]) == (
        "private",
        50,
        10,
        20,
    )
    assert [r["name"] for r in json_of("list", "--region", T2)] == ["颐养院"]


def test_list_as_a_user_shows_only_the_jurisdiction(network: dict[str, Facility], township_user: Any) -> None:
    rows = json_of("list", "--region", "152223", "--user", township_user.username)
    assert {r["region"][:9] for r in rows} == {"152223100"}


def test_check_json_names_every_failing_place(network: dict[str, Facility]) -> None:
    result = json_of("check", "--region", "152223", "--date", "2026-06-17")
    checks = {c["check"]: c for c in result["checks"]}
    assert set(checks) == {
        "township_centre",
        "village_station",
        "nursing_share",
        "concentrated_capacity",
        "beds_per_100",
        "service_circle",
        "projects",
    }
    for c in checks.values():
        assert {"check", "figure", "target", "passed", "failing"} <= set(c)
        assert all({"code", "name"} <= set(p) for p in c["failing"])
    centre = checks["township_centre"]
    assert not centre["passed"]
    assert T1 not in [p["code"] for p in centre["failing"]]
    assert {"code": T2, "name": "新林镇"} in centre["failing"]
    assert V1 not in [p["code"] for p in checks["village_station"]["failing"]]
    assert checks["nursing_share"]["figure"] == 20.0
    assert checks["nursing_share"]["failing"][0]["name"] == "颐养院"
    capacity = checks["concentrated_capacity"]
    assert (capacity["figure"], capacity["target"], capacity["passed"]) == (3.0, 3.0, True)
    circle = checks["service_circle"]
    assert V1 not in [p["code"] for p in circle["failing"]]
    assert [p["code"] for p in circle["failing"]] == [V2]  # the only other village with people aged 60+
    project = checks["projects"]["failing"][0]
    assert project["name"] == "幸福小区"
    assert any("低于标准 350" in r for r in project["reasons"])
    assert any("尚未移交" in r for r in project["reasons"])


def test_a_facility_given_in_gcj02_is_placed_in_wgs84(network: dict[str, Facility]) -> None:
    from yanglao.core.facilities.geo import wgs84_to_gcj02

    station = network["station"]
    lon, lat = wgs84_to_gcj02(station.lon or 0, station.lat or 0)
    do_save_facility("命令行", {"lon": lon, "lat": lat, "coordinate_system": "gcj02"}, facility=station)
    checks = {c.check: c for c in network_checks(Region.objects.get(code="152223"), dt.date(2026, 6, 17))}
    assert V1 not in [p["code"] for p in checks["service_circle"].failing]


def test_check_as_a_table(network: dict[str, Facility]) -> None:
    out = io.StringIO()
    call_command("facilities", "check", "--region", "152223", stdout=out)
    text = out.getvalue()
    assert "护理型床位占比" in text
    assert "未达标：新林镇（152223101000）" in text


def test_check_of_a_region_without_parameters() -> None:
    with pytest.raises(CommandError, match="没有覆盖"):
        call_command("facilities", "check", "--region", "152201")


def test_export_writes_an_xlsx(network: dict[str, Facility], tmp_path: Any) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "out.xlsx"
    call_command("facilities", "export", "--region", "152223", "--output", str(path), stdout=io.StringIO())
    sheet = load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("名称", "类型", "层级", "运营方式")
    assert len(rows) == 5
