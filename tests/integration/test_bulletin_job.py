"""The bulletin made in the background (issue 11, item 14): the page's button starts a ``bulletin`` job,
the page shows its progress (JSON for the bar) and then the download link; only its owner sees it."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from yanglao.audit.models import Action, AuditEvent
from yanglao.jobs.models import Job, JobState
from yanglao.registry.models import Person
from yanglao.stats.cache import _store

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    _store().clear()
    yield
    _store().clear()


@pytest.fixture
def people(make_person: Callable[..., Person]) -> None:
    for i in range(5):
        make_person(f"老人{i}", birth=dt.date(1940, 1, 1 + i))


def last_month(today: dt.date) -> dt.date:
    return today.replace(day=1) - dt.timedelta(days=1)


def test_the_button_starts_a_job_whose_page_then_offers_the_file(
    login: Any, county_user: Any, people: None, today: dt.date, settings: Any
) -> None:
    settings.JOBS_INLINE = True
    client = login(county_user)
    on = last_month(today)
    url = reverse("stats:bulletin-file", args=["152223", on.year, on.month, "xlsx"])
    page = client.get(reverse("stats:bulletin") + "?region=152223").content.decode()
    assert f'action="{url}"' in page
    response = client.post(url)
    assert response.status_code == 302
    job = Job.objects.get(kind="bulletin")
    assert (job.state, job.done, job.total, job.user) == (JobState.DONE, 3, 3, county_user)
    assert job.params == {"region": "152223", "year": on.year, "month": on.month, "format": "xlsx"}
    assert response["Location"].endswith(f"job={job.pk}")
    progress = client.get(response["Location"], HTTP_ACCEPT="application/json").json()
    assert progress["finished"]
    assert progress["state"] == "done"
    page = client.get(response["Location"]).content.decode()
    assert f'<a href="{url}">下载 XLSX</a>' in page
    book = load_workbook(io.BytesIO(client.get(url).content))
    assert "公报" in book.sheetnames
    assert AuditEvent.objects.filter(action=Action.EXPORT, object_type="bulletin", user=county_user).exists()


def test_a_running_job_shows_its_progress_bar(login: Any, county_user: Any, today: dt.date) -> None:
    on = last_month(today)
    job = Job.objects.create(
        kind="bulletin",
        user=county_user,
        state=JobState.RUNNING,
        total=3,
        done=1,
        params={"region": "152223", "year": on.year, "month": on.month, "format": "pdf"},
    )
    page = login(county_user).get(reverse("stats:bulletin") + f"?region=152223&job={job.pk}")
    text = page.content.decode()
    assert '<progress id="bulletin-progress" max="3" value="1">' in text
    assert "stats/bulletin-job.js" in text


def test_someone_elses_job_is_not_found(login: Any, county_user: Any, auditor: Any, today: dt.date) -> None:
    on = last_month(today)
    job = Job.objects.create(
        kind="bulletin",
        user=county_user,
        params={"region": "152223", "year": on.year, "month": on.month, "format": "pdf"},
    )
    response = login(auditor).get(reverse("stats:bulletin") + f"?region=152223&job={job.pk}")
    assert response.status_code == 404


def test_a_job_for_a_region_out_of_scope_fails(township_user: Any, today: dt.date) -> None:
    from yanglao.jobs.runner import run_job

    on = last_month(today)
    job = Job.objects.create(
        kind="bulletin",
        user=township_user,
        params={"region": "152223", "year": on.year, "month": on.month, "format": "pdf"},
    )
    assert run_job(job.pk).state == JobState.FAILED
