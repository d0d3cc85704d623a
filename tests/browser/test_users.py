"""In Chromium: a county caseworker creates a township user, who logs in with the one-time password,
must change it, and then sees only the township (search finds only its people; a person of another
township answers 404). The user pages fit a 1366 px desktop and a 390 px phone.

Run against pytest-django's live server; every request that is not for the live server is aborted."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from yanglao.accounts.models import User
from yanglao.audit.models import Action, AuditEvent

PASSWORD = "Yl-tests-2024!"  # the fixtures' password
NEW = "Yindeer-2026#"
TOWNSHIP = "152223100000"  # 音德尔镇
VILLAGE = "152223100001"  # 龙腾社区, 音德尔镇
OTHER_VILLAGE = "152223101001"  # 解放社区, 新林镇
VIEWPORTS = {"desktop": {"width": 1366, "height": 800}, "phone": {"width": 390, "height": 844}}

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def open_page(browser: Any, live_server: Any) -> Iterator[Callable[[str], Any]]:
    """``open_page(viewport)``: a page in a fresh browser context (its own cookies)."""
    contexts: list[Any] = []

    def only_the_live_server(route: Any) -> None:
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            route.abort()

    def new_page(viewport: str = "desktop") -> Any:
        context = browser.new_context(viewport=VIEWPORTS[viewport], locale="zh-CN")
        context.route("**/*", only_the_live_server)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield new_page
    for context in contexts:
        context.close()


def log_in(page: Any, base: str, username: str, password: str) -> None:
    page.goto(base + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.get_by_role("button", name="登录").click()


def fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def test_a_county_user_creates_a_township_user_who_must_change_the_password_and_sees_only_the_township(
    open_page: Callable[[str], Any], live_server: Any, county_user: User, make_person: Any, tmp_path: Path
) -> None:
    ours = make_person("王秀英", region=VILLAGE)
    theirs = make_person("王秀英", region=OTHER_VILLAGE)  # the same name in 新林镇
    base = live_server.url

    county = open_page("desktop")
    log_in(county, base, "county", PASSWORD)
    county.wait_for_url(base + "/")
    county.goto(base + "/users/new/")
    county.fill("input[name=username]", "yindeer")
    county.fill("input[name=display_name]", "赵音德")
    county.select_option("select[name=role]", "township_caseworker")
    county.select_option("select[name=region]", TOWNSHIP)
    county.get_by_role("button", name="新增并生成一次性密码").click()
    one_time = county.get_by_test_id("one-time-password").inner_text().strip()
    assert User.objects.get(username="yindeer").must_change_password

    page = open_page("desktop")
    log_in(page, base, "yindeer", one_time)
    page.wait_for_url(base + "/account/password/")
    assert "您正在使用一次性密码，请先修改密码。" in page.content()
    page.goto(base + "/persons/?q=王秀英")  # nothing opens before the change
    assert page.url == base + "/account/password/"
    page.fill("input[name=old_password]", one_time)
    page.fill("input[name=new_password]", NEW)
    page.fill("input[name=new_password_again]", NEW)
    page.get_by_role("button", name="修改密码").click()
    page.wait_for_url(base + "/account/")
    assert "密码已修改" in page.content()
    assert "音德尔镇" in page.locator("table.fields").inner_text()

    page.goto(base + "/persons/?q=王秀英")
    page.locator(f'a[href="/persons/{ours.pk}/"]').first.wait_for()
    assert page.locator(f'a[href="/persons/{theirs.pk}/"]').count() == 0
    refused = page.goto(f"{base}/persons/{theirs.pk}/")
    assert refused is not None
    assert refused.status == 404
    assert "王秀英" not in page.content()
    opened = page.goto(f"{base}/persons/{ours.pk}/")
    assert opened is not None
    assert opened.status == 200
    denied = AuditEvent.objects.filter(action=Action.DENIED, username="yindeer")
    assert denied.count() == 1
    page.screenshot(path=tmp_path / "township-404.png")


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_the_user_pages_fit_the_screen(
    open_page: Callable[[str], Any],
    live_server: Any,
    county_user: User,
    township_user: User,
    visitor: User,
    viewport: str,
    tmp_path: Path,
) -> None:
    base = live_server.url
    page = open_page(viewport)
    log_in(page, base, "county", PASSWORD)
    page.wait_for_url(base + "/")

    for name, path in [
        ("users", "/users/"),
        ("new", "/users/new/"),
        ("edit", f"/users/{visitor.pk}/"),
        ("account", "/account/"),
        ("password", "/account/password/"),
    ]:
        response = page.goto(base + path)
        assert response is not None
        assert response.status == 200, name
        page.screenshot(path=tmp_path / f"{name}-{viewport}.png", full_page=True)
        assert fits(page), f"{name} is wider than the {viewport} screen"
    page.goto(base + "/users/")
    page.get_by_role("link", name="visitor").click()
    page.get_by_role("button", name="重置密码").click()
    shown = page.get_by_test_id("one-time-password").inner_text().strip()
    page.screenshot(path=tmp_path / f"one-time-{viewport}.png", full_page=True)
    assert fits(page), f"the one-time password page is wider than the {viewport} screen"
    visitor.refresh_from_db()
    assert visitor.check_password(shown)
