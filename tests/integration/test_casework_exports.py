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
