"""The list of open data conflicts: only the user's people, masked per role, code values in words,
sources and data dates, filtered by township, village and field, paged, counted by township."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yanglao.accounts.models import User
from yanglao.audit.models import Action, AuditEvent
from yanglao.registry.models import Conflict, ConflictStatus, Person

pytestmark = pytest.mark.django_db

VILLAGE = "152223100001"  # 龙腾社区, 音德尔镇
JIEFANG = "152223100003"  # 解放社区, 音德尔镇
XINLIN_VILLAGE = "152223101001"  # 解放社区, 新林镇
TOWNSHIP = "152223100000"


def conflict(person: Person, field: str = "living_arrangement", **values: Any) -> Conflict:
    values.setdefault("current_value", "with_family")
    values.setdefault("current_source", "公安局")
    values.setdefault("current_as_of", dt.date(2026, 3, 1))
    values.setdefault("proposed_value", "alone")
    values.setdefault("proposed_source", "民政局")
    values.setdefault("proposed_as_of", dt.date(2026, 5, 1))
    return Conflict.objects.create(person=person, field=field, **values)


def person_links(text: str) -> list[str]:
    return re.findall(r'href="/persons/(\d+)/#conflicts"', text)


@pytest.fixture
def wang(make_person: Any) -> Person:
    return make_person("王秀英", region=VILLAGE)


def test_the_list_names_person_field_values_in_words_sources_and_dates(
    login: Any, township_user: User, wang: Person
) -> None:
    conflict(wang)

    text = login(township_user).get(reverse("conflicts")).content.decode()

    assert person_links(text) == [str(wang.pk)]
    assert "王秀英" in text
    assert wang.id_number[:6] + "********" + wang.id_number[-4:] in text
    assert wang.id_number not in text
    assert "居住状况" in text
    assert "与子女等同住" in text
    assert "独居" in text
    assert ">alone<" not in text
    assert ">with_family<" not in text
    assert "公安局 · 2026-03-01" in text
    assert "民政局 · 2026-05-01" in text
    assert "音德尔镇 龙腾社区" in text


def test_the_outsider_sees_none_of_another_townships_conflicts(
    login: Any, outsider: User, wang: Person, make_person: Any
) -> None:
    conflict(wang)
    theirs = make_person("李淑芬", region=XINLIN_VILLAGE)
    conflict(theirs)

    text = login(outsider).get(reverse("conflicts")).content.decode()

    assert person_links(text) == [str(theirs.pk)]
    assert "王秀英" not in text


def test_a_resolved_conflict_is_no_longer_listed(login: Any, township_user: User, wang: Person) -> None:
    conflict(wang, status=ConflictStatus.KEPT)

    text = login(township_user).get(reverse("conflicts")).content.decode()

    assert person_links(text) == []
    assert "辖区内没有待处理的数据冲突" in text


def test_the_auditor_sees_the_name_masked_and_sensitive_values_hidden(
    login: Any, auditor: User, wang: Person
) -> None:
    conflict(wang)
    conflict(wang, "dibao", current_value="false", proposed_value="true")

    text = login(auditor).get(reverse("conflicts")).content.decode()

    assert "王秀英" not in text
    assert "王**" in text
    assert "已隐藏（敏感个人信息）" in text  # 低保 is sensitive personal information


def test_the_phone_in_a_conflict_is_masked_for_everyone(login: Any, county_user: User, wang: Person) -> None:
    conflict(wang, "phone", current_value="13912345678", proposed_value="13800001111")

    text = login(county_user).get(reverse("conflicts")).content.decode()

    assert "13800001111" not in text
    assert "138****1111" in text


def test_filters_by_township_village_and_field(
    login: Any, county_user: User, wang: Person, make_person: Any
) -> None:
    there = make_person("赵一", region=JIEFANG)
    far = make_person("钱二", region=XINLIN_VILLAGE)
    conflict(wang)
    conflict(there, "phone", current_value="", proposed_value="13800001111")
    conflict(far)
    client = login(county_user)

    def shown(**filters: str) -> list[str]:
        return sorted(person_links(client.get(reverse("conflicts"), filters).content.decode()))

    assert shown() == sorted(str(p.pk) for p in (wang, there, far))
    assert shown(township=TOWNSHIP) == sorted(str(p.pk) for p in (wang, there))
    assert shown(township=TOWNSHIP, village=JIEFANG) == [str(there.pk)]
    assert shown(field="living_arrangement") == sorted(str(p.pk) for p in (wang, far))
    assert shown(field="no-such-field") == shown()


def test_the_list_is_counted_by_township_and_paged(login: Any, county_user: User, make_person: Any) -> None:
    for n in range(55):
        conflict(make_person(f"王{n:02d}", region=VILLAGE if n < 52 else XINLIN_VILLAGE))
    client = login(county_user)

    first = client.get(reverse("conflicts")).content.decode()
    second = client.get(reverse("conflicts"), {"page": 2}).content.decode()

    assert len(person_links(first)) == 50
    assert len(person_links(second)) == 5
    assert f'<a href="?township={TOWNSHIP}">音德尔镇</a> <strong>52</strong>' in first
    assert '<a href="?township=152223101000">新林镇</a> <strong>3</strong>' in first
    assert "共 55 条" in first
    assert "下一页" in first


def test_the_list_runs_a_fixed_number_of_queries(
    login: Any, county_user: User, make_person: Any, django_assert_max_num_queries: Any
) -> None:
    client = login(county_user)
    conflict(make_person("王00", region=VILLAGE))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("conflicts"))
    for n in range(1, 30):
        conflict(make_person(f"王{n:02d}", region=VILLAGE if n % 2 else XINLIN_VILLAGE))

    with django_assert_max_num_queries(17) as thirty:  # +3 the audit event and its chain
        response = client.get(reverse("conflicts"))

    assert len(person_links(response.content.decode())) == 30
    assert len(thirty) == len(one)


def test_reading_the_list_is_audited(login: Any, township_user: User, wang: Person) -> None:
    conflict(wang)

    login(township_user).get(reverse("conflicts"), {"township": TOWNSHIP, "field": "living_arrangement"})

    event = AuditEvent.objects.get(action=Action.VIEW, object_type="conflict")
    assert event.summary == "查看待处理数据冲突第 1 页，音德尔镇，字段 居住状况"
    assert event.detail == {"page": 1, "results": 1, "region": TOWNSHIP}


def test_the_home_tile_of_a_caseworker_links_to_the_list(login: Any, county_user: User, wang: Person) -> None:
    conflict(wang)

    text = login(county_user).get(reverse("home")).content.decode()

    assert re.search(
        r'<a class="tile due" href="/conflicts/">\s*<strong>1</strong><span>待处理数据冲突</span>', text
    )
