"""Monthly capacity reports: filing, filing on a facility's behalf, replacing with a reason, the history,
and `yanglao facilities reports --region C --month M --json` (late and missing by township)."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.conftest import PASSWORD
from yanglao.accounts.models import User
from yanglao.audit.models import AuditEvent
from yanglao.facilities.access import set_facility
from yanglao.facilities.actions import FacilityInvalid, FacilityRefused, do_file_report
from yanglao.facilities.models import CapacityReport, Facility
from yanglao.facilities.reports import report_history

pytestmark = pytest.mark.django_db

T1 = "152223100000"  # 音德尔镇
T2 = "152223101000"  # 新林镇
FIGURES = {
    "nursing_in_use": 40,
    "general_in_use": 20,
    "level_0": 10,
    "level_1": 10,
    "level_2": 10,
    "level_3": 20,
    "level_4": 10,
    "tekun": 30,
    "dibao": 10,
    "social": 20,
    "caregivers_on_duty": 9,
    "staff_on_duty": 14,
}


def home(name: str, region: str = T1, **fields: Any) -> Facility:
    values: dict[str, Any] = {"kind": "public_home", "beds": 80, "nursing_beds": 50, **fields}
    return Facility.objects.create(name=name, region_id=region, **values)


def last_month(today: dt.date) -> dt.date:
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


@pytest.fixture
def carehome_user(db: None) -> Any:
    return User.objects.create_user(
        username="carehome", password=PASSWORD, role="carehome_staff", region_id=T1, display_name="敬老院职工"
    )


def test_the_facility_files_its_own_report_and_occupancy_follows(carehome_user: Any, today: dt.date) -> None:
    f = home("音德尔镇敬老院")
    set_facility(carehome_user, f)
    report = do_file_report(carehome_user, f, last_month(today), FIGURES)
    assert (report.in_use, report.nursing_vacant, report.general_vacant) == (60, 10, 10)
    assert not report.on_behalf
    assert report.late  # filed on the 17th: last month's window closed on the 5th
    f.refresh_from_db()
    assert f.occupied_beds == 60
    assert f.changes.get().source == f"月度床位报告 {last_month(today):%Y-%m}"


def test_a_carehome_user_may_not_file_for_another_facility(carehome_user: Any, today: dt.date) -> None:
    own, other = home("甲院"), home("乙院")
    set_facility(carehome_user, own)
    with pytest.raises(FacilityRefused):
        do_file_report(carehome_user, other, last_month(today), FIGURES)


def test_the_bureau_files_on_behalf_audited_as_such(county_user: Any, today: dt.date) -> None:
    f = home("音德尔镇敬老院")
    report = do_file_report(county_user, f, last_month(today), FIGURES)
    assert report.on_behalf
    event = AuditEvent.objects.get(object_type="capacity_report")
    assert event.detail["on_behalf"] is True
    assert "民政部门代报" in event.summary
    assert event.username == county_user.username


def test_a_township_caseworker_may_not_file_for_another_township(outsider: Any, today: dt.date) -> None:
    with pytest.raises(FacilityRefused):
        do_file_report(outsider, home("音德尔镇敬老院"), last_month(today), FIGURES)


def test_a_reported_month_is_replaced_only_with_a_reason_and_the_old_one_is_kept(
    county_user: Any, today: dt.date
) -> None:
    f = home("音德尔镇敬老院")
    month = last_month(today)
    first = do_file_report(county_user, f, month, FIGURES)
    corrected = {**FIGURES, "general_in_use": 10, "social": 10, "level_0": 0}
    with pytest.raises(FacilityInvalid) as excinfo:
        do_file_report(county_user, f, month, corrected)
    assert excinfo.value.errors[0][0] == "reason"
    second = do_file_report(county_user, f, month, corrected, reason="漏报一人出院")
    first.refresh_from_db()
    assert not first.current
    assert (second.current, second.replaces_id, second.reason) == (True, first.pk, "漏报一人出院")
    history = report_history(f)
    assert [(r["id"], r["current"]) for r in history] == [(second.pk, True), (first.pk, False)]
    f.refresh_from_db()
    assert f.occupied_beds == 50


def test_bad_figures_are_errors_and_nothing_is_stored(county_user: Any, today: dt.date) -> None:
    f = home("音德尔镇敬老院")
    with pytest.raises(FacilityInvalid) as excinfo:
        do_file_report(county_user, f, last_month(today), {**FIGURES, "nursing_in_use": 70, "tekun": 60})
    assert ("general_in_use", "在用床位 90 超过床位数 80") in excinfo.value.errors
    with pytest.raises(FacilityInvalid) as excinfo:
        do_file_report(county_user, f, today.replace(day=1) + dt.timedelta(days=40), FIGURES)
    assert excinfo.value.errors[0][0] == "month"
    assert not CapacityReport.objects.exists()


def status(month: dt.date) -> dict[str, Any]:
    out = io.StringIO()
    call_command(
        "facilities", "reports", "--region", "152223", "--month", f"{month:%Y-%m}", "--json", stdout=out
    )
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def test_late_and_missing_reports_by_township(county_user: Any, clock: Any, today: dt.date) -> None:
    a, b, c = home("甲院"), home("乙院"), home("丙院", region=T2)
    home("筹建院", status="planned")
    home("助餐点", kind="meal_point", beds=0, nursing_beds=0)
    month = dt.date(2026, 4, 1)
    clock.move_to(dt.date(2026, 5, 3))
    do_file_report(county_user, a, month, FIGURES)
    clock.move_to(dt.date(2026, 5, 20))
    do_file_report(county_user, b, month, FIGURES)
    do_file_report(county_user, a, month, FIGURES, reason="更正")  # a correction does not make it late
    result = status(month)
    assert (result["expected"], result["on_time"], result["due"]) == (3, 1, "2026-05-05")
    assert [r["name"] for r in result["late"]] == ["乙院"]
    assert [(r["name"], r["township_name"]) for r in result["missing"]] == [("丙院", "新林镇")]
    towns = {t["code"]: t for t in result["townships"]}
    assert (towns[T1]["on_time"], towns[T1]["late"], towns[T2]["missing"]) == (1, 1, 1)
    assert c.pk == result["missing"][0]["facility"]


def test_within_the_window_a_missing_report_is_pending(clock: Any) -> None:
    home("甲院")
    clock.move_to(dt.date(2026, 6, 4))
    result = status(dt.date(2026, 5, 1))
    assert ([r["name"] for r in result["pending"]], result["missing"]) == (["甲院"], [])


def test_the_command_files_on_behalf(today: dt.date) -> None:
    f = home("音德尔镇敬老院")
    args = [f"{k}={v}" for k, v in FIGURES.items()]
    out = io.StringIO()
    month = f"{last_month(today):%Y-%m}"
    call_command("facilities", "file-report", "--facility", str(f.pk), "--month", month, *args, stdout=out)
    assert CapacityReport.objects.get().on_behalf
    with pytest.raises(CommandError, match="替换须填写原因"):
        call_command("facilities", "file-report", "--facility", str(f.pk), "--month", month, *args)
