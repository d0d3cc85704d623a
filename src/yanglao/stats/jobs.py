"""The statistical bulletin (PDF or XLSX) as a background job (kind ``bulletin``, see
:mod:`yanglao.jobs.runner`): the bulletin page starts it, the job's page shows its progress bar and
then the download. The document is kept in the statistics cache (until the data change), so the
download link the job's page then shows answers at once; the download is audited there. Only the user
who asked may see the job (:func:`own_job`)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest

from yanglao.jobs import runner
from yanglao.jobs.models import Job, JobState
from yanglao.regions.models import Region

KIND = "bulletin"
STEPS = 3  # the figures, the document begun, the document made
FORMATS = ("pdf", "xlsx")


def start_bulletin(user: Any, region: Region, year: int, month: int, fmt: str) -> Job:
    """Create the job's row and start its worker (inline with ``JOBS_INLINE``)."""
    params = {"region": region.code, "year": year, "month": month, "format": fmt}
    job = Job.objects.create(kind=KIND, user=user, params=params, total=STEPS)
    try:
        runner.start(job)
    except OSError as exc:
        Job.objects.filter(pk=job.pk).update(state=JobState.FAILED, error=f"无法启动后台进程：{exc}"[:500])
    job.refresh_from_db()
    return job


def run_bulletin_job(job: Job, progress: Callable[[int], None]) -> dict[str, Any]:
    """Make the bulletin the job names, for the user who asked (still active, the region still theirs)."""
    from yanglao.stats.access import may_see
    from yanglao.stats.bulletin import bulletin_bytes, bulletin_date, figures

    params = job.params
    if params.get("format") not in FORMATS:
        raise ValueError("没有该格式")
    region = Region.objects.get(code=params["region"])
    user = job.user
    if user is None or not user.is_active or not may_see(user, region):
        raise PermissionError("无权生成该区划的统计公报")
    started = time.perf_counter()
    on = bulletin_date(int(params["year"]), int(params["month"]))
    figures(region, on)
    progress(1)
    progress(2)
    data = bulletin_bytes(region, on, params["format"])
    progress(STEPS)
    return {"done": STEPS, "bytes": len(data), "seconds": round(time.perf_counter() - started, 2)}


def own_job(request: HttpRequest, pk: int) -> Job:
    """The bulletin job ``pk`` if the user started it; 404 otherwise (a job names no person)."""
    job = Job.objects.filter(pk=pk, kind=KIND).first()
    if job is None or request.user.pk is None or job.user_id != request.user.pk:
        raise Http404("没有该任务")
    return runner.check(job)
