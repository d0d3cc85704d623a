"""Each role's home page shows that role's work: counts that link to the lists behind them."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import frozen_now
from yanglao.accounts.models import LoginFailure, User
from yanglao.core.catalog import load_catalog
from yanglao.core.payments import Month
from yanglao.entitlements.models import Finding
from yanglao.facilities.models import Facility, FacilityPost
from yanglao.jobs.models import Job, JobState
from yanglao.payments.actions import prepare_roll
from yanglao.payments.models import PaymentRoll, RollState
from yanglao.payments.views import catalogs_for
from yanglao.regions.models import Region
from yanglao.registry.models import Conflict, Person
from yanglao.visits.models import Assignment, FollowUp, Target, Visit, Visitor, VisitorKind

pytestmark = pytest.mark.django_db

PASSWORD = "Yl-tests-2024!"
COUNTY = "152223"
TOWNSHIP = "152223100000"
VILLAGE = "152223100001"
OTHER_VILLAGE = "152223101001"


def tiles(text: str) -> dict[str, tuple[int, str]]:
    """The home page's tiles: label → (count, link)."""
    found = re.findall(
        r'<(?:a|div) class="tile[^"]*"(?: href="([^"]*)")?>\s*<strong>([\d,]+)</strong><span>([^<]+)</span>',
        text,
    )
    return {label: (int(count.replace(",", "")), html.unescape(href)) for href, count, label in found}


def home(login: Any, user: User) -> str:
    return str(login(user).get(reverse("home")).content.decode())


def target(person: Person, since: dt.date, days: int = 7) -> Target:
    return Target.objects.create(
        person=person,
        village=VILLAGE,
        tier="weekly",
        tier_label="每周探访",
        interval_days=days,
        since=since,
        evaluated_on=since,
    )


def test_the_visitor_sees_todays_visits_and_the_overdue_ones(
    login: Any, visitor: User, make_person: Any, today: dt.date
) -> None:
    grid = Visitor.objects.create(name="李网格", kind=VisitorKind.GRID, village_id=VILLAGE, user=visitor)
    due_today = make_person("王一")
    late = make_person("王二")
    visited = make_person("王三")
    later = make_person("王四")
    not_mine = make_person("王五")
    for person in (due_today, late, visited, later):
        Assignment.objects.create(person=person, visitor=grid)
    target(due_today, today - dt.timedelta(days=7))  # never visited: due one interval after since
    target(late, today - dt.timedelta(days=30))
    target(visited, today - dt.timedelta(days=30))
    at = frozen_now() - dt.timedelta(days=7)
    Visit.objects.create(
        person=visited, visitor=grid, mode="home", visited_at=at, visited_on=today - dt.timedelta(days=7)
    )
    target(later, today - dt.timedelta(days=2))
    target(not_mine, today - dt.timedelta(days=30))

    shown = tiles(home(login, visitor))

    assert shown["今日应探访"] == (2, reverse("visits:index"))  # due_today and visited (last visit + 7 days)
    assert shown["逾期未探访"] == (1, reverse("visits:overdue"))
    assert "待处理数据冲突" not in shown


def test_the_township_sees_findings_followups_rolls_to_prepare_and_conflicts(
    login: Any, township_user: User, make_person: Any, today: dt.date
) -> None:
    wang = make_person("王秀英")
    far = make_person("李淑芬", region=OTHER_VILLAGE)
    for n, person in enumerate((wang, wang, far)):
        Finding.objects.create(
            key=f"k{n}", kind="missed", person=person, township=person.residence_region[:9] + "000",
            summary="漏保", found_on=today, last_seen_on=today,
        )  # fmt: skip
    Finding.objects.filter(key="k1").update(state="enrolled")
    now = frozen_now()
    FollowUp.objects.create(
        person=wang, kind="urgent", township_id=TOWNSHIP, due_at=now - dt.timedelta(hours=1)
    )
    FollowUp.objects.create(person=wang, kind="urgent", township_id=TOWNSHIP, status="closed")
    FollowUp.objects.create(person=wang, kind="assessment", township_id=TOWNSHIP)
    FollowUp.objects.create(person=far, kind="urgent", township_id="152223101000")
    Conflict.objects.create(
        person=wang, field="living_arrangement", proposed_source="民政", proposed_as_of=today
    )
    region = Region.objects.get(code=TOWNSHIP)
    prepare_roll(township_user, COUNTY, Month.of(today).shift(-1), region)
    expected_rolls = 3 * len(catalogs_for(TOWNSHIP)) - 1

    shown = tiles(home(login, township_user))

    assert shown["待处理服务找人发现"] == (1, reverse("entitlements:township", args=[TOWNSHIP]))
    assert shown["待处理紧急情况上报"] == (1, reverse("visits:followups") + "?status=open&kind=urgent")
    assert shown["超时未办结跟进事项"] == (1, reverse("visits:followups") + "?status=open")
    assert shown["待生成发放表（近3个月）"] == (expected_rolls, reverse("payments:index"))
    assert shown["待处理数据冲突"] == (1, reverse("conflicts"))


