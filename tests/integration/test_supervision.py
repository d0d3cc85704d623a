"""综合监管 through the HTTP client: a complaint's full cycle, hazard deadlines and escalation across
month ends on the 动态清零 board, bad evidence and bad scores storing nothing, who may do what."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import OTHER_TOWNSHIP, OTHER_VILLAGE, TOWNSHIP, VILLAGE, frozen_now
from yanglao.facilities.access import set_facility
from yanglao.facilities.models import Facility
from yanglao.supervision import rules
from yanglao.supervision.models import Complaint, Evidence, Hazard, Inspection, Rating

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"x" * 64


@pytest.fixture
def home(db: None) -> Facility:
    return Facility.objects.create(name="音德尔镇敬老院", kind="public_home", region_id=VILLAGE, beds=60)


@pytest.fixture
def other_home(db: None) -> Facility:
    return Facility.objects.create(name="新林镇敬老院", kind="public_home", region_id=OTHER_VILLAGE, beds=40)


@pytest.fixture
def staff(home: Facility) -> Any:
    from yanglao.accounts.models import User

    user = User.objects.create_user("jing", password="x", role="carehome_staff", region_id=VILLAGE)
    set_facility(user, home)
    return user


def _inspect(client: Any, home: Facility, failed: list[str], when: dt.datetime, **more: Any) -> Any:
    data = {
        "inspected_at": when.astimezone(rules.SHANGHAI).strftime("%Y-%m-%dT%H:%M"),
        "inspectors": "张三、李四",
        "fail": failed,
        "client_id": str(uuid.uuid4()),
        **more,
    }
    return client.post(f"/supervision/facilities/{home.pk}/inspect/", data, HTTP_ACCEPT="application/json")


def _board(client: Any, user: Any) -> dict[str, Any]:
    client.force_login(user)  # the session does not outlive a move of the clock by days
    response = client.get("/supervision/")
    assert response.status_code == 200
    return dict(response.context["board"]["total"])


def test_complaint_full_cycle(login: Any, township_user: Any, home: Facility, today: dt.date) -> None:
    client = login(township_user)
    response = client.post(
        "/supervision/complaints/",
        {
            "channel": "12345",
            "facility": home.pk,
            "route": "facility",
            "severity": "urgent",
            "subject": "夜间无人值守",
            "text": "家属反映夜间无护理员值班",
            "complainant": "王女士",
            "phone": "13800000000",
            "evidence": SimpleUploadedFile("photo.jpg", JPEG, "image/jpeg"),
        },
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.region_id == TOWNSHIP
    assert complaint.facility == home
    assert complaint.reply_due - complaint.received_at == dt.timedelta(hours=24)
    assert complaint.evidence_set.count() == 1
    url = f"/supervision/complaints/{complaint.pk}/"
    page = client.get(url)
    assert "夜间无人值守" in page.content.decode()
    assert "办理中" in page.content.decode()
    act = url + "act/"
    assert (
        client.post(act, {"do": "close", "satisfaction": "satisfied"}).status_code == 400
    )  # not replied yet
    assert client.post(act, {"do": "reply", "reply": "已约谈机构，增配夜班护理员"}).status_code == 302
    assert client.post(act, {"do": "reopen", "reason": "投诉人反映仍无人值班"}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == "reopened"
    assert client.post(act, {"do": "hazard", "level": "high"}).status_code == 302
    hazard = Hazard.objects.get(complaint=complaint)
    assert hazard.source == "complaint"
    assert hazard.facility == home
    assert client.post(act, {"do": "reply", "reply": "复查确认已排班"}).status_code == 302
    assert client.post(act, {"do": "close", "satisfaction": "basic"}).status_code == 302
    complaint.refresh_from_db()
    assert (complaint.status, complaint.satisfaction) == ("closed", "basic")
    assert [e["what"] for e in complaint.history] == [
        "受理",
        "答复",
        "重新办理",
        "转为隐患",
        "答复",
        "回访办结",
    ]
    assert "已办结" in client.get(url).content.decode()


def test_public_complaint_and_repeated_complaints_raise_risk(
    client: Any, login: Any, township_user: Any, home: Facility
) -> None:
    for n in range(3):
        response = client.post(
            "/supervision/public/complaint/",
            {"township": TOWNSHIP, "facility": home.pk, "subject": f"饭菜问题{n}", "text": "饭菜不热"},
        )
        assert response.status_code == 302
    assert Complaint.objects.filter(channel="public", route="facility").count() == 3
    assert "已收到您的投诉" in client.get(response["Location"]).content.decode()
    page = login(township_user).get("/supervision/risk/")
    first = page.context["ranked"][0]
    assert first.facility == home
    assert first.facts["repeated_complaints"] == 1
    assert "投诉多发 1×10=10" in first.risk.explain()


def test_complaint_about_another_jurisdiction_stores_nothing(
    client: Any, login: Any, township_user: Any, other_home: Facility
) -> None:
    response = login(township_user).post(
        "/supervision/complaints/",
        {
            "channel": "phone",
            "facility": other_home.pk,
            "route": "facility",
            "severity": "normal",
            "subject": "收费问题",
            "text": "乱收费",
        },
    )
    assert response.status_code == 400
    assert "不在音德尔镇辖区内" in response.content.decode()
    client.logout()
    response = client.post(
        "/supervision/public/complaint/",
        {"township": TOWNSHIP, "facility": other_home.pk, "subject": "收费问题", "text": "乱收费"},
    )
    assert response.status_code == 400
    assert "不在" in response.content.decode()
    assert not Complaint.objects.exists()


def test_hazard_deadline_and_escalation_across_a_month_end(
    login: Any, township_user: Any, home: Facility, clock: Any
) -> None:
    clock.move_to(dt.date(2027, 1, 31), hour=15)
    client = login(township_user)
    response = _inspect(client, home, ["F02", "F04"], dt.datetime(2027, 1, 31, 14, tzinfo=rules.SHANGHAI))
    assert response.status_code == 200
    assert response.json()["ok"]
    inspection = Inspection.objects.get()
    assert (inspection.score, inspection.suspend) == (92, True)
    major = Hazard.objects.get(level="major")
    medium = Hazard.objects.get(level="medium")
    assert major.due_at == dt.datetime(2027, 2, 1, 14, tzinfo=rules.SHANGHAI)
    assert medium.due_at == dt.datetime(2027, 2, 8, 0, tzinfo=rules.SHANGHAI)
    assert _board(client, township_user) == {"open": 2, "overdue": 0, "county": 0, "cleared_month": 0}
    clock.move_to(dt.date(2027, 2, 1), hour=15)  # the next month: the major hazard is overdue
    assert _board(client, township_user) == {"open": 2, "overdue": 1, "county": 0, "cleared_month": 0}
    assert "已升级至乡镇（苏木）" in client.get("/supervision/").content.decode()
    assert "已升级至旗县民政局" not in client.get("/supervision/").content.decode()
    clock.move_to(dt.date(2027, 2, 4), hour=15)  # more than 3 days over: the county
    assert _board(client, township_user) == {"open": 2, "overdue": 1, "county": 1, "cleared_month": 0}
    assert "已升级至旗县民政局" in client.get("/supervision/").content.decode()
    assert client.post(f"/supervision/hazards/{major.pk}/verify/", {"passed": "1"}).status_code == 302
    assert _board(client, township_user) == {"open": 1, "overdue": 0, "county": 0, "cleared_month": 1}
    clock.move_to(dt.date(2027, 3, 1))  # cleared "this month" starts again; the medium one is overdue
    assert _board(client, township_user) == {"open": 1, "overdue": 1, "county": 1, "cleared_month": 0}


def test_year_end_board(login: Any, township_user: Any, home: Facility, clock: Any) -> None:
    clock.move_to(dt.date(2026, 12, 31), hour=10)
    client = login(township_user)
    _inspect(client, home, ["F03"], dt.datetime(2026, 12, 31, 9, tzinfo=rules.SHANGHAI))
    assert Hazard.objects.get().due_at == dt.datetime(2027, 1, 4, 0, tzinfo=rules.SHANGHAI)
    clock.move_to(dt.date(2027, 1, 4), hour=1)
    assert _board(client, township_user)["overdue"] == 1


def test_rectification_by_the_care_home_and_reinspection(
    login: Any, client: Any, township_user: Any, staff: Any, home: Facility, other_home: Facility
) -> None:
    _inspect(login(township_user), home, ["B03"], frozen_now() - dt.timedelta(hours=1))
    hazard = Hazard.objects.get()
    other = Hazard.objects.create(
        facility=other_home,
        township=OTHER_TOWNSHIP,
        source="report",
        title="x",
        level="low",
        opened_at=hazard.opened_at,
        due_at=hazard.due_at,
    )
    client.force_login(staff)
    url = f"/supervision/hazards/{hazard.pk}/rectify/"
    bad = SimpleUploadedFile("fix.jpg", b"MZ\x90\x00 not an image", "image/jpeg")
    response = client.post(url, {"rectification": "已更换呼叫器", "evidence": bad})
    assert response.status_code == 400
    assert "只接受照片" in response.content.decode()
    hazard.refresh_from_db()
    assert hazard.status == "open"
    assert not Evidence.objects.exists()
    good = SimpleUploadedFile("fix.pdf", PDF, "application/pdf")
    assert client.post(url, {"rectification": "已更换呼叫器", "evidence": good}).status_code == 302
    hazard.refresh_from_db()
    assert hazard.status == "submitted"
    assert hazard.evidence_set.get().content_type == "application/pdf"
    assert client.get(f"/supervision/evidence/{hazard.evidence_set.get().pk}/").status_code == 200
    assert client.post(f"/supervision/hazards/{other.pk}/rectify/", {"rectification": "x"}).status_code == 404
    assert client.post(f"/supervision/hazards/{hazard.pk}/verify/", {"passed": "1"}).status_code == 403
    client.force_login(township_user)
    client.post(f"/supervision/hazards/{hazard.pk}/verify/", {"passed": "0", "note": "仍有两间未装"})
    hazard.refresh_from_db()
    assert hazard.status == "open"
    client.post(f"/supervision/hazards/{hazard.pk}/verify/", {"passed": "1"})
    hazard.refresh_from_db()
    assert hazard.status == "cleared"


def test_oversized_evidence_and_a_resent_record(login: Any, township_user: Any, home: Facility) -> None:
    client = login(township_user)
    when = frozen_now() - dt.timedelta(hours=1)
    big = SimpleUploadedFile("big.jpg", JPEG + b"\x00" * 8_000_001, "image/jpeg")
    response = _inspect(client, home, ["F03"], when, evidence=big)
    assert response.status_code == 400
    assert "文件过大" in response.json()["errors"]["__all__"][0]
    assert not Inspection.objects.exists()
    assert not Hazard.objects.exists()
    same = str(uuid.uuid4())
    for _ in range(2):
        response = _inspect(client, home, ["F03"], when, client_id=same)
        assert response.json()["ok"]
    assert Inspection.objects.count() == 1
    assert Hazard.objects.count() == 1


def _rating_data(fraction: float, **more: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        f"score_{i['code']}": round(int(i["max"]) * fraction) for _, i in rules.rating_items()
    }
    return {**data, **more}


def test_ratings_self_and_bureau_and_the_public_page(
    client: Any, login: Any, township_user: Any, staff: Any, home: Facility, today: dt.date
) -> None:
    client.force_login(staff)
    url = f"/supervision/facilities/{home.pk}/rate/"
    too_much = _rating_data(1.0, assessed_on=today.isoformat(), score_svc_life="121")
    response = client.post(url, too_much)
    assert response.status_code == 400
    assert "超出范围" in response.content.decode()
    assert not Rating.objects.exists()
    evidence = SimpleUploadedFile("room.png", b"\x89PNG\r\n\x1a\n" + b"0" * 32, "image/png")
    data = _rating_data(0.95, assessed_on=today.isoformat(), evidence_fac_rooms=evidence)
    assert client.post(url, data).status_code == 302
    own = Rating.objects.get()
    assert (own.kind, own.level, own.valid_until) == ("self", 5, None)
    assert own.evidence_set.get().item == "fac_rooms"
    client.logout()
    assert "音德尔镇敬老院" not in client.get("/supervision/public/ratings/").content.decode()
    login(township_user).post(url, _rating_data(0.85, assessed_on=today.isoformat(), assessors="旗评定组"))
    bureau = Rating.objects.get(kind="bureau")
    assert (bureau.total, bureau.level_name) == (
        sum(round(int(i["max"]) * 0.85) for _, i in rules.rating_items()),
        "四级",
    )
    client.logout()
    public = client.get("/supervision/public/ratings/").content.decode()
    assert "音德尔镇敬老院" in public
    assert "四级" in public
    assert today.isoformat() in public


def test_random_plan_is_recorded_and_reproducible(login: Any, township_user: Any, home: Facility) -> None:
    for n in range(4):
        Facility.objects.create(name=f"养老院{n}", kind="private_home", region_id=VILLAGE, beds=20)
    client = login(township_user)
    data = {
        "name": "双随机抽查",
        "kind": "random",
        "year": "2026",
        "institutions": "1",
        "count": "2",
        "inspectors": "甲\n乙\n丙\n丁",
        "seed": "2026q2",
    }
    assert client.post("/supervision/plans/", data).status_code == 302
    assert client.post("/supervision/plans/", data).status_code == 302
    first, second = (p.draw for p in township_user.inspectionplan_set.order_by("pk"))
    assert first == second
    assert len(first["facilities"]) == 2
    assert first["pool"] == 5
    assert all(len(team) == 2 for team in first["teams"].values())


def test_the_risk_plan_reads_fraud_findings_and_tolerates_their_absence(
    login: Any, township_user: Any, home: Facility, monkeypatch: Any
) -> None:
    from yanglao.supervision import fraud

    asked: list[tuple[str, dt.date]] = []

    def report(county: str, month: dt.date) -> dict[str, Any]:
        asked.append((county, month))
        rows = [{"check": "absent_resident", "facility": home.name}, {"check": "x", "facility": "别处"}]
        return {"findings": [*rows, {"check": "paid_after_death", "id_number": "1"}]}

    monkeypatch.setattr(fraud, "monthly_report", report)
    client = login(township_user)
    first = client.get("/supervision/risk/").context["ranked"][0]
    assert first.facts["fraud_findings"] == 1
    assert "资金核查疑点（月度核查报告） 1×8=8" in first.risk.explain()
    assert asked == [("152223", dt.date(2026, 5, 1))]  # the last complete month

    def broken(county: str, month: dt.date) -> dict[str, Any]:
        raise RuntimeError("no rolls")

    monkeypatch.setattr(fraud, "monthly_report", broken)
    assert client.get("/supervision/risk/").context["ranked"][0].facts["fraud_findings"] == 0


def test_a_planned_inspection_and_a_county_level_facility(
    login: Any, county_user: Any, home: Facility
) -> None:
    centre = Facility.objects.create(
        name="扎赉特旗失能照护中心", kind="county_centre", region_id="152223", beds=80
    )
    client = login(county_user)
    data = {"name": "年度检查", "kind": "annual", "year": "2026"}
    assert client.post("/supervision/plans/", data).status_code == 302
    plan = county_user.inspectionplan_set.get()
    assert sorted(plan.draw["facilities"]) == sorted([home.pk, centre.pk])
    page = client.get(f"/supervision/plans/{plan.pk}/").content.decode()
    assert f"/supervision/facilities/{centre.pk}/inspect/?plan={plan.pk}" in page
    response = _inspect(client, centre, ["E01"], frozen_now() - dt.timedelta(hours=1), plan=str(plan.pk))
    assert response.json()["ok"]
    assert Inspection.objects.get().plan == plan
    assert Hazard.objects.get().township == "152223"
    assert "已检查" in client.get(f"/supervision/plans/{plan.pk}/").content.decode()
    response = client.post(
        "/supervision/complaints/",
        {
            "channel": "walkin",
            "facility": centre.pk,
            "route": "facility",
            "severity": "general",
            "subject": "咨询入住",
            "text": "询问失能老人入住条件",
        },
    )
    assert response.status_code == 302
    assert Complaint.objects.get().region_id == "152223"
    assert client.get("/supervision/").status_code == 200
