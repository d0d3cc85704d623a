"""Issue 10 items 5, 8 and 10: the web import runs in a worker process whose state is a database row,
errors are stored as rows (capped, the count exact), and a failed import is audited and leaves no file."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from yanglao.audit.models import Action, AuditEvent
from yanglao.core.idnumber import make_id_number
from yanglao.jobs import runner
from yanglao.jobs.models import Job, JobState
from yanglao.registry.models import ImportBatch, ImportRowError, Person

VILLAGE = "152223100001"  # 龙腾社区, 音德尔镇
WANG = make_id_number("152223", dt.date(1950, 3, 1), 702)
GOOD = f"id_number,name,residence_region\n{WANG},王秀英,{VILLAGE}\n"

pytestmark = pytest.mark.django_db


def no_uploads_left(settings: Any) -> bool:
    uploads = Path(settings.HOME) / "uploads"
    return not uploads.exists() or list(uploads.iterdir()) == []


def post(client: Any, text: str | bytes = GOOD, name: str = "feed.csv", **fields: str) -> Any:
    data = text.encode() if isinstance(text, str) else text
    return client.post(
        reverse("import-upload"), {"file": SimpleUploadedFile(name, data), "source": "minzheng", **fields}
    )


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The worker processes the web would start (recorded, not started: the test runs them)."""
    commands: list[list[str]] = []

    def popen(command: list[str], **options: Any) -> None:
        assert options["start_new_session"] is True
        commands.append(command)

    monkeypatch.setattr(runner.subprocess, "Popen", popen)
    return commands


def test_the_upload_only_queues_a_job_and_a_worker_process_imports_it(
    login: Any, township_user: Any, started: list[list[str]], settings: Any
) -> None:
    client = login(township_user)

    response = post(client, as_of="2026-06-01").json()

    job = Job.objects.get()
    assert started == [[sys.executable, "-m", "yanglao.cli", "runjob", str(job.pk)]]
    assert not Person.objects.exists()  # nothing was imported inside the request
    waiting = client.get(response["progress"]).json()
    assert (waiting["state"], waiting["finished"], waiting["result"]) == (JobState.QUEUED, False, None)

    call_command("runjob", str(job.pk), stdout=io.StringIO())  # what the worker process runs

    done = client.get(response["progress"]).json()
    assert (done["state"], done["finished"], done["done"], done["total"]) == (JobState.DONE, True, 1, 1)
    assert (done["result"]["created"], done["result"]["errors"], done["result"]["report"]) == (1, 0, None)
    assert ImportBatch.objects.get().as_of == dt.date(2026, 6, 1)
    assert no_uploads_left(settings)


def test_a_job_runs_once(login: Any, township_user: Any, started: list[list[str]]) -> None:
    post(login(township_user))
    job = Job.objects.get()
    runner.run_job(job.pk)

    again = runner.run_job(job.pk)

    assert again.state == JobState.DONE
    assert ImportBatch.objects.count() == 1


