"""Stale-while-revalidate of the statistics pages (issue 11, "no page of the menus above 1 s"): after a
change of the data the dashboard and the bulletin's page answer at once with the figures computed
before, marked with their time, while one ``stats_refresh`` job recomputes them; exports never take
stale figures."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from tests.conftest import COUNTY, SHANGHAI, TOWNSHIP
from yanglao.facilities.models import Facility, FacilityKind
from yanglao.jobs.models import Job, JobState
from yanglao.jobs.runner import run_job
from yanglao.regions.models import Region
from yanglao.registry.models import Person
from yanglao.stats import fresh
from yanglao.stats.cache import _store, bump, data_version, peek
from yanglao.stats.models import Snapshot
from yanglao.stats.opendata import reference_date

pytestmark = pytest.mark.django_db
DASHBOARD = f"/stats/region/{COUNTY}/"
STALE = "数据已更新，统计正在重新计算（显示的是 "


@pytest.fixture(autouse=True)
def empty_cache(settings: Any) -> Iterator[None]:
    settings.JOBS_INLINE = True  # a refresh job is left queued (no worker process): the test runs it
    _store().clear()
    yield
    _store().clear()


@pytest.fixture
def commits(django_capture_on_commit_callbacks: Any) -> Callable[[], AbstractContextManager[Any]]:
    """Run what a commit would run (the write token's renewal and the write's refresh job)."""

    @contextmanager
    def commit() -> Iterator[None]:
        with django_capture_on_commit_callbacks(execute=True):
            yield
        connection.run_on_commit.clear()

    return commit


@pytest.fixture
def home(commits: Callable[[], AbstractContextManager[Any]]) -> Facility:
    with commits():
        return Facility.objects.create(
            name="音德尔镇敬老院",
            kind=FacilityKind.PUBLIC_HOME,
            region=Region.objects.get(code=TOWNSHIP),
            beds=100,
            occupied_beds=50,
        )


def refresh_jobs(**params: Any) -> list[Job]:
    jobs = Job.objects.filter(kind=fresh.KIND).order_by("pk")
    return [job for job in jobs if all(job.params.get(k) == v for k, v in params.items())]


def change_beds(home: Facility, beds: int, commits: Callable[[], AbstractContextManager[Any]]) -> None:
    with commits():
        home.beds = beds
        home.save()


def test_figures_computed_once_then_a_change_shows_them_marked_until_the_job_recomputes(
    login: Any,
    county_user: Any,
    home: Facility,
    today: dt.date,
    commits: Callable[[], AbstractContextManager[Any]],
) -> None:
    client = login(county_user)
    first = client.get(DASHBOARD).content.decode()
    assert "1 / 100" in first
    assert STALE not in first  # computed in the request: no earlier figures to show
    snapshot = Snapshot.objects.get(kind="dashboard", region=COUNTY, on=today)
    assert refresh_jobs(region=COUNTY) == []

    change_beds(home, 120, commits)
    page = client.get(DASHBOARD).content.decode()
    assert "1 / 100" in page  # the figures of before the change, at once
    assert f"{STALE}{snapshot.computed_at.astimezone(SHANGHAI):%H:%M} 的数字）" in page
    assert 'class="stale-note"' in page
    # one job waits: the write's (it recomputes what pages asked for lately), so the page queued none
    [job] = refresh_jobs()
    assert (job.state, job.params) == (JobState.QUEUED, {"recent": True})

    assert run_job(job.pk).state == JobState.DONE
    page = client.get(DASHBOARD).content.decode()
    assert "1 / 120" in page
    assert STALE not in page


def test_one_waiting_job_per_region_and_date(
    login: Any,
    county_user: Any,
    home: Facility,
    today: dt.date,
    commits: Callable[[], AbstractContextManager[Any]],
) -> None:
    client = login(county_user)
    client.get(DASHBOARD)
    Job.objects.filter(kind=fresh.KIND).delete()  # the write's own job is tested below
    with commits():
        home.beds = 130
        home.save()
    Job.objects.filter(kind=fresh.KIND).delete()
    for _ in range(3):
        assert STALE in client.get(DASHBOARD).content.decode()
    assert len(refresh_jobs(region=COUNTY, date=today.isoformat())) == 1
    # another date of the same region is another job
    yesterday = today - dt.timedelta(days=1)
    client.get(f"{DASHBOARD}?date={yesterday.isoformat()}")
    change_beds(home, 140, commits)
    Job.objects.filter(kind=fresh.KIND, params__recent=True).delete()
    client.get(f"{DASHBOARD}?date={yesterday.isoformat()}")
    client.get(f"{DASHBOARD}?date={yesterday.isoformat()}")
    assert len(refresh_jobs(region=COUNTY, date=yesterday.isoformat())) == 1
    assert len(refresh_jobs(region=COUNTY, date=today.isoformat())) == 1


def test_a_write_queues_one_recomputation_of_what_pages_asked_for(
    login: Any,
    county_user: Any,
    home: Facility,
    today: dt.date,
    commits: Callable[[], AbstractContextManager[Any]],
) -> None:
    assert fresh.after_write() is None  # no page asked for anything yet
    client = login(county_user)
    client.get(DASHBOARD)
    change_beds(home, 150, commits)
    change_beds(home, 160, commits)  # a second write while the first's job waits: no second job
    [job] = refresh_jobs(recent=True)
    # A page asking meanwhile is answered with the older figures and queues nothing of its own: the
    # write's job recomputes what it shows.
    assert "1 / 100" in client.get(DASHBOARD).content.decode()
    assert refresh_jobs(region=COUNTY) == []
    assert run_job(job.pk).state == JobState.DONE
    assert job.pk == refresh_jobs(recent=True)[0].pk
    page = client.get(DASHBOARD).content.decode()
    assert "1 / 160" in page
    assert STALE not in page
    # the job ran: the next write queues a new one
    change_beds(home, 170, commits)
    assert len(refresh_jobs(recent=True)) == 2


def test_a_job_no_worker_claimed_does_not_block_the_next(
    login: Any, county_user: Any, home: Facility, commits: Callable[[], AbstractContextManager[Any]]
) -> None:
    client = login(county_user)
    client.get(DASHBOARD)
    change_beds(home, 110, commits)
    [job] = refresh_jobs(recent=True)
    Job.objects.filter(pk=job.pk).update(created_at=job.created_at - dt.timedelta(minutes=11))
    change_beds(home, 111, commits)
    jobs = refresh_jobs(recent=True)
    assert [j.state for j in jobs] == [JobState.FAILED, JobState.QUEUED]


def test_the_bulletin_page_is_marked_but_its_documents_are_computed_from_the_new_data(
    login: Any,
    county_user: Any,
    make_person: Callable[..., Person],
    today: dt.date,
    commits: Callable[[], AbstractContextManager[Any]],
) -> None:
    with commits():
        for i in range(20):
            make_person(f"老人{i}", birth=dt.date(1940, 1, 1 + i), sex="12"[i % 2])
    client = login(county_user)
    on = today.replace(day=1) - dt.timedelta(days=1)
    page_url = reverse("stats:bulletin") + f"?region={COUNTY}&month={on:%Y-%m}"
    assert STALE not in client.get(page_url).content.decode()
    csv_url = f"/stats/open/{COUNTY}/sex.csv"
    assert client.get(csv_url).content.decode("utf-8-sig").splitlines()[-1].endswith(",10,10,20")
    with commits():
        make_person("新来的", birth=dt.date(1941, 2, 2))
    Job.objects.filter(kind=fresh.KIND).delete()
    page = client.get(page_url).content.decode()
    assert STALE in page
    assert "生成的 PDF、XLSX 按最新数据计算" in page
    assert len(refresh_jobs(region=COUNTY, date=on.isoformat())) == 1
    # The document: the new person is counted (ages sheet: 21 people 60+), not the page's 20.
    url = reverse("stats:bulletin-file", args=[COUNTY, on.year, on.month, "xlsx"])
    book = load_workbook(io.BytesIO(client.get(url).content))
    ages = book["年龄构成"]
    assert sum(row[1] for row in ages.iter_rows(min_row=2, values_only=True)) == 21
    # open data of the same month: computed from the current data as well
    assert client.get(csv_url).content.decode("utf-8-sig").splitlines()[-1].endswith(",10,11,21")


def test_a_snapshot_of_an_older_shape_is_never_shown(
    login: Any,
    county_user: Any,
    home: Facility,
    today: dt.date,
    commits: Callable[[], AbstractContextManager[Any]],
) -> None:
    client = login(county_user)
    client.get(DASHBOARD)
    Snapshot.objects.filter(kind="dashboard").update(version="5-0123456789abcdef")
    bump()
    page = client.get(DASHBOARD).content.decode()
    assert STALE not in page
    assert "1 / 100" in page


def test_the_evaluation_page_is_marked_and_its_export_computed_from_the_new_data(
    login: Any,
    county_user: Any,
    home: Facility,
    today: dt.date,
    commits: Callable[[], AbstractContextManager[Any]],
) -> None:
    client = login(county_user)
    page_url = reverse("stats:evaluation") + f"?region={COUNTY}"
    assert STALE not in client.get(page_url).content.decode()
    change_beds(home, 90, commits)
    assert STALE in client.get(page_url).content.decode()
    assert peek("dashboard", COUNTY, today, data_version()) is None
    export = client.get(reverse("stats:evaluation-export", args=[COUNTY]) + f"?date={today.isoformat()}")
    assert export.status_code == 200
    # the export computed the figures of the current data (and so the page has them now)
    assert peek("dashboard", COUNTY, today, data_version())["stats"]["institution_beds"] == 90
    assert STALE not in client.get(page_url).content.decode()


def test_the_writes_job_makes_the_entitlements_section_and_the_open_data_ahead(
    login: Any,
    county_user: Any,
    make_person: Callable[..., Person],
    today: dt.date,
    commits: Callable[[], AbstractContextManager[Any]],
) -> None:
    with commits():
        for i in range(20):
            make_person(f"老人{i}", birth=dt.date(1940, 1, 1 + i), sex="12"[i % 2])
    client = login(county_user)
    client.get(DASHBOARD)
    with commits():
        make_person("新来的", birth=dt.date(1941, 2, 2))
    [job] = refresh_jobs(recent=True)
    assert run_job(job.pk).state == JobState.DONE
    version = data_version()
    assert peek("entitlements-section", COUNTY, today, version) is not None
    assert Snapshot.objects.filter(kind="entitlements-section", region=COUNTY, on=today).exists()
    made = peek("open-sex", COUNTY, reference_date(), version)
    assert made is not None
    assert made.decode("utf-8-sig").splitlines()[-1].endswith(",10,11,21")
    body = client.get(reverse("stats:entitlements", args=[COUNTY]) + f"?date={today.isoformat()}").json()
    assert body["stale_note"] == ""


def test_the_note_names_the_day_when_the_figures_are_not_todays(today: dt.date) -> None:
    computed = dt.datetime.combine(today - dt.timedelta(days=1), dt.time(15, 7), tzinfo=SHANGHAI)
    note = fresh.Answer({}, stale_since=computed).note()
    yesterday = today - dt.timedelta(days=1)
    assert (
        note == f"数据已更新，统计正在重新计算（显示的是 {yesterday.month}月{yesterday.day}日 15:07 的数字）"
    )
    assert fresh.Answer({}).note() == ""
