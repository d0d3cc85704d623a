"""Scoped access: a user of another township gets 404, never the record; masking and audited reveals."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yanglao.audit.models import Action, AuditEvent
from yanglao.core.idnumber import mask_id_number
from yanglao.registry.access import access_persons_by_search
from yanglao.registry.models import Conflict, Person

VILLAGE = "152223100001"  # 龙腾社区, 音德尔镇
OTHER_VILLAGE = "152223101001"  # 解放社区, 新林镇
OTHER_COUNTY = "152221"  # 科尔沁右翼前旗

pytestmark = pytest.mark.django_db


@pytest.fixture
def wang(make_person: Any) -> Person:
    """王秀英 of 音德尔镇, the township caseworker's township."""
    person: Person = make_person("王秀英", region=VILLAGE, phone="13912345678", dibao=True)
    return person


def page(pk: int) -> str:
    return reverse("person", args=[pk])


# --- the outsider gets a 404 ------------------------------------------------------------------


def test_the_township_caseworker_sees_a_person_of_her_township(
    login: Any, township_user: Any, wang: Person
) -> None:
    response = login(township_user).get(page(wang.pk))

    assert response.status_code == 200
    assert "王秀英" in response.content.decode()


def test_the_outsider_gets_a_404_on_the_person_page(login: Any, outsider: Any, wang: Person) -> None:
    response = login(outsider).get(page(wang.pk))

    assert response.status_code == 404
    assert "王秀英" not in response.content.decode()
    assert wang.id_number[-4:] not in response.content.decode()


def test_the_outsiders_attempt_is_audited_as_denied(login: Any, outsider: Any, wang: Person) -> None:
    login(outsider).get(page(wang.pk), REMOTE_ADDR="10.8.0.7")

    event = AuditEvent.objects.get(action=Action.DENIED)
    assert (event.username, event.role, event.address) == ("outsider", "township_caseworker", "10.8.0.7")
    assert event.object_id == mask_id_number(wang.id_number)
    assert not AuditEvent.objects.filter(action=Action.VIEW).exists()


def test_a_person_that_does_not_exist_is_answered_the_same_way(
    login: Any, outsider: Any, wang: Person
) -> None:
    client = login(outsider)

    missing = client.get(page(wang.pk + 1000))
    foreign = client.get(page(wang.pk))

    assert missing.status_code == foreign.status_code == 404
    assert missing.content == foreign.content


def test_the_outsider_gets_a_404_on_reveal(login: Any, outsider: Any, wang: Person) -> None:
    response = login(outsider).post(reverse("person-reveal", args=[wang.pk]), {"field": "id_number"})

    assert response.status_code == 404
    assert wang.id_number not in response.content.decode()
    assert not AuditEvent.objects.filter(action=Action.REVEAL).exists()


def test_the_outsider_gets_a_404_on_edit_and_nothing_changes(login: Any, outsider: Any, wang: Person) -> None:
    response = login(outsider).post(
        reverse("person-edit", args=[wang.pk]), {"field": "name", "value": "王改名", "reason": "试探"}
    )

    assert response.status_code == 404
    wang.refresh_from_db()
    assert wang.name == "王秀英"
    assert not wang.changes.exists()


def test_the_outsider_gets_a_404_on_resolving_a_conflict(login: Any, outsider: Any, wang: Person) -> None:
    conflict = Conflict.objects.create(
        person=wang, field="dibao", current_value="true", proposed_value="false",
        proposed_source="旗民政局", proposed_as_of="2024-01-01",
    )  # fmt: skip

    response = login(outsider).post(
        reverse("conflict-resolve", args=[wang.pk, conflict.pk]), {"decision": "accept", "note": "试探"}
    )

    assert response.status_code == 404
    conflict.refresh_from_db()
    assert conflict.status == "open"


def test_the_outsider_cannot_find_the_person_by_name(login: Any, outsider: Any, wang: Person) -> None:
    response = login(outsider).get(reverse("search"), {"q": "王秀"})

    assert response.status_code == 200
    assert "王秀英" not in response.content.decode()
    assert "辖区内未找到" in response.content.decode()


def test_the_outsider_cannot_find_the_person_by_id_number(login: Any, outsider: Any, wang: Person) -> None:
    response = login(outsider).get(reverse("search"), {"q": wang.id_number})

    assert "王秀英" not in response.content.decode()
    assert page(wang.pk) not in response.content.decode()


