"""Logging in: lock-out after 5 failures for 15 minutes, password rules, idle sessions, CSRF."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import frozen_now
from yanglao.accounts.models import LoginFailure
from yanglao.audit.models import Action, AuditEvent

PASSWORD = "Yl-tests-2024!"  # the fixtures' password

pytestmark = pytest.mark.django_db


def log_in(client: Client, username: str, password: str) -> Any:
    return client.post(reverse("login"), {"username": username, "password": password})


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# --- logging in -------------------------------------------------------------------------------


def test_a_caseworker_logs_in_and_lands_on_the_home_page(client: Client, township_user: Any) -> None:
    response = log_in(client, "township", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert logged_in(client)
    assert AuditEvent.objects.get(action=Action.LOGIN).username == "township"


def test_a_wrong_password_is_refused_and_audited(client: Client, township_user: Any) -> None:
    response = log_in(client, "township", "Wrong-pass-1")

    assert response.status_code == 401
    assert "用户名或密码错误" in response.content.decode()
    assert not logged_in(client)
    event = AuditEvent.objects.get(action=Action.LOGIN_FAILED)
    assert (event.object_id, event.address) == ("township", "127.0.0.1")
    assert LoginFailure.objects.get(username="township").count == 1


def test_a_next_address_elsewhere_is_not_followed(client: Client, township_user: Any) -> None:
    response = client.post(
        reverse("login") + "?next=//evil.example/", {"username": "township", "password": PASSWORD}
    )

    assert response["Location"] == reverse("home")


def test_logging_out_ends_the_session(client: Client, township_user: Any) -> None:
    log_in(client, "township", PASSWORD)

    client.post(reverse("logout"))

    assert not logged_in(client)
    assert AuditEvent.objects.filter(action=Action.LOGOUT, username="township").exists()


# --- lock-out ---------------------------------------------------------------------------------


def fail_five_times(client: Client) -> Any:
    response = None
    for _ in range(5):
        response = log_in(client, "township", "Wrong-pass-1")
    return response


def test_five_failures_lock_the_account(client: Client, township_user: Any) -> None:
    fifth = fail_five_times(client)

    assert "连续 5 次登录失败，账号锁定 15 分钟" in fifth.content.decode()
    until = LoginFailure.objects.get(username="township").locked_until
    assert until is not None
    assert dt.timedelta(minutes=14) < until - frozen_now() <= dt.timedelta(minutes=15)


def test_four_failures_do_not_lock_the_account(client: Client, township_user: Any) -> None:
    for _ in range(4):
        log_in(client, "township", "Wrong-pass-1")

    assert log_in(client, "township", PASSWORD).status_code == 302
    assert not LoginFailure.objects.filter(username="township").exists()  # success clears the count


def test_the_right_password_is_refused_while_the_account_is_locked(
    client: Client, township_user: Any
) -> None:
    fail_five_times(client)

    response = log_in(client, "township", PASSWORD)

    assert response.status_code == 401
    assert "账号已锁定" in response.content.decode()
    assert not logged_in(client)
    assert AuditEvent.objects.filter(action=Action.LOGIN_FAILED, summary="账号锁定期间尝试登录").count() == 1


def test_the_lock_holds_at_14_minutes(client: Client, township_user: Any) -> None:
    fail_five_times(client)
    LoginFailure.objects.filter(username="township").update(
        locked_until=frozen_now() + dt.timedelta(minutes=1)
    )

    assert log_in(client, "township", PASSWORD).status_code == 401


def test_the_account_opens_again_when_the_lock_expires(client: Client, township_user: Any) -> None:
    fail_five_times(client)
    LoginFailure.objects.filter(username="township").update(
        locked_until=frozen_now() - dt.timedelta(seconds=1)
    )

    response = log_in(client, "township", PASSWORD)

    assert response.status_code == 302
    assert logged_in(client)


def test_after_an_expired_lock_the_count_starts_again(client: Client, township_user: Any) -> None:
    fail_five_times(client)
    LoginFailure.objects.filter(username="township").update(
        locked_until=frozen_now() - dt.timedelta(seconds=1)
    )

    log_in(client, "township", "Wrong-pass-1")

    row = LoginFailure.objects.get(username="township")
    assert (row.count, row.locked_until) == (1, None)


def test_the_lock_is_per_username(client: Client, township_user: Any, county_user: Any) -> None:
    fail_five_times(client)

    assert log_in(client, "county", PASSWORD).status_code == 302


def test_an_unknown_username_is_locked_out_the_same_way(client: Client) -> None:
    for _ in range(5):
        log_in(client, "nobody", "Wrong-pass-1")

    assert "账号已锁定" in log_in(client, "nobody", "Wrong-pass-1").content.decode()


# --- password rules ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    ["Yl-2024!", "Yl#2024abc", "xinlin-2024", "XINLIN-2024", "XinlinZhen2024", "Xinlin-Zhen"],
)
def test_a_password_of_8_characters_from_3_classes_is_accepted(password: str) -> None:
    validate_password(password)


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Yl-2024", "password_too_short"),
        ("xinlinzhen", "password_too_simple"),
        ("xinlin2024", "password_too_simple"),
        ("XINLIN-ZHEN", "password_too_simple"),
        ("2024-0601", "password_too_simple"),
    ],
)
def test_a_short_or_simple_password_is_refused(password: str, code: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_password(password)

    assert code in [error.code for error in caught.value.error_list]


def test_the_password_rules_are_explained_in_chinese() -> None:
    with pytest.raises(ValidationError) as caught:
        validate_password("xinlinzhen")

    assert "至少三类" in " ".join(caught.value.messages)


# --- sessions and CSRF ------------------------------------------------------------------------


def test_sessions_end_after_30_idle_minutes() -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_REFRESH_SECONDS == 60


def stored_expiry(client: Client) -> dt.datetime:
    from django.contrib.sessions.models import Session

    return Session.objects.get(pk=client.session.session_key).expire_date


def session_writes(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return sum('UPDATE "django_session"' in q["sql"] for q in queries.captured_queries)


def test_a_page_read_within_a_minute_of_the_last_write_writes_no_session(
    client: Client, township_user: Any, clock: Any
) -> None:
    log_in(client, "township", PASSWORD)
    client.get(reverse("home"))  # a minute may have passed since the login's write: written here
    written = stored_expiry(client)

    assert session_writes(client, reverse("search")) == 0
    assert stored_expiry(client) == written

    clock.traveller.move_to(frozen_now() + dt.timedelta(minutes=5))
    assert session_writes(client, reverse("search")) == 1
    assert stored_expiry(client) - frozen_now() > dt.timedelta(minutes=29)
    assert session_writes(client, reverse("search")) == 0


def test_an_idle_session_ends_within_30_minutes_of_the_last_request(
    client: Client, township_user: Any, clock: Any
) -> None:
    log_in(client, "township", PASSWORD)
    clock.traveller.move_to(frozen_now() + dt.timedelta(seconds=59))
    assert session_writes(client, reverse("search")) == 0  # the login wrote it 59 s ago
    last_request = frozen_now()

    clock.traveller.move_to(last_request + dt.timedelta(minutes=30, seconds=1))
    response = client.get(reverse("search"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_each_request_pushes_the_session_expiry_forward(client: Client, township_user: Any) -> None:
    log_in(client, "township", PASSWORD)
    client.get(reverse("home"))

    expiry = client.session.get_expiry_date()

    assert dt.timedelta(minutes=29) < expiry - frozen_now() <= dt.timedelta(minutes=30)


def test_an_expired_session_must_log_in_again(client: Client, township_user: Any) -> None:
    from django.contrib.sessions.models import Session

    log_in(client, "township", PASSWORD)
    Session.objects.update(expire_date=frozen_now() - dt.timedelta(seconds=1))

    response = client.get(reverse("search"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_login_without_a_csrf_token_is_forbidden(township_user: Any) -> None:
    client = Client(enforce_csrf_checks=True)

    response = log_in(client, "township", PASSWORD)

    assert response.status_code == 403
    assert not logged_in(client)


def test_a_change_without_a_csrf_token_is_forbidden(township_user: Any, make_person: Any) -> None:
    person = make_person("王秀英")
    client = Client(enforce_csrf_checks=True)
    client.force_login(township_user)

    response = client.post(
        reverse("person-edit", args=[person.pk]), {"field": "name", "value": "王改名", "reason": "伪造请求"}
    )

    assert response.status_code == 403
    person.refresh_from_db()
    assert person.name == "王秀英"


def test_a_login_with_the_csrf_token_of_the_form_succeeds(township_user: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("login"))
    token = client.cookies[settings.CSRF_COOKIE_NAME].value

    response = client.post(
        reverse("login"), {"username": "township", "password": PASSWORD, "csrfmiddlewaretoken": token}
    )

    assert response.status_code == 302
