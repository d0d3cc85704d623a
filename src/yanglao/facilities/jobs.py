"""The facility import as a background job (kind ``import_facilities``, :mod:`yanglao.jobs.runner`).

The web form ("network"'s page) calls :func:`queue_import` with the uploaded file; the worker imports it as
the uploader (their jurisdiction) and deletes the file whatever happens (like the person import,
:mod:`yanglao.registry.importjob`, whose uploads folder it shares).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from yanglao.core.progress import count_rows
from yanglao.facilities.imports import do_import_facilities
from yanglao.jobs import runner
from yanglao.jobs.models import Job, JobState
from yanglao.registry.importjob import discard_upload, uploads_folder

KIND = "import_facilities"


def save_upload(name: str, chunks: Iterable[bytes]) -> Path:
    """Keep an uploaded file under its own name in a folder of its own (the batch names the file)."""
    folder = uploads_folder() / uuid.uuid4().hex
    folder.mkdir(parents=True)
    path = folder / Path(name or "upload.csv").name
    with path.open("wb") as handle:
        for chunk in chunks:
            handle.write(chunk)
    return path


def queue_import(user: Any, path: Path, *, as_of: dt.date, source: str = "", address: str = "") -> Job:
    """Create the job for an uploaded file and start it (a worker process, or inline in tests)."""
    job = Job.objects.create(
        kind=KIND,
        user=user,
        params={"path": str(path), "as_of": as_of.isoformat(), "source": source, "address": address},
    )
    try:
        runner.start(job)
    except OSError as exc:
        discard_upload(path)
        Job.objects.filter(pk=job.pk).update(state=JobState.FAILED, error=f"无法启动导入进程：{exc}"[:500])
    job.refresh_from_db()
    return job


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
        result = do_import_facilities(
            path,
            actor=job.user,
            source=params.get("source") or path.name,
            as_of=dt.date.fromisoformat(as_of) if as_of else None,
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
        "error_rows": [e.as_dict() for e in result.errors[:200]],
        "batch": result.batch_id,
        "failed": result.failed,
    }


def discard_job_upload(job: Job) -> None:
    """Clear away a dead job's uploaded file (for ``runner.CLEANUPS``)."""
    discard_upload(Path(job.params["path"]))