def test_a_caseworker_of_another_county_gets_a_404(login: Any, wang: Person) -> None:
    from yanglao.accounts.models import User

    stranger = User.objects.create_user("stranger", role="county_caseworker", region_id=OTHER_COUNTY)

    assert login(stranger).get(page(wang.pk)).status_code == 404


def test_a_user_without_a_region_sees_nobody(login: Any, wang: Person) -> None:
    from yanglao.accounts.models import User

    nowhere = User.objects.create_user("nowhere", role="county_caseworker")

    assert login(nowhere).get(page(wang.pk)).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(client: Any, wang: Person) -> None:
    response = client.get(page(wang.pk))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- scope ------------------------------------------------------------------------------------


def test_the_county_caseworker_sees_every_person_of_the_county(
    login: Any, county_user: Any, wang: Person, make_person: Any
) -> None:
    wang_of_xinlin = make_person("王桂兰", region=OTHER_VILLAGE)
    make_person("王淑珍", region=OTHER_COUNTY)

    response = login(county_user).get(reverse("search"), {"q": "王"})

    text = response.content.decode()
    assert "王秀英" in text
    assert "王桂兰" in text
    assert "王淑珍" not in text
    assert "龙腾社区" in text  # the region column names the community
    assert login(county_user).get(page(wang_of_xinlin.pk)).status_code == 200


def test_the_township_caseworker_finds_only_her_township(
    login: Any, township_user: Any, wang: Person, make_person: Any
) -> None:
    make_person("王桂兰", region=OTHER_VILLAGE)

    text = login(township_user).get(reverse("search"), {"q": "王"}).content.decode()

    assert "王秀英" in text
    assert "王桂兰" not in text


def test_a_person_registered_in_the_township_but_living_elsewhere_is_in_its_scope(
    login: Any, township_user: Any, outsider: Any, make_person: Any
) -> None:
    li = make_person("李淑芬", hukou_region=VILLAGE, residence_region=OTHER_VILLAGE)

    assert login(township_user).get(page(li.pk)).status_code == 200
    assert login(outsider).get(page(li.pk)).status_code == 200


def test_a_search_by_full_id_number_finds_the_person(login: Any, township_user: Any, wang: Person) -> None:
    response = login(township_user).get(reverse("search"), {"q": wang.id_number.lower()})

    assert page(wang.pk) in response.content.decode()


# --- masking and reveal -----------------------------------------------------------------------


def test_the_person_page_masks_the_id_number_and_the_phone(
    login: Any, township_user: Any, wang: Person
) -> None:
    text = login(township_user).get(page(wang.pk)).content.decode()

    assert wang.id_number[:6] + "********" + wang.id_number[-4:] in text
    assert wang.id_number not in text
    assert "139****5678" in text
    assert "13912345678" not in text


def test_the_search_page_masks_the_id_number(login: Any, township_user: Any, wang: Person) -> None:
    text = login(township_user).get(reverse("search"), {"q": "王"}).content.decode()

    assert mask_id_number(wang.id_number) in text
    assert wang.id_number not in text


def test_a_caseworker_reveals_the_full_id_number_and_it_is_audited(
    login: Any, township_user: Any, wang: Person
) -> None:
    response = login(township_user).post(
        reverse("person-reveal", args=[wang.pk]), {"field": "id_number"}, REMOTE_ADDR="10.8.0.9"
    )

    assert response.status_code == 200
    assert response.json() == {"value": wang.id_number}
    event = AuditEvent.objects.get(action=Action.REVEAL)
    assert (event.username, event.address, event.object_id) == (
        "township",
        "10.8.0.9",
        mask_id_number(wang.id_number),
    )
    assert event.detail == {"person": wang.pk, "field": "id_number"}
    assert wang.id_number not in event.summary


def test_a_caseworker_reveals_the_full_phone_number(login: Any, township_user: Any, wang: Person) -> None:
    response = login(township_user).post(reverse("person-reveal", args=[wang.pk]), {"field": "phone"})

    assert response.json() == {"value": "13912345678"}
    assert AuditEvent.objects.get(action=Action.REVEAL).detail["field"] == "phone"


