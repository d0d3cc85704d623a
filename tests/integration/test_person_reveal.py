"""A visitor (网格员) reveals the phone number only of the people assigned to them; audited either way."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.conftest import VILLAGE
from yanglao.audit.models import Action, AuditEvent
from yanglao.registry.models import Person
from yanglao.visits.models import Assignment, Visitor, VisitorKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def villagers(make_person: Any, visitor: Any) -> tuple[Person, Person]:
    """Two people of the visitor's community; only the first is assigned to the visitor."""
    mine = make_person("王秀英", region=VILLAGE, phone="13912345678")
    other = make_person("李淑芬", region=VILLAGE, phone="13700001111")
    me = Visitor.objects.create(
        name="龙腾社区网格员", kind=VisitorKind.GRID, village_id=VILLAGE, user=visitor
    )
    Assignment.objects.create(person=mine, visitor=me)
    return mine, other


def reveal(client: Any, person: Person) -> Any:
    return client.post(reverse("person-reveal", args=[person.pk]), {"field": "phone"}, REMOTE_ADDR="10.8.0.5")


def test_a_visitor_reveals_the_phone_of_a_person_assigned_to_them(
    login: Any, visitor: Any, villagers: tuple[Person, Person]
) -> None:
    response = reveal(login(visitor), villagers[0])

    assert response.json() == {"value": "13912345678"}
    assert AuditEvent.objects.get(action=Action.REVEAL).username == "visitor"


def test_a_visitor_may_not_reveal_the_phone_of_another_villager(
    login: Any, visitor: Any, villagers: tuple[Person, Person]
) -> None:
    client = login(visitor)
    response = reveal(client, villagers[1])

    assert response.status_code == 403
    assert response.json() == {"error": "只能查看本人包干服务对象的完整电话"}
    assert "13700001111" not in response.content.decode()
    assert not AuditEvent.objects.filter(action=Action.REVEAL).exists()
    denied = AuditEvent.objects.get(action=Action.DENIED)
    assert (denied.username, denied.address, denied.detail) == (
        "visitor",
        "10.8.0.5",
        {"person": villagers[1].pk, "field": "phone"},
    )
    page = client.get(reverse("person", args=[villagers[1].pk])).content.decode()
    assert "显示完整" not in page  # no reveal button either
    assert "显示完整" in client.get(reverse("person", args=[villagers[0].pk])).content.decode()


def test_a_caseworker_still_reveals_any_phone_in_scope(
    login: Any, township_user: Any, villagers: tuple[Person, Person]
) -> None:
    assert reveal(login(township_user), villagers[1]).json() == {"value": "13700001111"}
