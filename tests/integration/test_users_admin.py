"""User administration through the web: who may manage whom, what is stored, what is audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from yanglao.accounts.models import Role, User
from yanglao.audit.models import Action, AuditEvent
from yanglao.facilities.access import facility_of, set_facility
from yanglao.facilities.models import Facility

pytestmark = pytest.mark.django_db

TOWNSHIP = "152223100000"  # 音德尔镇
VILLAGE = "152223100001"  # 龙腾社区
OTHER_COUNTY = "410402"  # 平顶山市新华区
OTHER_COUNTY_TOWNSHIP = "410402001000"  # 曙光街街道


def one_time_password(response: Any) -> str:
    html = response.content.decode()
    marker = 'data-testid="one-time-password">'
    start = html.index(marker) + len(marker)
    return html[start : html.index("<", start)]


def new_user(client: Any, **fields: str) -> Any:
    data = {"username": "zhangsan", "display_name": "张三", "role": "township_caseworker", "region": TOWNSHIP}
    return client.post(reverse("users:new"), {**data, **fields})


@pytest.fixture
def foreign_county_user(db: None) -> User:
    return User.objects.create_user("pingdingshan", role=Role.COUNTY, region_id=OTHER_COUNTY)


@pytest.fixture
def home(db: None) -> Facility:
    return Facility.objects.create(name="音德尔镇敬老院", kind="public_home", region_id=TOWNSHIP, beds=132)


def test_a_county_user_creates_a_township_user_with_a_one_time_password(
    client: Any, county_user: User
) -> None:
    client.force_login(county_user)

    response = new_user(client)

    assert response.status_code == 200
    password = one_time_password(response)
    user = User.objects.get(username="zhangsan")
    assert (user.role, user.region_id, user.display_name) == ("township_caseworker", TOWNSHIP, "张三")
    assert user.check_password(password)
    assert user.must_change_password
    assert user.is_active
    assert not user.is_staff
    event = AuditEvent.objects.get(action=Action.CREATE, object_type="user")
    assert (event.username, event.object_id, event.object_region) == ("county", "zhangsan", TOWNSHIP)
    assert event.summary.startswith("新增用户 张三（zhangsan，乡镇民政经办人员，音德尔镇）")
    assert not AuditEvent.objects.filter(summary__contains=password).exists()
    assert password not in str(list(AuditEvent.objects.values_list("detail", flat=True)))


def test_a_county_user_may_not_create_an_administrator_or_a_user_outside_the_county(
    client: Any, county_user: User
) -> None:
    client.force_login(county_user)

    admin = new_user(client, role="admin", region="")
    outside = new_user(client, username="lisi", region=OTHER_COUNTY_TOWNSHIP)

    assert "未知角色 admin" in admin.content.decode()
    assert f"未知区划 {OTHER_COUNTY_TOWNSHIP}，或不在您的辖区内" in outside.content.decode()
    assert not User.objects.filter(username__in=["zhangsan", "lisi"]).exists()
    assert not AuditEvent.objects.filter(action=Action.CREATE).exists()


def test_the_region_must_fit_the_role_and_the_username_must_be_new(client: Any, county_user: User) -> None:
    client.force_login(county_user)

    at_a_village = new_user(client, region=VILLAGE).content.decode()
    taken = new_user(client, username="county").content.decode()
    no_region = new_user(client, region="").content.decode()

    assert "乡镇民政经办人员的所属区划须为乡级区划" in at_a_village
    assert "用户名 county 已存在" in taken
    assert "请选择所属区划" in no_region
    assert User.objects.count() == 1


def test_care_home_staff_are_attached_to_a_facility_of_the_scope(
    client: Any, county_user: User, home: Facility
) -> None:
    client.force_login(county_user)
    staff = {"username": "jing", "role": "carehome_staff", "region": TOWNSHIP}

    without = new_user(client, **staff).content.decode()
    wrong_role = new_user(client, username="wrong", facility=str(home.pk)).content.decode()
    created = new_user(client, **staff, facility=str(home.pk))

    assert "养老机构工作人员须选择所在设施" in without
    assert "只有养老机构工作人员可以选择所在设施" in wrong_role
    assert created.status_code == 200
    assert facility_of(User.objects.get(username="jing")) == home
    assert "所在设施 音德尔镇敬老院" in AuditEvent.objects.get(action=Action.CREATE).summary


def test_a_facility_outside_the_managers_county_is_unknown(client: Any, county_user: User, db: None) -> None:
    far = Facility.objects.create(
        name="曙光敬老院", kind="public_home", region_id=OTHER_COUNTY_TOWNSHIP, beds=10
    )
    client.force_login(county_user)

    response = new_user(client, role="carehome_staff", facility=str(far.pk))

    assert f"未知设施 {far.pk}，或不在您的辖区内" in response.content.decode()
    assert not User.objects.filter(username="zhangsan").exists()


def test_editing_changes_role_region_and_disables_and_it_is_audited(
    client: Any, county_user: User, visitor: User
) -> None:
    client.force_login(county_user)
    url = reverse("users:edit", args=[visitor.pk])
    data = {"display_name": "李网格", "role": "visitor", "region": TOWNSHIP}  # is_active unticked

    page = client.get(url)
    saved = client.post(url, data)

    assert page.status_code == 200
    assert "龙腾社区网格员" in page.content.decode()
    assert saved.status_code == 302
    visitor.refresh_from_db()
    assert (visitor.display_name, visitor.region_id, visitor.is_active) == ("李网格", TOWNSHIP, False)
    event = AuditEvent.objects.get(action=Action.CHANGE, object_type="user")
    assert "停用账号" in event.summary
    assert "所属区划 龙腾社区 → 音德尔镇" in event.summary
    assert not client.login(username="visitor", password="Yl-tests-2024!")  # disabled: no login
    assert User.objects.filter(pk=visitor.pk).exists()  # never deleted


def test_a_manager_may_not_take_away_their_own_role_or_access(client: Any, county_user: User) -> None:
    client.force_login(county_user)

    client.post(
        reverse("users:edit", args=[county_user.pk]),
        {"role": "visitor", "region": "152223", "display_name": "x"},
    )

    county_user.refresh_from_db()
    assert (county_user.role, county_user.is_active) == ("county_caseworker", True)


def test_resetting_a_password_gives_a_one_time_password_and_ends_the_old_one(
    client: Any, county_user: User, township_user: User
) -> None:
    client.force_login(county_user)

    response = client.post(reverse("users:reset", args=[township_user.pk]))

    password = one_time_password(response)
    township_user.refresh_from_db()
    assert township_user.check_password(password)
    assert township_user.must_change_password
    assert not township_user.check_password("Yl-tests-2024!")
    event = AuditEvent.objects.get(action=Action.CHANGE, object_type="user")
    assert event.summary.startswith("重置用户 音德尔镇经办人（township，乡镇民政经办人员，音德尔镇） 的密码")
    assert password not in event.summary + str(event.detail)
    assert client.get(reverse("users:reset", args=[township_user.pk])).status_code == 405


def test_a_user_of_another_county_answers_404_and_the_attempt_is_audited(
    client: Any, township_user: User, foreign_county_user: User
) -> None:
    client.force_login(foreign_county_user)

    edit = client.get(reverse("users:edit", args=[township_user.pk]))
    reset = client.post(reverse("users:reset", args=[township_user.pk]))
    missing = client.get(reverse("users:edit", args=[999_999]))

    assert (edit.status_code, reset.status_code, missing.status_code) == (404, 404, 404)
    events = AuditEvent.objects.filter(action=Action.DENIED)
    assert [(e.username, e.object_type, e.object_id) for e in events] == [
        ("pingdingshan", "user", "township"),
        ("pingdingshan", "user", "township"),
    ]
    assert not User.objects.get(pk=township_user.pk).must_change_password


def test_a_county_user_may_not_manage_an_administrator(client: Any, county_user: User) -> None:
    admin = User.objects.create_user("root", role=Role.ADMIN, region_id="152223")
    client.force_login(county_user)

    assert client.get(reverse("users:edit", args=[admin.pk])).status_code == 404
    assert "root" not in client.get(reverse("users:list")).content.decode()


def test_only_managers_open_user_administration(
    client: Any, township_user: User, visitor: User, auditor: User
) -> None:
    for user in (township_user, visitor, auditor):
        client.force_login(user)
        response = client.get(reverse("users:list"))
        assert response.status_code == 403
        assert "当前角色不能管理用户账号" in response.content.decode()
        assert client.post(reverse("users:new"), {}).status_code == 403


def test_the_list_shows_the_scope_filters_and_pages(
    client: Any, county_user: User, township_user: User, outsider: User, foreign_county_user: User
) -> None:
    for i in range(55):
        User.objects.create_user(f"v{i:02}", role=Role.VISITOR, region_id=VILLAGE, is_active=i % 2 == 0)
    client.force_login(county_user)

    everyone = client.get(reverse("users:list")).content.decode()
    second = client.get(reverse("users:list"), {"role": "visitor", "page": 2}).content.decode()
    townships = client.get(reverse("users:list"), {"role": "township_caseworker"}).content.decode()
    xinlin = client.get(reverse("users:list"), {"region": "152223101000"}).content.decode()
    disabled = client.get(reverse("users:list"), {"active": "0", "q": "v0"}).content.decode()

    assert "共 58 个用户" in everyone
    assert "pingdingshan" not in everyone
    assert "第 2 / 2 页" in second
    assert "v54" in second
    assert "v00" not in second
    assert ">township<" in townships
    assert ">outsider<" in townships
    assert ">v00<" not in townships
    assert ">outsider<" in xinlin
    assert ">township<" not in xinlin
    assert "共 5 个用户" in disabled  # v01, v03, v05, v07, v09


def test_the_administrator_manages_every_county_and_may_create_an_administrator(
    client: Any, foreign_county_user: User
) -> None:
    admin = User.objects.create_user("root", role=Role.ADMIN)
    client.force_login(admin)

    listed = client.get(reverse("users:list")).content.decode()
    created = new_user(client, username="root2", role="admin", region="")

    assert "pingdingshan" in listed
    assert created.status_code == 200
    assert User.objects.get(username="root2").role == "admin"
    assert client.get(reverse("users:edit", args=[foreign_county_user.pk])).status_code == 200


def test_the_list_runs_a_fixed_number_of_queries(
    client: Any, county_user: User, home: Facility, django_assert_max_num_queries: Any
) -> None:
    for i in range(40):
        staff = User.objects.create_user(f"s{i:02}", role=Role.CAREHOME, region_id=TOWNSHIP)
        set_facility(staff, home)
    client.force_login(county_user)

    with django_assert_max_num_queries(16):  # session, user, count, page, facilities, the audit
        html = client.get(reverse("users:list")).content.decode()

    assert html.count("音德尔镇敬老院") == 40


def test_a_care_home_staff_user_given_another_role_leaves_the_facility(
    client: Any, county_user: User, home: Facility
) -> None:
    staff = User.objects.create_user("jing", role=Role.CAREHOME, region_id=TOWNSHIP)
    set_facility(staff, home)
    client.force_login(county_user)

    client.post(
        reverse("users:edit", args=[staff.pk]), {"role": "visitor", "region": TOWNSHIP, "is_active": "on"}
    )

    staff.refresh_from_db()
    assert staff.role == "visitor"
    assert facility_of(staff) is None
    summary = AuditEvent.objects.get(action=Action.CHANGE).summary
    assert "角色 养老机构工作人员 → 村（社区）探访员（网格员）" in summary
    assert "解除所在设施 音德尔镇敬老院" in summary


def test_the_role_must_be_chosen(client: Any, county_user: User) -> None:
    client.force_login(county_user)

    page = client.get(reverse("users:new")).content.decode()
    response = new_user(client, role="")

    assert '<option value="" selected>请选择</option>' in page
    assert response.status_code == 200
    assert not User.objects.filter(username="zhangsan").exists()


def test_reading_the_list_is_audited(client: Any, county_user: User) -> None:
    client.force_login(county_user)

    client.get(reverse("users:list"), {"region": TOWNSHIP, "role": "visitor"})

    event = AuditEvent.objects.get(action=Action.VIEW, object_type="users")
    assert event.summary == "查看用户列表第 1 页（共 0 个用户）"
    assert (event.object_region, event.detail["role"]) == (TOWNSHIP, "visitor")
