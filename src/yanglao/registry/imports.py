"""Importing department feeds into the registry: ``do_import_persons``.

Rules (docs/import.md says the same for users):
- Only the columns a feed carries change, and an empty cell means "not known": it never clears a value.
- A row with any error is not imported; every error is reported with its line, field and reason.
- With ``all_or_nothing`` a single error keeps the whole file out.
- The same file imported again changes nothing.
- When a feed contradicts a value that another source set on the same or a later data date, the
  current value stays, the feed's value is kept in a :class:`Conflict` for a person to resolve.
- Everything happens in one transaction together with the batch record: a killed import leaves nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from yanglao.audit.log import audit
from yanglao.audit.models import Action
from yanglao.core import person as spec
from yanglao.core.idnumber import IdNumberError, parse_id_number
from yanglao.core.records_io import FileFormatError, RowError, open_source
from yanglao.registry import fastwrite
from yanglao.registry.history import initial_values, latest_sources, text
from yanglao.registry.models import (
    EXTRA_FIELDS,
    EXTRA_LABELS,
    BatchStatus,
    ChangeKind,
    Conflict,
    ConflictStatus,
    ImportBatch,
    Person,
    PersonChange,
)

ALIASES: dict[str, str] = (
    dict(spec.HEADER_ALIASES) | {n: n for n in EXTRA_FIELDS} | {label: n for n, label in EXTRA_LABELS.items()}
)
CHUNK = 2000
Progress = Callable[[int], None]


class _Rollback(Exception):
    pass


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    rows: int = 0
    batch_id: int | None = None
    rejected: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [e.as_dict() for e in self.errors],
            "conflicts": self.conflicts,
        }


def _parse_extra(name: str, raw: Any) -> str:
    value = "" if raw is None else str(raw).strip()
    if name == "spouse_id_number" and value:
        try:
            return parse_id_number(value).value
        except IdNumberError as exc:
            raise spec.FieldError(name, str(exc)) from None
    if name.endswith("phone") and value and not value.replace("-", "").replace(" ", "").isdigit():
        raise spec.FieldError(name, f"电话号码只能包含数字，实际为“{value}”")
    return value


def parse_row(line: int, row: dict[str, Any]) -> tuple[dict[str, Any], list[RowError]]:
    """One raw row to (record, errors). Registry extras (phone, address, …) are parsed as text.

    Unknown JSON keys are not part of the row's errors: :func:`unknown_keys` reports them once."""
    errors: list[RowError] = []
    for key in ("__width__", "__json__"):
        if key in row:
            errors.append(RowError(line, "（整行）", row.pop(key)))
    row.pop("__unknown__", None)
    if errors:
        return {}, errors
    if "id_number" not in row:
        return {}, [RowError(line, "id_number", "缺少公民身份号码")]
    record, field_errors = spec.parse_record({k: v for k, v in row.items() if k not in EXTRA_FIELDS})
    errors.extend(RowError(line, e.field, e.reason) for e in field_errors)
    for name in EXTRA_FIELDS:
        if name in row:
            try:
                record[name] = _parse_extra(name, row[name]) or None
            except spec.FieldError as exc:
                errors.append(RowError(line, exc.field, exc.reason))
    if record.get("id_number") and "birth_date" not in record:
        ident = spec.parsed_id(str(record["id_number"]))
        record["birth_date"], record["sex"] = ident.birth_date, record.get("sex") or ident.sex
    return record, errors


Parsed = tuple[int, list[str], dict[str, Any], list[RowError]]
PARSE_BATCH = 5000


def _parse_batch(batch: list[tuple[int, dict[str, Any]]]) -> list[Parsed]:
    out: list[Parsed] = []
    for line, row in batch:
        unknown = list(row.get("__unknown__", []))
        record, errors = parse_row(line, row)
        out.append((line, unknown, record, errors))
    return out