def test_a_visitor_may_reveal_the_phone_but_not_the_id_number(login: Any, visitor: Any, wang: Person) -> None:
    from yanglao.visits.models import Assignment, Visitor, VisitorKind

    me = Visitor.objects.create(
        name="龙腾社区网格员", kind=VisitorKind.GRID, village_id=VILLAGE, user=visitor
    )
    Assignment.objects.create(person=wang, visitor=me)  # a visitor reveals only assigned people's phones
    client = login(visitor)

    phone = client.post(reverse("person-reveal", args=[wang.pk]), {"field": "phone"})
    ident = client.post(reverse("person-reveal", args=[wang.pk]), {"field": "id_number"})

    assert phone.json() == {"value": "13912345678"}
    assert ident.status_code == 403
    assert AuditEvent.objects.filter(action=Action.REVEAL).count() == 1


def test_an_auditor_cannot_reveal(login: Any, auditor: Any, wang: Person) -> None:
    client = login(auditor)

    for field in ("id_number", "phone"):
        response = client.post(reverse("person-reveal", args=[wang.pk]), {"field": field})
        assert response.status_code == 403
        assert response.json() == {"error": "当前角色无权查看完整信息"}
    assert not AuditEvent.objects.filter(action=Action.REVEAL).exists()


def test_an_auditor_sees_sensitive_fields_hidden(login: Any, auditor: Any, wang: Person) -> None:
    response = login(auditor).get(page(wang.pk))

    text = response.content.decode()
    assert response.status_code == 200
    assert "已隐藏（敏感个人信息）" in text
    assert "王**" in text
    assert "王秀英" not in text
    assert "显示完整" not in text  # no reveal buttons


def test_an_auditor_cannot_edit(login: Any, auditor: Any, wang: Person) -> None:
    response = login(auditor).post(
        reverse("person-edit", args=[wang.pk]), {"field": "name", "value": "王改名", "reason": "试探"}
    )

    assert response.status_code == 403  # a role that may never change records: refused, in Chinese
    assert "当前角色不能修改老年人信息" in response.content.decode()
    wang.refresh_from_db()
    assert wang.name == "王秀英"


# --- queries ----------------------------------------------------------------------------------


def test_the_search_page_runs_a_fixed_number_of_queries(
    login: Any, county_user: Any, make_person: Any, django_assert_max_num_queries: Any
) -> None:
    client = login(county_user)
    make_person("王00", region=VILLAGE)
    with CaptureQueriesContext(connection) as one_result:
        client.get(reverse("search"), {"q": "王"})
    for n in range(1, 30):
        make_person(f"王{n:02d}", region=VILLAGE if n % 2 else OTHER_VILLAGE)

    with django_assert_max_num_queries(15) as thirty_results:  # +2 per audit event: the chain; +1 townships
        response = client.get(reverse("search"), {"q": "王"})

    assert len(re.findall(r'href="/persons/\d+/"', response.content.decode())) == 30
    assert len(thirty_results) == len(one_result)


def test_a_name_search_matches_the_start_of_the_name_in_order(
    county_user: Any, make_person: Any, rf: Any
) -> None:
    for name in ("王秀英", "王国华", "秀王", "王%", "李王"):
        make_person(name, region=VILLAGE)
    request = rf.get("/persons/")
    request.user = county_user

    def names(query: str) -> list[str]:
        return [p.name for p in access_persons_by_search(request, query)]

    assert names("王") == sorted(["王秀英", "王国华", "王%"])  # ordered by name, prefix only
    assert names("王秀") == ["王秀英"]
    assert names("王%") == ["王%"]  # a wildcard in the query is a character, not a pattern
    assert names("秀") == ["秀王"]


def test_on_postgresql_a_name_search_reads_one_index_range(
    postgres: None, county_user: Any, make_person: Any, rf: Any
) -> None:
    """The plan behind the p95 goal of ``yanglao bench import``: the prefix is an index range on
    ``name COLLATE "C"`` that also gives the order, never a walk of the whole name index."""
    make_person("王秀英", region=VILLAGE)
    request = rf.get("/persons/")
    request.user = county_user
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")  # a tiny table would be scanned otherwise
        with CaptureQueriesContext(connection) as queries:
            access_persons_by_search(request, "王秀")
        [select] = [q["sql"] for q in queries.captured_queries if "registry_person" in q["sql"]]
        cursor.execute("EXPLAIN " + select)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "registry_person_name_search" in plan
    assert "Index Cond" in plan
