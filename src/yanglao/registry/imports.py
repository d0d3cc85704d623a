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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from yanglao.audit.log import audit
from yanglao.audit.models import Action
from yanglao.core import person as spec
from yanglao.core.idnumber import IdNumberError, parse_id_number
from yanglao.core.records_io import FileFormatError, ReadLimits, RowError, open_source
from yanglao.registry.importscope import ImportRefused, RowScope, resolve_department
from yanglao.registry.models import (
    EXTRA_FIELDS,
    EXTRA_LABELS,
    BatchStatus,
    ImportBatch,
    ImportRowError,
    Person,
    PersonChange,
)

if TYPE_CHECKING:
    import polars as pl

# Polars and the column-wise checks and writer are imported by the functions that import a file: the
# views that only read limits or errors (the web server's URL modules) do not load them.

ALIASES: dict[str, str] = (
    dict(spec.HEADER_ALIASES) | {n: n for n in EXTRA_FIELDS} | {label: n for n, label in EXTRA_LABELS.items()}
)
Progress = Callable[[int], None]


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


READ_CHUNK = 100_000  # rows of the row reader gathered into columns at a time


class Checked:
    """An import's rows checked: the valid rows (one per ID number, the first) and every row's errors."""

    def __init__(self, columns: list[str]) -> None:
        self.columns = columns
        self.frames: list[pl.DataFrame] = []
        self.records: list[tuple[int, dict[str, Any]]] = []  # valid rows the row parser read
        self.failed: list[tuple[int, Any, Any, list[RowError]]] = []  # (line, ID number, name, errors)
        self.unknown_seen: set[str] = set()
        self.rows = 0

    def add(
        self,
        raw: pl.DataFrame,
        originals: list[dict[str, Any]] | None,
        apart: list[tuple[int, dict[str, Any]]],
    ) -> None:
        """One chunk: rows as text columns (``originals`` their row dicts, None for a simple CSV whose
        cells are the columns), and rows apart for the row parser."""
        from yanglao.registry.importcheck import check_frame

        self.rows += raw.height + len(apart)
        slow = list(apart)
        if raw.height:
            typed, ok = check_frame(raw, self.columns)
            self.frames.append(typed.filter(ok))
            bad = raw.with_row_index("__i__").filter(~ok)
            if bad.height:
                if originals is None:
                    for row in bad.drop("__i__").iter_rows(named=True):
                        line = row.pop("line")
                        slow.append((line, row))
                else:
                    slow.extend(
                        (line, originals[i]) for i, line in zip(bad["__i__"], bad["line"], strict=True)
                    )
        slow.sort(key=lambda item: item[0])
        for line, row in slow:
            unknown = list(row.get("__unknown__", []))
            record, errors = parse_row(line, row)
            unknown_errors = []
            for key in unknown:
                if key not in self.unknown_seen:
                    self.unknown_seen.add(key)
                    unknown_errors.append(RowError(line, key, "未知字段，该字段未导入"))
            if errors:
                self.failed.append(
                    (line, record.get("id_number"), record.get("name"), unknown_errors + errors)
                )
            else:
                if unknown_errors:
                    self.failed.append((line, None, None, unknown_errors))
                self.records.append((line, record))

    def result(self) -> tuple[pl.DataFrame, list[RowError]]:
        """The valid rows in file order, the first of each ID number, and every error (in file order)."""
        import polars as pl

        from yanglao.registry.importcheck import KINDS, typed_schema

        names = list(self.columns)
        for _, record in self.records:
            names.extend(k for k in record if k not in names)
        schema = typed_schema([n for n in names if n in KINDS])
        parts = [
            f.select([pl.col(c) if c in f.columns else pl.lit(None, t).alias(c) for c, t in schema.items()])
            for f in self.frames
        ]
        if self.records:
            rows = [{**{c: record.get(c) for c in schema}, "line": line} for line, record in self.records]
            parts.append(pl.DataFrame(rows, schema=schema))
        frame = pl.concat(parts) if parts else pl.DataFrame(schema=schema)
        frame = frame.sort("line").with_columns(first=pl.col("line").min().over("id_number"))
        firsts = dict(frame.filter(pl.col("line") == pl.col("first")).select("id_number", "line").iter_rows())
        errors: list[RowError] = []
        for line, ident, name, row_errors in self.failed:
            errors.extend(row_errors)
            first = firsts.get(ident) if isinstance(ident, str) else None
            if first is not None and first < line:
                errors.append(
                    RowError(line, "id_number", f"与第 {first} 行的公民身份号码重复").of_row(ident, name)
                )
        duplicates = frame.filter(pl.col("line") != pl.col("first"))
        has_name = "name" in frame.columns
        for row in duplicates.iter_rows(named=True):
            name = row["name"] if has_name else None
            duplicate = RowError(row["line"], "id_number", f"与第 {row['first']} 行的公民身份号码重复")
            errors.append(duplicate.of_row(row["id_number"], name))
        errors.sort(key=lambda e: e.line)
        return frame.filter(pl.col("line") == pl.col("first")).drop("first"), errors


def check_rows(path: Path, src: Any, limits: ReadLimits, progress: Progress | None) -> Checked:
    """Every row of ``src`` checked column-wise (a simple CSV split straight into columns)."""
    from yanglao.registry.importcheck import rows_frame, simple_csv_frame

    columns = list(dict.fromkeys(src.columns))
    checked = Checked(columns)
    simple = simple_csv_frame(path, src, ALIASES, limits)
    if simple is not None:
        src.rows.close()
        checked.add(simple, None, [])
        return checked
    chunk: list[tuple[int, dict[str, Any]]] = []
    for item in src.rows:
        chunk.append(item)
        if len(chunk) >= READ_CHUNK:
            raw, originals, apart = rows_frame(chunk, columns)
            checked.add(raw, originals, apart)
            chunk = []
            if progress is not None:
                progress(checked.rows)
    raw, originals, apart = rows_frame(chunk, columns)
    checked.add(raw, originals, apart)
    return checked


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
    line's imports are audited as ``cli``). ``parallel`` is accepted for the command line's sake: rows
    are checked column-wise (Polars' threads), no worker process is started."""
    from yanglao.registry.importwriter import SetWriter

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
            checked = check_rows(path, src, import_limits(), progress)
            result.rows = checked.rows
            frame, errors = checked.result()
            writer = SetWriter(batch, source, as_of, actor, actor_name, synthetic, result, rows)
            errors += writer.write(frame)
            errors.sort(key=lambda e: e.line)
            result.add_errors(errors)
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
            ImportRowError(
                batch=batch,
                line=e.line,
                id_tail=e.id_tail[-4:],
                name=e.name[:50],
                field=e.field[:100],
                reason=e.reason[:500],
            )
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
