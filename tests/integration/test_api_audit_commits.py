"""What one answer of the entitlement API writes and when it commits: the look at the person is one audit
event committed on its own before the answer is built (an error later in the view, even under
``ATOMIC_REQUESTS``, cannot roll it back); the token's last use is written at most once a minute, and
every use is audited all the same."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yanglao.audit.models import Action, AuditEvent
from yanglao.bench.apibench import writes
from yanglao.entitlements import api
from yanglao.entitlements.models import ApiToken
from yanglao.entitlements.tokens import do_create_token

URL = "/api/persons/{}/entitlements"


@pytest.fixture
def elder(make_person: Callable[..., Any]) -> Any:
    return make_person("高龄老人", birth=dt.date(1939, 3, 2), pension_scheme="urban_rural", dibao=True)


def ask(client: Any, elder: Any, raw: str) -> Any:
    return client.get(URL.format(elder.id_number), {"date": "2026-11-23"}, HTTP_AUTHORIZATION=f"Bearer {raw}")


def views_of(elder: Any) -> Any:
    return AuditEvent.objects.filter(action=Action.VIEW, detail__person=elder.pk)


@pytest.mark.django_db(transaction=True)
def test_an_answer_writes_one_audit_event_committed_by_itself(
    client: Any, county_user: Any, elder: Any
) -> None:
    _token, raw = do_create_token(None, county_user, "社保系统对接")
    assert ask(client, elder, raw).status_code == 200  # the first use also writes the token's last use
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    statements: list[tuple[str, bool]] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append((sql, context["connection"].in_atomic_block))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        response = ask(client, elder, raw)

    assert response.status_code == 200
    new = AuditEvent.objects.exclude(pk__in=before)
    assert [(e.action, e.username, e.detail) for e in new] == [(Action.VIEW, "county", {"person": elder.pk})]
    written = [(sql, in_transaction) for sql, in_transaction in statements if writes(sql)]
    if connection.vendor == "postgresql":
        # the token with its user and the person in one statement (entitlements.apiread), then the
        # audit event: one statement that writes, in autocommit (its own commit, one WAL flush), not
        # inside a transaction of the request
        assert len(statements) == 2
        assert len(written) == 1
        assert "audit_auditevent" in written[0][0]
        assert not written[0][1]
    else:
        # SQLite: the token and the person read in one statement; then the head of the chain read,
        # the event written and the head moved in one IMMEDIATE transaction of the audit's own
        assert len([sql for sql, _ in statements if sql.startswith("SELECT")]) == 2
        assert [sql.split()[0] for sql, _ in written] == ["INSERT", "UPDATE"]
        assert all(in_transaction for _, in_transaction in written)
        assert [sql for sql, _ in statements if sql.startswith("BEGIN")] == ["BEGIN IMMEDIATE"]


def test_the_look_stays_audited_when_the_answer_fails_after_it(
    client: Any, township_user: Any, elder: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _token, raw = do_create_token(None, township_user, "社保系统对接")

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("评估出错")

    # Even were requests made atomic, the API's audit is not part of a transaction that an error
    # rolls back (non_atomic_requests on the view).
    monkeypatch.setitem(connection.settings_dict, "ATOMIC_REQUESTS", True)
    monkeypatch.setattr(api, "decide", broken)
    client.raise_request_exception = False

    response = ask(client, elder, raw)

    assert response.status_code == 500
    assert views_of(elder).count() == 1
    assert "接口查询应享待遇" in views_of(elder).get().summary


def test_a_refusal_stays_audited_when_the_answer_fails_after_it(
    client: Any, outsider: Any, elder: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _token, raw = do_create_token(None, outsider, "社保系统对接")

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("回答出错")

    monkeypatch.setitem(connection.settings_dict, "ATOMIC_REQUESTS", True)
    monkeypatch.setattr(api, "error", broken)  # the refusal's answer, built after its audit
    client.raise_request_exception = False

    assert ask(client, elder, raw).status_code == 500  # outside the outsider's township
    assert ask(client, elder, "yl_not-a-real-token").status_code == 500

    assert AuditEvent.objects.filter(action=Action.DENIED, username="outsider").count() == 1
    assert AuditEvent.objects.filter(action=Action.LOGIN_FAILED, object_id="yl_not-a").count() == 1
    assert not views_of(elder).exists()


def test_the_tokens_last_use_is_written_at_most_once_a_minute(
    client: Any, township_user: Any, elder: Any, clock: Any
) -> None:
    token, raw = do_create_token(None, township_user, "社保系统对接")
    assert token.last_used_at is None

    assert ask(client, elder, raw).status_code == 200
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    with CaptureQueriesContext(connection) as again:
        assert ask(client, elder, raw).status_code == 200
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    assert not [q for q in again.captured_queries if q["sql"].startswith('UPDATE "entitlements_apitoken"')]

    clock.traveller.shift(dt.timedelta(seconds=61))
    assert ask(client, elder, raw).status_code == 200
    later = ApiToken.objects.get(pk=token.pk).last_used_at
    assert later is not None
    assert later - first >= dt.timedelta(seconds=61)
    assert views_of(elder).count() == 3  # every use audited, whether its last use was written or not


@pytest.mark.postgres
def test_on_postgresql_the_audit_commit_waits_for_the_wal_flush(postgres: None) -> None:
    # An answer is sent only after its audit event is durable: nothing in the application's
    # connection settings turns the commit's wait for the WAL flush off.
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        (value,) = cursor.fetchone()
    assert value != "off"
