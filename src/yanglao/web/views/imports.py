"""The import page: download a department's template, upload its file with the data date, watch the
progress bar, read the errors (line, the row's ID number's last 4 characters and name, field, reason)
and download them as XLSX.

The upload is imported by a worker process (a :class:`~yanglao.jobs.models.Job`), never inside the
request; the page polls the job's row. A refused upload is audited and leaves no file behind."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from yanglao.accounts.current import current_user
from yanglao.accounts.scope import require
from yanglao.audit.log import audit, client_address
from yanglao.audit.models import Action
from yanglao.core.records_io import FORMATS
from yanglao.core.records_io.template import columns_for, template_workbook
from yanglao.jobs import runner
from yanglao.jobs.models import Job, JobState
from yanglao.registry.importjob import KIND, queue_upload, save_upload
from yanglao.registry.imports import batch_errors, import_limits
from yanglao.registry.importscope import (
    ImportRefused,
    allowed_departments,
    department_fields,
    resolve_department,
)
from yanglao.registry.models import EXTRA_LABELS, ImportBatch, field_label

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EARLIEST_AS_OF = dt.date(2000, 1, 1)
SHOWN_ERRORS = 50  # errors listed on the page; the report has all that were kept


def _require_importer(request: HttpRequest) -> None:
    require(request, "persons.import")


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    """The page; with ``?template=<department>``, that department's import template (XLSX)."""
    _require_importer(request)
    user = current_user(request)
    if "template" in request.GET:
        return import_template(request, request.GET["template"])
    batches = ImportBatch.objects.filter(user=user)[:20]
    context = {
        "batches": batches,
        "formats": sorted(FORMATS),
        "departments": allowed_departments(user),
        "today": timezone.localdate(),
        "earliest": EARLIEST_AS_OF,
    }
    return render(request, "web/import.html", context)


def import_template(request: HttpRequest, code: str) -> HttpResponse:
    """A department's template: its columns, a sample row of plainly fake data, the notes. Only for a
    department the user may import for (any other: 404)."""
    try:
        department = resolve_department(code, current_user(request))
    except ImportRefused:
        raise Http404("没有这个部门的导入模板") from None
    columns = columns_for(department_fields(department), EXTRA_LABELS)
    response = HttpResponse(template_workbook(department.name, columns), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"导入模板-{department.name}.xlsx"
    )
    return response


def parse_as_of(text: str, today: dt.date) -> dt.date:
    """The data date of an upload (``ValueError`` with the reason): today when empty, never in the
    future, not before 2000."""
    if not text.strip():
        return today
    try:
        as_of = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"数据日期“{text.strip()}”无效：应为 YYYY-MM-DD 格式的日期") from None
    if as_of > today:
        raise ValueError(f"数据日期 {as_of:%Y-%m-%d} 晚于今天：数据日期是这份数据截至的日期，不能是将来")
    if as_of < EARLIEST_AS_OF:
        raise ValueError(f"数据日期 {as_of:%Y-%m-%d} 早于 {EARLIEST_AS_OF:%Y-%m-%d}：请检查年份")
    return as_of


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
        as_of = parse_as_of(request.POST.get("as_of", ""), timezone.localdate())
    except ValueError as exc:
        return _refuse(request, name, str(exc))
    job = queue_upload(
        KIND,
        user,
        save_upload(name, upload.chunks()),
        department=department.code,
        all_or_nothing=request.POST.get("all_or_nothing") == "on",
        address=client_address(request),
        as_of=as_of.isoformat(),
    )
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
    errors = result.pop("report", None) or []
    batch = result.get("batch")
    result["report"] = reverse("import-errors", args=[batch]) if batch and result.get("errors") else None
    result["shown"] = [report_row(e) for e in errors[:SHOWN_ERRORS]]
    return result


def report_row(error: dict[str, Any]) -> dict[str, Any]:
    """An error as the page and the report show it: the field by its Chinese name."""
    return {
        "line": error["line"],
        "id_tail": error.get("id_tail", ""),
        "name": error.get("name", ""),
        "field": field_label(error["field"]),
        "reason": error["reason"],
    }


def batch_report(batch: ImportBatch) -> list[dict[str, Any]]:
    """A batch's kept errors, from its stored rows (line, whose row, field, reason), whether it was
    imported in the web or from the command line."""
    return [
        report_row(
            {"line": e.line, "id_tail": e.id_tail, "name": e.name, "field": e.field, "reason": e.reason}
        )
        for e in batch_errors(batch)
    ]


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
    """The error report as XLSX: line, the row's ID number's last 4 characters and name, field, reason
    (no personal data beyond what the file held)."""
    _require_importer(request)
    batch = get_object_or_404(ImportBatch, pk=pk, user=current_user(request))
    from openpyxl.styles import Font

    from yanglao.core.exports import workbook, workbook_bytes

    book = workbook()
    sheet = book.active
    sheet.title = "错误报告"
    sheet.append(["行号", "身份证号后4位", "姓名", "字段", "原因"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in batch_report(batch):
        sheet.append([row["line"], row["id_tail"], row["name"], row["field"], row["reason"]])
    for letter, width in zip("ABCDE", (8, 14, 12, 24, 80), strict=True):
        sheet.column_dimensions[letter].width = width
    data = workbook_bytes(book)
    audit(
        request.user,
        Action.EXPORT,
        request=request,
        object_type="import",
        object_id=str(batch.pk),
        summary=f"下载导入错误报告：{batch.filename}",
    )
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"导入错误报告-{batch.pk}-{Path(batch.filename).stem}.xlsx"
    )
    return response
