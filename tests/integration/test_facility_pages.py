"""The facility pages through the test client: the list and its filters and export, a facility's page,
the forms (register, edit, monthly report on a facility's behalf), the web upload, and who sees what:
care-home staff only their facility, another township's facility or region an audited 404."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.urls import reverse

from yanglao.accounts.models import User
from yanglao.audit.models import Action, AuditEvent
from yanglao.facilities.models import CapacityReport, Facility, FacilityChange, FacilityPost

pytestmark = pytest.mark.django_db

VILLAGE = "152223100001"
OTHER_VILLAGE = "152223101001"


def make(name: str, region: str = VILLAGE, kind: str = "private_home", **fields: Any) -> Facility:
    values: dict[str, Any] = {"beds": 40, "nursing_beds": 20, **fields}
    return Facility.objects.create(name=name, kind=kind, region_id=region, **values)


@pytest.fixture
def homes() -> dict[str, Facility]:
    return {
        "ours": make("龙腾颐养院"),
        "station": make("龙腾社区养老服务站", kind="community_station", beds=10, nursing_beds=0),
        "theirs": make("新林敬老院", region=OTHER_VILLAGE, kind="public_home"),
    }


@pytest.fixture
def staff(db: None, homes: dict[str, Facility]) -> User:
    user = User.objects.create_user("staff", password="x", role="carehome_staff", region_id="152223")
    FacilityPost.objects.create(user=user, facility=homes["ours"])
    return user


def denied(object_type: str, username: str) -> bool:
    event = AuditEvent.objects.filter(action=Action.DENIED).order_by("pk").last()
    return event is not None and (event.object_type, event.username) == (object_type, username)


def test_the_county_lists_every_facility_and_filters(
    login: Any, county_user: User, homes: dict[str, Facility]
) -> None:
    client = login(county_user)
    html = client.get(reverse("facilities:index")).content.decode()
    assert all(f.name in html for f in homes.values())
    html = client.get(reverse("facilities:index"), {"kind": "public_home"}).content.decode()
    assert "新林敬老院" in html
    assert "龙腾颐养院" not in html
    html = client.get(reverse("facilities:index"), {"township": "152223101000"}).content.decode()
    assert "新林敬老院" in html
    assert "龙腾社区养老服务站" not in html


def test_the_list_pages(login: Any, county_user: User, django_assert_max_num_queries: Any) -> None:
    for i in range(55):
        make(f"助餐点{i:02d}", kind="meal_point", beds=0, nursing_beds=0)
    client = login(county_user)
    with django_assert_max_num_queries(16):  # not one per facility
        first = client.get(reverse("facilities:index"), {"kind": "meal_point"}).content.decode()
    second = client.get(reverse("facilities:index"), {"kind": "meal_point", "page": 2}).content.decode()
    assert "助餐点00" in first
    assert "助餐点54" not in first
    assert "助餐点54" in second
    assert "kind=meal_point&amp;page=2" in first


def test_the_export_is_an_audited_xlsx_of_the_filtered_list(
    login: Any, county_user: User, homes: dict[str, Facility]
) -> None:
    from openpyxl import load_workbook

    response = login(county_user).get(reverse("facilities:index"), {"kind": "public_home", "format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["新林敬老院"]
    assert AuditEvent.objects.filter(action=Action.EXPORT, object_type="facility").exists()


def test_a_township_sees_its_own_and_another_townships_facility_is_an_audited_404(
    login: Any, township_user: User, homes: dict[str, Facility]
) -> None:
    client = login(township_user)
    html = client.get(reverse("facilities:index")).content.decode()
    assert "龙腾颐养院" in html
    assert "新林敬老院" not in html
    assert client.get(reverse("facilities:detail", args=[homes["ours"].pk])).status_code == 200
    response = client.get(reverse("facilities:detail", args=[homes["theirs"].pk]))
    assert response.status_code == 404
    assert "新林敬老院" not in response.content.decode()
    assert denied("facility", "township")
    assert client.get(reverse("facilities:network-region", args=["152223101000"])).status_code == 404
    assert denied("region", "township")


def test_care_home_staff_see_only_their_facility(login: Any, staff: User, homes: dict[str, Facility]) -> None:
    client = login(staff)
    html = client.get(reverse("facilities:index")).content.decode()
    assert "龙腾颐养院" in html
    assert "龙腾社区养老服务站" not in html
    assert client.get(reverse("facilities:detail", args=[homes["ours"].pk])).status_code == 200
    assert client.get(reverse("facilities:detail", args=[homes["station"].pk])).status_code == 404
    assert denied("facility", "staff")
    response = client.get(reverse("facilities:network"))
    assert response.status_code == 403
    assert "当前角色" in response.content.decode()
    assert client.get(reverse("facilities:map")).status_code == 403


def test_a_visitor_may_not_open_the_list(login: Any, visitor: User) -> None:
    assert login(visitor).get(reverse("facilities:index")).status_code == 403


FORM = {
    "name": "龙腾社区日间照料中心",
    "kind": "day_care",
    "tier": "village",
    "operator": "public",
    "region": VILLAGE,
    "status": "open",
    "beds": "12",
    "nursing_beds": "0",
    "rooms": "4",
    "services": ["day_care", "meals"],
    "coordinate_system": "wgs84",
}


def test_the_bureau_registers_and_edits_a_facility(login: Any, county_user: User) -> None:
    client = login(county_user)
    form = client.get(reverse("facilities:create")).content.decode()
    assert "登记养老服务设施" in form
    assert 'value="152223100001"' in form  # a village of the county to place it in
    assert "上传并导入" in client.get(reverse("facilities:import")).content.decode()
    response = client.post(reverse("facilities:create"), FORM)
    facility = Facility.objects.get(name="龙腾社区日间照料中心")
    assert response.status_code == 302
    assert response["Location"] == reverse("facilities:detail", args=[facility.pk])
    assert facility.services == ["day_care", "meals"]
    assert FacilityChange.objects.filter(facility=facility, kind="create").exists()
    assert AuditEvent.objects.filter(action=Action.CREATE, object_type="facility").exists()
    response = client.post(reverse("facilities:edit", args=[facility.pk]), {**FORM, "beds": "20"})
    assert response.status_code == 302
    facility.refresh_from_db()
    assert facility.beds == 20
    change = FacilityChange.objects.filter(facility=facility, kind="edit").get()
    assert change.changes["beds"] == [12, 20]
    html = client.get(reverse("facilities:detail", args=[facility.pk])).content.decode()
    assert "床位数：12 → 20" in html


def test_the_form_shows_the_actions_errors(login: Any, county_user: User) -> None:
    client = login(county_user)
    response = client.post(reverse("facilities:create"), {**FORM, "nursing_beds": "30"})
    assert response.status_code == 200
    assert "超过床位数" in response.content.decode()
    assert not Facility.objects.filter(name=FORM["name"]).exists()


def test_a_township_may_not_place_a_facility_in_another_township(login: Any, township_user: User) -> None:
    response = login(township_user).post(reverse("facilities:create"), {**FORM, "region": OTHER_VILLAGE})
    assert response.status_code == 200
    assert not Facility.objects.filter(name=FORM["name"]).exists()


REPORT = {
    "month": "2026-05",
    "nursing_in_use": "15",
    "general_in_use": "10",
    "level_0": "5",
    "level_1": "5",
    "level_2": "5",
    "level_3": "5",
    "level_4": "5",
    "tekun": "5",
    "dibao": "5",
    "social": "15",
    "caregivers_on_duty": "4",
    "staff_on_duty": "7",
}


def test_staff_file_their_report_and_the_bureau_files_on_its_behalf(
    login: Any, staff: User, county_user: User, homes: dict[str, Facility], client: Any
) -> None:
    ours = homes["ours"]
    response = login(staff).post(reverse("facilities:report", args=[ours.pk]), REPORT)
    assert response.status_code == 302
    own = CapacityReport.objects.get(facility=ours, current=True)
    assert not own.on_behalf
    client.logout()
    client.force_login(county_user)
    page = client.get(reverse("facilities:report", args=[ours.pk]), {"month": "2026-05"}).content.decode()
    assert "代设施填报" in page
    assert "须填写替换原因" in page
    response = client.post(reverse("facilities:report", args=[ours.pk]), {**REPORT, "general_in_use": "11"})
    assert response.status_code == 200
    assert "替换须填写原因" in response.content.decode()
    response = client.post(
        reverse("facilities:report", args=[ours.pk]),
        {**REPORT, "general_in_use": "11", "social": "16", "level_0": "6", "reason": "漏报一人"},
    )
    assert response.status_code == 302
    new = CapacityReport.objects.get(facility=ours, current=True)
    assert new.on_behalf
    assert new.replaces == own
    event = AuditEvent.objects.filter(object_type="capacity_report").order_by("pk").last()
    assert event is not None
    assert "代报" in event.summary
    html = client.get(reverse("facilities:detail", args=[ours.pk])).content.decode()
    assert "已被替换" in html
    assert "漏报一人" in html


def test_the_facility_page_shows_beds_trend_reports_staff_and_checks(
    login: Any, county_user: User, today: dt.date
) -> None:
    from yanglao.demo.network import build_network
    from yanglao.regions.models import Region

    build_network(Region.objects.get(code="152223"), today)
    home = CapacityReport.objects.get(current=False).facility  # the demo's corrected month
    html = login(county_user).get(reverse("facilities:detail", args=[home.pk])).content.decode()
    assert "<svg" in html
    assert "<polyline" in html
    assert "入住趋势（近12个月床位使用）" in html
    assert "完全失能" in html
    assert "养老护理员" in html
    assert "已被替换" in html  # the demo's corrected month
    assert "规划检查" in html
    assert "达标" in html


def test_the_web_upload_runs_the_import_job(login: Any, county_user: User, settings: Any) -> None:
    settings.JOBS_INLINE = True
    text = "名称,类型,所在区划代码,床位数,护理型床位数\n龙腾助餐点,老年食堂,152223100001,0,0\n坏行,不存在的类型,152223100001,1,0\n"
    upload = io.BytesIO(text.encode("utf-8"))
    upload.name = "设施.csv"
    client = login(county_user)
    response = client.post(reverse("facilities:import"), {"file": upload, "source": "旗民政局"})
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "导入完成" in html
    assert "新增 1" in html
    assert "错误行" in html
    assert Facility.objects.filter(name="龙腾助餐点", kind="meal_point").exists()
