"""The import page: upload a department file, watch the progress bar, download the error report."""

from __future__ import annotations

import shutil
import threading
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from yanglao.accounts.current import current_user
from yanglao.accounts.scope import require
from yanglao.audit.log import audit, client_address
from yanglao.audit.models import Action
from yanglao.core.records_io import FORMATS
from yanglao.registry.imports import do_import_persons
from yanglao.registry.models import ImportBatch
from yanglao.web.progress import TASKS, count_rows


def _require_importer(request: HttpRequest) -> None:
    require(request, "persons.import")


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    _require_importer(request)
    batches = ImportBatch.objects.filter(user=current_user(request))[:20]
    return render(request, "web/import.html", {"batches": batches, "formats": sorted(FORMATS)})


def _run(key: str, path: Path, source: str, user: Any, all_or_nothing: bool, address: str) -> None:
    try:
        result = do_import_persons(
            path,
            source=source,
            actor=user,
            all_or_nothing=all_or_nothing,
            progress=lambda done: TASKS.update(key, done=done),
            address=address,
        )
        summary = result.as_dict()
        summary["errors"] = len(result.errors)
        summary["conflicts"] = len(result.conflicts)
        summary["rejected"] = result.rejected
        summary["batch"] = result.batch_id
        summary["report"] = (
            reverse("import-errors", args=[result.batch_id]) if result.batch_id and result.errors else None
        )
        TASKS.update(key, finished=True, result=summary)
    except Exception as exc:  # the page must learn that the import failed, whatever the cause
        TASKS.update(key, finished=True, result={"failed": f"导入失败，未写入任何数据：{exc}"})
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)
        if not getattr(settings, "IMPORT_INLINE", False):
            connection.close()


@login_required
@require_POST
def import_upload(request: HttpRequest) -> HttpResponse:
    _require_importer(request)
    upload = request.FILES.get("file")
    if upload is None:
        return JsonResponse({"error": "请选择文件"}, status=400)
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in FORMATS:
        return JsonResponse(
            {"error": f"不支持的文件类型“{suffix}”：请使用 CSV、XLSX、JSONL 或 Parquet"}, status=400
        )
    key = uuid.uuid4().hex
    # Kept under the user's own file name: the batch and the audit trail name the file the user chose.
    folder = Path(settings.HOME) / "uploads" / key
    folder.mkdir(parents=True)
    path = folder / Path(upload.name or f"upload{suffix}").name
    with path.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    source = request.POST.get("source", "").strip() or Path(upload.name or "upload").stem
    TASKS.start(key, count_rows(path), current_user(request).pk)
    all_or_nothing = request.POST.get("all_or_nothing") == "on"
    args = (key, path, source[:100], request.user, all_or_nothing, client_address(request))
    if getattr(settings, "IMPORT_INLINE", False):
        _run(*args)
    else:
        threading.Thread(target=_run, args=args, daemon=True).start()
    return JsonResponse({"task": key, "progress": reverse("import-progress", args=[key])})


@login_required
def import_progress(request: HttpRequest, key: str) -> HttpResponse:
    _require_importer(request)
    task = TASKS.get(key)
    if task is None or task["owner"] != request.user.pk:
        raise Http404
    return JsonResponse({k: task[k] for k in ("done", "total", "finished", "result")})


@login_required
def import_errors(request: HttpRequest, pk: int) -> HttpResponse:
    """The error report as XLSX: line, field, reason (no personal data beyond what the file held)."""
    _require_importer(request)
    batch = get_object_or_404(ImportBatch, pk=pk, user=current_user(request))
    from openpyxl.styles import Font

    from yanglao.core.exports import workbook, workbook_bytes

    book = workbook()
    sheet = book.active
    sheet.title = "错误报告"
    sheet.append(["行号", "字段", "原因"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for error in batch.errors:
        sheet.append([error["line"], error["field"], error["reason"]])
    sheet.column_dimensions["A"].width = 8
    sheet.column_dimensions["B"].width = 22
    sheet.column_dimensions["C"].width = 80
    data = workbook_bytes(book)
    audit(
        request.user,
        Action.EXPORT,
        request=request,
        object_type="import",
        object_id=str(batch.pk),
        summary=f"下载导入错误报告：{batch.filename}",
    )
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="import-{batch.pk}-errors.xlsx"'
    return response
