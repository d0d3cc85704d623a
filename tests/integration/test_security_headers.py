"""Headers that keep personal data out of caches and foreign scripts out of pages; DEBUG stays local."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_every_page_has_a_content_security_policy_without_inline_scripts(client: Client) -> None:
    response = client.get(reverse("login"))

    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy


def test_a_person_page_is_never_stored_by_a_cache(login: Any, township_user: Any, make_person: Any) -> None:
    person = make_person()
    response = login(township_user).get(reverse("person", args=[person.pk]))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "<script>" not in response.content.decode()  # the page's script is a file (CSP)


def test_hsts_is_sent_on_https(client: Client, settings: Any) -> None:
    response = client.get(reverse("login"), secure=True)

    assert response["Strict-Transport-Security"].startswith(f"max-age={settings.SECURE_HSTS_SECONDS}")
    assert settings.SECURE_HSTS_SECONDS >= 180 * 24 * 3600


def test_serve_refuses_debug_on_a_public_address(settings: Any) -> None:
    settings.DEBUG = True
    with pytest.raises(CommandError, match="DEBUG=true"):
        call_command("serve", "--host", "0.0.0.0", "--port", "8999")
