"""The search page: township and village filters from the user's scope, paging instead of a cut at
50, a name with the ID number's last 4 digits, and the residence named with its township."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from yanglao.audit.models import Action, AuditEvent
from yanglao.registry.access import SEARCH_LIMIT

pytestmark = pytest.mark.django_db

VILLAGE = "152223100001"  # 龙腾社区, 音德尔镇
JIEFANG = "152223100003"  # 解放社区, 音德尔镇
JIEFANG_XINLIN = "152223101001"  # 解放社区, 新林镇 (the same village name in another township)
TOWNSHIP = "152223100000"  # 音德尔镇
XINLIN = "152223101000"  # 新林镇


def links(response: Any) -> list[str]:
    return re.findall(r'href="/persons/(\d+)/"', response.content.decode())


def test_a_caseworker_filters_by_township_and_by_village(
    login: Any, county_user: Any, make_person: Any
) -> None:
    longteng = make_person("王一", region=VILLAGE)
    jiefang = make_person("王二", region=JIEFANG)
    xinlin = make_person("王三", region=JIEFANG_XINLIN)
    client = login(county_user)

    everyone = client.get(reverse("search"), {"q": "王"})
    township = client.get(reverse("search"), {"q": "王", "township": TOWNSHIP})
    village = client.get(reverse("search"), {"q": "王", "township": TOWNSHIP, "village": JIEFANG})

    assert sorted(links(everyone)) == sorted(str(p.pk) for p in (longteng, jiefang, xinlin))
    assert sorted(links(township)) == sorted(str(p.pk) for p in (longteng, jiefang))
    assert links(village) == [str(jiefang.pk)]


def test_the_select_lists_offer_only_the_users_scope(login: Any, township_user: Any) -> None:
    text = login(township_user).get(reverse("search"), {"township": TOWNSHIP}).content.decode()

    assert f'<option value="{TOWNSHIP}" selected>音德尔镇</option>' in text
    assert XINLIN not in text
    assert f'<option value="{JIEFANG}">解放社区</option>' in text
    assert JIEFANG_XINLIN not in text


def test_a_township_outside_the_scope_filters_nothing_in(
    login: Any, township_user: Any, make_person: Any
) -> None:
    make_person("王三", region=JIEFANG_XINLIN)

    response = login(township_user).get(reverse("search"), {"township": XINLIN})

    assert links(response) == []
    assert "王三" not in response.content.decode()


def test_a_village_alone_lists_its_people_without_a_name(
    login: Any, township_user: Any, make_person: Any
) -> None:
    here = make_person("赵一", region=JIEFANG)
    make_person("钱二", region=VILLAGE)

    response = login(township_user).get(reverse("search"), {"township": TOWNSHIP, "village": JIEFANG})

    assert links(response) == [str(here.pk)]


def test_the_results_are_paged_instead_of_cut_at_fifty(
    login: Any, county_user: Any, make_person: Any
) -> None:
    people = [make_person(f"王{n:03d}", region=VILLAGE) for n in range(SEARCH_LIMIT + 5)]
    client = login(county_user)

    first = client.get(reverse("search"), {"q": "王"})
    second = client.get(reverse("search"), {"q": "王", "page": 2})

    assert links(first) == [str(p.pk) for p in people[:SEARCH_LIMIT]]
    assert links(second) == [str(p.pk) for p in people[SEARCH_LIMIT:]]
    assert "下一页" in first.content.decode()
    assert "page=2" in first.content.decode()
    assert "上一页" in second.content.decode()
    assert "下一页" not in second.content.decode()
    assert f"第 {SEARCH_LIMIT + 1}–{SEARCH_LIMIT + 5} 条" in second.content.decode()


def test_a_name_with_the_last_four_digits_finds_the_one_person(
    login: Any, township_user: Any, make_person: Any
) -> None:
    one = make_person("王秀英", region=VILLAGE)
    other = make_person("王秀英", region=VILLAGE)
    client = login(township_user)

    spaced = client.get(reverse("search"), {"q": f"王秀英 {one.id_number[-4:]}"})
    joined = client.get(reverse("search"), {"q": f"王秀{one.id_number[-4:]}"})

    assert one.id_number[-4:] != other.id_number[-4:]
    assert links(spaced) == [str(one.pk)]
    assert links(joined) == [str(one.pk)]
    event = AuditEvent.objects.filter(action=Action.SEARCH).order_by("id").first()
    assert event is not None
    assert event.summary == f"查询“王** …{one.id_number[-4:]}”，1 条结果"  # the name masked in the log


def test_the_residence_is_named_with_its_township(login: Any, county_user: Any, make_person: Any) -> None:
    make_person("王一", region=JIEFANG)
    make_person("王二", region=JIEFANG_XINLIN)

    text = login(county_user).get(reverse("search"), {"q": "王"}).content.decode()

    assert "<td>音德尔镇 解放社区</td>" in text
    assert "<td>新林镇 解放社区</td>" in text


def test_the_filter_is_in_the_audit_log(login: Any, township_user: Any, make_person: Any) -> None:
    make_person("王一", region=JIEFANG)

    login(township_user).get(
        reverse("search"), {"q": "王", "township": TOWNSHIP, "village": JIEFANG, "page": 1}
    )

    event = AuditEvent.objects.get(action=Action.SEARCH)
    assert event.summary == "查询“王”，音德尔镇 解放社区，1 条结果"
    assert event.detail == {"results": 1, "region": JIEFANG}


def test_on_sqlite_a_name_search_and_a_township_list_read_index_ranges(
    county_user: Any, make_person: Any, rf: Any
) -> None:
    """SQLite's LIKE uses no index: the prefix is a range on the name index, the region a range on
    each region code's index (the plan behind the search's speed on the default database)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from yanglao.registry.access import search_persons

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's plan (PostgreSQL's: test_access)")
    make_person("王秀英", region=VILLAGE)
    request = rf.get("/persons/")
    request.user = county_user
    plans = []
    for query, township in (("王秀", ""), ("", TOWNSHIP)):
        with CaptureQueriesContext(connection) as queries:
            search_persons(request, query, township=township)
        [select] = [q["sql"] for q in queries.captured_queries if 'FROM "registry_person"' in q["sql"]]
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + select)
            plans.append(" ".join(str(row[-1]) for row in cursor.fetchall()))

    assert "USING INDEX registry_person_name_search (name>? AND name<?)" in plans[0]
    assert "residence_region>? AND residence_region<?" in plans[1]
    assert "hukou_region>? AND hukou_region<?" in plans[1]
