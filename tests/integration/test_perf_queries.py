"""The queries behind the speed goals of ``yanglao bench web`` (issue 11): counts and plans, never times."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import frozen_now
from yanglao.registry.access import access_persons_by_search
from yanglao.registry.actions import do_edit_person
from yanglao.registry.models import Person

pytestmark = pytest.mark.django_db

VILLAGE = "152223100001"  # 龙腾社区, 音德尔镇
OTHER_VILLAGE = "152223101001"  # 解放社区, 新林镇
ONE_REGION_BY_CODE = 'ORDER BY "regions_region"."code" ASC LIMIT 1'  # regions.tree.name_of


def moved(person: Person, rf: Any, user: Any, times: int) -> Person:
    """``person`` with ``times`` staff edits of both region fields: a history of region codes."""
    request = rf.post("/")
    request.user = user
    for n in range(times):
        region = OTHER_VILLAGE if n % 2 == 0 else VILLAGE
        do_edit_person(request, person, {"residence_region": region, "hukou_region": region}, "入户核实")
    return person


def person_page(client: Any, person: Person) -> tuple[list[str], str]:
    """The person page's queries and its text."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("person", args=[person.pk]))
    assert response.status_code == 200
    return [q["sql"] for q in queries.captured_queries], response.content.decode()


def test_the_person_page_names_its_regions_in_one_query_whatever_their_history(
    login: Any, county_user: Any, make_person: Any, rf: Any
) -> None:
    client = login(county_user)
    fresh = make_person("王秀英", region=VILLAGE)
    person_page(client, fresh)  # the session's first request settles its own queries
    plain, _ = person_page(client, fresh)
    travelled, page = person_page(client, moved(make_person("李桂兰"), rf, county_user, 4))

    assert not [sql for sql in plain + travelled if ONE_REGION_BY_CODE in sql]  # no name_of per field
    assert len(travelled) == len(plain)  # a longer history costs no query
    assert "龙腾社区（152223100001）" in page  # the current value, named
    assert "解放社区（152223101001）" in page  # a former value in the history, named


def test_the_person_page_checks_the_scope_on_the_row_it_read(
    login: Any, township_user: Any, make_person: Any
) -> None:
    """No second query on registry_person for the scope (the row read is tested in Python)."""
    client = login(township_user)
    person = make_person("王秀英", region=VILLAGE)
    person_page(client, person)
    reads = [sql for sql in person_page(client, person)[0] if 'FROM "registry_person"' in sql]
    assert not [sql for sql in reads if sql.startswith('SELECT 1 AS "a"')]


def test_the_scope_check_still_answers_404_outside_and_200_by_hukou(
    login: Any, township_user: Any, make_person: Any
) -> None:
    client = login(township_user)
    outside = make_person("赵刚", region=OTHER_VILLAGE)  # 新林镇, not the caseworker's 音德尔镇
    by_hukou = make_person("钱梅", residence_region=OTHER_VILLAGE, hukou_region=VILLAGE)
    assert client.get(reverse("person", args=[outside.pk])).status_code == 404
    assert client.get(reverse("person", args=[by_hukou.pk])).status_code == 200


@pytest.mark.postgres
def test_on_postgresql_a_name_search_takes_its_order_from_the_index(
    postgres: None, county_user: Any, make_person: Any, rf: Any
) -> None:
    """ORDER BY name, id_number LIMIT 51 from the (name COLLATE "C", id_number) index: no sort of every
    row of a common name (乌云: 16,619 rows at 1 M people) before the first page."""
    make_person("王秀英", region=VILLAGE)
    request = rf.get("/persons/")
    request.user = county_user
    with connection.cursor() as cursor:
        # A tiny table: make the planner show whether the index can give the order (a Sort would remain if
        # it could not; disabling only penalises), whatever the statistics earlier tests left.
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_sort = off")
        with CaptureQueriesContext(connection) as queries:
            access_persons_by_search(request, "王秀")
        [select] = [q["sql"] for q in queries.captured_queries if 'FROM "registry_person"' in q["sql"]]
        cursor.execute("EXPLAIN " + select)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
        cursor.execute("SET enable_sort = on")
    assert "registry_person_name_search" in plan
    assert "Index Cond" in plan
    assert "Sort" not in plan, plan


