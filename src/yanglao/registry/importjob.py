"""The web import as a background job (kind ``import_persons``, see :mod:`yanglao.jobs.runner`).

The upload view saves the file under ``YANGLAO_HOME/uploads/<key>/`` and creates the job; the worker
imports it as the uploader (their scope, their departments) and deletes the file whatever happens.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings

from yanglao.core.progress import count_rows
from yanglao.jobs.models import Job
from yanglao.registry.imports import do_import_persons

KIND = "import_persons"


def uploads_folder() -> Path:
    return Path(settings.HOME) / "uploads"


def discard_upload(path: Path) -> None:
    """Delete an uploaded file's folder (only ever one under the uploads folder)."""
    folder = path.parent
    if folder.parent.resolve() == uploads_folder().resolve():
        shutil.rmtree(folder, ignore_errors=True)


def discard_job_upload(job: Job) -> None:
    discard_upload(Path(job.params["path"]))


def run_import_job(job: Job, progress: Callable[[int], None]) -> dict[str, Any]:
    params = job.params
    path = Path(params["path"])
    try:
        if job.user is None or not job.user.is_active:
            raise PermissionError("上传文件的用户已停用")
        try:
            total = count_rows(path)
        except Exception:  # an unreadable file: the import below says why
            total = 0
        Job.objects.filter(pk=job.pk).update(total=total)
        as_of = params.get("as_of")
        result = do_import_persons(
            path,
            source=params["department"],
            actor=job.user,
            as_of=dt.date.fromisoformat(as_of) if as_of else None,
            all_or_nothing=bool(params.get("all_or_nothing")),
            progress=progress,
            address=params.get("address", ""),
        )
    finally:
        discard_upload(path)
    return {
        "done": result.rows,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "errors": result.error_count,
        "conflicts": len(result.conflicts),
        "rejected": result.rejected,
        "batch": result.batch_id,
        "failed": result.failed,
        # The kept errors with whose rows they are, for the page and the error report (the batch's stored
        # error rows have no columns for them).
        "report": [e.report_dict() for e in result.errors],
    }
