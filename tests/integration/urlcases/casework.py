"""Casework: a person's enrolments and payee account, the enrolment import, the background jobs of
discovery and payment rolls, and assessor qualifications.

A job's page is its owner's only: anyone else who may run such jobs gets a 404 (a job names no
person, so nothing is audited). Qualifications are managed by the administrator and county
caseworkers only — a township caseworker, the outsider too, may never (403); an out-of-scope
qualification (404, audited) is tested in ``tests/integration/test_assessors.py``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.integration.urlpolicy import NEVER, TOWNSHIP, Case, World, answers

READERS = answers(403, 403, 200, 200)


def _job(kind: str) -> Any:
    def make(w: World) -> list[Any]:
        from yanglao.jobs.models import Job

        params = {"region": TOWNSHIP, "on": w.on.date().isoformat()}
        return [Job.objects.create(kind=kind, user=w.township_user, params=params).pk]

    return make


def _enrolment(w: World) -> list[Any]:
    from yanglao.entitlements.models import Enrolment

    e = Enrolment.objects.create(
        person=w.person,
        catalog="152223",
        item_no="1",
        service_code="x",
        name="高龄津贴",
        start=dt.date(2025, 1, 1),
        source="imported",
    )
    return [w.person.pk, e.pk]


def _qualification(w: World) -> list[Any]:
    from yanglao.assessments.models import AssessorQualification

    q = AssessorQualification.objects.create(
        user=w.township_user, number="PG-1", issuer="兴安盟民政局", valid_from=dt.date(2020, 1, 1)
    )
    return [q.pk]


ACCOUNT = {"bank": "农村信用合作联社", "account_number": "6228480012345678", "holder_name": "王秀英"}

CASES = {
    "entitlements:job": Case(_job("discover"), NEVER),
    "payments:job": Case(_job("prepare_roll"), NEVER),
    "entitlements:import-job": Case(_job("import_enrolments"), NEVER),
    "entitlements:person": Case(World.pk, READERS, denied="person"),
    "entitlements:account": Case(World.pk, NEVER, "post", ACCOUNT, "person"),
    "entitlements:reveal-account": Case(World.pk, NEVER, "post", {}, "person"),
    "entitlements:end-enrolment": Case(
        _enrolment, NEVER, "post", {"end": "2026-01-01", "reason": "x"}, "person"
    ),
    "assessments:assessor-end": Case(
        _qualification, answers(403, 403, 403, 302, outsider=403), "post", {"on": "2026-01-01", "reason": "x"}
    ),
}
# Menu links asked of the menu's owner (not in the menu yet): entitlements:import → payments.work,
# assessments:assessors → users.manage.
