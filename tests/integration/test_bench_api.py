"""``yanglao bench api``'s in-process part: the entitlement API through Django's WSGI handler with a token,
as a server process calls it; every answer is still audited as a view of the person."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from yanglao.audit import chain
from yanglao.audit.models import Action, AuditEvent
from yanglao.bench import apibench
from yanglao.entitlements.tokens import do_create_token


@pytest.mark.django_db(transaction=True)
def test_in_process_requests_are_measured_and_each_is_audited(
    county_user: Any, make_person: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(apibench, "WARM_UP", 2)
    monkeypatch.setattr(apibench, "IN_PROCESS", 5)
    person = make_person("高龄老人", birth=dt.date(1939, 3, 2), pension_scheme="urban_rural")
    _, raw = do_create_token(None, county_user, "bench")
    views = AuditEvent.objects.filter(action=Action.VIEW, detail__person=person.pk)

    figures = apibench.in_process([f"/api/persons/{person.id_number}/entitlements"], raw)

    assert figures["cpu_p50_ms"] > 0
    assert figures["wall_p50_ms"] > 0
    assert figures["queries"] >= 2  # the token and the person, and the audit event
    assert 1 <= figures["writes"] < figures["queries"]  # the audit event's (PostgreSQL: one statement)
    assert views.count() == 2 + 5  # the warm-up and the measured requests


@pytest.mark.django_db(transaction=True)
def test_a_refused_request_stops_the_measure(county_user: Any) -> None:
    with pytest.raises(RuntimeError, match="401"):
        apibench.in_process(["/api/persons/110101193903020000/entitlements"], "yl_not-a-token")


def test_the_writing_statements_are_told_apart() -> None:
    assert apibench.writes('INSERT INTO "audit_auditevent" ("at") VALUES (%s)')
    assert apibench.writes("  UPDATE audit_auditchain SET hash = %s WHERE id = %s")
    assert apibench.writes(chain.APPEND_SQL)  # WITH … INSERT …: the audit append on PostgreSQL
    assert not apibench.writes('SELECT "registry_person"."id" FROM "registry_person" LIMIT 1')
    assert not apibench.writes("SELECT hash, count FROM audit_auditchain WHERE id = %s FOR UPDATE")
    assert not apibench.writes("BEGIN IMMEDIATE")
