"""The statistics cache never answers a figure the data have changed since (issue 11, item 13): an update
that changes no count and no largest id (a facility's beds, a finding worked, an enrolment ended) is
seen at once, through the signals' write token or the tables' latest ``updated_at``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import pytest
from django.db import connection, transaction

from tests.conftest import COUNTY, TOWNSHIP, frozen_now
from yanglao.entitlements.models import Enrolment, Finding, FindingKind, FindingState
from yanglao.facilities.models import Facility, FacilityKind
from yanglao.jobs.models import Job, JobState
from yanglao.jobs.runner import run_job
from yanglao.regions.models import Region
from yanglao.registry.models import Person
from yanglao.stats.cache import _store, data_changed, data_version, write_token
from yanglao.stats.compute import dashboard_stats

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache(settings: Any) -> Iterator[None]:
    settings.JOBS_INLINE = True  # a write's refresh job is left queued: the tests run it
    _store().clear()
    yield
    _store().clear()


@pytest.fixture
def county() -> Region:
    return Region.objects.get(code=COUNTY)


@pytest.fixture
def commits(django_capture_on_commit_callbacks: Any) -> Callable[[], AbstractContextManager[Any]]:
    """The test runs inside a transaction: run what a commit would run, and forget it as a commit does."""

    @contextmanager
    def commit() -> Iterator[None]:
        with django_capture_on_commit_callbacks(execute=True):
            yield
        connection.run_on_commit.clear()

    return commit


def figures(county: Region, today: dt.date) -> dict[str, Any]:
    return dict(dashboard_stats(county, today)["stats"])


def test_a_facilitys_new_bed_count_is_on_the_dashboard_once_recomputed(
    county: Region,
    today: dt.date,
    commits: Callable[[], AbstractContextManager[Any]],
    login: Any,
    county_user: Any,
) -> None:
    """The page answers at once with the figures of before the change, marked, until the write's
    ``stats_refresh`` job has recomputed them (stats/fresh.py); the function gives the new figure."""
    with commits():
        home = Facility.objects.create(
            name="音德尔镇敬老院",
            kind=FacilityKind.PUBLIC_HOME,
            region=Region.objects.get(code=TOWNSHIP),
            beds=100,
            occupied_beds=50,
        )
    client = login(county_user)
    page = client.get(f"/stats/region/{COUNTY}/").content.decode()
    assert "1 / 100" in page
    assert "数据已更新" not in page
    with commits():
        home.beds = 120
        home.save()
    page = client.get(f"/stats/region/{COUNTY}/").content.decode()
    assert "1 / 100" in page
    assert "数据已更新，统计正在重新计算（显示的是 " in page
    [job] = Job.objects.filter(kind="stats_refresh", state=JobState.QUEUED)
    run_job(job.pk)
    page = client.get(f"/stats/region/{COUNTY}/").content.decode()
    assert "1 / 120" in page
    assert "数据已更新" not in page
    assert figures(county, today)["institution_beds"] == 120


def test_a_worked_finding_leaves_the_open_count(
    county: Region,
    today: dt.date,
    commits: Callable[[], AbstractContextManager[Any]],
    make_person: Callable[..., Person],
) -> None:
    with (
        commits()
    ):  # (a write before the first commit would leave its renewal pending in the test's transaction)
        person = make_person("甲")
        finding = Finding.objects.create(
            key=f"missed:{person.pk}",
            kind=FindingKind.MISSED,
            person=person,
            township=TOWNSHIP,
            summary="符合条件未享受高龄津贴",
            found_on=today,
            last_seen_on=today,
        )
    assert figures(county, today)["discovery"]["open"] == 1
    with commits():
        finding.state = FindingState.ENROLLED
        finding.save()
    discovery = figures(county, today)["discovery"]
    assert (discovery["open"], discovery["closed"]) == (0, 1)


def test_an_ended_enrolment_changes_the_data_version(
    today: dt.date, commits: Callable[[], AbstractContextManager[Any]], make_person: Callable[..., Person]
) -> None:
    with commits():
        enrolment = Enrolment.objects.create(
            person=make_person("乙"),
            catalog=COUNTY,
            item_no="1",
            service_code="gaoling",
            name="高龄津贴",
            start=today - dt.timedelta(days=90),
            source="import",
        )
    before = data_version()
    with commits():
        enrolment.end = today
        enrolment.status = "ended"
        enrolment.save()
    assert data_version() != before


def test_a_bulk_update_that_sets_updated_at_is_seen(
    county: Region, today: dt.date, make_person: Callable[..., Person]
) -> None:
    person = make_person("丙", living_arrangement="with_family")
    alone = figures(county, today)["special_groups"]["living_alone"]
    later = frozen_now() + dt.timedelta(hours=1)  # an import's bulk update sets updated_at
    Person.objects.filter(pk=person.pk).update(living_arrangement="alone", updated_at=later)
    assert figures(county, today)["special_groups"]["living_alone"] == alone + 1


def test_the_token_changes_when_the_transaction_commits_not_before(
    county: Region, commits: Callable[[], AbstractContextManager[Any]]
) -> None:
    township = Region.objects.get(code=TOWNSHIP)
    before = write_token()
    with commits(), transaction.atomic():
        Facility.objects.create(name="日间照料中心", kind=FacilityKind.DAY_CARE, region=township, beds=10)
        Facility.objects.create(name="养老服务站", kind=FacilityKind.COMMUNITY_STATION, region=township)
        assert write_token() == before  # not committed: a figure computed now must not be kept as new
    assert write_token() != before


def test_a_rolled_back_write_changes_nothing(
    county: Region, commits: Callable[[], AbstractContextManager[Any]]
) -> None:
    before = write_token()
    with commits():
        try:
            with transaction.atomic():
                Facility.objects.create(
                    name="敬老院", kind=FacilityKind.PUBLIC_HOME, region=Region.objects.get(code=TOWNSHIP)
                )
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert write_token() == before


def test_a_bulk_update_without_signals_is_seen_when_its_action_says_so(
    county: Region, today: dt.date, commits: Callable[[], AbstractContextManager[Any]], make_person: Any
) -> None:
    person = make_person("丁")
    with commits():
        finding = Finding.objects.create(
            key=f"missed:{person.pk}",
            kind=FindingKind.MISSED,
            person=person,
            township=TOWNSHIP,
            summary="符合条件未享受高龄津贴",
            found_on=today,
            last_seen_on=today,
        )
    assert figures(county, today)["discovery"]["open"] == 1
    with commits():
        finding.state = FindingState.CLOSED
        Finding.objects.bulk_update([finding], ["state"])  # no signal, no updated_at
        data_changed()
    assert figures(county, today)["discovery"]["open"] == 0
