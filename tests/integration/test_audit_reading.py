"""Who reads the audit log and what they see: an auditor sees only the events of their region, the
administrator all; searched names are masked; every read of the log is itself audited; the client's
address comes from ``X-Forwarded-For`` only behind a trusted proxy."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory
from django.urls import reverse

from tests.conftest import OTHER_VILLAGE, TOWNSHIP, VILLAGE, _user
from yanglao.audit.chain import verify
from yanglao.audit.log import audit, client_address
from yanglao.audit.models import Action, AuditEvent
from yanglao.registry.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def township_auditor(db: None) -> Any:
    """An auditor of 音德尔镇."""
    return _user("township-auditor", "auditor", TOWNSHIP, "音德尔镇审计员")


@pytest.fixture
def admin(db: None) -> Any:
    return _user("admin", "admin", None, "系统管理员")


@pytest.fixture
def wang(make_person: Any) -> Person:
    person: Person = make_person("王秀英", region=VILLAGE)
    return person


@pytest.fixture
def zhao(make_person: Any) -> Person:
    """A person of 新林镇, another township."""
    person: Person = make_person("赵桂兰", region=OTHER_VILLAGE)
    return person


@pytest.fixture
def views(login: Any, township_user: Any, outsider: Any, wang: Person, zhao: Person) -> None:
    """Each township's caseworker opens their own person; a county script writes a system event."""
    login(outsider).get(reverse("person", args=[zhao.pk]))
    login(township_user).get(reverse("person", args=[wang.pk]))
    audit("expire_assessments", Action.CHANGE, summary="清除过期能力等级")


def listed(client: Any, **params: str) -> str:
    response = client.get(reverse("audit"), params)
    assert response.status_code == 200
    return str(response.content.decode())


def test_a_township_auditor_sees_only_the_events_of_their_township(
    login: Any, township_auditor: Any, views: None, wang: Person, zhao: Person
) -> None:
    text = listed(login(township_auditor))

    assert "查看详情：" + wang.id_number[:6] in text
    assert ">township<" in text
    assert ">outsider<" not in text
    assert "清除过期能力等级" not in text


def test_a_township_auditor_sees_what_others_did_to_persons_of_their_township(
    login: Any, township_auditor: Any, county_user: Any, wang: Person
) -> None:
    login(county_user).get(reverse("person", args=[wang.pk]))

    assert ">county<" in listed(login(township_auditor))


def test_a_township_auditor_sees_events_about_persons_registered_in_their_township(
    login: Any, township_auditor: Any, county_user: Any, make_person: Any
) -> None:
    """户籍 in 音德尔镇, living in 新林镇: the person belongs to both townships' scope."""
    li = make_person("李淑芬", region=OTHER_VILLAGE, hukou_region=VILLAGE)
    login(county_user).get(reverse("person", args=[li.pk]))

    event = AuditEvent.objects.get(action=Action.VIEW)
    assert (event.object_region, event.object_hukou_region) == (OTHER_VILLAGE, VILLAGE)
    assert ">county<" in listed(login(township_auditor))


def test_an_auditor_without_a_region_sees_nothing(login: Any, views: None) -> None:
    nowhere = _user("nowhere", "auditor", None, "未分配区划的审计员")

    text = listed(login(nowhere))

    assert "查看详情" not in text
    assert "清除过期能力等级" not in text


def test_a_township_auditor_sees_failed_logins_against_their_users(
    client: Any, login: Any, township_auditor: Any, township_user: Any, outsider: Any
) -> None:
    client.post(reverse("login"), {"username": "township", "password": "wrong-password"})
    client.post(reverse("login"), {"username": "outsider", "password": "wrong-password"})

    text = listed(login(township_auditor), action="login_failed")

    assert text.count("用户名或密码错误") == 1
    assert ">township<" in text


def test_the_county_auditor_sees_both_townships_and_the_administrator_everything(
    login: Any, auditor: Any, admin: Any, views: None
) -> None:
    county = listed(login(auditor))
    everything = listed(login(admin))

    assert ">township<" in county
    assert ">outsider<" in county
    assert "清除过期能力等级" not in county
    assert ">township<" in everything
    assert ">outsider<" in everything
    assert "清除过期能力等级" in everything


