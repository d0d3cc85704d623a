"""Importing enrolments and payee accounts from the paying department's file in the web
(:func:`yanglao.entitlements.imports.do_import_enrolments`, the same import as the command line).

The file (CSV in UTF-8 or GB18030, XLSX, JSON Lines, Parquet) is checked for its type and size here,
then imported by a background job (:mod:`yanglao.entitlements.importjob`) for the user's own people
only, while the job's page shows its progress: bad rows are listed with line, whose row, field and
reason, the good rows are kept, and the uploaded file is deleted whatever happens.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from yanglao.accounts.scope import deny, require
from yanglao.audit.log import client_address
from yanglao.core.records_io import FORMATS
from yanglao.entitlements import importjob
from yanglao.entitlements.imports import COLUMNS
from yanglao.jobs import runner
from yanglao.jobs.models import Job
from yanglao.registry.importjob import save_upload
from yanglao.registry.imports import import_limits


def _page(request: HttpRequest, status: int = 200, **more: Any) -> HttpResponse:
    context = {
        "formats": sorted(FORMATS),
        "columns": [(aliases[0], name) for name, aliases in COLUMNS.items()],
        "source": request.POST.get("source", ""),
        "recent": Job.objects.filter(kind=importjob.KIND, user_id=int(request.user.pk or 0)).order_by("-pk")[
            :5
        ],
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
    limit = import_limits().max_bytes
    if upload.size is not None and upload.size > limit:
        return _page(request, 400, error=f"文件过大：上限为 {limit // (1024 * 1024)} MB")
    job = importjob.queue_import(
        request.user, save_upload(name, upload.chunks()), source=source, address=client_address(request)
    )
    return redirect("entitlements:import-job", pk=job.pk)


@login_required
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    """An enrolment import's progress and, when it is done, its result and bad rows (the uploader's
    own jobs only: another user's job is answered like a missing one, audited)."""
    require(request, "payments.work")
    job = Job.objects.filter(pk=pk, kind=importjob.KIND, user_id=int(request.user.pk or 0)).first()
    if job is None:
        exists = Job.objects.filter(pk=pk, kind=importjob.KIND).exists()
        raise deny(
            request, exists=exists, object_type="job", object_id=str(pk), what=f"享受记录导入任务 {pk}"
        )
    job = runner.check(job)
    result = dict(job.result or {})
    errors = result.get("error_rows", [])
    return render(
        request,
        "entitlements/import_job.html",
        {
            "job": job,
            "result": result,
            "errors": errors,
            "more_errors": max(0, int(result.get("error_count", 0)) - len(errors)),
            "refresh": not job.finished,
        },
    )
