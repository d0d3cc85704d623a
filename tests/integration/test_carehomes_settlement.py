"""The institution settlement through the HTTP client: per resident and day from the catalogue's
parameters (扎赉特旗: 低保 800 × 1.3 = 1040 元 a month), a death ending the days on its date, maker-checker
with three different people, XLSX after approval."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl

from yanglao.accounts.models import User
from yanglao.carehomes.models import Residence, SettlementRoll
from yanglao.facilities.models import Facility


def county(name: str) -> Any:
    return User.objects.create_user(name, role="county_caseworker", region_id="152223", display_name=name)


def test_settlement_roll(make_person: Any, login: Any, county_user: Any, client: Any) -> None:
    home = Facility.objects.create(
        name="音德尔镇敬老院", kind="public_home", region_id="152223100000", beds=10, nursing_beds=5
    )
    whole = make_person("王秀英", tekun="centralized")
    late = make_person("李凤兰", tekun="centralized")
    died = make_person("张桂英", tekun="centralized", death_date=dt.date(2026, 6, 10))
    other = make_person("赵淑珍", tekun="none")
    for person, day in (
        (whole, dt.date(2025, 1, 5)),
        (late, dt.date(2026, 6, 11)),
        (other, dt.date(2025, 3, 1)),
    ):
        Residence.objects.create(person=person, facility=home, admitted_on=day)
    Residence.objects.create(
        person=died,
        facility=home,
        admitted_on=dt.date(2025, 2, 1),
        state="ended",
        ended_on=dt.date(2026, 6, 10),
        end_reason="death",
    )
    maker = login(county_user)
    response = maker.post("/carehomes/settlements/", {"month": "2026-06"})
    roll = SettlementRoll.objects.get()
    assert response["Location"] == f"/carehomes/settlements/{roll.pk}/"
    amounts = {line.person_id: str(line.amount) for line in roll.lines.all()}
    assert amounts == {whole.pk: "1040.00", late.pk: "693.33", died.pk: "346.67"}
    assert roll.totals["amount"] == "2080.00"
    page = maker.get(f"/carehomes/settlements/{roll.pk}/").content.decode()
    assert "2080.00" in page
    assert "在院 20/30 天" in page
    assert (
        "审核、审批人不能是生成人"
        in maker.post(f"/carehomes/settlements/{roll.pk}/review/", follow=True).content.decode()
    )
    checker, approver = county("checker"), county("approver")
    client.force_login(checker)
    client.post(f"/carehomes/settlements/{roll.pk}/review/")
    assert (
        "审批人不能是审核人"
        in client.post(f"/carehomes/settlements/{roll.pk}/approve/", follow=True).content.decode()
    )
    assert client.get(f"/carehomes/settlements/{roll.pk}/export.xlsx").status_code == 302  # not approved
    client.force_login(approver)
    client.post(f"/carehomes/settlements/{roll.pk}/approve/")
    roll.refresh_from_db()
    assert roll.state == "approved"
    response = client.get(f"/carehomes/settlements/{roll.pk}/export.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[-1][5] == 2080.0
    roll.refresh_from_db()
    assert roll.state == "exported"
    assert (
        "已锁定" in client.post("/carehomes/settlements/", {"month": "2026-06"}, follow=True).content.decode()
    )
