"""The hash chain over the audit log: each event stores SHA-256(previous hash + its canonical content).

Writing: :func:`append` locks the chain's head row (``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite the
``IMMEDIATE`` transactions of ``conf.database_config`` already let one writer at a time), links the event
to the head's hash and moves the head, in one transaction: two writers never fork the chain. On
PostgreSQL the three steps are one statement (:data:`APPEND_SQL`): a page that reads personal data holds
the head's lock for one round trip and its commit, not for five round trips.

Checking: :func:`verify` recomputes every hash in id order and compares the end of the chain with the
head row and with the checkpoint file the last successful check left under ``YANGLAO_HOME`` (outside the
database: a user of the application's database role cannot rewrite it)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from yanglao.audit.models import AuditChain, AuditEvent

HEAD = 1  # the primary key of the one head row
# The content of an event that the chain covers, in this order (the id is left out: the order is the
# chain's, and PostgreSQL hands out the id only on insert).
FIELDS = (
    "at",
    "user_id",
    "username",
    "role",
    "address",
    "action",
    "object_type",
    "object_id",
    "summary",
    "detail",
    "actor_region",
    "object_region",
    "object_hukou_region",
)


def _number(value: Any) -> Any:
    """JSON as the database gives it back: keys are text, and (PostgreSQL's jsonb) a whole float is
    an integer."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {str(key): _number(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_number(item) for item in value]
    return value


def canonical(values: dict[str, Any]) -> bytes:
    """The bytes the chain hashes for one event: its fields as compact JSON with sorted keys, the time
    in UTC to the microsecond (what both databases keep)."""
    at: dt.datetime = values["at"]
    content = {name: values[name] for name in FIELDS}
    content["at"] = at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    content["detail"] = _number(content["detail"])
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def link(previous: str, values: dict[str, Any]) -> str:
    return hashlib.sha256(previous.encode() + canonical(values)).hexdigest()


def _lock_head(cursor: Any) -> tuple[str, int]:
    """The head's hash and count, the head row locked until the transaction ends (created if missing).
    Plain SQL: this runs for every event, and the ORM's query building costs more than the queries."""
    lock = " FOR UPDATE" if connection.vendor == "postgresql" else ""
    cursor.execute(f"SELECT hash, count FROM audit_auditchain WHERE id = %s{lock}", [HEAD])
    row = cursor.fetchone()
    if row is None:
        AuditChain.objects.get_or_create(pk=HEAD)
        cursor.execute(f"SELECT hash, count FROM audit_auditchain WHERE id = %s{lock}", [HEAD])
        row = cursor.fetchone()
    return str(row[0]), int(row[1])


# PostgreSQL: lock the head, insert the event linked to it, move the head, in one statement (one round
# trip; outside a transaction the head stays locked only while the statement runs and commits). The
# hash is SHA-256(previous hash + the canonical content computed here), as :func:`link` computes it.
APPEND_SQL = """
WITH head AS (SELECT hash, count FROM audit_auditchain WHERE id = %s FOR UPDATE),
event AS (
    INSERT INTO audit_auditevent ({columns}, hash)
    SELECT {values}, encode(sha256(convert_to(head.hash, 'UTF8') || %s::bytea), 'hex') FROM head
    RETURNING id, hash
)
UPDATE audit_auditchain SET last_id = event.id, hash = event.hash, count = head.count + 1
FROM event, head WHERE audit_auditchain.id = %s
RETURNING event.id, event.hash
"""


def _append_postgresql(event: AuditEvent) -> bool:
    """:func:`append` in one statement; False when the head row does not exist yet."""
    fields = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key and f.name != "hash"]
    sql = APPEND_SQL.format(
        columns=", ".join(connection.ops.quote_name(str(f.column)) for f in fields),
        values=", ".join(["%s"] * len(fields)),
    )
    values = [f.get_db_prep_save(getattr(event, f.attname), connection) for f in fields]
    content = canonical({name: getattr(event, name) for name in FIELDS})
    with connection.cursor() as cursor:
        cursor.execute(sql, [HEAD, *values, content, HEAD])
        row = cursor.fetchone()
    if row is None:
        return False
    event.pk, event.hash = int(row[0]), str(row[1])
    event._state.adding, event._state.db = False, connection.alias
    return True


