"""服务找人 as a background job (kind ``discover``, see :mod:`yanglao.jobs.runner`).

The run button creates the job and starts its worker; the worker runs discovery over the region the
job names, as the user who asked (still active, still allowed, the region still theirs), and the job's
page polls the row. :func:`own_job` is how a job's page is reached: only its owner sees it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest

from yanglao.accounts.scope import may, scope_of
from yanglao.entitlements.actions import do_discover
from yanglao.jobs import runner
from yanglao.jobs.models import Job, JobState
from yanglao.regions.models import Region

KIND = "discover"


def start_job(kind: str, user: Any, params: dict[str, Any]) -> Job:
    """Create the job's row and start its worker (inline with ``JOBS_INLINE``); a worker that cannot
    be started fails the job with the reason."""
    job = Job.objects.create(kind=kind, user=user, params=params)
    try:
        runner.start(job)
    except OSError as exc:
        Job.objects.filter(pk=job.pk).update(state=JobState.FAILED, error=f"无法启动后台进程：{exc}"[:500])
    job.refresh_from_db()
    return job


def own_job(request: HttpRequest, pk: int, kind: str) -> Job:
    """The job ``pk`` of ``kind`` if the user started it; 404 otherwise (a job names no person)."""
    job = Job.objects.filter(pk=pk, kind=kind).first()
    if job is None or request.user.pk is None or job.user_id != request.user.pk:
        raise Http404("未找到该任务")
    return runner.check(job)


def run_discovery_job(job: Job, progress: Callable[[int], None]) -> dict[str, Any]:
    user = job.user
    if user is None or not user.is_active or not may(user, "entitlements.work"):
        raise PermissionError("发起任务的用户已停用或不能处理服务找人事项")
    region = Region.objects.get(code=job.params["region"])
    if not scope_of(user).covers(region.code):
        raise PermissionError("该区划不在发起任务的用户的辖区内")
    outcome = do_discover(region, dt.date.fromisoformat(job.params["on"]), actor=user)
    progress(outcome.persons)
    return {**outcome.as_dict(), "done": outcome.persons, "region_name": region.name}