def test_the_county_sees_conflicts_rolls_to_review_and_approve_and_example_values(
    login: Any, county_user: User, township_user: User, make_person: Any, today: dt.date
) -> None:
    Conflict.objects.create(
        person=make_person("李淑芬", region=OTHER_VILLAGE),
        field="phone",
        proposed_source="民政",
        proposed_as_of=today,
    )
    region = Region.objects.get(code=TOWNSHIP)
    for months in (1, 2, 3):
        prepare_roll(township_user, COUNTY, Month.of(today).shift(-months), region)
    PaymentRoll.objects.filter(month=Month.of(today).shift(-3).first).update(state=RollState.REVIEWED)
    example_values = sum(
        1
        for code, _ in catalogs_for(COUNTY)
        for param in load_catalog(code).parameters.values()
        if (value := param.value_on(today)) is not None and value.example
    )

    shown = tiles(home(login, county_user))

    assert shown["待处理数据冲突"] == (1, reverse("conflicts"))
    assert shown["待审核发放表"] == (2, reverse("payments:index"))
    assert shown["待审批发放表"] == (1, reverse("payments:index"))
    assert example_values > 0
    assert shown["待替换的示例参数值"] == (example_values, reverse("catalogweb:catalog", args=[COUNTY]))


def test_the_auditor_sees_the_latest_audit_events(
    login: Any, auditor: User, township_user: User, make_person: Any
) -> None:
    make_person("王秀英")
    login(township_user).get(reverse("search"), {"q": "王秀英"})

    text = home(login, auditor)

    assert "最新审计事件" in text
    assert "township · 查询 · 查询“王**”，1 条结果" in text
    assert "王秀英" not in text
    assert f'href="{reverse("audit")}"' in text


def test_care_home_staff_see_their_facility(login: Any, db: None) -> None:
    staff = User.objects.create_user(
        username="carehome", password=PASSWORD, role="carehome_staff", region_id=VILLAGE
    )
    home_ = Facility.objects.create(
        name="音德尔镇敬老院", kind="public_home", region_id=TOWNSHIP, beds=60, occupied_beds=41
    )
    FacilityPost.objects.create(user=staff, facility=home_)

    text = home(login, staff)

    assert "本机构：音德尔镇敬老院" in text
    assert "<dt>床位数</dt><dd>60</dd>" in text
    assert "<dt>在住人数</dt><dd>41</dd>" in text
    assert f'href="{reverse("facilities:detail", args=[home_.pk])}"' in text
    assert f'href="{reverse("facilities:report", args=[home_.pk])}">填报运营月报' in text
    # the home's residents, not the registry of the region
    assert "本机构在院人员" in text
    assert f'href="{reverse("carehomes:residents")}"' in text
    assert "在册老年人" not in text


def test_care_home_staff_without_a_facility_are_told_so(login: Any, db: None) -> None:
    staff = User.objects.create_user(
        username="carehome", password=PASSWORD, role="carehome_staff", region_id=VILLAGE
    )

    assert "您的账号尚未关联养老机构" in home(login, staff)


def test_the_administrator_sees_users_and_recent_failures(login: Any, township_user: User, db: None) -> None:
    admin = User.objects.create_user(username="admin", password=PASSWORD, role="admin")
    User.objects.create_user(username="gone", password=PASSWORD, role="visitor", is_active=False)
    now = frozen_now()
    LoginFailure.objects.create(
        username="township", count=5, first_failure_at=now, locked_until=now + dt.timedelta(minutes=15)
    )
    LoginFailure.objects.create(username="old", count=2, first_failure_at=now - dt.timedelta(days=30))
    LoginFailure.objects.create(username="ip:10.0.0.9", count=0, first_failure_at=now)
    Job.objects.create(kind="discover", state=JobState.FAILED, error="目录不存在", finished_at=now)

    text = home(login, admin)

    assert tiles(text)["启用的用户账号"] == (2, reverse("users:list"))
    assert "登录失败 5 次：用户 township" in text
    assert "已锁定" in text
    assert "登录失败 2 次" not in text  # a month ago
    assert "来源地址 10.0.0.9" not in text  # its failures were cleared by a login
    assert "后台任务失败（discover）：目录不存在" in text


@pytest.mark.parametrize("who", ["township_user", "county_user", "visitor", "auditor"])
def test_the_home_page_runs_the_same_queries_for_one_person_or_many(
    who: str, request: pytest.FixtureRequest, client: Any, make_person: Any, today: dt.date
) -> None:
    user = request.getfixturevalue(who)
    client.force_login(user)

    def make(n: int) -> None:
        for i in range(n):
            person = make_person(f"王{i:02d}")
            Conflict.objects.create(
                person=person, field="phone", proposed_source="民政", proposed_as_of=today
            )
            FollowUp.objects.create(person=person, kind="urgent", township_id=TOWNSHIP)
            target(person, today - dt.timedelta(days=30))

    make(1)
    client.get(reverse("home"))  # process-wide caches (the lists in force) filled, as on a running server
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("home"))
    make(20)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("home"))

    assert len(many) == len(one)
