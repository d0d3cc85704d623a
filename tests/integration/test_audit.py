"""The append-only audit log: every view, search, reveal, export, change and import is written down
with who, when, what and from which address; nobody can change or delete an event."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from tests.conftest import frozen_now
from yanglao.audit.log import audit
from yanglao.audit.models import Action, AuditEvent
from yanglao.core.idnumber import make_id_number, mask_id_number
from yanglao.registry.models import ChangeKind, Conflict, ConflictStatus, ImportBatch, Person

VILLAGE = "152223100001"  # 龙腾社区, 音德尔镇
ADDRESS = "10.23.4.56"

pytestmark = pytest.mark.django_db


@pytest.fixture
def wang(make_person: Any) -> Person:
    person: Person = make_person("王秀英", region=VILLAGE, phone="13912345678")
    return person


@pytest.fixture
def began() -> dt.datetime:
    """When the test began: its events must fall between then and now."""
    return frozen_now()


def the_event(action: str, user: Any, since: dt.datetime) -> AuditEvent:
    """The one event of ``action``, checked for who, when and from which address."""
    event = AuditEvent.objects.get(action=action)
    assert event.user_id == user.pk
    assert (event.username, event.role) == (user.username, user.role)
    assert since <= event.at <= frozen_now()
    assert event.address == ADDRESS
    return event


# --- every kind of access writes an event -----------------------------------------------------


def test_viewing_a_person_is_audited(login: Any, township_user: Any, wang: Person, began: Any) -> None:
    login(township_user).get(reverse("person", args=[wang.pk]), REMOTE_ADDR=ADDRESS)

    event = the_event(Action.VIEW, township_user, began)
    assert (event.object_type, event.object_id) == ("person", mask_id_number(wang.id_number))
    assert event.detail == {"person": wang.pk}


def test_a_search_is_audited_with_its_query_and_result_count(
    login: Any, township_user: Any, wang: Person, began: Any
) -> None:
    login(township_user).get(reverse("search"), {"q": "王秀"}, REMOTE_ADDR=ADDRESS)

    event = the_event(Action.SEARCH, township_user, began)
    assert event.summary == "查询“王*”，1 条结果"  # the name masked
    assert event.detail == {"results": 1}


def test_a_search_by_id_number_is_audited_with_the_number_masked(
    login: Any, township_user: Any, wang: Person, began: Any
) -> None:
    login(township_user).get(reverse("search"), {"q": wang.id_number}, REMOTE_ADDR=ADDRESS)

    event = the_event(Action.SEARCH, township_user, began)
    assert mask_id_number(wang.id_number) in event.summary
    assert wang.id_number not in event.summary


def test_a_reveal_is_audited(login: Any, township_user: Any, wang: Person, began: Any) -> None:
    login(township_user).post(
        reverse("person-reveal", args=[wang.pk]), {"field": "phone"}, REMOTE_ADDR=ADDRESS
    )

    event = the_event(Action.REVEAL, township_user, began)
    assert event.summary == "查看完整联系电话：139****5678"
    assert event.detail == {"person": wang.pk, "field": "phone"}


def test_downloading_an_error_report_is_audited_as_an_export(
    login: Any, township_user: Any, began: Any
) -> None:
    batch = ImportBatch.objects.create(
        source="旗残联", filename="canlian.csv", sha256="0" * 64, as_of=dt.date(2024, 6, 1),
        user=township_user, started_at=frozen_now(), error_count=1,
    )  # fmt: skip
    batch.error_rows.create(line=3, field="id_number", reason="校验码错误")

    response = login(township_user).get(reverse("import-errors", args=[batch.pk]), REMOTE_ADDR=ADDRESS)

    assert response.status_code == 200
    event = the_event(Action.EXPORT, township_user, began)
    assert (event.object_type, event.object_id) == ("import", str(batch.pk))
    assert event.summary == "下载导入错误报告：canlian.csv"


def test_an_edit_is_audited_with_its_fields_and_reason(
    login: Any, township_user: Any, wang: Person, began: Any
) -> None:
    response = login(township_user).post(
        reverse("person-edit", args=[wang.pk]),
        {"field": "living_arrangement", "value": "独居", "reason": "入户核实"},
        REMOTE_ADDR=ADDRESS,
    )

    assert response.status_code == 302
    wang.refresh_from_db()
    assert wang.living_arrangement == "alone"
    change = wang.changes.get()
    assert (change.kind, change.actor_id, change.changes) == (
        ChangeKind.EDIT, township_user.pk, {"living_arrangement": [None, "alone"]},
    )  # fmt: skip
    event = the_event(Action.CHANGE, township_user, began)
    assert event.object_id == mask_id_number(wang.id_number)
    assert event.summary == "修改 居住状况：入户核实"
    assert event.detail == {"person": wang.pk, "fields": ["living_arrangement"], "reason": "入户核实"}


def test_an_edit_without_a_reason_is_refused_and_not_audited(
    login: Any, township_user: Any, wang: Person
) -> None:
    response = login(township_user).post(
        reverse("person-edit", args=[wang.pk]),
        {"field": "living_arrangement", "value": "alone", "reason": " "},
    )

    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action=Action.CHANGE).exists()
    assert not wang.changes.exists()


@pytest.mark.parametrize(
    ("decision", "status", "value"), [("accept", "accepted", True), ("keep", "kept", False)]
)
def test_resolving_a_conflict_is_audited(
    login: Any, township_user: Any, make_person: Any, began: Any, decision: str, status: str, value: bool
) -> None:
    person = make_person("李淑芬", region=VILLAGE, dibao=False)
    conflict = Conflict.objects.create(
        person=person, field="dibao", current_value="false", current_source="旗民政局",
        proposed_value="true", proposed_source="旗低保中心", proposed_as_of=dt.date(2024, 6, 1),
    )  # fmt: skip

    login(township_user).post(
        reverse("conflict-resolve", args=[person.pk, conflict.pk]),
        {"decision": decision, "note": "经入户核实"},
        REMOTE_ADDR=ADDRESS,
    )

    conflict.refresh_from_db()
    person.refresh_from_db()
    assert (conflict.status, conflict.resolved_by_id, conflict.note) == (
        status,
        township_user.pk,
        "经入户核实",
    )
    assert person.dibao is value
    event = the_event(Action.RESOLVE, township_user, began)
    assert event.detail == {"conflict": conflict.pk, "accept": decision == "accept"}
    assert "经入户核实" in event.summary


def test_a_resolved_conflict_cannot_be_resolved_again(
    login: Any, township_user: Any, make_person: Any
) -> None:
    person = make_person("李淑芬", region=VILLAGE)
    conflict = Conflict.objects.create(
        person=person, field="dibao", proposed_value="true", proposed_source="旗低保中心",
        proposed_as_of=dt.date(2024, 6, 1), status=ConflictStatus.KEPT,
    )  # fmt: skip

    with pytest.raises(ValueError, match="该冲突已处理"):
        login(township_user).post(
            reverse("conflict-resolve", args=[person.pk, conflict.pk]), {"decision": "accept", "note": "再次"}
        )

    assert not AuditEvent.objects.filter(action=Action.RESOLVE).exists()


def test_an_upload_is_audited_as_an_import(login: Any, township_user: Any, settings: Any, began: Any) -> None:
    settings.IMPORT_INLINE = True
    ident = make_id_number("152223", dt.date(1950, 3, 1), 402)
    upload = SimpleUploadedFile(
        "minzheng.csv", f"id_number,name,residence_region\n{ident},王秀英,{VILLAGE}\n".encode()
    )

    response = login(township_user).post(
        reverse("import-upload"), {"file": upload, "source": "旗民政局"}, REMOTE_ADDR=ADDRESS
    )

    assert response.status_code == 200
    event = the_event(Action.IMPORT, township_user, began)
    batch = ImportBatch.objects.get()
    assert (event.object_type, event.object_id) == ("import", str(batch.pk))
    assert event.summary.startswith("导入 minzheng.csv（旗民政局）：新增 1")


# --- events cannot be changed or deleted ------------------------------------------------------


@pytest.fixture
def event(township_user: Any) -> AuditEvent:
    return audit(township_user, Action.VIEW, object_type="person", summary="查看详情", address=ADDRESS)


def test_an_event_cannot_be_saved_again(event: AuditEvent) -> None:
    event.summary = "什么也没看"

    with pytest.raises(PermissionError, match="只能追加"):
        event.save()

    assert AuditEvent.objects.get().summary == "查看详情"


def test_an_event_cannot_be_deleted(event: AuditEvent) -> None:
    with pytest.raises(PermissionError, match="只能追加"):
        event.delete()

    assert AuditEvent.objects.count() == 1


def test_events_cannot_be_updated_or_deleted_in_bulk_through_the_orm(event: AuditEvent) -> None:
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(summary="什么也没看")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    event.summary = "什么也没看"
    with pytest.raises(PermissionError), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["summary"])

    assert AuditEvent.objects.get().summary == "查看详情"


@pytest.mark.postgres
@pytest.mark.parametrize(
    "sql",
    ["UPDATE audit_auditevent SET summary = '什么也没看'", "DELETE FROM audit_auditevent"],
    ids=["update", "delete"],
)
def test_on_postgresql_not_even_raw_sql_can_change_an_event(
    event: AuditEvent, postgres: None, sql: str
) -> None:
    with (
        pytest.raises(DatabaseError, match="审计日志只能追加"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)

    assert AuditEvent.objects.get().summary == "查看详情"


# --- the audit log page -----------------------------------------------------------------------


def test_the_auditor_sees_the_audit_log(login: Any, township_user: Any, auditor: Any, wang: Person) -> None:
    login(township_user).get(reverse("person", args=[wang.pk]), REMOTE_ADDR=ADDRESS)

    response = login(auditor).get(reverse("audit"))

    text = response.content.decode()
    assert response.status_code == 200
    assert "township" in text
    assert ADDRESS in text
    assert mask_id_number(wang.id_number) in text
    assert wang.id_number not in text


def test_the_auditor_filters_the_log_by_action(
    login: Any, township_user: Any, auditor: Any, wang: Person
) -> None:
    client = login(township_user)
    client.get(reverse("person", args=[wang.pk]))
    client.get(reverse("search"), {"q": "李"})

    text = login(auditor).get(reverse("audit"), {"action": "search"}).content.decode()

    assert "查询“李”" in text
    assert "查看详情：" not in text


@pytest.mark.parametrize("role", ["township_user", "county_user", "visitor"])
def test_anyone_but_an_auditor_gets_a_403_on_the_audit_log(login: Any, role: str, request: Any) -> None:
    user = request.getfixturevalue(role)

    assert login(user).get(reverse("audit")).status_code == 403
