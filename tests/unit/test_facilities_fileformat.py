"""The facility file's row check (core.facilities.fileformat): codes and words, counts, dates, coordinates."""

from __future__ import annotations

import datetime as dt

from yanglao.core.facilities import fileformat
from yanglao.core.facilities.fileformat import parse_row
from yanglao.facilities.models import FacilityKind, Operator, Service, Status, Tier

ROW = {"name": "音德尔镇敬老院", "kind": "public_home", "region": "152223100000"}


def errors(**cells: object) -> dict[str, str]:
    return dict(parse_row({**ROW, **cells}).errors)


def test_the_core_codes_are_the_registry_choices() -> None:
    assert dict(FacilityKind.choices) == fileformat.KINDS
    assert dict(Tier.choices) == fileformat.TIERS
    assert dict(Operator.choices) == fileformat.OPERATORS
    assert dict(Status.choices) == fileformat.STATUSES
    assert dict(Service.choices) == fileformat.SERVICES


def test_a_good_row_takes_codes_or_the_documents_words() -> None:
    parsed = parse_row(
        {
            **ROW,
            "kind": "敬老院",
            "operator": "公建民营",
            "beds": "120",
            "nursing_beds": 80.0,
            "occupied_beds": "",
            "services": "助餐、助浴，托养",
            "opened_on": "2019年5月1日",
            "lon": "122.9",
            "lat": "46.72",
            "coordinate_system": "GCJ-02",
        }
    )
    assert parsed.errors == []
    v = parsed.values
    assert v["kind"] == "public_home"
    assert v["operator"] == "public_private"
    assert v["beds"] == 120
    assert v["nursing_beds"] == 80
    assert "occupied_beds" not in v
    assert v["services"] == ["bath", "meals", "residential"]
    assert v["opened_on"] == dt.date(2019, 5, 1)
    assert v["coordinate_system"] == "gcj02"
    assert v["tier"] == "township"  # default by kind


def test_defaults_by_kind() -> None:
    v = parse_row({**ROW, "kind": "邻里互助点"}).values
    assert (v["tier"], v["operator"]) == ("village", "public")
    v = parse_row({**ROW, "kind": "private_home"}).values
    assert (v["tier"], v["operator"]) == ("township", "private")


def test_an_unknown_kind_is_an_error_of_the_kind() -> None:
    assert errors(kind="养生会所") == {"kind": "未知的设施类型：“养生会所”"}


def test_a_negative_or_fractional_count_is_an_error() -> None:
    assert "不能为负数" in errors(beds="-3")["beds"]
    assert "应为整数" in errors(rooms="2.5")["rooms"]


def test_beds_in_use_or_nursing_beds_above_beds() -> None:
    assert errors(beds="10", occupied_beds="11") == {"occupied_beds": "在住人数 11 超过床位数 10"}
    assert errors(beds="10", nursing_beds="12") == {"nursing_beds": "护理型床位数 12 超过床位数 10"}


def test_required_cells_regions_and_coordinates() -> None:
    assert errors(name="")["name"] == "必填，不能为空"
    assert "区划代码" in errors(region="15222310")["region"]
    assert "超出中国范围" in errors(lon="12.5", lat="46")["lon"]
    assert errors(lon="122.9") == {"lat": "经度和纬度须同时填写"}


def test_dates_in_order_and_a_licence_date_needs_its_number() -> None:
    assert "早于开业日期" in errors(opened_on="2020-01-01", closed_on="2019-01-01")["closed_on"]
    assert "没有许可证号" in errors(licence_date="2020-01-01")["licence_number"]
    assert "日期" in errors(opened_on="去年")["opened_on"]


def test_an_unknown_service() -> None:
    assert errors(services="助餐、跳舞") == {"services": "未知的服务项目：“跳舞”"}
