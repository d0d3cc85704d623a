"""In Chromium: log in, search by name, open the person, see the masked ID number; the outsider gets 404.

Run against pytest-django's live server; every request that is not for the live server is aborted, so
the browser never reaches the network.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from yanglao.audit.models import Action, AuditEvent
from yanglao.core.idnumber import make_id_number

PASSWORD = "Yl-tests-2024!"  # the fixtures' password
VILLAGE = "152223100001"  # 龙腾社区, 音德尔镇
WANG = make_id_number("152223", dt.date(1950, 3, 1), 702)
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def viewport() -> str:
    return "desktop"


@pytest.fixture
def open_page(browser: Any, live_server: Any, viewport: str) -> Iterator[Any]:
    """``open_page()`` gives a page in a fresh browser context (its own cookies) at the test's viewport."""
    contexts: list[Any] = []

    def only_the_live_server(route: Any) -> None:
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            route.abort()

    def new_page() -> Any:
        context = browser.new_context(viewport=VIEWPORTS[viewport], locale="zh-CN")
        context.route("**/*", only_the_live_server)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield new_page
    for context in contexts:
        context.close()


def log_in(page: Any, base: str, username: str) -> None:
    page.goto(base + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(base + "/")


@pytest.fixture
def wang(make_person: Any) -> Any:
    return make_person("王秀英", region=VILLAGE, id_number=WANG, phone="13912345678")


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_a_caseworker_finds_a_person_and_sees_the_id_number_masked(
    open_page: Any, live_server: Any, township_user: Any, wang: Any, viewport: str, tmp_path: Path
) -> None:
    page = open_page()
    log_in(page, live_server.url, "township")

    page.get_by_role("link", name="老年人查询").click()
    page.fill("input[name=q]", "王秀")
    page.keyboard.press("Enter")
    page.get_by_role("link", name="王秀英").click()
    page.wait_for_url(f"{live_server.url}/persons/{wang.pk}/")

    shown = page.locator('.value[data-field="id_number"]').inner_text()
    assert shown == WANG[:6] + "********" + WANG[-4:]
    assert WANG not in page.content()
    assert page.locator('.value[data-field="phone"]').inner_text() == "139****5678"
    fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=tmp_path / f"person-{viewport}.png", full_page=True)
    assert (tmp_path / f"person-{viewport}.png").stat().st_size > 0
    assert fits, f"the person page is wider than the {viewport} screen"


def test_a_caseworker_reveals_the_full_id_number_and_it_is_audited(
    open_page: Any, live_server: Any, township_user: Any, wang: Any
) -> None:
    page = open_page()
    log_in(page, live_server.url, "township")
    page.goto(f"{live_server.url}/persons/{wang.pk}/")

    page.locator('button.reveal[data-field="id_number"]').click()

    value = page.locator('.value[data-field="id_number"]')
    value.filter(has_text=WANG).wait_for()
    assert value.inner_text() == WANG
    assert AuditEvent.objects.filter(action=Action.REVEAL, username="township").count() == 1


def test_the_outsider_gets_a_404_page_for_the_same_person(
    open_page: Any, live_server: Any, township_user: Any, outsider: Any, wang: Any, tmp_path: Path
) -> None:
    page = open_page()
    log_in(page, live_server.url, "outsider")

    response = page.goto(f"{live_server.url}/persons/{wang.pk}/")

    assert response is not None
    assert response.status == 404
    assert "王秀英" not in page.content()
    assert WANG[-4:] not in page.content()
    page.screenshot(path=tmp_path / "outsider-404.png")
    assert AuditEvent.objects.filter(action=Action.DENIED, username="outsider").count() == 1
