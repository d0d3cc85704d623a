"""The web import as a background job (kind ``import_persons``, see :mod:`yanglao.jobs.runner`).

The upload view saves the file under ``YANGLAO_HOME/uploads/<key>/`` and creates the job; the worker
imports it as the uploader (their scope, their departments) and deletes the file whatever happens.
"""

from __future__ import annotations

import datetime as dt
import shutil
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.conf import settings

from yanglao.core.progress import count_rows
from yanglao.jobs import runner
from yanglao.jobs.models import Job, JobState
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
    """Clear away a dead upload job's file, whatever its kind (for ``runner.CLEANUPS``)."""
    discard_upload(Path(job.params["path"]))


def save_upload(name: str, chunks: Iterable[bytes]) -> Path:
    """Keep an uploaded file under the user's own file name (the batch and the audit trail name the
    file the user chose) in a folder of its own under the uploads folder."""
    folder = uploads_folder() / uuid.uuid4().hex
    folder.mkdir(parents=True)
    path = folder / Path(name or "upload.csv").name
    with path.open("wb") as handle:
        for chunk in chunks:
            handle.write(chunk)
    return path


def queue_upload(kind: str, user: Any, path: Path, **params: Any) -> Job:
    """Create the job of kind ``kind`` for an uploaded file and start it (a worker process, or inline
    in tests); a worker that cannot be started fails the job and deletes the file."""
    job = Job.objects.create(kind=kind, user=user, params={"path": str(path), **params})
    try:
        runner.start(job)
    except OSError as exc:
        discard_upload(path)
        Job.objects.filter(pk=job.pk).update(state=JobState.FAILED, error=f"无法启动导入进程：{exc}"[:500])
    job.refresh_from_db()
    return job


def begin(job: Job, path: Path) -> None:
    """An upload job's first step: refused when its uploader has been disabled since; else the file's
    rows recorded as the job's total (0 for a file that cannot be read: the import then says why)."""
    if job.user is None or not job.user.is_active:
        raise PermissionError("上传文件的用户已停用")
    file_rows(job, path)


def file_rows(job: Job, path: Path) -> None:
    """Record the file's row count as the job's total."""
    try:
        total = count_rows(path)
    except Exception:  # an unreadable file: the import says why
        total = 0
    Job.objects.filter(pk=job.pk).update(total=total)


def run_import_job(job: Job, progress: Callable[[int], None]) -> dict[str, Any]:
    params = job.params
    path = Path(params["path"])
    try:
        begin(job, path)
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
        # The first errors with whose rows they are, shown on the page at once (the error report reads
        # the batch's stored error rows).
        "report": [e.report_dict() for e in result.errors],
    }
