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
import threading
import time
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
    "import_enrolments": "yanglao.entitlements.importjob.run_import_job",
    "services_daily": "yanglao.homeservices.daily.run_daily_job",
    "stats_refresh": "yanglao.stats.fresh.run_refresh_job",
}
# kind → what to clear away when a job's worker is gone (its uploaded file).
CLEANUPS: dict[str, str] = {
    "import_persons": "yanglao.registry.importjob.discard_job_upload",
    "import_facilities": "yanglao.registry.importjob.discard_job_upload",
    "import_enrolments": "yanglao.registry.importjob.discard_job_upload",
}
HEARTBEAT = dt.timedelta(seconds=30)  # how often a running worker renews its job's heartbeat
SILENT_AT_MOST = 4 * HEARTBEAT  # a running job whose heartbeat is older lost its worker
KEEP = dt.timedelta(days=7)  # job logs, job files and abandoned uploads are deleted after this
Handler = Callable[[Job, Callable[[int], None]], dict[str, Any]]


def inline() -> bool:
    return bool(getattr(settings, "JOBS_INLINE", False) or getattr(settings, "IMPORT_INLINE", False))


def worker_command(job: Job) -> list[str]:
    return [sys.executable, "-m", "yanglao.cli", "runjob", str(job.pk)]


def jobs_folder() -> Path:
    """``YANGLAO_HOME/jobs``: the workers' logs and the files jobs make (``<pk>.log``, ``<pk>.<ext>``)."""
    folder = Path(settings.HOME) / "jobs"
    folder.mkdir(exist_ok=True)
    return folder


def start(job: Job) -> None:
    """Run ``job`` in a worker process of its own (or now, inline)."""
    if inline():
        run_job(job.pk)
        return
    sweep()
    log = jobs_folder()
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
    its worker's process is looked for on the worker's host, and on any host a worker whose heartbeat
    stopped is gone; a job no worker claimed in ten minutes never started."""
    now = timezone.now()
    imports = job.kind.startswith("import")
    running, gone = job.state == JobState.RUNNING, ""
    here = job.host == socket.gethostname()
    dead = here and bool(job.pid) and not _alive(job.pid or 0)
    # Another machine's worker is judged by its heartbeat (here, the process itself is looked for: a
    # heartbeat can wait behind a long SQLite write).
    silent = not here and job.heartbeat_at is not None and now - job.heartbeat_at > SILENT_AT_MOST
    if running and (dead or silent):
        gone = "导入进程已停止，未写入任何数据" if imports else "后台进程已停止，任务未完成"
    elif job.state == JobState.QUEUED and now - job.created_at > STARTING_AT_MOST:
        gone = "导入进程未能启动，未写入任何数据" if imports else "后台进程未能启动，任务未完成"
    if gone and Job.objects.filter(pk=job.pk, state=job.state).update(
        state=JobState.FAILED, error=gone, finished_at=now
    ):
        job.refresh_from_db()
        if job.kind in CLEANUPS:
            import_string(CLEANUPS[job.kind])(job)
    return job


def sweep() -> dict[str, int]:
    """Fail the jobs whose worker is gone (:func:`check`) and delete, after :data:`KEEP`, job logs and
    files and the uploads of finished or forgotten jobs. Run when a job starts and by
    ``yanglao runjob --sweep`` (docs/operations.md)."""
    failed = 0
    for job in Job.objects.filter(state__in=(JobState.QUEUED, JobState.RUNNING)):
        failed += check(job).state == JobState.FAILED
    before = time.time() - KEEP.total_seconds()
    deleted = 0
    unfinished = {str(pk) for pk in Job.objects.filter(finished_at__isnull=True).values_list("pk", flat=True)}
    for path in jobs_folder().iterdir():
        if path.is_file() and path.stem not in unfinished and path.stat().st_mtime < before:
            path.unlink(missing_ok=True)
            deleted += 1
    uploads = Path(settings.HOME) / "uploads"
    if uploads.is_dir():
        for folder in uploads.iterdir():
            if folder.is_dir() and folder.stat().st_mtime < before:
                for path in folder.iterdir():
                    path.unlink(missing_ok=True)
                folder.rmdir()
                deleted += 1
    return {"failed": failed, "deleted": deleted}


class Heartbeat:
    """Renews a running job's ``heartbeat_at`` every :data:`HEARTBEAT` from a thread of the worker
    (its own database connection), until stopped."""

    def __init__(self, pk: int) -> None:
        self.pk = pk
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"job-{pk}-heartbeat", daemon=True)

    def _run(self) -> None:
        try:
            while not self.stopped.wait(HEARTBEAT.total_seconds()):
                try:
                    Job.objects.filter(pk=self.pk, state=JobState.RUNNING).update(heartbeat_at=timezone.now())
                except Exception:  # a busy SQLite writer: the next beat will do
                    continue
        finally:
            connection.close()

    def __enter__(self) -> Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped.set()
        self.thread.join()


def run_job(pk: int, heartbeat: bool = False) -> Job:
    """Claim the queued job ``pk`` and run it to its end (a job is run once: a second call does nothing;
    two workers racing for it: one claims it). A worker process (``heartbeat``) keeps the job's
    heartbeat while it runs."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=pk, state=JobState.QUEUED).update(
        state=JobState.RUNNING,
        started_at=now,
        heartbeat_at=now if heartbeat else None,
        pid=os.getpid(),
        host=socket.gethostname(),
    )
    job = Job.objects.get(pk=pk)
    if not claimed:
        return job
    if heartbeat:
        with Heartbeat(pk):
            return _run(job)
    return _run(job)


def _run(job: Job) -> Job:
    pk = job.pk
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
