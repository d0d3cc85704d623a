"""The HTTP API: the OpenAPI schema is valid, one person's answer with the reasons, scope, tokens, audit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from tests.conftest import OTHER_VILLAGE
from yanglao.audit.models import AuditEvent
from yanglao.core.idnumber import mask_id_number
from yanglao.entitlements.actions import do_create_token

URL = "/api/persons/{}/entitlements"


@pytest.fixture
def elder(make_person: Callable[..., Any]) -> Any:
    return make_person("高龄老人", birth=dt.date(1939, 3, 2), pension_scheme="urban_rural", dibao=True)


def schema_of(client: Any) -> dict[str, Any]:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return dict(response.json())


def assert_matches(spec: dict[str, Any], name: str, body: Any) -> None:
    """Validate a response body against a component of the served schema."""
    root = {"$ref": f"#/components/schemas/{name}", "components": spec["components"]}
    errors = list(Draft202012Validator(root).iter_errors(body))
    assert not errors, [e.message for e in errors[:5]]


def test_the_served_schema_is_valid_openapi(client: Any) -> None:
    spec = schema_of(client)
    validate(spec)
    assert spec["openapi"].startswith("3.1")
    assert "/api/persons/{id_number}/entitlements" in spec["paths"]


def test_one_persons_entitlements_with_the_explanation(login: Any, county_user: Any, elder: Any) -> None:
    client = login(county_user)
    response = client.get(URL.format(elder.id_number), {"catalog": "152223", "date": "2026-11-23"})
    assert response.status_code == 200
    body = response.json()
    assert_matches(schema_of(client), "Entitlements", body)
    assert body["person"] == {"id_number": mask_id_number(elder.id_number), "jurisdiction_catalog": "152223"}
    assert body["date"] == "2026-11-23"
    assert body["catalog"] == "152223"
    items = {i["no"]: i for i in body["items"]}
    assert len(items) == 20
    gaoling = items["5"]
    assert gaoling["granted"]
    assert gaoling["amount"] == 100.0
    assert gaoling["period"] == "month"
    assert gaoling["reasons"]
    assert any("87" in c["value"] for c in gaoling["conditions"])
    assert all(p["valid_from"] and p["reference"] for p in gaoling["parameters"])
    subsidy = items["6"]  # 低保 but over 79: not granted, with the person's age in the reason
    assert not subsidy["granted"]
    assert subsidy["amount"] is None
    assert "87" in subsidy["reasons"][0]
    assert [c["met"] for c in subsidy["conditions"]].count(False) >= 1
    assert set(body["granted"]) >= {"3", "5", "10"}


def test_the_default_list_and_date(login: Any, county_user: Any, elder: Any, today: dt.date) -> None:
    body = login(county_user).get(URL.format(elder.id_number)).json()
    assert body["catalog"] == "152223"
    assert body["date"] == today.isoformat()


def test_bad_parameters_are_400(login: Any, county_user: Any, elder: Any) -> None:
    client = login(county_user)
    assert client.get(URL.format(elder.id_number), {"date": "2026-13-01"}).status_code == 400
    assert client.get(URL.format(elder.id_number), {"catalog": "999999"}).status_code == 400


def test_the_outsider_gets_404_and_the_attempt_is_audited(login: Any, outsider: Any, elder: Any) -> None:
    response = login(outsider).get(URL.format(elder.id_number))
    assert response.status_code == 404
    assert response.json() == {"error": "没有此人，或此人不在您的辖区内"}
    assert AuditEvent.objects.filter(action="denied", username="outsider").exists()


def test_an_unknown_person_is_404(login: Any, county_user: Any) -> None:
    assert login(county_user).get(URL.format("152223195003010011")).status_code == 404


def test_without_login_401_not_a_redirect(client: Any, elder: Any) -> None:
    response = client.get(URL.format(elder.id_number))
    assert response.status_code == 401
    assert "Bearer" in response["WWW-Authenticate"]


def test_token_authentication_and_audit(
    client: Any, township_user: Any, elder: Any, make_person: Callable[..., Any]
) -> None:
    _token, raw = do_create_token("测试", township_user, "社保系统对接")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    response = client.get(URL.format(elder.id_number), {"date": "2026-11-23"}, **headers)
    assert response.status_code == 200
    assert response.json()["items"]
    event = AuditEvent.objects.filter(action="view", username="township").latest("id")
    assert "接口查询应享待遇" in event.summary
    assert "令牌" in event.summary
    assert event.object_id == mask_id_number(elder.id_number)
    other = make_person("新林镇老人", region=OTHER_VILLAGE)
    assert client.get(URL.format(other.id_number), **headers).status_code == 404  # scoped like the user
    bad = {"HTTP_AUTHORIZATION": "Bearer yl_not-a-token"}
    assert client.get(URL.format(elder.id_number), **bad).status_code == 401
    _token.active = False
    _token.save()
    assert client.get(URL.format(elder.id_number), **headers).status_code == 401


def test_a_role_without_sensitive_access_is_refused(login: Any, auditor: Any, elder: Any) -> None:
    assert login(auditor).get(URL.format(elder.id_number)).status_code == 403