def test_a_job_that_crashes_is_failed_with_its_reason(
    login: Any, township_user: Any, started: list[list[str]], monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    from yanglao.registry import importjob

    def crash(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr(importjob, "do_import_persons", crash)
    client = login(township_user)
    response = post(client).json()

    runner.run_job(Job.objects.get().pk)

    result = client.get(response["progress"]).json()["result"]
    assert result == {"failed": "处理失败，未写入任何数据：磁盘已满"}
    assert no_uploads_left(settings)


def test_the_worker_imports_as_the_uploader_and_nobody_else_sees_the_job(
    login: Any, township_user: Any, outsider: Any, started: list[list[str]], client: Any
) -> None:
    response = post(login(township_user)).json()
    runner.run_job(Job.objects.get().pk)

    client.force_login(outsider)

    assert client.get(response["progress"]).status_code == 404
    assert ImportBatch.objects.get().user_id == township_user.pk


# --- errors as rows -------------------------------------------------------------------------------


def test_errors_are_rows_capped_by_the_setting_and_counted_exactly(tmp_path: Path, settings: Any) -> None:
    settings.IMPORT_LIMITS = dataclasses.replace(settings.IMPORT_LIMITS, max_errors_kept=2)
    bad = [make_id_number("152223", dt.date(1940, 1, 1), 500 + n)[:17] + "X" for n in range(5)]
    path = tmp_path / "bad.csv"
    path.write_text("id_number,name\n" + "".join(f"{i},某人\n" for i in bad), encoding="utf-8")
    out = io.StringIO()

    with pytest.raises(SystemExit):
        call_command("import", "persons", str(path), "--source", "旗民政局", "--json", stdout=out)

    result = json.loads(out.getvalue())
    assert (result["errors_total"], len(result["errors"])) == (5, 2)
    batch = ImportBatch.objects.get()
    assert batch.error_count == 5
    assert list(ImportRowError.objects.filter(batch=batch).values_list("line", flat=True)) == [2, 3]


# --- failed imports are audited and leave no file ----------------------------------------------------


def test_an_unreadable_upload_is_audited_as_failed_and_its_file_deleted(
    login: Any, township_user: Any, settings: Any
) -> None:
    settings.IMPORT_INLINE = True
    client = login(township_user)

    response = post(client, b"\x00\x01not a spreadsheet\xff" * 50, name="feed.xlsx").json()

    result = client.get(response["progress"]).json()["result"]
    assert result["failed"].startswith("导入失败，未写入任何数据：")
    event = AuditEvent.objects.get(action=Action.IMPORT)
    assert event.summary.startswith("导入 feed.xlsx（旗民政局）失败：")
    assert event.detail == {"failed": True}
    assert no_uploads_left(settings)
    assert not ImportBatch.objects.exists()


def test_an_upload_over_the_size_limit_is_refused_audited_and_not_kept(
    login: Any, township_user: Any, settings: Any
) -> None:
    settings.IMPORT_LIMITS = dataclasses.replace(settings.IMPORT_LIMITS, max_bytes=10)

    response = post(login(township_user))

    assert response.status_code == 400
    assert response.json()["error"].startswith("文件过大")
    assert AuditEvent.objects.get(action=Action.IMPORT).summary.startswith("上传 feed.csv 被拒绝：文件过大")
    assert not Job.objects.exists()
    assert no_uploads_left(settings)


def test_a_failed_command_line_import_is_audited(tmp_path: Path) -> None:
    path = tmp_path / "names.csv"
    path.write_text("姓名\n王秀英\n", encoding="utf-8")

    with pytest.raises(SystemExit):
        call_command("import", "persons", str(path), "--source", "旗民政局", stdout=io.StringIO())

    event = AuditEvent.objects.get(action=Action.IMPORT)
    assert (event.username, event.address) == ("命令行", "cli")
    assert event.summary == "导入 names.csv（旗民政局）失败：缺少必填列"


def test_a_job_whose_worker_died_is_shown_as_failed_and_its_file_deleted(
    login: Any, township_user: Any, started: list[list[str]], settings: Any
) -> None:
    import socket

    client = login(township_user)
    response = post(client).json()
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)  # a process id that no longer runs
    Job.objects.update(state=JobState.RUNNING, pid=pid, host=socket.gethostname())

    progress = client.get(response["progress"]).json()

    assert (progress["state"], progress["finished"]) == (JobState.FAILED, True)
    assert progress["result"] == {"failed": "导入进程已停止，未写入任何数据"}
    assert no_uploads_left(settings)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_progress_is_seen_while_the_import_transaction_is_open(
    postgres: None, township_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import connections, transaction

    seen: list[int] = []

    def handler(job: Job, progress: Any) -> dict[str, Any]:
        with transaction.atomic():  # like an import: one long write transaction
            progress(1234)
            other = connections.create_connection("default")  # another server process polling
            try:
                with other.cursor() as cursor:
                    cursor.execute("SELECT done FROM jobs_job WHERE id = %s", [job.pk])
                    seen.append(cursor.fetchone()[0])
            finally:
                other.close()
        return {"done": 2000}

    monkeypatch.setitem(runner.KINDS, "test", f"{__name__}.HANDLER")
    monkeypatch.setattr(sys.modules[__name__], "HANDLER", handler, raising=False)
    job = Job.objects.create(kind="test", user=township_user)

    finished = runner.run_job(job.pk)

    assert seen == [1234]
    assert (finished.state, finished.done) == (JobState.DONE, 2000)
