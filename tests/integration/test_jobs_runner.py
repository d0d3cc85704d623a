"""The job runner with several server processes (issue 11, item 14): two workers racing for one job,
one runs it; a worker that died or went silent fails its job; a running worker keeps a heartbeat; old
job logs and uploads are swept away."""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import frozen_now
from yanglao.jobs import runner
from yanglao.jobs.models import Job, JobState

RUNS: list[int] = []


def slow_handler(job: Job, progress: Callable[[int], None]) -> dict[str, Any]:
    RUNS.append(job.pk)
    time.sleep(0.3)
    progress(1)
    return {"done": 1}


@pytest.fixture
def test_kind(monkeypatch: pytest.MonkeyPatch) -> str:
    RUNS.clear()
    monkeypatch.setitem(runner.KINDS, "test_slow", f"{__name__}.slow_handler")
    return "test_slow"


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_for_one_job_run_it_once(postgres: None, test_kind: str) -> None:
    job = Job.objects.create(kind=test_kind)
    start = threading.Barrier(2)
    outcomes: list[Job] = []

    def worker() -> None:
        try:
            start.wait()
            outcomes.append(runner.run_job(job.pk))
        finally:
            connection.close()  # each thread (a server process) has its own connection

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [job.pk] == RUNS
    job.refresh_from_db()
    assert job.state == JobState.DONE
    assert job.done == 1


@pytest.mark.django_db(transaction=True)
def test_a_running_worker_keeps_its_heartbeat(
    postgres: None, test_kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runner, "HEARTBEAT", dt.timedelta(seconds=0.05))
    job = Job.objects.create(kind=test_kind)
    runner.run_job(job.pk, heartbeat=True)
    job.refresh_from_db()
    assert job.state == JobState.DONE
    assert job.started_at is not None
    assert job.heartbeat_at is not None
    assert job.heartbeat_at > job.started_at  # renewed while the handler ran


@pytest.mark.django_db
def test_a_job_run_twice_runs_once(test_kind: str) -> None:
    job = Job.objects.create(kind=test_kind)
    runner.run_job(job.pk)
    runner.run_job(job.pk)
    assert [job.pk] == RUNS


@pytest.mark.django_db
def test_a_silent_worker_on_another_machine_fails_its_job() -> None:
    now = frozen_now()
    silent = Job.objects.create(
        kind="bulletin",
        state=JobState.RUNNING,
        host="another-server",
        pid=1,
        started_at=now - dt.timedelta(minutes=10),
        heartbeat_at=now - runner.SILENT_AT_MOST - dt.timedelta(seconds=1),
    )
    beating = Job.objects.create(
        kind="bulletin",
        state=JobState.RUNNING,
        host="another-server",
        pid=1,
        started_at=now - dt.timedelta(minutes=10),
        heartbeat_at=now - dt.timedelta(seconds=5),
    )
    assert runner.sweep()["failed"] == 1
    silent.refresh_from_db()
    beating.refresh_from_db()
    assert (silent.state, silent.error) == (JobState.FAILED, "后台进程已停止，任务未完成")
    assert beating.state == JobState.RUNNING


@pytest.mark.django_db
def test_a_worker_on_this_machine_is_judged_by_its_process_not_its_heartbeat() -> None:
    import socket

    job = Job.objects.create(
        kind="import_persons",
        state=JobState.RUNNING,
        host=socket.gethostname(),
        pid=os.getpid(),  # alive: a long SQLite import whose heartbeat waits behind its transaction
        heartbeat_at=frozen_now() - runner.SILENT_AT_MOST - dt.timedelta(minutes=5),
        params={"path": "/nonexistent/upload.csv"},
    )
    runner.check(job)
    job.refresh_from_db()
    assert job.state == JobState.RUNNING


@pytest.mark.django_db
def test_a_dead_worker_on_this_machine_fails_its_job() -> None:
    import socket
    import subprocess
    import sys

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True)
    pid = int(gone.stdout)
    job = Job.objects.create(
        kind="import_persons",
        state=JobState.RUNNING,
        host=socket.gethostname(),
        pid=pid,
        params={"path": "/nonexistent/upload.csv"},
    )
    runner.check(job)
    job.refresh_from_db()
    assert (job.state, job.error) == (JobState.FAILED, "导入进程已停止，未写入任何数据")


@pytest.mark.django_db
def test_the_sweep_deletes_old_logs_and_uploads_and_keeps_recent_ones() -> None:
    folder = runner.jobs_folder()
    running = Job.objects.create(kind="bulletin", state=JobState.RUNNING)
    old = frozen_now().timestamp() - runner.KEEP.total_seconds() - 3600
    old_log, recent_log, running_log = (
        folder / "90001.log",
        folder / "90002.log",
        folder / f"{running.pk}.log",
    )
    for path in (old_log, recent_log, running_log):
        path.write_text("log")
    os.utime(old_log, (old, old))
    os.utime(running_log, (old, old))
    uploads = Path(settings.HOME) / "uploads"
    old_upload, recent_upload = uploads / "abandoned", uploads / "recent"
    for path in (old_upload, recent_upload):
        path.mkdir(parents=True, exist_ok=True)
        (path / "file.csv").write_text("id_number\n")
    os.utime(old_upload, (old, old))
    runner.sweep()
    assert not old_log.exists()
    assert not old_upload.exists()
    assert recent_log.exists()
    assert recent_upload.exists()
    assert running_log.exists()  # a job still running keeps its log
    for path in (recent_log, running_log, recent_upload / "file.csv"):
        path.unlink()
    recent_upload.rmdir()  # other tests check that no upload is left behind
