"""Importing a facility file (CSV in UTF-8 or GB18030, XLSX; read by :mod:`yanglao.core.records_io`).

Each row is checked on its own (:func:`yanglao.core.facilities.fileformat.parse_row`), then against the
file (a licence number or a region + name used twice) and the database (the region exists and lies in
the user's jurisdiction; a licence number registered to another facility; counts against the stored
beds). A row with an error is left out and reported (line, field, reason); the good rows are kept. The
key of a facility is its licence number, else its region and name: the same file imported twice changes
nothing the second time. Format: docs/facilities.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from yanglao.accounts.scope import REFUSALS, may, scope_of
from yanglao.audit.log import audit
from yanglao.audit.models import Action
from yanglao.conf import import_limits
from yanglao.core.facilities.fileformat import ALIASES, REQUIRED, parse_row
from yanglao.core.records_io import FileFormatError, RowError, open_source, row_problems
from yanglao.facilities.actions import actor_name, apply_values, user_of, validate
from yanglao.facilities.models import (
    TRACKED_FIELDS,
    ChangeKind,
    Facility,
    FacilityImport,
    FacilityImportError,
)
from yanglao.regions.models import Region

OUT_OF_SCOPE = "不在您的管辖区域内：只能导入本辖区内的设施"
Progress = Callable[[int], None]


@dataclass
class FacilityImportResult:
    batch_id: int | None = None
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    error_count: int = 0
    errors: list[RowError] = field(default_factory=list)
    failed: str = ""  # the whole file could not be read

    def add_error(self, error: RowError, keep: int) -> None:
        self.error_count += 1
        if len(self.errors) < keep:
            self.errors.append(error)

    def as_dict(self) -> dict[str, Any]:
        return {
            "batch": self.batch_id,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "error_count": self.error_count,
            "errors": [e.as_dict() for e in self.errors],
            "failed": self.failed,
        }


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class _Context:
    """What the rows are checked against: regions, the facilities by key, what the file has used."""

    def __init__(self, actor: Any) -> None:
        user = user_of(actor)
        self.scope = scope_of(user) if user is not None else None
        self.regions: dict[str, bool] = {}
        self.by_licence = {f.licence_number: f for f in Facility.objects.exclude(licence_number="")}
        self.by_name = {(f.region_id, f.name): f for f in Facility.objects.all()}
        self.licences_seen: dict[str, int] = {}
        self.names_seen: dict[tuple[str, str], int] = {}

    def region_error(self, code: str) -> str | None:
        if code not in self.regions:
            self.regions[code] = Region.objects.filter(code=code).exists()
        if not self.regions[code]:
            return f"区划代码不存在：{code}"
        if self.scope is not None and not self.scope.covers(code):
            return OUT_OF_SCOPE
        return None


def _resolve(
    ctx: _Context, line: int, values: dict[str, Any]
) -> tuple[Facility | None, list[tuple[str, str]]]:
    """The facility a row is about (None: a new one) and the errors against the file and the registry."""
    errors: list[tuple[str, str]] = []
    region, name, licence = values["region"], values["name"], values.get("licence_number", "")
    reason = ctx.region_error(region)
    if reason:
        return None, [("region", reason)]
    if licence and licence in ctx.licences_seen:
        return None, [
            ("licence_number", f"许可证号或备案号与第 {ctx.licences_seen[licence]} 行重复：{licence}")
        ]
    if (region, name) in ctx.names_seen and not licence:
        return None, [("name", f"同一区划内的设施名称与第 {ctx.names_seen[(region, name)]} 行重复：{name}")]
    by_licence = ctx.by_licence.get(licence) if licence else None
    by_name = ctx.by_name.get((region, name))
    facility = by_licence or by_name
    if by_licence and by_name and by_licence.pk != by_name.pk:
        errors.append(("licence_number", f"许可证号或备案号已登记给另一设施：{by_licence.name}"))
    elif by_name and not by_licence and licence and by_name.licence_number:
        errors.append(
            ("licence_number", f"该设施已登记许可证号或备案号 {by_name.licence_number}，与文件不一致")
        )
    if facility is not None and ctx.scope is not None and not ctx.scope.covers(facility.region_id):
        errors.append(("region", OUT_OF_SCOPE))
    return facility, errors


def _merged(facility: Facility | None, values: dict[str, Any]) -> dict[str, Any]:
    base: dict[str, Any] = {}
    if facility is not None:
        for name in (*TRACKED_FIELDS, "occupied_beds"):
            base[name] = facility.region_id if name == "region" else getattr(facility, name)
    return {**base, **values}


def _check_row(ctx: _Context, line: int, row: dict[str, Any]) -> tuple[Facility | None, dict[str, Any], list[RowError]]:  # fmt: skip
    problems = row_problems(line, row)
    if problems:
        return None, {}, problems
    parsed = parse_row(row)
    if parsed.errors:
        return None, {}, [RowError(line, f, r) for f, r in parsed.errors]
    values = parsed.values
    facility, errors = _resolve(ctx, line, values)
    if not errors:
        errors = validate(_merged(facility, values))
    return facility, values, [RowError(line, f, r) for f, r in errors]


def do_import_facilities(
    path: Path,
    *,
    actor: Any = None,
    source: str = "",
    as_of: dt.date | None = None,
    progress: Progress | None = None,
    address: str | None = None,
) -> FacilityImportResult:
    """Import one facility file as ``actor`` (a user: only rows in the user's jurisdiction; a command-line
    label; None: the system). ``source`` names where the file came from (its name by default)."""
    as_of = as_of or timezone.localdate()
    address = address if address is not None else ("cli" if isinstance(actor, str) else "")
    source = source or path.name
    keep = import_limits().max_errors_kept
    result = FacilityImportResult()
    user = user_of(actor)
    if user is not None and not may(user, "facilities.write"):
        result.failed = REFUSALS["facilities.write"]
        result.add_error(RowError(1, "（用户）", result.failed), keep)
        return result
    try:
        src = open_source(path, ALIASES, required=REQUIRED, limits=import_limits())
    except FileFormatError as exc:
        result.failed = str(exc)
        result.add_error(RowError(1, "（文件）", str(exc)), keep)
        return result
    with transaction.atomic():
        batch = FacilityImport.objects.create(
            source=source[:100],
            filename=path.name[:255],
            sha256=file_sha256(path),
            as_of=as_of,
            user=user_of(actor),
            actor_name=actor_name(actor),
            started_at=timezone.now(),
        )
        for error in src.header_errors:
            result.add_error(error, keep)
        missing_required = any(e.reason == "缺少必填列" for e in src.header_errors)
        ctx = _Context(actor)
        for line, row in src.rows:
            result.rows += 1
            if progress is not None and result.rows % 200 == 0:
                progress(result.rows)
            if missing_required:
                continue
            facility, values, errors = _check_row(ctx, line, row)
            if errors:
                for error in errors:
                    result.add_error(error, keep)
                continue
            if values.get("licence_number"):
                ctx.licences_seen[values["licence_number"]] = line
            ctx.names_seen[(values["region"], values["name"])] = line
            saved, status = apply_values(
                facility,
                values,
                actor=actor,
                source=source[:100],
                as_of=as_of,
                change_kind=ChangeKind.IMPORT,
                batch=batch,
            )
            setattr(result, status, getattr(result, status) + 1)
            if saved.licence_number:
                ctx.by_licence[saved.licence_number] = saved
            ctx.by_name[(saved.region_id, saved.name)] = saved
        if progress is not None:
            progress(result.rows)
        FacilityImport.objects.filter(pk=batch.pk).update(
            finished_at=timezone.now(),
            rows=result.rows,
            created=result.created,
            updated=result.updated,
            unchanged=result.unchanged,
            error_count=result.error_count,
        )
        FacilityImportError.objects.bulk_create(
            FacilityImportError(batch=batch, line=e.line, field=e.field[:100], reason=e.reason[:500])
            for e in result.errors
        )
        audit(
            actor,
            Action.IMPORT,
            object_type="facility_import",
            object_id=str(batch.pk),
            summary=f"导入设施信息 {path.name}：新增 {result.created}，更新 {result.updated}，"
            f"无变化 {result.unchanged}，错误 {result.error_count}",
            detail={
                "batch": batch.pk,
                "rows": result.rows,
                "created": result.created,
                "updated": result.updated,
                "errors": result.error_count,
                "region": str(getattr(user, "region_id", "") or ""),
            },
            address=address,
        )
    result.batch_id = batch.pk
    return result
