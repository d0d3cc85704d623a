"""The HTTP API's tokens expire and every refused token is audited (prefix only, client address); the
answer goes only to roles that see sensitive information, the administrator included in the refusal."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings

from tests.conftest import PASSWORD, VILLAGE
from yanglao.accounts.models import User
from yanglao.audit.models import Action, AuditEvent
from yanglao.core.idnumber import mask_id_number
from yanglao.entitlements.models import ApiToken
from yanglao.entitlements.tokens import do_create_token

URL = "/api/persons/{}/entitlements"
ADDRESS = "10.9.0.4"

pytestmark = pytest.mark.django_db


@pytest.fixture
def elder(make_person: Callable[..., Any]) -> Any:
    return make_person("高龄老人", birth=dt.date(1939, 3, 2), pension_scheme="urban_rural", dibao=True)


def ask(client: Any, elder: Any, raw: str) -> Any:
    return client.get(
        URL.format(elder.id_number),
        {"date": "2026-11-23"},
        HTTP_AUTHORIZATION=f"Bearer {raw}",
        REMOTE_ADDR=ADDRESS,
    )


def nowhere_in_the_log(raw: str) -> bool:
    return not any(
        raw in f"{e.object_id} {e.summary} {e.detail}" for e in AuditEvent.objects.all()
    )  # the whole token, never


@pytest.mark.parametrize("role", ["admin", "carehome_staff", "auditor"])
def test_roles_that_do_not_see_sensitive_information_are_refused(login: Any, elder: Any, role: str) -> None:
    user = User.objects.create_user(username=role, password=PASSWORD, role=role, region_id=VILLAGE)

    response = login(user).get(URL.format(elder.id_number))

    assert response.status_code == 403
    assert response.json() == {"error": "当前角色不能查询待遇"}
    assert "items" not in response.json()


def test_the_answer_carries_the_id_number_masked(login: Any, county_user: Any, elder: Any) -> None:
    body = login(county_user).get(URL.format(elder.id_number), {"date": "2026-11-23"}).json()

    assert body["person"]["id_number"] == mask_id_number(elder.id_number)


@override_settings(API_TOKEN_DAYS=30)
def test_a_token_lives_the_default_lifetime(township_user: Any) -> None:
    token, _raw = do_create_token("测试", township_user, "社保系统对接")

    assert token.expires_at - token.created_at == pytest.approx(
        dt.timedelta(days=30), abs=dt.timedelta(seconds=5)
    )
    event = AuditEvent.objects.get(action=Action.CREATE, object_type="api_token")
    assert "到期" in event.summary


def test_an_expired_token_is_refused_and_audited(client: Any, township_user: Any, elder: Any) -> None:
    token, raw = do_create_token("测试", township_user, "社保系统对接")
    assert ask(client, elder, raw).status_code == 200
    token.expires_at = token.created_at - dt.timedelta(seconds=1)
    token.save()

    response = ask(client, elder, raw)

    assert response.status_code == 401
    assert "Bearer" in response["WWW-Authenticate"]
    event = AuditEvent.objects.get(action=Action.LOGIN_FAILED)
    assert (event.username, event.address, event.object_type, event.object_id) == (
        "township",
        ADDRESS,
        "api_token",
        raw[:8],
    )
    assert "过期" in event.summary
    assert nowhere_in_the_log(raw)


@pytest.mark.parametrize("raw", ["yl_not-a-real-token-at-all", "x" * 300])
def test_an_unknown_token_is_refused_and_audited_with_its_prefix_only(
    client: Any, elder: Any, raw: str
) -> None:
    response = ask(client, elder, raw)

    assert response.status_code == 401
    event = AuditEvent.objects.get(action=Action.LOGIN_FAILED)
    assert (event.address, event.object_id) == (ADDRESS, raw[:8])
    assert "令牌无效" in event.summary
    assert nowhere_in_the_log(raw)
    assert not AuditEvent.objects.filter(action=Action.VIEW).exists()


def test_a_deactivated_token_is_refused_and_audited(client: Any, township_user: Any, elder: Any) -> None:
    token, raw = do_create_token("测试", township_user, "社保系统对接")
    ApiToken.objects.filter(pk=token.pk).update(active=False)

    assert ask(client, elder, raw).status_code == 401
    assert "停用" in AuditEvent.objects.get(action=Action.LOGIN_FAILED).summary


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("apitoken", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_makes_lists_and_renews_tokens(client: Any, township_user: Any, elder: Any) -> None:
    out, err = run("township", "--name", "社保系统对接", "--days", "7")
    raw = out.strip()
    token = ApiToken.objects.get(prefix=raw[:8])
    assert token.expires_at - token.created_at == pytest.approx(
        dt.timedelta(days=7), abs=dt.timedelta(seconds=5)
    )
    assert "到期" in err
    assert ask(client, elder, raw).status_code == 200

    listing, _ = run("--list")
    assert raw[:8] in listing
    assert "有效" in listing
    assert raw not in listing

    run("--token", raw[:8], "--expires", "2020-01-01")
    assert ask(client, elder, raw).status_code == 401
    assert "已过期" in run("--list", "township")[0]
    change = AuditEvent.objects.get(action=Action.CHANGE, object_type="api_token")
    assert "2020-01-01" in change.summary

    run("--token", raw, "--days", "30")
    assert ask(client, elder, raw).status_code == 200


def test_the_command_refuses_bad_expiries(township_user: Any) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("township", "--name", "x", "--expires", "2027-13-01")
    with pytest.raises(CommandError, match="至少为 1 天"):
        run("township", "--name", "x", "--days", "0")
    with pytest.raises(CommandError, match="没有令牌"):
        run("--token", "yl_nothere", "--days", "3")


@pytest.mark.django_db(transaction=True)
def test_tokens_made_before_expiry_existed_get_one_default_lifetime(township_user: Any) -> None:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = (
        [("entitlements", "0002_enrolment_region_enrolment_synthetic_and_more")],
        [("entitlements", "0003_apitoken_expires_at")],
    )
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("entitlements", "ApiToken")
    old.objects.create(user_id=township_user.pk, name="旧令牌", digest="0" * 64, prefix="yl_old00")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)

    token = ApiToken.objects.get(prefix="yl_old00")
    assert token.expires_at - token.created_at == pytest.approx(
        dt.timedelta(days=90), abs=dt.timedelta(seconds=30)
    )
