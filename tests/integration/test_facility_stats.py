"""The statistics' facility figures come from the registry and the latest capacity reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from yanglao.facilities.models import CapacityReport, Facility
from yanglao.regions.models import Region
from yanglao.stats import labels, sources
from yanglao.stats.cache import _store
from yanglao.stats.compute import region_stats

pytestmark = pytest.mark.django_db

TOWNSHIP = "152223100000"
OTHER = "152223101000"


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    _store().clear()
    yield
    _store().clear()


def home(name: str, kind: str = "public_home", region: str = TOWNSHIP, **fields: Any) -> Facility:
    values: dict[str, Any] = {"beds": 100, "nursing_beds": 60, "occupied_beds": 10, **fields}
    return Facility.objects.create(name=name, kind=kind, region_id=region, **values)


def report(facility: Facility, month: dt.date, nursing: int, general: int, **fields: Any) -> CapacityReport:
    return CapacityReport.objects.create(
        facility=facility,
        month=month,
        beds=facility.beds,
        nursing_beds=facility.nursing_beds,
        nursing_in_use=nursing,
        general_in_use=general,
        filed_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        **fields,
    )


def first_of(day: dt.date, back: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def test_occupancy_is_the_latest_current_report(today: dt.date) -> None:
    a = home("敬老院甲")
    report(a, first_of(today, 2), 30, 10)
    report(a, first_of(today, 1), 50, 20, level_3=40, level_4=30)
    replaced = report(a, first_of(today, 0), 1, 1)
    replaced.current = False
    replaced.save()
    f = sources.facilities("152223", today)
    assert f["institution_occupied_beds"] == 70
    assert f["institution_occupancy_percent"] == 70.0
    assert f["reports"]["latest_month"] == first_of(today, 1).strftime("%Y-%m")
    assert f["reports"]["nursing_vacant"] == 10
    assert f["reports"]["general_vacant"] == 20
    assert f["reports"]["residents_by_level"]["4"] == 30


def test_a_stale_report_or_none_falls_back_on_the_registry(today: dt.date) -> None:
    a = home("敬老院甲", occupied_beds=12)
    report(a, first_of(today, sources.REPORT_MAX_AGE + 1), 90, 10)
    f = sources.facilities("152223", today)
    assert f["institution_occupied_beds"] == 12
    assert f["reports"]["facilities_reporting"] == 0
    assert ("月度床位报告", "暂无") in dict(
        labels.rows(region_stats(Region.objects.get(code="152223"), today, entitlements=False))
    )["养老服务设施"]


def test_a_report_after_the_date_is_not_read(today: dt.date) -> None:
    a = home("敬老院甲", occupied_beds=5)
    report(a, first_of(today, 0), 90, 10)
    earlier = today - dt.timedelta(days=62)
    assert sources.facilities("152223", earlier)["institution_occupied_beds"] == 5
    assert sources.facilities("152223", today)["institution_occupied_beds"] == 100


def test_planned_and_closed_facilities_do_not_count(today: dt.date) -> None:
    home("运营中")
    home("筹建中", status="planned")
    home("已关停", status="closed", closed_on=today - dt.timedelta(days=10))
    home("下月开业", opened_on=today + dt.timedelta(days=20))
    f = sources.facilities("152223", today)
    assert f["institutions"] == 1
    # On a date before it closed, the closed home still counted.
    assert sources.facilities("152223", today - dt.timedelta(days=30))["institutions"] == 2


def test_nursing_share_and_units(today: dt.date) -> None:
    home("敬老院甲", beds=100, nursing_beds=60)
    home("颐养院", kind="private_home", region=OTHER, beds=50, nursing_beds=15)
    home("助餐点", kind="meal_point", region=OTHER, beds=0, nursing_beds=0)
    s = region_stats(Region.objects.get(code="152223"), today, entitlements=False)
    assert s["facilities"]["nursing_bed_share_percent"] == 50.0
    assert s["facilities"]["facilities_total"] == 3
    units = {u["code"]: u for u in s["units"]}
    assert (units[OTHER]["institutions"], units[OTHER]["facilities"], units[OTHER]["beds"]) == (1, 2, 50)
    meal = next(r for r in s["facilities"]["by_kind"] if r["kind"] == "meal_point")
    assert meal["count"] == 1
    assert labels.FACILITY_SHORT["meal_point"] == "助餐点"


def test_a_suspended_home_keeps_its_beds_with_none_in_use(today: dt.date) -> None:
    a = home("敬老院甲", occupied_beds=40, status="suspended")
    report(a, first_of(today, 1), 50, 20)
    f = sources.facilities("152223", today)
    assert (f["institutions"], f["institution_beds"], f["institution_occupied_beds"]) == (1, 100, 0)
    assert f["reports"]["facilities_reporting"] == 0
    assert f["institution_occupancy_percent"] is None  # no bed in service
    home("敬老院乙", occupied_beds=50)
    assert sources.facilities("152223", today)["institution_occupancy_percent"] == 50.0
