"""Starting and running background jobs (:class:`~yanglao.jobs.models.Job`).

The web process only creates the job's row and starts a separate worker process,
``python -m yanglao.cli runjob PK``; the worker claims the row, runs the kind's handler and writes the
progress and the outcome to the row. The browser polls the row, so any server process can answer, and
neither a restart of the server nor a second server process loses the job. With the setting
``JOBS_INLINE`` (or the older ``IMPORT_INLINE``, used by the tests) the job runs inside the request.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone
from django.utils.module_loading import import_string

from yanglao.jobs.models import Job, JobState

# kind → the handler ``handler(job, progress) -> result`` (a dotted path: the handlers' apps import this
# module, not the other way round). A result's ``done`` is the work done in the end.
KINDS: dict[str, str] = {
    "import_persons": "yanglao.registry.importjob.run_import_job",
    "discover": "yanglao.entitlements.jobs.run_discovery_job",
    "prepare_roll": "yanglao.payments.jobs.run_roll_job",
    "bulletin": "yanglao.stats.jobs.run_bulletin_job",
    "import_facilities": "yanglao.facilities.jobs.run_import_job",
}
# kind → what to clear away when a job's worker is gone (its uploaded file).
CLEANUPS: dict[str, str] = {
    "import_persons": "yanglao.registry.importjob.discard_job_upload",
}
Handler = Callable[[Job, Callable[[int], None]], dict[str, Any]]


def inline() -> bool:
    return bool(getattr(settings, "JOBS_INLINE", False) or getattr(settings, "IMPORT_INLINE", False))


def worker_command(job: Job) -> list[str]:
    return [sys.executable, "-m", "yanglao.cli", "runjob", str(job.pk)]


def start(job: Job) -> None:
    """Run ``job`` in a worker process of its own (or now, inline)."""
    if inline():
        run_job(job.pk)
        return
    log = Path(settings.HOME) / "jobs"
    log.mkdir(exist_ok=True)
    with (log / f"{job.pk}.log").open("ab") as out:
        # A session of its own: stopping or restarting the server does not stop the import.
        subprocess.Popen(
            worker_command(job), stdin=subprocess.DEVNULL, stdout=out, stderr=out, start_new_session=True
        )


class Progress:
    """Writes a job's progress to its row while the handler runs.

    A handler may hold a long write transaction (an import): rows written on that connection would
    only appear at its end, so on PostgreSQL the progress goes through a second connection. SQLite
    allows one writer at a time, so there the bar moves when the transaction ends."""

    def __init__(self, job: Job) -> None:
        self.pk = job.pk
        self.side: BaseDatabaseWrapper | None = None

    def __call__(self, done: int) -> None:
        if not connection.in_atomic_block:
            Job.objects.filter(pk=self.pk).update(done=done)
            return
        if connection.vendor != "postgresql":
            return
        if self.side is None:
            self.side = connections.create_connection("default")
        with self.side.cursor() as cursor:
            cursor.execute(f'UPDATE "{Job._meta.db_table}" SET done = %s WHERE id = %s', [done, self.pk])

    def close(self) -> None:
        if self.side is not None:
            self.side.close()


STARTING_AT_MOST = dt.timedelta(minutes=10)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def check(job: Job) -> Job:
    """A job whose worker is gone (killed, the machine restarted) is failed, not left running for ever:
    its worker's process is looked for on the worker's host; a job no worker claimed in ten minutes
    never started."""
    now = timezone.now()
    gone = ""
    if job.state == JobState.RUNNING and job.host == socket.gethostname() and job.pid and not _alive(job.pid):
        gone = "导入进程已停止，未写入任何数据"
    elif job.state == JobState.QUEUED and now - job.created_at > STARTING_AT_MOST:
        gone = "导入进程未能启动，未写入任何数据"
    if gone and Job.objects.filter(pk=job.pk, state=job.state).update(
        state=JobState.FAILED, error=gone, finished_at=now
    ):
        job.refresh_from_db()
        if job.kind in CLEANUPS:
            import_string(CLEANUPS[job.kind])(job)
    return job


def run_job(pk: int) -> Job:
    """Claim the queued job ``pk`` and run it to its end (a job is run once: a second call does nothing)."""
    claimed = Job.objects.filter(pk=pk, state=JobState.QUEUED).update(
        state=JobState.RUNNING, started_at=timezone.now(), pid=os.getpid(), host=socket.gethostname()
    )
    job = Job.objects.get(pk=pk)
    if not claimed:
        return job
    handler: Handler = import_string(KINDS[job.kind])
    progress = Progress(job)
    try:
        job.result = handler(job, progress)
        job.state = JobState.DONE
    except Exception as exc:  # the page must learn that the job failed, whatever the cause
        job.state, job.error = JobState.FAILED, f"处理失败，未写入任何数据：{exc}"[:500]
    finally:
        progress.close()
    reported = Job.objects.filter(pk=pk).values_list("done", flat=True).first() or 0
    job.done = max(job.done, reported, int(job.result.get("done", 0)))
    job.finished_at = timezone.now()
    job.save(update_fields=["result", "state", "error", "done", "finished_at"])
    return job
