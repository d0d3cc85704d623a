"""Working findings on the web: the work list (filters, counts, export), a finding's page, the actions
and their audit, the person page panel, and the outsider's 404."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.conftest import COUNTY, frozen_today
from tests.integration.test_entitlements_discovery import enrol
from yanglao.audit.models import AuditEvent
from yanglao.entitlements.actions import do_discover
from yanglao.entitlements.models import Enrolment, Finding, FindingKind, FindingState
from yanglao.regions.models import Region

TOWNSHIP_CODE = "152223100000"


@pytest.fixture
def findings(make_person: Callable[..., Any]) -> dict[str, Any]:
    missed = make_person("漏保老人", birth=dt.date(1940, 1, 1))
    dead = make_person("已故老人", birth=dt.date(1940, 2, 1), death_date=dt.date(2024, 5, 20))
    enrol(dead, "5")
    double = make_person(
        "重复享受", birth=dt.date(1950, 6, 1), dibao=True, self_care_unable=True, disability_grade=1
    )
    a = enrol(double, "8")
    b = enrol(double, "17", code="severe_disability_care_subsidy")
    do_discover(Region.objects.get(code=COUNTY), frozen_today())
    return {
        "missed": Finding.objects.get(person=missed, kind=FindingKind.MISSED),
        "dead": Finding.objects.get(person=dead, kind=FindingKind.NOT_ENTITLED),
        "double": Finding.objects.get(person=double, kind=FindingKind.DOUBLE_PAID),
        "enrolments": (a, b),
    }


def test_the_county_overview_and_the_township_list(
    login: Any, county_user: Any, findings: dict[str, Any]
) -> None:
    client = login(county_user)
    page = client.get("/entitlements/")
    assert page.status_code == 200
    assert "音德尔镇" in page.content.decode()
    listing = client.get(f"/entitlements/townships/{TOWNSHIP_CODE}/").content.decode()
    assert "漏保老人" in listing
    assert "已故老人" in listing
    assert "2024-05-20" in listing
    only = client.get(f"/entitlements/townships/{TOWNSHIP_CODE}/", {"kind": "missed"}).content.decode()
    assert "漏保老人" in only
    assert "已故老人" not in only
    none = client.get(f"/entitlements/townships/{TOWNSHIP_CODE}/", {"state": "rejected"}).content.decode()
    assert "没有符合筛选条件的事项" in none


def test_a_township_user_lands_on_its_list(login: Any, township_user: Any, findings: dict[str, Any]) -> None:
    response = login(township_user).get("/entitlements/")
    assert response.status_code == 302
    assert response["Location"].endswith(f"/townships/{TOWNSHIP_CODE}/")


def test_the_outsider_gets_404(login: Any, outsider: Any, findings: dict[str, Any]) -> None:
    client = login(outsider)
    assert client.get(f"/entitlements/townships/{TOWNSHIP_CODE}/").status_code == 404
    assert client.get(f"/entitlements/townships/{TOWNSHIP_CODE}/export.xlsx").status_code == 404
    assert client.get(f"/entitlements/findings/{findings['missed'].pk}/").status_code == 404
    work = client.post(
        f"/entitlements/findings/{findings['missed'].pk}/work/", {"action": "rejected", "note": "x"}
    )
    assert work.status_code == 404
    assert Finding.objects.get(pk=findings["missed"].pk).state == FindingState.OPEN
    assert AuditEvent.objects.filter(action="denied", username="outsider").count() >= 3


def test_a_visitor_cannot_open_the_work_list(login: Any, visitor: Any, findings: dict[str, Any]) -> None:
    assert login(visitor).get(f"/entitlements/townships/{TOWNSHIP_CODE}/").status_code == 403


def test_export_is_audited(login: Any, county_user: Any, findings: dict[str, Any]) -> None:
    response = login(county_user).get(
        f"/entitlements/townships/{TOWNSHIP_CODE}/export.xlsx", {"state": "all"}
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "编号"
    assert len(rows) == 1 + Finding.objects.filter(township=TOWNSHIP_CODE).count()
    event = AuditEvent.objects.get(action="export", object_type="findings")
    assert event.detail["rows"] == len(rows) - 1


def test_the_finding_page_shows_the_explanation(
    login: Any, township_user: Any, findings: dict[str, Any]
) -> None:
    page = login(township_user).get(f"/entitlements/findings/{findings['dead'].pk}/").content.decode()
    assert "已于 2024-05-20 去世" in page
    assert "停止发放" in page
    assert AuditEvent.objects.filter(action="view", object_type="finding").exists()


def test_enrol_a_missed_person(login: Any, township_user: Any, findings: dict[str, Any]) -> None:
    f = findings["missed"]
    client = login(township_user)
    client.post(f"/entitlements/findings/{f.pk}/work/", {"action": "contacted", "note": "电话告知"})
    f.refresh_from_db()
    assert f.state == FindingState.CONTACTED
    assert f.worked_by == township_user
    response = client.post(
        f"/entitlements/findings/{f.pk}/work/", {"action": "enrolled", "start": "2026-12-01", "amount": ""}
    )
    assert response.status_code == 302
    f.refresh_from_db()
    assert f.state == FindingState.ENROLLED
    assert f.enrolment is not None
    e = f.enrolment
    assert (e.item_no, e.amount, e.start, e.source, e.approved_by) == (
        "5",
        Decimal("100.00"),
        dt.date(2026, 12, 1),
        "approved",
        township_user,
    )
    summaries = list(AuditEvent.objects.filter(username="township").values_list("summary", flat=True))
    assert any("批准享受 第5项 高龄津贴" in s for s in summaries)
    assert any(f"#{f.pk}" in s and "已纳入享受" in s for s in summaries)
    # the next run does not find it again, and leaves the worked finding alone
    do_discover(Region.objects.get(code=COUNTY), frozen_today())
    f.refresh_from_db()
    assert f.state == FindingState.ENROLLED
    assert Finding.objects.filter(person=f.person, kind=FindingKind.MISSED).count() == 1


def test_stop_paying_the_dead(login: Any, township_user: Any, findings: dict[str, Any]) -> None:
    f = findings["dead"]
    login(township_user).post(
        f"/entitlements/findings/{f.pk}/work/", {"action": "stopped", "end": "2024-05-20", "note": "死亡停发"}
    )
    f.refresh_from_db()
    assert f.state == FindingState.STOPPED
    e = Enrolment.objects.get(pk=f.enrolment_id)
    assert (e.status, e.end, e.ended_reason) == ("ended", dt.date(2024, 5, 20), "死亡停发")
    assert AuditEvent.objects.filter(object_type="enrolment", summary__contains="停止享受").exists()


def test_stop_one_of_a_double_payment(login: Any, county_user: Any, findings: dict[str, Any]) -> None:
    f = findings["double"]
    _a, b = findings["enrolments"]
    login(county_user).post(
        f"/entitlements/findings/{f.pk}/work/",
        {"action": "stopped", "enrolment": str(b.pk), "note": "择高，停发护理补贴"},
    )
    b.refresh_from_db()
    assert b.status == "ended"


def test_reject_needs_a_reason(login: Any, township_user: Any, findings: dict[str, Any]) -> None:
    f = findings["missed"]
    client = login(township_user)
    client.post(f"/entitlements/findings/{f.pk}/work/", {"action": "rejected", "note": ""})
    f.refresh_from_db()
    assert f.state == FindingState.OPEN
    client.post(f"/entitlements/findings/{f.pk}/work/", {"action": "rejected", "note": "本人不愿申领"})
    f.refresh_from_db()
    assert f.state == FindingState.REJECTED
    assert f.note == "本人不愿申领"
    assert AuditEvent.objects.filter(object_type="finding", summary__contains="不予处理").exists()


def test_an_auditor_reads_but_cannot_work(login: Any, auditor: Any, findings: dict[str, Any]) -> None:
    client = login(auditor)
    f = findings["missed"]
    assert client.get(f"/entitlements/findings/{f.pk}/").status_code == 200
    assert (
        client.post(f"/entitlements/findings/{f.pk}/work/", {"action": "rejected", "note": "x"}).status_code
        == 403
    )


def test_the_person_page_panel(login: Any, county_user: Any, findings: dict[str, Any]) -> None:
    person = findings["missed"].person
    page = login(county_user).get(f"/persons/{person.pk}/").content.decode()
    assert "应享待遇与享受记录" in page
    assert "高龄津贴" in page
    assert "服务找人待办" in page


def test_the_panel_is_hidden_from_roles_without_sensitive_access(
    login: Any, auditor: Any, findings: dict[str, Any]
) -> None:
    person = findings["missed"].person
    page = login(auditor).get(f"/persons/{person.pk}/").content.decode()
    assert "应享待遇与享受记录" not in page