def count_queries(client: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    return sum("COUNT(*)" in q["sql"] and 'FROM "registry_person" WHERE' in q["sql"] for q in queries)


def test_the_home_page_counts_a_large_population_once_per_change_of_the_data(
    login: Any, county_user: Any, make_person: Any, monkeypatch: Any
) -> None:
    from django.core.cache import cache

    from yanglao.stats.cache import bump
    from yanglao.web.views import home

    cache.clear()
    client = login(county_user)
    make_person("王秀英")
    assert count_queries(client) == 1  # a small table: counted on every request
    assert count_queries(client) == 1

    monkeypatch.setattr(home, "person_rows", lambda: 1_000_000)
    assert count_queries(client) == 1
    assert count_queries(client) == 0  # kept
    assert "<strong>1</strong>" in client.get(reverse("home")).content.decode()
    make_person("李桂兰")
    bump()  # what the commit of that write does outside the test's transaction
    assert count_queries(client) == 1
    assert "<strong>2</strong>" in client.get(reverse("home")).content.decode()


def test_the_visit_figures_take_one_query_whatever_the_number_of_targets(
    make_person: Any, today: Any, django_assert_num_queries: Any
) -> None:
    """One query: the targets grouped by unit, interval and the day their next visit counts from (the
    last visit per person, from a GROUP BY on the visits): not a join and MAX per target (6.5 s of the
    county dashboard's 10 s on the demo county), nor a row per target read into Python."""
    import datetime as dt

    from yanglao.stats.sources import visits
    from yanglao.visits.models import Target, Visit

    since = today - dt.timedelta(days=100)
    for i in range(6):
        person = make_person(f"甲{i}", region=VILLAGE if i < 4 else OTHER_VILLAGE)
        Target.objects.create(
            person=person, village=person.hukou_region, interval_months=1, since=since, evaluated_on=since
        )
        for days in range(i % 3):  # 0, 1 or 2 visits: today, then 40 days ago (last month)
            on = today - dt.timedelta(days=40 * days)
            Visit.objects.create(person=person, mode="home", visited_at=frozen_now(), visited_on=on)
    with django_assert_num_queries(1):
        figures = visits("152223", today, digits=9)
    assert figures is not None
    assert (figures["targets"], figures["visited"], figures["overdue"]) == (6, 4, 2)
    assert figures["units"]["152223100"]["targets"] == 4
    assert (figures["units"]["152223100"]["visited"], figures["units"]["152223100"]["overdue"]) == (2, 2)
    assert (figures["units"]["152223101"]["visited"], figures["units"]["152223101"]["overdue"]) == (2, 0)


@pytest.mark.postgres
def test_on_postgresql_the_township_work_list_reads_its_page_in_order_from_an_index(
    postgres: None, login: Any, township_user: Any, make_person: Any, today: Any
) -> None:
    """The first page of a township's findings in (kind, due_on, id) order from the index of migration
    entitlements 0005, by the township's code (an equality; a LIKE uses no index in a non-C collation):
    not a read and sort of every finding of the township (38,576 of 音德尔镇 at 1 M people)."""
    from yanglao.entitlements.models import Finding, FindingKind

    for i in range(3):
        Finding.objects.create(
            key=f"missed:{i}",
            kind=FindingKind.MISSED,
            person=make_person(f"王{i}"),
            township="152223100000",
            summary="符合条件未享受高龄津贴",
            found_on=today,
            last_seen_on=today,
        )
    client = login(township_user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("entitlements:township", args=["152223100000"])).status_code == 200
    [select] = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT "entitlements_finding"."id"') and "LIMIT" in q["sql"]
    ]
    assert '"entitlements_finding"."township" = \'152223100000\'' in select
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_sort = off")  # a plan still sorts if no index gives the order
        cursor.execute("EXPLAIN " + select)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
        cursor.execute("RESET enable_sort")
    assert "entitlements_finding_worklist" in plan, plan
    assert "Sort" not in plan, plan