def _batches(rows: Iterator[tuple[int, dict[str, Any]]]) -> Iterator[list[tuple[int, dict[str, Any]]]]:
    batch: list[tuple[int, dict[str, Any]]] = []
    for item in rows:
        batch.append(item)
        if len(batch) >= PARSE_BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def parsed_rows(rows: Iterator[tuple[int, dict[str, Any]]], parallel: bool = False) -> Iterator[Parsed]:
    """Rows parsed in order. With ``parallel`` and more than one core, parsing runs in worker
    processes while this process writes: a bounded window of batches is in flight, so memory stays
    flat. Only for the command line (single-threaded): forking a threaded web server is unsafe."""
    workers = (os.cpu_count() or 1) - 1 if parallel else 0
    if workers < 1 or "fork" not in multiprocessing.get_all_start_methods():
        for batch in _batches(rows):
            yield from _parse_batch(batch)
        return
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        window: deque[Future[list[Parsed]]] = deque()
        for batch in _batches(rows):
            window.append(pool.submit(_parse_batch, batch))
            if len(window) > workers * 2:
                yield from window.popleft().result()
        while window:
            yield from window.popleft().result()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def do_import_persons(
    path: Path,
    *,
    source: str,
    actor: Any = None,
    as_of: dt.date | None = None,
    all_or_nothing: bool = False,
    synthetic: bool = False,
    progress: Progress | None = None,
    address: str | None = None,
    parallel: bool = False,
) -> ImportResult:
    """Import one department file. ``actor`` is a user or a command-line label for the audit trail;
    ``address`` is where the upload came from (the command line's imports are audited as ``cli``).
    ``parallel`` parses in worker processes (command line only, see :func:`parsed_rows`)."""
    as_of = as_of or timezone.localdate()
    address = address if address is not None else ("cli" if isinstance(actor, str) else "")
    actor_name = getattr(actor, "username", None) or (actor if isinstance(actor, str) else "system")
    result = ImportResult()
    try:
        src = open_source(path, ALIASES)
    except FileFormatError as exc:
        result.errors.append(RowError(1, "（文件）", str(exc)))
        return result
    result.errors.extend(src.header_errors)
    if any(e.field == "id_number" and e.line == 1 for e in src.header_errors):
        return result
    started = timezone.now()
    try:
        with transaction.atomic():
            batch = ImportBatch.objects.create(
                source=source,
                filename=path.name,
                sha256=file_sha256(path),
                as_of=as_of,
                user=actor if hasattr(actor, "role") else None,
                actor_name=actor_name,
                started_at=started,
            )
            writer = _ChunkWriter(batch, source, as_of, actor, actor_name, synthetic, result)
            seen: dict[str, int] = {}
            unknown_seen: set[str] = set()
            for line, unknown, record, errors in parsed_rows(src.rows, parallel):
                result.rows += 1
                for key in unknown:
                    if key not in unknown_seen:
                        unknown_seen.add(key)
                        result.errors.append(RowError(line, key, "未知字段，该字段未导入"))
                ident = record.get("id_number")
                if isinstance(ident, str) and ident in seen:
                    errors.append(RowError(line, "id_number", f"与第 {seen[ident]} 行的公民身份号码重复"))
                if errors:
                    result.errors.extend(errors)
                    continue
                seen[str(ident)] = line
                writer.add(record)
                if progress is not None and result.rows % CHUNK == 0:
                    progress(result.rows)
            writer.flush()
            if all_or_nothing and result.errors:
                raise _Rollback
            batch.finished_at = timezone.now()
            batch.rows = result.rows
            batch.created, batch.updated, batch.unchanged = result.created, result.updated, result.unchanged
            batch.errors = [e.as_dict() for e in result.errors]
            batch.conflicts = len(result.conflicts)
            batch.save()
            result.batch_id = batch.pk
            audit(
                actor,
                Action.IMPORT,
                object_type="import",
                object_id=str(batch.pk),
                summary=f"导入 {path.name}（{source}）：新增 {result.created}，更新 {result.updated}，"
                f"无变化 {result.unchanged}，错误 {len(result.errors)}，冲突 {len(result.conflicts)}",
                address=address,
            )
    except _Rollback:
        result.rejected = True
        result.created = result.updated = result.unchanged = 0
        result.conflicts = []
        _record_rejection(path, source, as_of, actor, actor_name, started, result, address)
    if result.created + result.updated >= ANALYZE_AFTER:
        refresh_statistics()
    if progress is not None:
        progress(result.rows)
    return result


ANALYZE_AFTER = 10_000


def refresh_statistics() -> None:
    """After a large import the query planner needs fresh statistics, or searches by name fall back
    to scanning the table until autovacuum gets round to it."""
    tables = [Person._meta.db_table, PersonChange._meta.db_table]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'ANALYZE "{table}"')


def _record_rejection(
    path: Path,
    source: str,
    as_of: dt.date,
    actor: Any,
    actor_name: str,
    started: dt.datetime,
    result: ImportResult,
    address: str,
) -> None:
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            source=source,
            filename=path.name,
            sha256=file_sha256(path),
            as_of=as_of,
            user=actor if hasattr(actor, "role") else None,
            actor_name=actor_name,
            started_at=started,
            finished_at=timezone.now(),
            status=BatchStatus.REJECTED,
            rows=result.rows,
            errors=[e.as_dict() for e in result.errors],
        )
        result.batch_id = batch.pk
        audit(
            actor,
            Action.IMPORT,
            object_type="import",
            object_id=str(batch.pk),
            summary=f"导入 {path.name}（{source}）被整体拒绝：错误 {len(result.errors)}",
            address=address,
        )


