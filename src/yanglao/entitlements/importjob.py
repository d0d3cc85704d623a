"""The enrolment import from the web as a background job (kind ``import_enrolments``,
:mod:`yanglao.jobs.runner`): the worker imports the uploaded file as the uploader, for their own
people only, and deletes the file whatever happens (the person and facility imports work the same
way, :mod:`yanglao.registry.importjob`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from yanglao.audit.log import audit
from yanglao.audit.models import Action
from yanglao.core.records_io import FileFormatError
from yanglao.entitlements.imports import COLUMNS, do_import_enrolments
from yanglao.jobs.models import Job
from yanglao.registry.access import scoped_persons
from yanglao.registry.importjob import begin, discard_upload, queue_upload

KIND = "import_enrolments"
SHOWN_ERRORS = 500  # errors kept with the job for the page; the count says how many there were

FIELD_LABELS: dict[str, str] = {name: aliases[0] for name, aliases in COLUMNS.items()}


def field_label(name: str) -> str:
    """A field's name as the file's Chinese header says it (an unknown column keeps its own name)."""
    return FIELD_LABELS.get(name, name)


def queue_import(user: Any, path: Path, *, source: str, address: str = "") -> Job:
    return queue_upload(KIND, user, path, source=source, address=address, filename=path.name)


def run_import_job(job: Job, progress: Callable[[int], None]) -> dict[str, Any]:
    params = job.params
    path = Path(params["path"])
    try:
        begin(job, path)
        try:
            result = do_import_enrolments(
                path,
                source=params["source"],
                actor=job.user,
                progress=progress,
                among=scoped_persons(job.user),
                address=params.get("address") or None,
            )
        except FileFormatError as exc:
            audit(
                job.user,
                Action.IMPORT,
                address=params.get("address") or None,
                object_type="enrolments",
                object_id=path.name[:64],
                summary=f"导入享受记录“{path.name}”失败：{exc}"[:300],
                detail={"failed": True},
            )
            return {"done": 0, "unreadable": f"文件无法读取：{exc}", "filename": path.name}
    finally:
        discard_upload(path)
    counts = {k: v for k, v in result.as_dict().items() if k != "errors"}
    return {
        **counts,
        "done": result.rows,
        "filename": path.name,
        "error_count": len(result.errors),
        "error_rows": [
            {**e.report_dict(), "field": field_label(e.field)} for e in result.errors[:SHOWN_ERRORS]
        ],
    }
