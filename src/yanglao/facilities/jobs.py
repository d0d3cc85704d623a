"""The facility import as a background job (kind ``import_facilities``, :mod:`yanglao.jobs.runner`).

The web form ("network"'s page) calls :func:`queue_import` with the uploaded file; the worker imports it as
the uploader (their jurisdiction) and deletes the file whatever happens (like the person import,
:mod:`yanglao.registry.importjob`, whose uploads folder it shares).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from yanglao.facilities.imports import do_import_facilities
from yanglao.jobs.models import Job
from yanglao.registry.importjob import begin, discard_upload, queue_upload, save_upload

__all__ = ["KIND", "queue_import", "run_import_job", "save_upload"]

KIND = "import_facilities"


def queue_import(user: Any, path: Path, *, as_of: dt.date, source: str = "", address: str = "") -> Job:
    """Create the job for an uploaded file and start it (a worker process, or inline in tests)."""
    return queue_upload(KIND, user, path, as_of=as_of.isoformat(), source=source, address=address)


def run_import_job(job: Job, progress: Callable[[int], None]) -> dict[str, Any]:
    params = job.params
    path = Path(params["path"])
    try:
        begin(job, path)
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
