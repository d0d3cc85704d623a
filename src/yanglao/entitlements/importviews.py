"""Importing enrolments and payee accounts from the paying department's file in the web
(:func:`yanglao.entitlements.imports.do_import_enrolments`, the same import as the command line).

The file (CSV in UTF-8 or GB18030, XLSX, JSON Lines, Parquet) is imported for the user's own people
only; bad rows are listed with line, field and reason and the good rows are kept; the uploaded file
is deleted whatever happens. The import is bulk and runs inside the request: measured on PostgreSQL on
the shared test machine, 20,000 new rows with accounts took 7–18 s and 20,000 changed accounts 25 s.
A file of a whole large county belongs in a background job (a job kind ``import_enrolments`` is not
yet named in ``jobs/runner.py``).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from yanglao.accounts.scope import require
from yanglao.audit.log import audit
from yanglao.audit.models import Action
from yanglao.core.records_io import FORMATS, FileFormatError
from yanglao.entitlements.imports import COLUMNS, do_import_enrolments
from yanglao.registry.access import scoped_persons
from yanglao.registry.imports import import_limits

FIELD_LABELS: dict[str, str] = {name: aliases[0] for name, aliases in COLUMNS.items()}
SHOWN_ERRORS = 500


def field_label(name: str) -> str:
    """A field's name as the file's Chinese header says it (an unknown column keeps its own name)."""
    return FIELD_LABELS.get(name, name)


def _max_bytes() -> int:
    return import_limits().max_bytes


def _page(request: HttpRequest, status: int = 200, **more: Any) -> HttpResponse:
    context = {
        "formats": sorted(FORMATS),
        "columns": [(aliases[0], name) for name, aliases in COLUMNS.items()],
        "source": request.POST.get("source", ""),
        **more,
    }
    return render(request, "entitlements/import.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def import_enrolments(request: HttpRequest) -> HttpResponse:
    require(request, "payments.work")
    if request.method == "GET":
        return _page(request)
    upload = request.FILES.get("file")
    source = request.POST.get("source", "").strip()[:64]
    if not source:
        return _page(request, 400, error="请填写数据来源部门")
    if upload is None:
        return _page(request, 400, error="请选择文件")
    name = Path(upload.name or "upload").name
    if Path(name).suffix.lower() not in FORMATS:
        return _page(
            request, 400, error=f"不支持的文件类型“{Path(name).suffix}”：请使用 CSV、XLSX、JSONL 或 Parquet"
        )
    if upload.size is not None and upload.size > _max_bytes():
        return _page(request, 400, error=f"文件过大：上限为 {_max_bytes() // (1024 * 1024)} MB")
    uploads = Path(settings.HOME) / "uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="enrolments-", dir=uploads))
    try:
        path = folder / name
        with path.open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        try:
            result = do_import_enrolments(
                path, source=source, actor=request.user, request=request, among=scoped_persons(request.user)
            )
        except FileFormatError as exc:
            audit(
                request.user,
                Action.IMPORT,
                request=request,
                object_type="enrolments",
                object_id=name[:64],
                summary=f"导入享受记录“{name}”失败：{exc}"[:300],
                detail={"failed": True},
            )
            return _page(request, 400, error=f"文件无法读取：{exc}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    errors = [
        {"line": e.line, "field": field_label(e.field), "reason": e.reason}
        for e in result.errors[:SHOWN_ERRORS]
    ]
    return _page(
        request,
        result=result,
        filename=name,
        errors=errors,
        more_errors=max(0, len(result.errors) - SHOWN_ERRORS),
    )
