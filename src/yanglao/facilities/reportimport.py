"""Filing many monthly capacity reports from one file (CSV or XLSX; the bureau filing on the facilities'
behalf, or a facility's own spreadsheet). Each row is one facility and month and goes through
:func:`yanglao.facilities.actions.do_file_report` (its rules, its audit event); a row with an error is left
out and reported (line, field, reason), the good rows are kept. A row for a month already reported needs
a ``reason``; a row whose figures equal the current report is left as it is (the same file twice files
nothing twice)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from yanglao.accounts.scope import scope_of
from yanglao.conf import import_limits
from yanglao.core.facilities import capacity
from yanglao.core.records_io import FileFormatError, RowError, open_source, row_problems
from yanglao.facilities.actions import FacilityInvalid, FacilityRefused, do_file_report, user_of
from yanglao.facilities.models import CapacityReport, Facility

COLUMNS = {
    "facility": "设施编号",
    "licence_number": "许可证号或备案号",
    "month": "报告月份",
    "reason": "替换原因",
    **capacity.FIGURES,
}
ALIASES = {**{n: n for n in COLUMNS}, **{label: n for n, label in COLUMNS.items()}, "月份": "month"}


@dataclass
class ReportImportResult:
    rows: int = 0
    filed: int = 0
    replaced: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "filed": self.filed,
            "replaced": self.replaced,
            "unchanged": self.unchanged,
            "error_count": len(self.errors),
            "errors": [e.as_dict() for e in self.errors],
        }


def _facility(row: dict[str, Any], actor: Any) -> tuple[Facility | None, tuple[str, str]]:
    """The facility a row names (by its number, else its licence number); one outside the user's
    jurisdiction is answered like one that does not exist."""
    ident = str(row.get("facility") or "").strip().removesuffix(".0")
    licence = str(row.get("licence_number") or "").strip()
    if ident:
        found = Facility.objects.filter(pk=int(ident)).first() if ident.isdigit() else None
        error = ("facility", f"设施编号不存在：{ident}")
    elif licence:
        found = Facility.objects.filter(licence_number=licence).first()
        error = ("licence_number", f"许可证号或备案号未登记：{licence}")
    else:
        return None, ("facility", "须填写设施编号或许可证号或备案号")
    user = user_of(actor)
    if found is not None and user is not None and not scope_of(user).covers(found.region_id):
        found = None
    return found, error


def _same(report: CapacityReport, figures: dict[str, Any]) -> bool:
    values, errors = capacity.check_figures(figures, beds=report.beds, nursing_beds=report.nursing_beds)
    return not errors and all(getattr(report, name) == value for name, value in values.items())


def do_import_reports(path: Path, *, actor: Any, address: str | None = None) -> ReportImportResult:
    result = ReportImportResult()
    try:
        src = open_source(path, ALIASES, required=("month",), limits=import_limits())
    except FileFormatError as exc:
        result.errors.append(RowError(1, "（文件）", str(exc)))
        return result
    result.errors.extend(src.header_errors)
    if any(e.reason == "缺少必填列" for e in src.header_errors):
        return result
    for line, row in src.rows:
        result.rows += 1
        problems = row_problems(line, row)
        if problems:
            result.errors.extend(problems)
            continue
        facility, error = _facility(row, actor)
        if facility is None:
            result.errors.append(RowError(line, *error))
            continue
        try:
            month = capacity.parse_month(str(row.get("month") or "")[:7])
        except ValueError as exc:
            result.errors.append(RowError(line, "month", str(exc)))
            continue
        figures = {name: row.get(name) for name in capacity.FIGURES if name in row}
        current = CapacityReport.objects.filter(facility=facility, month=month, current=True).first()
        if current is not None and _same(current, figures):
            result.unchanged += 1
            continue
        try:
            with transaction.atomic():
                do_file_report(
                    actor, facility, month, figures, reason=str(row.get("reason") or ""), address=address
                )
        except FacilityInvalid as exc:
            result.errors.extend(RowError(line, f, r) for f, r in exc.errors)
            continue
        except FacilityRefused as exc:
            result.errors.append(RowError(line, "facility", str(exc)))
            continue
        if current is None:
            result.filed += 1
        else:
            result.replaced += 1
    return result
