"""The hash chain over the audit log: ``yanglao audit verify`` finds a changed, deleted or inserted
event, a log emptied or rewritten, and two writers never fork the chain."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction

from yanglao.audit.chain import verify, write_checkpoint
from yanglao.audit.log import audit
from yanglao.audit.management.commands.audit import harden_sql
from yanglao.audit.models import Action, AuditChain, AuditEvent
from yanglao.cli import main

TRIGGER = "audit_auditevent_append_only"


@pytest.fixture
def events(db: None, township_user: Any) -> list[AuditEvent]:
    """Five events of a township caseworker, a search and a system event among them."""
    return [
        audit(township_user, Action.VIEW, object_type="person", summary="查看详情：1", detail={"person": 1}),
        audit(township_user, Action.SEARCH, object_type="person", summary="查询“王*”，1 条结果"),
        audit(None, Action.LOGIN_FAILED, object_type="user", object_id="nobody", summary="用户名或密码错误"),
        audit("import-cli", Action.IMPORT, summary="导入", detail={"rows": 3, "share": 0.5, "whole": 2.0}),
        audit(township_user, Action.EXPORT, summary="导出", detail={"codes": ["a", "b"], "ok": True}),
    ]


@pytest.fixture
def checkpoint(tmp_path: Path) -> Path:
    return tmp_path / "audit-checkpoint.json"


def raw(sql: str, params: tuple[Any, ...] = ()) -> None:
    """What somebody with the application's database role can do: on PostgreSQL the append-only
    trigger is set aside first (the table's owner may)."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's own inserts, checked now
            cursor.execute(f"ALTER TABLE audit_auditevent DISABLE TRIGGER {TRIGGER}")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE audit_auditevent ENABLE TRIGGER {TRIGGER}")


def verify_fails(checkpoint: Path) -> str:
    with pytest.raises(CommandError) as caught:
        call_command("audit", "verify", "--checkpoint", str(checkpoint))
    return str(caught.value)


def test_an_intact_log_verifies_and_leaves_a_checkpoint(
    events: list[AuditEvent], checkpoint: Path, capsys: Any
) -> None:
    call_command("audit", "verify", "--checkpoint", str(checkpoint))

    out = capsys.readouterr().out
    assert f"审计日志完好：5 条事件，至第 {events[-1].pk} 号" in out
    assert events[-1].hash in out
    assert checkpoint.exists()
    head = AuditChain.objects.get()
    assert (head.count, head.last_id, head.hash) == (5, events[-1].pk, events[-1].hash)


def test_each_event_is_linked_to_the_one_before(events: list[AuditEvent]) -> None:
    stored = list(AuditEvent.objects.order_by("id").values_list("hash", flat=True))

    assert stored == [event.hash for event in events]
    assert len(set(stored)) == 5
    assert all(len(value) == 64 for value in stored)


def test_a_raw_update_of_one_event_is_found(events: list[AuditEvent], checkpoint: Path) -> None:
    changed = events[1]
    raw("UPDATE audit_auditevent SET summary = %s WHERE id = %s", ("什么也没查", changed.pk))

    message = verify_fails(checkpoint)

    assert f"第 {changed.pk} 号事件（{changed.at.astimezone():%Y-%m-%d %H:%M:%S}）" in message
    assert f"此前 1 条事件完好（至第 {events[0].pk} 号）" in message
    assert not checkpoint.exists()


def test_a_raw_update_that_also_rewrites_the_hash_is_found_at_the_next_event(
    events: list[AuditEvent], checkpoint: Path
) -> None:
    raw(
        "UPDATE audit_auditevent SET summary = '什么也没查', hash = %s WHERE id = %s",
        ("0" * 64, events[1].pk),
    )

    assert f"第 {events[1].pk} 号事件" in verify_fails(checkpoint)


def test_a_deleted_event_is_found(events: list[AuditEvent], checkpoint: Path) -> None:
    raw("DELETE FROM audit_auditevent WHERE id = %s", (events[2].pk,))

    message = verify_fails(checkpoint)

    assert f"第 {events[3].pk} 号事件" in message
    assert "前面的事件被删除" in message


def test_a_deleted_last_event_is_found_by_the_head(events: list[AuditEvent], checkpoint: Path) -> None:
    raw("DELETE FROM audit_auditevent WHERE id = %s", (events[-1].pk,))

    message = verify_fails(checkpoint)

    assert f"链头记录审计日志有 5 条事件（至第 {events[-1].pk} 号），现在的链只有 4 条" in message


@pytest.mark.postgres
def test_on_postgresql_a_truncated_log_is_found(
    events: list[AuditEvent], checkpoint: Path, postgres: None
) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE audit_auditevent")

    assert AuditEvent.objects.count() == 0
    assert "链头记录审计日志有 5 条事件" in verify_fails(checkpoint)


def test_an_emptied_log_is_found_by_the_head(events: list[AuditEvent], checkpoint: Path) -> None:
    raw("DELETE FROM audit_auditevent")

    assert "现在的链只有 0 条" in verify_fails(checkpoint)


def test_a_log_emptied_with_its_head_is_found_by_the_last_checkpoint(
    events: list[AuditEvent], checkpoint: Path
) -> None:
    call_command("audit", "verify", "--checkpoint", str(checkpoint))
    raw("DELETE FROM audit_auditevent")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditchain")

    assert "上次核验（检查点）记录审计日志有 5 条事件" in verify_fails(checkpoint)


def test_a_log_rewritten_whole_is_found_by_the_last_checkpoint(
    events: list[AuditEvent], checkpoint: Path, township_user: Any
) -> None:
    """Somebody who can recompute every hash empties the log and writes a consistent new chain."""
    write_checkpoint(checkpoint, verify())
    raw("DELETE FROM audit_auditevent")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditchain")
    for _ in range(6):
        audit(township_user, Action.VIEW, summary="查看详情")

    assert verify().ok  # consistent in itself
    assert "上次核验（检查点）记录审计日志有 5 条事件" in verify_fails(checkpoint)


def test_events_added_after_a_checkpoint_still_verify(
    events: list[AuditEvent], checkpoint: Path, township_user: Any
) -> None:
    call_command("audit", "verify", "--checkpoint", str(checkpoint))
    audit(township_user, Action.VIEW, summary="查看详情")

    call_command("audit", "verify", "--checkpoint", str(checkpoint))

    assert verify(checkpoint).count == 6


def test_a_missing_head_is_found(events: list[AuditEvent]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditchain")

    report = verify()

    assert report.broken is not None
    assert "链头" in report.broken.reason


def test_the_console_command_exits_non_zero_on_a_broken_chain(
    events: list[AuditEvent], checkpoint: Path, capsys: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(connections, "close_all", lambda: None)  # the test's transaction stays open
    assert main(["audit", "verify", "--checkpoint", str(checkpoint)]) == 0
    raw("UPDATE audit_auditevent SET username = 'someone' WHERE id = %s", (events[0].pk,))

    assert main(["audit", "verify", "--no-checkpoint"]) == 1
    assert f"第 {events[0].pk} 号事件" in capsys.readouterr().err


def test_harden_sql_names_the_role_and_refuses_a_bad_name(capsys: Any) -> None:
    call_command("audit", "harden-sql", "--app-role", "yl_web")

    sql = capsys.readouterr().out
    assert "REVOKE UPDATE, DELETE, TRUNCATE, TRIGGER, REFERENCES ON audit_auditevent FROM yl_web;" in sql
    with pytest.raises(CommandError, match="角色名不合法"):
        harden_sql("x; DROP TABLE audit_auditevent")


def test_the_role_set_up_in_the_docs_is_the_one_the_command_prints() -> None:
    docs = (Path(__file__).parents[2] / "docs" / "access.md").read_text()
    block = docs.split("```sql\n", 1)[1].split("```", 1)[0]
    printed = "".join(
        line + "\n" for line in harden_sql("yanglao_app").splitlines() if not line.startswith("--")
    )

    assert block == printed


@pytest.mark.postgres
def test_on_postgresql_the_hardened_app_role_may_write_but_not_change_or_empty_the_log(
    events: list[AuditEvent], postgres: None, township_user: Any
) -> None:
    role = "yl_test_app_role"
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(harden_sql(role))
        cursor.execute(f"SET ROLE {role}")
        try:
            audit(township_user, Action.VIEW, summary="以应用角色写入")
            for sql in (
                "UPDATE audit_auditevent SET summary = 'x'",
                "DELETE FROM audit_auditevent",
                "TRUNCATE audit_auditevent",
                f"ALTER TABLE audit_auditevent DISABLE TRIGGER {TRIGGER}",
                "DELETE FROM audit_auditchain",
            ):
                with pytest.raises(Exception, match=r"permission denied|must be owner"), transaction.atomic():
                    cursor.execute(sql)
        finally:
            cursor.execute("RESET ROLE")
            cursor.execute(f"DROP OWNED BY {role}")
            cursor.execute(f"DROP ROLE {role}")

    assert AuditEvent.objects.count() == 6
    assert verify().ok


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_concurrent_writers_do_not_fork_the_chain(postgres: None, township_user: Any) -> None:
    writers, each = 6, 25
    start = threading.Barrier(writers)
    failures: list[BaseException] = []

    def write(n: int) -> None:
        try:
            start.wait()
            for i in range(each):
                audit(township_user, Action.VIEW, summary=f"并发写入 {n}-{i}")
        except BaseException as exc:  # pragma: no cover - reported below
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    report = verify()
    assert report.ok, report.broken
    assert report.count == AuditEvent.objects.count() == writers * each
