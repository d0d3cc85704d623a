"""Discovery and preparing a payment roll from the web run as background jobs (issue 11, item 14): the
request only creates the job's row and starts its worker; the job's page (its owner's only) polls the
row; a finished job answers with its outcome. Inline here (``JOBS_INLINE``) or run by hand with
:func:`yanglao.jobs.runner.run_job`, as the worker process would."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from tests.integration.test_payments_roll import TOWNSHIP, setup_people
from yanglao.entitlements.models import Finding, FindingKind
from yanglao.jobs import runner
from yanglao.jobs.models import Job, JobState
from yanglao.payments.models import PaymentRoll

pytestmark = pytest.mark.django_db

JUNE = {"month": "2025-06", "catalog": "152223", "region": TOWNSHIP}


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Jobs are left queued (no worker started): the list of the jobs that were to be started."""
    started: list[int] = []
    monkeypatch.setattr(runner, "start", lambda job: started.append(job.pk))
    return started


def test_discovery_from_the_web_runs_as_a_job_and_its_page_follows_it(
    login: Any, township_user: Any, outsider: Any, make_person: Callable[..., Any], queued: list[int]
) -> None:
    missed = make_person("漏保老人", birth=dt.date(1940, 1, 1))
    client = login(township_user)

    response = client.post(reverse("entitlements:run"))

    job = Job.objects.get()
    assert (job.kind, job.state, job.user, job.params["region"]) == (
        "discover",
        "queued",
        township_user,
        TOWNSHIP,
    )
    assert queued == [job.pk]
    assert not Finding.objects.exists()  # nothing was done inside the request
    assert response["Location"] == reverse("entitlements:job", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert "排队中" in page
    assert "entitlements/job.js" in page
    progress = client.get(response["Location"], headers={"Accept": "application/json"}).json()
    assert progress == {"done": 0, "total": 0, "finished": False, "state": "queued"}
    assert login(outsider).get(response["Location"]).status_code == 404  # another user's job

    runner.run_job(job.pk)  # what the worker process does

    client = login(township_user)
    done = client.get(reverse("entitlements:job", args=[job.pk]), follow=True)
    assert done.redirect_chain[-1][0] == reverse("entitlements:township", args=[TOWNSHIP])
    assert "已完成服务找人" in done.content.decode()
    assert Finding.objects.filter(person=missed, kind=FindingKind.MISSED).exists()
    job.refresh_from_db()
    assert job.state == JobState.DONE
    assert job.result["created"] >= 1


def test_discovery_inline_answers_with_its_outcome(
    login: Any, township_user: Any, make_person: Callable[..., Any], settings: Any
) -> None:
    settings.JOBS_INLINE = True
    make_person("漏保老人", birth=dt.date(1940, 1, 1))

    response = login(township_user).post(reverse("entitlements:run"), follow=True)

    assert "已完成服务找人" in response.content.decode()
    assert Job.objects.get().state == JobState.DONE


def test_a_roll_is_prepared_by_a_job_and_the_job_page_leads_to_it(
    login: Any, township_user: Any, make_person: Callable[..., Any], queued: list[int]
) -> None:
    setup_people(make_person)
    client = login(township_user)

    response = client.post(reverse("payments:prepare"), JUNE)

    job = Job.objects.get()
    assert (job.kind, job.state, job.params) == (
        "prepare_roll",
        "queued",
        {"region": TOWNSHIP, "catalog": "152223", "month": "2025-06", "new_only": True},
    )
    assert not PaymentRoll.objects.exists()
    assert response["Location"] == reverse("payments:job", args=[job.pk])
    assert "生成补贴发放表" in client.get(response["Location"]).content.decode()

    runner.run_job(job.pk)

    roll = PaymentRoll.objects.get()
    done = client.get(response["Location"], follow=True)
    assert done.redirect_chain[-1][0] == reverse("payments:roll", args=[roll.pk])
    assert "合计 1840.00 元" in done.content.decode()


def test_a_job_that_fails_says_why_on_its_page(
    login: Any, township_user: Any, make_person: Callable[..., Any], queued: list[int]
) -> None:
    client = login(township_user)
    client.post(reverse("payments:prepare"), JUNE)
    job = Job.objects.get()
    township_user.is_active = False  # the user was disabled before the worker started
    township_user.save()

    runner.run_job(job.pk)

    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert "发起任务的用户已停用" in job.error
    township_user.is_active = True
    township_user.save()
    page = login(township_user).get(reverse("payments:job", args=[job.pk]))
    assert page.status_code == 200
    assert "发起任务的用户已停用" in page.content.decode()
    assert not PaymentRoll.objects.exists()
