"""Exports for field work (issue 11, item 7): the 服务找人 work list with address and phone (the full
phone for roles that may see it, audited; masked for the others) and the region as names; the
assessments list paged and filtered, with the masked ID number."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.conftest import COUNTY, frozen_today
from yanglao.audit.models import AuditEvent
from yanglao.core.idnumber import mask_phone
from yanglao.entitlements.actions import do_discover
from yanglao.regions.models import Region

pytestmark = pytest.mark.django_db

TOWNSHIP = "152223100000"
EXPORT = f"/entitlements/townships/{TOWNSHIP}/export.xlsx"


@pytest.fixture
def missed(make_person: Callable[..., Any]) -> Any:
    person = make_person(
        "漏保老人", birth=dt.date(1940, 1, 1), phone="13912345678", address="龙腾社区3号楼2单元"
    )
    do_discover(Region.objects.get(code=COUNTY), frozen_today())
    return person


def rows_of(response: Any) -> list[dict[str, Any]]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_the_work_list_export_has_address_full_phone_and_region_names_for_caseworkers(
    login: Any, township_user: Any, missed: Any
) -> None:
    response = login(township_user).get(EXPORT, {"state": "all"})

    row = next(r for r in rows_of(response) if r["姓名"] == "漏保老人")
    assert (row["乡镇（街道）"], row["村（社区）"]) == ("音德尔镇", "龙腾社区")
    assert row["居住地址"] == "龙腾社区3号楼2单元"
    assert row["联系电话"] == "13912345678"
    assert row["公民身份号码"] != missed.id_number
    event = AuditEvent.objects.get(action="export", object_type="findings")
    assert event.detail["full_phone"] is True
    assert "含居住地址和完整联系电话" in event.summary


def test_the_auditor_gets_the_phone_masked(login: Any, auditor: Any, missed: Any) -> None:
    response = login(auditor).get(EXPORT, {"state": "all"})

    row = rows_of(response)[0]
    assert row["联系电话"] == mask_phone("13912345678")
    assert row["姓名"] != "漏保老人"  # the auditor sees the first character only
    event = AuditEvent.objects.get(action="export", object_type="findings")
    assert event.detail["full_phone"] is False


# --- the assessments list -----------------------------------------------------------------------


def signed(person: Any, number: str, level: int, on: dt.date) -> Any:
    from yanglao.assessments.models import Assessment

    return Assessment.objects.create(
        person=person, number=number, status="signed", final_level=level, reference_date=on, total=50
    )


def test_the_assessments_list_filters_by_village_level_state_and_dates_and_masks_the_id(
    login: Any, county_user: Any, make_person: Callable[..., Any], today: dt.date
) -> None:
    from yanglao.assessments.models import Assessment

    here = make_person("龙腾老人", region="152223100001")
    there = make_person("别村老人", region="152223100002")
    far = make_person("新林老人", region="152223101001")
    signed(here, "PG-A", 2, today - dt.timedelta(days=10))
    signed(there, "PG-B", 2, today - dt.timedelta(days=10))
    signed(far, "PG-C", 3, today - dt.timedelta(days=100))
    Assessment.objects.create(person=here, number="PG-D")  # a draft
    client = login(county_user)

    everything = client.get("/assessments/").content.decode()
    village = client.get("/assessments/", {"township": TOWNSHIP, "village": "152223100001"}).content.decode()
    level = client.get("/assessments/", {"level": "3"}).content.decode()
    drafts = client.get("/assessments/", {"state": "draft"}).content.decode()
    recent = client.get(
        "/assessments/", {"since": (today - dt.timedelta(days=30)).isoformat()}
    ).content.decode()
    bad = client.get("/assessments/", {"until": "2026-13-01"}).content.decode()

    assert all(n in everything for n in ("PG-A", "PG-B", "PG-C", "PG-D"))
    assert "龙腾社区" in village  # the township chosen: its villages offered by name
    assert [n for n in ("PG-A", "PG-B", "PG-C", "PG-D") if n in village] == ["PG-A", "PG-D"]
    assert [n for n in ("PG-A", "PG-B", "PG-C", "PG-D") if n in level] == ["PG-C"]
    assert [n for n in ("PG-A", "PG-B", "PG-C", "PG-D") if n in drafts] == ["PG-D"]
    assert [n for n in ("PG-A", "PG-B", "PG-C", "PG-D") if n in recent] == ["PG-A", "PG-B"]
    assert "评估日期至应为 YYYY-MM-DD" in bad
    from yanglao.core.idnumber import mask_id_number

    assert mask_id_number(here.id_number) in everything
    assert here.id_number not in everything


def test_the_assessments_list_is_paged(
    login: Any, township_user: Any, make_person: Callable[..., Any], today: dt.date
) -> None:
    person = make_person("王秀英")
    for n in range(55):
        signed(person, f"PG-{n:03d}", 1, today - dt.timedelta(days=n))
    client = login(township_user)

    first = client.get("/assessments/").content.decode()
    second = client.get("/assessments/", {"page": "2"}).content.decode()

    assert "第 1 / 2 页" in first
    assert "PG-000" in first
    assert "PG-054" not in first
    assert "PG-054" in second
