"""Importing department feeds into the registry: ``do_import_persons``.

Rules (docs/import.md says the same for users):
- Only the columns a feed carries change, and an empty cell means "not known": it never clears a value.
- A row with any error is not imported; every error is reported with its line, field and reason.
- With ``all_or_nothing`` a single error keeps the whole file out.
- The same file imported again changes nothing.
- When a feed contradicts a value that another source set on the same or a later data date, the
  current value stays, the feed's value is kept in a :class:`Conflict` for a person to resolve.
- Everything happens in one transaction together with the batch record: a killed import leaves nothing.
- The source is a registered department; a user's import touches only the people in the user's scope
  (:mod:`yanglao.registry.importscope`); the command line without ``--user`` is the operator's and
  touches anyone.
- Errors are stored as rows (:class:`ImportRowError`), at most ``IMPORT_MAX_ERRORS_KEPT`` of them; the
  count stays exact. A failed import (refused, unreadable, crashed) is audited too.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from yanglao.audit.log import audit
from yanglao.audit.models import Action
from yanglao.core import person as spec
from yanglao.core.idnumber import IdNumberError, parse_id_number
from yanglao.core.records_io import FileFormatError, ReadLimits, RowError, open_source
from yanglao.registry.importscope import ImportRefused, RowScope, resolve_department
from yanglao.registry.importwriter import ChunkWriter
from yanglao.registry.models import (
    EXTRA_FIELDS,
    EXTRA_LABELS,
    BatchStatus,
    ImportBatch,
    ImportRowError,
    Person,
    PersonChange,
)

ALIASES: dict[str, str] = (
    dict(spec.HEADER_ALIASES) | {n: n for n in EXTRA_FIELDS} | {label: n for n, label in EXTRA_LABELS.items()}
)
CHUNK = 2000
Progress = Callable[[int], None]
_ChunkWriter = ChunkWriter  # the older name


def import_limits() -> ReadLimits:
    """The bounds files are read within (``settings.IMPORT_LIMITS``, docs/settings.md)."""
    limits = getattr(settings, "IMPORT_LIMITS", None)
    return limits if isinstance(limits, ReadLimits) else ReadLimits()


def max_errors_kept() -> int:
    """How many of an import's errors are stored (``YANGLAO_IMPORT_MAX_ERRORS_KEPT``); all are counted."""
    return import_limits().max_errors_kept


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
    error_count: int = 0  # every error found; ``errors`` keeps the first ``kept``
    kept: int = field(default_factory=max_errors_kept)
    failed: str = ""  # why nothing was imported: a refused source, an unreadable file

    def add_error(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < self.kept:
            self.errors.append(error)

    def add_errors(self, errors: Iterable[RowError]) -> None:
        for error in errors:
            self.add_error(error)

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [e.as_dict() for e in self.errors],
            "errors_total": self.error_count,
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
    record, errors = _parse_row(line, row)
    return record, [e.of_row(row.get("id_number"), row.get("name")) for e in errors]


def _parse_row(line: int, row: dict[str, Any]) -> tuple[dict[str, Any], list[RowError]]:
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
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=die_with_parent, initargs=(os.getpid(),)
    ) as pool:
        window: deque[Future[list[Parsed]]] = deque()
        for batch in _batches(rows):
            window.append(pool.submit(_parse_batch, batch))
            if len(window) > workers * 2:
                yield from window.popleft().result()
        while window:
            yield from window.popleft().result()


PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """Pool initializer: a worker is killed when the import that started it dies (SIGTERM, SIGKILL), so
    no orphan keeps the parent's database connection, its transaction and its locks (Linux prctl; the
    parent check closes the window where the parent died before the call)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the parent check below still runs once
        pass
    if os.getppid() != parent:
        os._exit(1)


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
    """Import one department file. ``source`` names a registered department (its code or name).
    ``actor`` is a user (the import is then held to the user's scope and departments) or a
    command-line label for the audit trail; ``address`` is where the upload came from (the command
    line's imports are audited as ``cli``). ``parallel`` parses in worker processes (command line only,
    see :func:`parsed_rows`)."""
    as_of = as_of or timezone.localdate()
    address = address if address is not None else ("cli" if isinstance(actor, str) else "")
    actor_name = getattr(actor, "username", None) or (actor if isinstance(actor, str) else "system")
    user = actor if hasattr(actor, "role") else None
    result = ImportResult()
    failure = _Failure(path, source, actor, address, result)
    if as_of > timezone.localdate():
        return failure(RowError(1, "（数据日期）", f"数据日期 {as_of:%Y-%m-%d} 晚于今天：数据日期不能是将来"))
    try:
        department = resolve_department(source, user)
    except ImportRefused as exc:
        return failure(RowError(1, "（数据来源）", str(exc)))
    source = failure.source = department.name
    try:
        src = open_source(path, ALIASES, limits=import_limits())
    except FileFormatError as exc:
        return failure(RowError(1, "（文件）", str(exc)))
    result.add_errors(src.header_errors)
    if any(e.field == "id_number" and e.line == 1 for e in src.header_errors):
        return failure(None)
    started = timezone.now()
    rows = RowScope(user)
    try:
        with transaction.atomic():
            batch = ImportBatch.objects.create(
                source=source,
                department=department,
                filename=path.name,
                sha256=file_sha256(path),
                as_of=as_of,
                user=user,
                actor_name=actor_name,
                started_at=started,
            )
            writer = ChunkWriter(batch, source, as_of, actor, actor_name, synthetic, result, rows, CHUNK)
            seen: dict[str, int] = {}
            unknown_seen: set[str] = set()
            for line, unknown, record, errors in parsed_rows(src.rows, parallel):
                result.rows += 1
                for key in unknown:
                    if key not in unknown_seen:
                        unknown_seen.add(key)
                        result.add_error(RowError(line, key, "未知字段，该字段未导入"))
                ident = record.get("id_number")
                if isinstance(ident, str) and ident in seen:
                    duplicate = RowError(line, "id_number", f"与第 {seen[ident]} 行的公民身份号码重复")
                    errors.append(duplicate.of_row(ident, record.get("name")))
                if errors:
                    result.add_errors(errors)
                    continue
                seen[str(ident)] = line
                writer.add(line, record)
                if progress is not None and result.rows % CHUNK == 0:
                    progress(result.rows)
            writer.flush()
            result.errors.sort(key=lambda e: e.line)
            if all_or_nothing and result.error_count:
                raise _Rollback
            batch.finished_at = timezone.now()
            batch.rows = result.rows
            batch.created, batch.updated, batch.unchanged = result.created, result.updated, result.unchanged
            batch.error_count = result.error_count
            batch.conflicts = len(result.conflicts)
            batch.save()
            save_errors(batch, result.errors)
            result.batch_id = batch.pk
            audit(
                actor,
                Action.IMPORT,
                object_type="import",
                object_id=str(batch.pk),
                summary=f"导入 {path.name}（{source}）：新增 {result.created}，更新 {result.updated}，"
                f"无变化 {result.unchanged}，错误 {result.error_count}，冲突 {len(result.conflicts)}",
                address=address,
            )
    except _Rollback:
        result.rejected = True
        result.created = result.updated = result.unchanged = 0
        result.conflicts = []
        _record_rejection(path, department, as_of, actor, actor_name, started, result, address)
    except Exception as exc:
        failure.audit(f"中断，未写入任何数据（{type(exc).__name__}）")
        raise
    if rows.refused_existing:
        _audit_refused(actor, path, source, rows.refused_existing, address)
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


def save_errors(batch: ImportBatch, errors: Iterable[RowError]) -> None:
    """Store a batch's kept errors as rows (the field and reason cut to their columns' length)."""
    ImportRowError.objects.bulk_create(
        (
            ImportRowError(batch=batch, line=e.line, field=e.field[:100], reason=e.reason[:500])
            for e in errors
        ),
        batch_size=1000,
    )


def batch_errors(batch: ImportBatch) -> Iterator[ImportRowError]:
    """A batch's stored errors in file order, streamed (for the error report)."""
    return batch.error_rows.order_by("line", "id").iterator(chunk_size=2000)


class _Failure:
    """An import that wrote nothing: its errors returned, the attempt audited."""

    def __init__(self, path: Path, source: str, actor: Any, address: str, result: ImportResult) -> None:
        self.path, self.source, self.actor, self.address, self.result = path, source, actor, address, result

    def __call__(self, error: RowError | None) -> ImportResult:
        if error is not None:
            self.result.add_error(error)
        self.result.failed = (error or self.result.errors[0]).reason
        self.audit(self.result.failed)
        return self.result

    def audit(self, reason: str) -> None:
        with contextlib.suppress(DatabaseError):  # the database itself went away: nothing can be written
            audit(
                self.actor,
                Action.IMPORT,
                object_type="import",
                summary=f"导入 {self.path.name}（{self.source}）失败：{reason}"[:300],
                detail={"failed": True},
                address=self.address,
            )


def _audit_refused(actor: Any, path: Path, source: str, count: int, address: str) -> None:
    """Rows naming people registered outside the uploader's scope: the uploader is told nothing, the
    audit trail is."""
    audit(
        actor,
        Action.DENIED,
        object_type="import",
        summary=f"导入 {path.name}（{source}）：{count} 行涉及管辖区域外的人员，已拒绝",
        detail={"rows": count},
        address=address,
    )


def _record_rejection(
    path: Path,
    department: Any,
    as_of: dt.date,
    actor: Any,
    actor_name: str,
    started: dt.datetime,
    result: ImportResult,
    address: str,
) -> None:
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            source=department.name,
            department=department,
            filename=path.name,
            sha256=file_sha256(path),
            as_of=as_of,
            user=actor if hasattr(actor, "role") else None,
            actor_name=actor_name,
            started_at=started,
            finished_at=timezone.now(),
            status=BatchStatus.REJECTED,
            rows=result.rows,
            error_count=result.error_count,
        )
        save_errors(batch, result.errors)
        result.batch_id = batch.pk
        audit(
            actor,
            Action.IMPORT,
            object_type="import",
            object_id=str(batch.pk),
            summary=f"导入 {path.name}（{department.name}）被整体拒绝：错误 {result.error_count}",
            address=address,
        )