class _ChunkWriter:
    """Buffers valid records and writes them a chunk at a time (one query per kind per chunk)."""

    def __init__(
        self,
        batch: ImportBatch,
        source: str,
        as_of: dt.date,
        actor: Any,
        actor_name: str,
        synthetic: bool,
        result: ImportResult,
    ) -> None:
        self.batch, self.source, self.as_of = batch, source, as_of
        self.actor = actor if hasattr(actor, "role") else None
        self.actor_name, self.synthetic, self.result = actor_name, synthetic, result
        self.pending: list[dict[str, Any]] = []
        self.batches: dict[int, tuple[str, dt.date]] = {}

    def add(self, record: dict[str, Any]) -> None:
        self.pending.append(record)
        if len(self.pending) >= CHUNK:
            self.flush()

    def _change(self, person_id: int, kind: str, changes: dict[str, list[str | None]]) -> dict[str, Any]:
        return {
            "person_id": person_id,
            "kind": kind,
            "source": self.source,
            "batch_id": self.batch.pk,
            "actor_id": self.actor.pk if self.actor is not None else None,
            "actor_name": self.actor_name,
            "as_of": self.as_of,
            "changes": changes,
        }

    def _creations(
        self, persons: Iterable[Person], change_rows: Sequence[Mapping[str, Any]]
    ) -> list[dict[str, Any]]:
        """The creation events of imported records (see :func:`history.creation_event`) as change rows."""
        later: dict[int, list[dict[str, Any]]] = {}
        for row in change_rows:
            later.setdefault(row["person_id"], []).append(row["changes"])
        created = [(p, p.created_batch_id) for p in persons if p.created_batch_id is not None]
        missing = {batch for _, batch in created} - self.batches.keys()
        for pk, batch_source, batch_as_of in ImportBatch.objects.filter(pk__in=missing).values_list(
            "pk", "source", "as_of"
        ):
            self.batches[pk] = (batch_source, batch_as_of)
        out = []
        for person, batch in created:
            batch_source, batch_as_of = self.batches[batch]
            values = initial_values(person, later.get(person.pk, []))
            out.append(
                {"person_id": person.pk, "source": batch_source, "as_of": batch_as_of, "changes": values}
            )
        return out

    def flush(self) -> None:
        records, self.pending = self.pending, []
        if not records:
            return
        ids = [r["id_number"] for r in records]
        existing = {p.id_number: p for p in Person.objects.filter(id_number__in=ids)}
        change_rows = list(
            PersonChange.objects.filter(person__in=existing.values())
            .order_by("id")
            .values("person_id", "source", "as_of", "changes")
        )
        sources = latest_sources([*self._creations(existing.values(), change_rows), *change_rows])
        open_conflicts = {
            (c.person_id, c.field, c.proposed_value, c.proposed_source)
            for c in Conflict.objects.filter(person__in=existing.values(), status=ConflictStatus.OPEN)
        }
        created: list[dict[str, Any]] = []
        updated: list[Person] = []
        changes: list[dict[str, Any]] = []
        conflicts: list[Conflict] = []
        touched: set[str] = set()
        for record in records:
            person = existing.get(record["id_number"])
            values = {k: v for k, v in record.items() if k != "id_number" and v is not None}
            if person is None:
                created.append(record)
                continue
            diff: dict[str, list[str | None]] = {}
            for name, value in values.items():
                current = getattr(person, name)
                if current == value or (current in (None, "") and value in (None, "")):
                    continue
                last = sources.get(person.pk, {}).get(name)
                if last is not None and last[0] != self.source and last[1] >= self.as_of:
                    key = (person.pk, name, text(value), self.source)
                    conflict = Conflict(
                        person=person,
                        field=name,
                        current_value=text(current),
                        current_source=last[0],
                        current_as_of=last[1],
                        proposed_value=text(value),
                        proposed_source=self.source,
                        proposed_as_of=self.as_of,
                        batch=self.batch,
                    )
                    self.result.conflicts.append(conflict.as_dict())
                    if key not in open_conflicts:
                        open_conflicts.add(key)
                        conflicts.append(conflict)
                    continue
                diff[name] = [text(current) or None, text(value)]
                setattr(person, name, value)
            if diff:
                updated.append(person)
                touched.update(diff)
                changes.append(self._change(person.pk, ChangeKind.FEED, diff))
            else:
                self.result.unchanged += 1
        if created:
            rows = []
            for record, pk in zip(created, fastwrite.allocate_ids(Person, len(created)), strict=True):
                row = {k: v for k, v in record.items() if v is not None}
                row["id"], row["synthetic"], row["created_batch_id"] = pk, self.synthetic, self.batch.pk
                rows.append(row)
            fastwrite.insert(Person, rows)
        if updated:
            Person.objects.bulk_update(updated, sorted(touched | {"updated_at"}), batch_size=500)
        for change, pk in zip(changes, fastwrite.allocate_ids(PersonChange, len(changes)), strict=True):
            change["id"] = pk
        fastwrite.insert(PersonChange, changes)
        Conflict.objects.bulk_create(conflicts, batch_size=1000)
        self.result.created += len(created)
        self.result.updated += len(updated)
