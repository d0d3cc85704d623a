"""The visits home and lists over HTTP: rates, overdue, workloads, follow-ups, plans, XLSX exports."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from yanglao.audit.models import Action, AuditEvent
from yanglao.registry.models import Person
from yanglao.visits.actions import do_auto_assign, do_make_plans, do_refresh_targets
from yanglao.visits.models import Assignment, FollowUp, PlanEntry, Visit, Visitor, VisitorKind

pytestmark = [pytest.mark.django_db, pytest.mark.hard_dates]

VILLAGE = "152223100001"  # 龙腾社区, 音德尔镇
SECOND_VILLAGE = "152223100002"  # 音德尔镇
OTHER_VILLAGE = "152223101001"  # 解放社区, 新林镇


def visit(person: Person, day: dt.date, mode: str = "home") -> Visit:
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))
    return Visit.objects.create(person=person, mode=mode, visited_at=at, visited_on=day)


@pytest.fixture
def world(make_person: Any, visitor: Any, today: dt.date) -> dict[str, Any]:
    """音德尔镇: 4 targets in 龙腾社区 (2 the visitor's), 1 in a second village; 新林镇: 1 target."""
    start = today.replace(day=1)
    p = {
        "a": make_person(
            "甲", region=VILLAGE, birth=dt.date(1940, 1, 1), living_arrangement="alone"
        ),  # weekly
        "b": make_person("乙", region=VILLAGE, living_arrangement="empty_nest"),
        "c": make_person("丙", region=VILLAGE, living_arrangement="left_behind"),
        "d": make_person("丁", region=VILLAGE, fp_special="bereaved"),
        "e": make_person("戊", region=SECOND_VILLAGE, disability_grade=1),
        "f": make_person("己", region=OTHER_VILLAGE, living_arrangement="alone"),
        "x": make_person("庚", region=VILLAGE, living_arrangement="with_family"),  # not a target
    }
    do_refresh_targets(None, "152223", start - dt.timedelta(days=60))
    me = Visitor.objects.create(name="李网格", kind=VisitorKind.GRID, village_id=VILLAGE, user=visitor)
    other = Visitor.objects.create(name="张两委", kind=VisitorKind.COMMITTEE, village_id=VILLAGE)
    Visitor.objects.create(name="王网格", kind=VisitorKind.GRID, village_id=SECOND_VILLAGE)
    Visitor.objects.create(name="赵网格", kind=VisitorKind.GRID, village_id=OTHER_VILLAGE)
    do_auto_assign(None, "152223")
    for key, helper in (("a", me), ("b", me), ("c", other), ("d", other)):
        Assignment.objects.filter(person=p[key], ended_at__isnull=True).update(visitor=helper)
    visit(p["a"], start)  # this month
    visit(p["b"], start, "phone")  # this month, by phone
    visit(p["c"], start - dt.timedelta(days=1))  # last month only
    visit(p["f"], start, "video")
    return {**p, "me": me, "other": other, "start": start}


def test_the_county_caseworker_sees_the_monthly_rate_per_township_and_county(
    login: Any, county_user: Any, world: dict[str, Any], today: dt.date
) -> None:
    response = login(county_user).get(reverse("visits:rates"), {"month": f"{today:%Y-%m}"})

    tree = response.context["tree"]
    townships = {t.name: (t.visited, t.targets) for t in tree.children}
    assert response.status_code == 200
    assert (tree.name, tree.visited, tree.targets, tree.rate) == ("扎赉特旗", 3, 6, 50.0)
    assert townships == {"音德尔镇": (2, 5), "新林镇": (1, 1)}
    assert "50.0%" in response.content.decode()


def test_the_rates_drill_down_to_villages_and_count_weekly_targets_on_schedule(
    login: Any, township_user: Any, world: dict[str, Any], today: dt.date
) -> None:
    response = login(township_user).get(reverse("visits:rates"), {"region": "152223100000"})

    focus = response.context["focus"]
    villages = {v.code: (v.visited, v.targets, v.weekly) for v in focus.children}
    assert focus.name == "音德尔镇"
    assert villages == {VILLAGE: (2, 4, 1), SECOND_VILLAGE: (0, 1, 0)}
    expected_on_time = 1 if (today - world["start"]).days <= 7 else 0  # one visit on the 1st lasts a week
    assert focus.weekly_on_schedule == expected_on_time


def test_a_visit_last_month_does_not_count_this_month_but_did_then(
    login: Any, county_user: Any, world: dict[str, Any]
) -> None:
    last_month = world["start"] - dt.timedelta(days=1)

    response = login(county_user).get(reverse("visits:rates"), {"month": f"{last_month:%Y-%m}"})

    assert response.context["tree"].visited == 1


def test_the_visitor_sees_only_their_own_people_on_the_visits_home(
    login: Any, visitor: Any, world: dict[str, Any]
) -> None:
    response = login(visitor).get(reverse("visits:index"))

    body = response.content.decode()
    assert response.status_code == 200
    assert {p["pk"] for p in response.context["people"]} == {world["a"].pk, world["b"].pk}
    assert "丙" not in body
    assert "戊" not in body
    assert "己" not in body
    assert response.context["tree"].targets == 2


def test_overdue_lists_targets_past_their_interval_and_only_in_scope(
    login: Any, township_user: Any, visitor: Any, world: dict[str, Any], today: dt.date
) -> None:
    rows = login(township_user).get(reverse("visits:overdue")).context["page"].object_list
    mine = login(visitor).get(reverse("visits:overdue")).context["page"].object_list

    names = {r.name for r in rows}
    assert "丁" in names
    assert "戊" in names
    assert "乙" not in names  # visited this month (monthly)
    assert "己" not in names  # another township
    assert {r.name for r in mine} <= {"甲", "乙"}
    assert all(r.days > 0 for r in rows)


def test_the_overdue_page_needs_the_same_queries_for_more_people(
    login: Any, township_user: Any, make_person: Any, world: dict[str, Any]
) -> None:
    client = login(township_user)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("visits:overdue"))
    for i in range(8):
        make_person(f"新{i}", region=VILLAGE, living_arrangement="alone")
    do_refresh_targets(None, "152223", world["start"] - dt.timedelta(days=60))
    with CaptureQueriesContext(connection) as more:
        client.get(reverse("visits:overdue"))

    assert len(more) == len(few)


