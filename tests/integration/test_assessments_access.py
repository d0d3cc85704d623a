"""Every assessment URL of a person is reached through the scoped access function: the outsider (a
caseworker of another township) gets a 404 on each and the attempt is audited; roles that do not see
health data get a 403 (a role that may never see them); only caseworkers may assess (403 otherwise)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from yanglao.assessments.models import Assessment, Scale, Status
from yanglao.audit.models import Action, AuditEvent
from yanglao.registry.models import Person

VILLAGE = "152223100001"  # 龙腾社区, 音德尔镇

pytestmark = pytest.mark.django_db


@pytest.fixture
def wang(make_person: Any) -> Person:
    person: Person = make_person("王秀英", region=VILLAGE)
    return person


@pytest.fixture
def draft(wang: Person) -> Assessment:
    return Assessment.objects.create(person=wang, number="PG-DRAFT-1", items={"B.1.1": 4})


def signed_result(person: Person) -> Assessment:
    """A signed (old scale) result of ``person``."""
    return Assessment.objects.create(
        person=person,
        number="MZ-1",
        scale=Scale.MZT_039,
        status=Status.SIGNED,
        legacy_level=2,
        reference_date="2025-01-01",
        valid_until="2026-01-01",
        signed_at="2025-01-02T10:00:00+08:00",
    )


@pytest.fixture
def result(wang: Person) -> Assessment:
    return signed_result(wang)


def person_urls(wang: Person, draft: Assessment, result: Assessment) -> list[tuple[str, str]]:
    return [
        ("get", reverse("assessments:person", args=[wang.pk])),
        ("get", reverse("assessments:new", args=[wang.pk])),
        ("post", reverse("assessments:new", args=[wang.pk])),
        ("get", reverse("assessments:edit", args=[draft.pk])),
        ("post", reverse("assessments:edit", args=[draft.pk])),
        ("get", reverse("assessments:edit", args=[result.pk])),
        ("get", reverse("assessments:pdf", args=[result.pk])),
    ]


def test_the_outsider_gets_a_404_on_every_assessment_url(
    login: Any, outsider: Any, wang: Person, draft: Assessment, result: Assessment
) -> None:
    client = login(outsider)
    urls = person_urls(wang, draft, result)

    for method, url in urls:
        response = getattr(client, method)(url, {"B.1.1": "0", "action": "save"} if method == "post" else {})
        assert response.status_code == 404, url
        assert "王秀英" not in response.content.decode()

    assert AuditEvent.objects.filter(action=Action.DENIED, username="outsider").count() == len(urls)
    draft.refresh_from_db()
    assert draft.items == {"B.1.1": 4}
    assert Assessment.objects.count() == 2


def test_the_township_caseworker_reaches_every_assessment_url(
    login: Any, township_user: Any, wang: Person, draft: Assessment, result: Assessment
) -> None:
    client = login(township_user)

    for method, url in person_urls(wang, draft, result):
        response = getattr(client, method)(url, {"B.1.1": "3", "action": "save"} if method == "post" else {})
        assert response.status_code in (200, 302), url


def test_the_outsiders_list_does_not_show_the_person(
    login: Any, outsider: Any, draft: Assessment, result: Assessment
) -> None:
    response = login(outsider).get(reverse("assessments:index"))

    assert response.status_code == 200
    assert "王秀英" not in response.content.decode()
    assert "MZ-1" not in response.content.decode()


def test_a_nonexistent_assessment_is_a_404(login: Any, township_user: Any) -> None:
    assert login(township_user).get(reverse("assessments:edit", args=[999])).status_code == 404


@pytest.mark.parametrize("role", ["auditor", "carehome"])
def test_roles_that_do_not_see_health_data_get_a_403(
    login: Any, auditor: Any, make_person: Any, role: str, wang: Person, result: Assessment
) -> None:
    from yanglao.accounts.models import User

    user = (
        auditor
        if role == "auditor"
        else User.objects.create_user("home", role="carehome_staff", region_id=VILLAGE)
    )
    client = login(user)

    assert client.get(reverse("assessments:index")).status_code == 403
    assert client.get(reverse("assessments:person", args=[wang.pk])).status_code == 403
    assert client.get(reverse("assessments:pdf", args=[result.pk])).status_code == 403
    assert client.post(reverse("assessments:score"), {"B.1.1": "4"}).status_code == 403


def test_a_visitor_sees_the_results_but_cannot_assess(
    login: Any, visitor: Any, wang: Person, draft: Assessment, result: Assessment
) -> None:
    client = login(visitor)

    assert client.get(reverse("assessments:person", args=[wang.pk])).status_code == 200
    assert client.get(reverse("assessments:edit", args=[result.pk])).status_code == 200
    assert client.get(reverse("assessments:new", args=[wang.pk])).status_code == 403
    assert client.get(reverse("assessments:edit", args=[draft.pk])).status_code == 403
    assert client.post(reverse("assessments:edit", args=[draft.pk]), {"B.1.1": "0"}).status_code == 403


def test_every_page_needs_a_login(client: Any, wang: Person, result: Assessment) -> None:
    for url in (reverse("assessments:index"), reverse("assessments:pdf", args=[result.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert "/login/" in response["Location"]
