"""The import page: upload a department file, watch the progress bar, download the error report.

The upload is imported by a worker process (a :class:`~yanglao.jobs.models.Job`), never inside the
request; the page polls the job's row. A refused upload is audited and leaves no file behind."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from yanglao.accounts.current import current_user
from yanglao.accounts.scope import require
from yanglao.audit.log import audit, client_address
from yanglao.audit.models import Action
from yanglao.core.records_io import FORMATS
from yanglao.jobs import runner
from yanglao.jobs.models import Job, JobState
from yanglao.registry.importjob import KIND, discard_upload, uploads_folder
from yanglao.registry.imports import batch_errors, import_limits
from yanglao.registry.importscope import ImportRefused, allowed_departments, resolve_department
from yanglao.registry.models import ImportBatch


def _require_importer(request: HttpRequest) -> None:
    require(request, "persons.import")


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    _require_importer(request)
    user = current_user(request)
    batches = ImportBatch.objects.filter(user=user)[:20]
    context = {"batches": batches, "formats": sorted(FORMATS), "departments": allowed_departments(user)}
    return render(request, "web/import.html", context)


def _refuse(request: HttpRequest, name: str, reason: str) -> JsonResponse:
    """A refused upload: audited (the file, if any, is never kept), answered with the reason."""
    audit(
        request.user,
        Action.IMPORT,
        request=request,
        object_type="import",
        summary=f"上传 {name} 被拒绝：{reason}"[:300],
        detail={"failed": True},
    )
    return JsonResponse({"error": reason}, status=400)


@login_required
@require_POST
def import_upload(request: HttpRequest) -> HttpResponse:
    _require_importer(request)
    user = current_user(request)
    upload = request.FILES.get("file")
    if upload is None:
        return JsonResponse({"error": "请选择文件"}, status=400)
    name = Path(upload.name or "upload").name
    suffix = Path(name).suffix.lower()
    if suffix not in FORMATS:
        return _refuse(request, name, f"不支持的文件类型“{suffix}”：请使用 CSV、XLSX、JSONL 或 Parquet")
    limit = import_limits().max_bytes
    if upload.size is not None and upload.size > limit:
        mb = 1024 * 1024
        return _refuse(request, name, f"文件过大：{upload.size / mb:,.1f} MB，上限为 {limit / mb:,.0f} MB")
    try:
        department = resolve_department(request.POST.get("source", ""), user)
    except ImportRefused as exc:
        return _refuse(request, name, str(exc))
    try:
        as_of = dt.date.fromisoformat(request.POST["as_of"]) if request.POST.get("as_of") else None
    except ValueError:
        return _refuse(request, name, "数据日期应为 YYYY-MM-DD")
    # Kept under the user's own file name: the batch and the audit trail name the file the user chose.
    folder = uploads_folder() / uuid.uuid4().hex
    folder.mkdir(parents=True)
    path = folder / name
    with path.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    job = Job.objects.create(
        kind=KIND,
        user=user,
        params={
            "path": str(path),
            "department": department.code,
            "all_or_nothing": request.POST.get("all_or_nothing") == "on",
            "address": client_address(request),
            "as_of": as_of.isoformat() if as_of else None,
        },
    )
    try:
        runner.start(job)
    except OSError as exc:
        discard_upload(path)
        Job.objects.filter(pk=job.pk).update(state=JobState.FAILED, error=f"无法启动导入进程：{exc}"[:500])
    return JsonResponse({"task": job.pk, "progress": reverse("import-progress", args=[job.pk])})


def job_outcome(job: Job) -> dict[str, Any] | None:
    """What the page shows when the job has ended: the counts and the report's link, or why it failed."""
    if not job.finished:
        return None
    if job.state == JobState.FAILED:
        return {"failed": job.error or "导入失败，未写入任何数据"}
    result = dict(job.result)
    if result.get("failed"):
        return {"failed": f"导入失败，未写入任何数据：{result['failed']}"}
    batch = result.get("batch")
    result["report"] = reverse("import-errors", args=[batch]) if batch and result.get("errors") else None
    return result


@login_required
def import_progress(request: HttpRequest, key: str) -> HttpResponse:
    _require_importer(request)
    job = Job.objects.filter(pk=int(key), kind=KIND).first() if key.isdigit() else None
    if job is None or job.user_id != request.user.pk:
        raise Http404
    job = runner.check(job)
    return JsonResponse({**job.as_progress(), "result": job_outcome(job)})


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
    for error in batch_errors(batch):
        sheet.append([error.line, error.field, error.reason])
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
