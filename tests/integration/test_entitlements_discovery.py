"""服务找人 over a small synthetic registry: each kind of finding, self-closing, no duplicates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from tests.conftest import COUNTY, OTHER_VILLAGE, VILLAGE
from yanglao.audit.models import AuditEvent
from yanglao.entitlements.actions import do_discover
from yanglao.entitlements.models import Enrolment, Finding, FindingKind, FindingState
from yanglao.regions.models import Region

pytestmark = pytest.mark.hard_dates  # date-sensitive: runs at every hard date (tests/conftest.py)

ON = dt.date(2026, 11, 23)
TOWNSHIP_CODE = "152223100000"


def enrol(
    person: Any, item_no: str, *, code: str = "", start: dt.date = dt.date(2020, 1, 1), region: str = VILLAGE
) -> Enrolment:
    from yanglao.core.catalog import load_catalog

    item = load_catalog(COUNTY).item(item_no)
    return Enrolment.objects.create(
        person=person,
        catalog=COUNTY,
        item_no=item_no,
        service_code=code or item.code,
        name=item.name,
        amount=Decimal("100"),
        period="month",
        start=start,
        source="imported",
        region=region,
    )


@pytest.fixture
def registry(make_person: Callable[..., Any]) -> dict[str, Any]:
    people = {
        "missed": make_person("漏保", birth=dt.date(1940, 1, 1)),
        "dead": make_person("已故", birth=dt.date(1940, 2, 1), death_date=dt.date(2024, 5, 20)),
        "moved": make_person(
            "迁出", birth=dt.date(1940, 3, 1), hukou_region="410721001001", residence_region="410721001001"
        ),
        "nodibao": make_person("退低保", birth=dt.date(1950, 4, 1), dibao=False),
        "turning": make_person("将满八十", birth=dt.date(1946, 12, 5)),
        "double": make_person(
            "重复", birth=dt.date(1950, 6, 1), dibao=True, self_care_unable=True, disability_grade=1
        ),
        "fine": make_person("正常", birth=dt.date(1940, 7, 1)),
        "elsewhere": make_person("新林镇漏保", birth=dt.date(1940, 8, 1), region=OTHER_VILLAGE),
    }
    enrol(people["dead"], "5")
    enrol(people["moved"], "5")
    enrol(people["nodibao"], "6")
    enrol(people["double"], "8")
    enrol(people["double"], "17", code="severe_disability_care_subsidy")
    enrol(people["double"], "6")
    enrol(people["double"], "10")
    enrol(people["fine"], "5")
    enrol(people["turning"], "5", start=dt.date(2030, 1, 1))  # not yet started: does not count
    return people


def county() -> Region:
    return Region.objects.get(code=COUNTY)


def of(person: Any, kind: str) -> list[Finding]:
    return list(Finding.objects.filter(person=person, kind=kind))


def test_each_kind_of_finding(registry: dict[str, Any]) -> None:
    outcome = do_discover(county(), ON, within=30)
    missed = of(registry["missed"], FindingKind.MISSED)
    assert [(f.item_no, f.amount, f.township) for f in missed] == [("5", Decimal("100.00"), TOWNSHIP_CODE)]
    assert "高龄津贴" in missed[0].summary
    [dead] = of(registry["dead"], FindingKind.NOT_ENTITLED)
    assert dead.reason_kind == "died"
    assert "已于 2024-05-20 去世" in dead.summary
    assert "2024-05-20" in dead.reason
    [moved] = of(registry["moved"], FindingKind.NOT_ENTITLED)
    assert moved.reason_kind == "moved"
    assert moved.township == TOWNSHIP_CODE
    assert "410721001001" in moved.summary
    [nodibao] = of(registry["nodibao"], FindingKind.NOT_ENTITLED)
    assert nodibao.reason_kind == "dibao"
    assert "最低生活保障对象" in nodibao.summary
    [turning] = of(registry["turning"], FindingKind.DUE_CHANGE)
    assert turning.due_on == dt.date(2026, 12, 5)
    assert "年满 80 周岁" in turning.summary
    assert turning.item_no == "5"
    assert turning.amount == Decimal("100.00")
    [double] = of(registry["double"], FindingKind.DOUBLE_PAID)
    assert "护理补贴" in double.summary
    assert len(double.detail["enrolments"]) == 2
    assert not Finding.objects.filter(person=registry["fine"]).exists()
    assert of(registry["elsewhere"], FindingKind.MISSED)[0].township == "152223101000"
    assert outcome.found[FindingKind.NOT_ENTITLED] >= 3
    event = AuditEvent.objects.filter(object_type="discovery").get()
    assert "服务找人" in event.summary
    assert event.detail["created"] == outcome.created


def test_rerun_never_duplicates(registry: dict[str, Any]) -> None:
    first = do_discover(county(), ON)
    total = Finding.objects.count()
    again = do_discover(county(), ON)
    assert Finding.objects.count() == total == first.created
    assert again.created == 0
    assert again.closed == 0
    assert again.found == first.found


def test_findings_close_themselves_when_the_data_changes(registry: dict[str, Any]) -> None:
    do_discover(county(), ON)
    person = registry["missed"]
    person.death_date = dt.date(2026, 11, 1)
    person.save()
    stopped = Enrolment.objects.get(person=registry["dead"])
    stopped.status, stopped.end, stopped.ended_reason = "ended", dt.date(2024, 5, 20), "死亡停发"
    stopped.save()
    outcome = do_discover(county(), ON)
    [missed] = of(person, FindingKind.MISSED)
    assert missed.state == FindingState.CLOSED
    assert missed.closed_reason == "数据变化：已于 2026-11-01 去世"
    [dead] = of(registry["dead"], FindingKind.NOT_ENTITLED)
    assert dead.state == FindingState.CLOSED
    assert "享受记录已停止（死亡停发）" in dead.closed_reason
    assert outcome.closed == 2
    # the data changes back: the same finding reopens, no second row
    person.death_date = None
    person.save()
    do_discover(county(), ON)
    [missed] = of(person, FindingKind.MISSED)
    assert missed.state == FindingState.OPEN


def test_a_township_run_only_touches_its_township(registry: dict[str, Any]) -> None:
    do_discover(Region.objects.get(code=TOWNSHIP_CODE), ON)
    assert not Finding.objects.filter(person=registry["elsewhere"]).exists()
    assert Finding.objects.filter(person=registry["missed"]).exists()


def test_an_amount_resting_on_an_example_figure_is_marked(db: None) -> None:
    """A finding's amount that rests on an example figure (新乡县's 特困 support on the province's
    示例值) is marked 〔示例值〕 beside it, as every other place that prints it; an amount the
    document gives is not; an amount not computed is not printed at all."""
    from yanglao.core.catalog.placeholders import placeholder_codes
    from yanglao.entitlements import catalogs
    from yanglao.entitlements.discovery import money

    def on_example(code: str, on: dt.date, item_code: str) -> bool:
        return item_code in placeholder_codes(catalogs.catalog(code, on), on)

    assert on_example("410721", ON, "tekun_dispersed")
    assert not on_example("410721", ON, "gaoling_jintie")
    assert (
        money(Decimal("700"), "month", on_example("410721", ON, "tekun_dispersed"))
        == "700.00 元/月〔示例值〕"
    )
    assert money(Decimal("100"), "month", on_example("410721", ON, "gaoling_jintie")) == "100.00 元/月"
    assert money(None, "month", True) == "金额按规定"
