"""``yanglao createuser``: a user with a one-time password from the environment (or asked), checked
like the web form, audited; clear Chinese errors."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from yanglao.accounts.models import User
from yanglao.audit.models import Action, AuditEvent
from yanglao.facilities.access import facility_of
from yanglao.facilities.models import Facility

pytestmark = pytest.mark.django_db

ONE_TIME = "Chushi-2026#"
TOWNSHIP = "152223100000"


@pytest.fixture(autouse=True)
def password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("YANGLAO_USER_PASSWORD", ONE_TIME)


def createuser(*args: str) -> str:
    out = StringIO()
    call_command("createuser", *args, stdout=out)
    return out.getvalue()


def test_it_creates_a_user_who_must_change_the_password() -> None:
    said = createuser(
        "--username", "wang", "--role", "township_caseworker", "--region", TOWNSHIP, "--name", "王芳"
    )

    user = User.objects.get(username="wang")
    assert (user.role, user.region_id, user.display_name) == ("township_caseworker", TOWNSHIP, "王芳")
    assert user.check_password(ONE_TIME)
    assert user.must_change_password
    assert "已创建用户 王芳（wang，乡镇民政经办人员，音德尔镇）" in said
    event = AuditEvent.objects.get(action=Action.CREATE)
    assert (event.username, event.role, event.object_id) == ("命令行", "cli", "wang")
    assert ONE_TIME not in event.summary + str(event.detail)


def test_it_attaches_care_home_staff_to_their_facility() -> None:
    home = Facility.objects.create(name="音德尔镇敬老院", kind="public_home", region_id=TOWNSHIP, beds=9)

    createuser(
        "--username", "jing", "--role", "carehome_staff", "--region", TOWNSHIP, "--facility", str(home.pk)
    )

    assert facility_of(User.objects.get(username="jing")) == home


def test_it_asks_for_the_password_when_the_environment_has_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("YANGLAO_USER_PASSWORD")
    asked: list[str] = []

    def getpass(prompt: str) -> str:
        asked.append(prompt)
        return "Gaile-2026%"

    monkeypatch.setattr("getpass.getpass", getpass)
    createuser("--username", "li", "--role", "auditor", "--region", "152223")

    assert asked == ["一次性密码："]
    assert User.objects.get(username="li").check_password("Gaile-2026%")


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["--role", "boss", "--region", TOWNSHIP], "角色：未知角色 boss"),
        (["--role", "visitor", "--region", "999999"], "所属区划：未知区划 999999，或不在您的辖区内"),
        (["--role", "carehome_staff", "--region", TOWNSHIP, "--facility", "424242"], "未知设施 424242"),
        (
            ["--role", "visitor", "--region", TOWNSHIP, "--facility", "{home}"],
            "只有养老机构工作人员可以选择所在设施",
        ),
        (["--role", "carehome_staff", "--region", TOWNSHIP], "养老机构工作人员须选择所在设施"),
        (["--role", "county_caseworker", "--region", TOWNSHIP], "县级民政经办人员的所属区划须为"),
        (["--role", "visitor"], "请选择所属区划"),
    ],
)
def test_it_refuses_in_chinese(args: list[str], error: str) -> None:
    home = Facility.objects.create(name="音德尔镇敬老院", kind="public_home", region_id=TOWNSHIP, beds=9)
    args = [arg.replace("{home}", str(home.pk)) for arg in args]

    with pytest.raises(CommandError) as refused:
        createuser("--username", "zhao", *args)

    assert error in str(refused.value)
    assert not User.objects.filter(username="zhao").exists()
    assert not AuditEvent.objects.filter(action=Action.CREATE).exists()


def test_it_refuses_an_existing_username_and_a_weak_password(
    township_user: User, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    with pytest.raises(CommandError, match="用户名 township 已存在"):
        createuser("--username", "township", "--role", "visitor", "--region", TOWNSHIP)
    monkeypatch.setenv("YANGLAO_USER_PASSWORD", "password")
    with pytest.raises(CommandError, match="密码不符合要求"):
        createuser("--username", "zhou", "--role", "visitor", "--region", TOWNSHIP)
    assert not User.objects.filter(username="zhou").exists()


def test_createadmin_starts_the_administrators_password_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("YANGLAO_ADMIN_PASSWORD", ONE_TIME)

    call_command("createadmin", "--username", "root", stdout=StringIO())

    root = User.objects.get(username="root")
    assert root.password_changed_at is not None
    assert not root.must_change_password  # the installer chose it