def test_workloads_count_caseloads_weekly_targets_and_this_months_visits(
    login: Any, county_user: Any, world: dict[str, Any]
) -> None:
    Visit.objects.filter(person=world["a"]).update(visitor=world["me"])

    rows = {r.name: r for r in login(county_user).get(reverse("visits:workloads")).context["rows"]}

    assert (rows["李网格"].caseload, rows["李网格"].high, rows["李网格"].visits) == (2, 1, 1)
    assert rows["张两委"].caseload == 2
    assert rows["赵网格"].caseload == 1


def test_the_monthly_plan_says_who_visits_whom_by_when(
    login: Any, visitor: Any, world: dict[str, Any], today: dt.date
) -> None:
    do_make_plans(None, "152223", today.year, today.month)

    rows = login(visitor).get(reverse("visits:plans")).context["rows"]

    assert PlanEntry.objects.filter(person=world["b"]).count() == 1
    assert {r.person_pk for r in rows} == {world["a"].pk, world["b"].pk}
    assert all(r.visitor == "李网格" for r in rows)
    assert len([r for r in rows if r.person_pk == world["a"].pk]) >= 4  # weekly: at least four dates


@pytest.mark.parametrize("name", ["rates", "overdue", "workloads", "followups", "plans"])
def test_each_list_exports_as_xlsx_and_the_export_is_audited(
    login: Any, county_user: Any, world: dict[str, Any], name: str
) -> None:
    FollowUp.objects.create(person=world["b"], kind="assessment", detail="行动能力下降")
    do_make_plans(None, "152223", world["start"].year, world["start"].month)

    response = login(county_user).get(reverse(f"visits:{name}"), {"format": "xlsx"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row >= 2
    event = AuditEvent.objects.get(action=Action.EXPORT)
    assert (event.username, event.object_type, event.object_id) == ("county", "visits", name)


def test_the_overdue_export_masks_id_numbers(login: Any, county_user: Any, world: dict[str, Any]) -> None:
    response = login(county_user).get(reverse("visits:overdue"), {"format": "xlsx"})

    values = [
        c
        for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
        for c in row
    ]
    assert world["d"].id_number not in values
    assert any(isinstance(v, str) and v.startswith(world["d"].id_number[:6] + "*") for v in values)


def test_the_visitors_export_holds_only_their_people(login: Any, visitor: Any, world: dict[str, Any]) -> None:
    response = login(visitor).get(reverse("visits:overdue"), {"format": "xlsx"})

    names = {
        row[0]
        for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=2, values_only=True)
    }
    assert names <= {"甲", "乙"}


def test_a_caseworker_refreshes_targets_assigns_and_plans_for_their_region(
    login: Any, township_user: Any, world: dict[str, Any], make_person: Any
) -> None:
    newcomer = make_person("新来", region=SECOND_VILLAGE, living_arrangement="alone")

    response = login(township_user).post(reverse("visits:refresh"))

    assert response.status_code == 302
    assert Assignment.objects.get(person=newcomer, ended_at__isnull=True).visitor.name == "王网格"
    assert PlanEntry.objects.filter(person=newcomer).exists()
    assert not PlanEntry.objects.filter(person=world["f"]).exists()  # another township: not touched
    assert AuditEvent.objects.filter(
        action=Action.CHANGE, username="township", summary__startswith="更新探访对象"
    ).exists()


def test_a_visitor_and_an_auditor_cannot_refresh(
    login: Any, visitor: Any, auditor: Any, world: dict[str, Any]
) -> None:
    assert login(visitor).post(reverse("visits:refresh")).status_code == 403
    assert login(auditor).post(reverse("visits:refresh")).status_code == 403


def test_a_dead_person_stops_being_a_target(
    login: Any, county_user: Any, world: dict[str, Any], today: dt.date
) -> None:
    Person.objects.filter(pk=world["d"].pk).update(death_date=today - dt.timedelta(days=1))

    do_refresh_targets(None, "152223", today)
    rows = login(county_user).get(reverse("visits:overdue")).context["page"].object_list

    assert "丁" not in {r.name for r in rows}
    assert login(county_user).get(reverse("visits:rates")).context["tree"].targets == 5


def test_the_visits_home_needs_a_login(client: Any) -> None:
    response = client.get(reverse("visits:index"))

    assert response.status_code == 302
    assert "/login/" in response["Location"]