def append(event: AuditEvent) -> AuditEvent:
    """Insert the unsaved ``event`` at the end of the chain."""
    if connection.vendor == "postgresql" and _append_postgresql(event):
        return event
    with transaction.atomic(), connection.cursor() as cursor:
        previous, count = _lock_head(cursor)
        event.hash = link(previous, {name: getattr(event, name) for name in FIELDS})
        event.save(force_insert=True)
        cursor.execute(
            "UPDATE audit_auditchain SET last_id = %s, hash = %s, count = %s WHERE id = %s",
            [event.pk, event.hash, count + 1, HEAD],
        )
    return event


# --- checking ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Broken:
    """Where the chain breaks: the first event that does not fit (None when events are missing at the
    end) and why, in the users' words."""

    event_id: int | None
    at: dt.datetime | None
    reason: str


@dataclass(frozen=True)
class Report:
    count: int
    last_id: int
    hash: str
    broken: Broken | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def _events(chunk: int = 5000) -> Iterator[dict[str, Any]]:
    columns = ("id", "hash", *FIELDS)
    for row in AuditEvent.objects.order_by("id").values_list(*columns).iterator(chunk_size=chunk):
        yield dict(zip(columns, row, strict=True))


@dataclass(frozen=True)
class Mark:
    """A point the chain must pass through: the head row, or the checkpoint of the last good check."""

    last_id: int
    hash: str
    count: int
    where: str  # who recorded it, in the users' words

    def missing(self, report: Report) -> Broken:
        return Broken(
            None,
            None,
            f"{self.where}记录审计日志有 {self.count} 条事件（至第 {self.last_id} 号），现在的链只有 "
            f"{report.count} 条（至第 {report.last_id} 号）或已改写：事件被删除、整表被清空或链被重写",
        )


def walk(marks: tuple[Mark, ...] = ()) -> Report:
    """Recompute the chain from the first event; stop at the first event that does not fit, or that
    does not match a mark it should pass through."""
    by_id = {mark.last_id: mark for mark in marks if mark.count}
    previous, count, last_id = "", 0, 0
    for values in _events():
        if values["hash"] != link(previous, values):
            reason = "该事件的内容或链哈希与链不符：该事件被修改，或它前面的事件被删除、插入或修改"
            return Report(count, last_id, previous, Broken(values["id"], values["at"], reason))
        previous, count, last_id = values["hash"], count + 1, values["id"]
        mark = by_id.pop(last_id, None)
        if mark is not None and (mark.hash, mark.count) != (previous, count):
            return Report(count, last_id, previous, mark.missing(Report(count, last_id, previous, None)))
    report = Report(count, last_id, previous, None)
    if by_id:
        return Report(count, last_id, previous, next(iter(by_id.values())).missing(report))
    return report


def checkpoint_path() -> Path:
    return Path(settings.HOME) / "audit-checkpoint.json"


def read_checkpoint(path: Path) -> Mark | None:
    if not path.exists():
        return None
    data = json.loads(path.read_text())
    return Mark(int(data["last_id"]), str(data["hash"]), int(data["count"]), "上次核验（检查点）")


def write_checkpoint(path: Path, report: Report) -> None:
    data = {"count": report.count, "last_id": report.last_id, "hash": report.hash}
    path.write_text(json.dumps(data) + "\n")
    path.chmod(0o600)


def verify(checkpoint: Path | None = None) -> Report:
    """Walk the chain; it must pass through the head row (read first: events written during the walk
    come after it) and through the checkpoint of the last good check, when there is one."""
    head = AuditChain.objects.filter(pk=HEAD).first()
    if head is None and AuditEvent.objects.exists():
        return Report(0, 0, "", Broken(None, None, "链头（audit_auditchain）缺失：链头被删除"))
    marks = [Mark(head.last_id, head.hash, head.count, "链头")] if head else []
    point = read_checkpoint(checkpoint) if checkpoint is not None else None
    if point is not None:
        marks.append(point)
    return walk(tuple(marks))