def test_a_name_search_is_written_down_masked(login: Any, township_user: Any, wang: Person) -> None:
    login(township_user).get(reverse("search"), {"q": "王秀英"})

    event = AuditEvent.objects.get(action=Action.SEARCH)
    assert event.summary == "查询“王**”，1 条结果"


def test_a_search_written_before_masking_is_shown_masked(
    login: Any, auditor: Any, township_user: Any
) -> None:
    audit(township_user, Action.SEARCH, object_type="person", summary="查询“王秀英”，1 条结果")

    text = listed(login(auditor))

    assert "查询“王**”，1 条结果" in text
    assert "王秀英" not in text


def test_the_filter_does_not_find_a_search_by_the_name_in_full(
    login: Any, auditor: Any, township_user: Any
) -> None:
    """A search written before masking keeps the name in full: the filter must not confirm it."""
    audit(township_user, Action.SEARCH, object_type="person", summary="查询“王秀英”，2 条结果")
    audit(township_user, Action.SEARCH, object_type="person", summary="查询“王**”，1 条结果")

    text = listed(login(auditor), q="王秀英")

    assert "查询“王**”，1 条结果" in text
    assert "2 条结果" not in text


def test_a_detail_with_number_keys_and_whole_floats_verifies(township_user: Any) -> None:
    audit(township_user, Action.EXPORT, summary="导出", detail={"by_month": {1: 2.0, "x": 0.1}})

    assert verify().ok


def test_reading_the_audit_log_is_audited(login: Any, township_auditor: Any, views: None) -> None:
    login(township_auditor).get(reverse("audit"), {"q": "王秀英", "action": "search", "page": "1"})

    event = AuditEvent.objects.get(object_type="audit")
    assert (event.action, event.user_id, event.actor_region) == (
        Action.VIEW,
        township_auditor.pk,
        TOWNSHIP,
    )
    assert event.summary == "查看审计日志第 1 页，筛选“王**”，操作“查询”"
    assert event.detail == {"page": 1, "results": 0}


# --- the client's address -------------------------------------------------------------------------

PROXY = "10.0.0.5"


def address(settings: Any, remote: str, forwarded: str | None, proxies: list[str]) -> str:
    settings.TRUSTED_PROXIES = proxies
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **meta))


@pytest.mark.parametrize(
    ("remote", "forwarded", "proxies", "expected"),
    [
        (PROXY, "203.0.113.7", [], PROXY),  # no trusted proxy: the header is anybody's word
        ("198.51.100.9", "203.0.113.7", [PROXY], "198.51.100.9"),  # not from the proxy
        (PROXY, "203.0.113.7", [PROXY], "203.0.113.7"),
        (PROXY, "203.0.113.7", ["10.0.0.0/8"], "203.0.113.7"),  # a network
        (PROXY, "1.2.3.4, 203.0.113.7", [PROXY], "203.0.113.7"),  # the client's own claim ignored
        (PROXY, "203.0.113.7, 10.0.0.9", ["10.0.0.0/24"], "203.0.113.7"),  # two proxies
        (PROXY, "203.0.113.7, bogus", [PROXY], PROXY),  # nonsense stops the walk
        (PROXY, None, [PROXY], PROXY),
        ("2001:db8::5", "2001:db8:1::7", ["2001:db8::/64"], "2001:db8:1::7"),
    ],
)
def test_the_client_address_comes_from_x_forwarded_for_only_behind_a_trusted_proxy(
    settings: Any, remote: str, forwarded: str | None, proxies: list[str], expected: str
) -> None:
    assert address(settings, remote, forwarded, proxies) == expected


def test_an_event_behind_a_trusted_proxy_records_the_client(
    settings: Any, login: Any, township_user: Any, wang: Person
) -> None:
    settings.TRUSTED_PROXIES = [PROXY]

    login(township_user).get(
        reverse("person", args=[wang.pk]), REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7"
    )

    assert AuditEvent.objects.get(action=Action.VIEW).address == "203.0.113.7"
