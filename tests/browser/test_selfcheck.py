"""In Chromium at 390×844 (a phone): the public self-check, filled in and answered, without logging in.

The browser never reaches the network: every request that is not for the live server is aborted. The
screenshot is kept in the test's temporary folder (``--basetemp`` to keep it) for a person to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from yanglao.audit.models import AuditEvent
from yanglao.registry.models import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    def only_the_live_server(route: Any) -> None:
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            route.abort()

    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    context.route("**/*", only_the_live_server)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_a_family_checks_what_an_85_year_old_gets_on_a_phone(
    page: Any, live_server: Any, tmp_path: Path
) -> None:
    page.goto(live_server.url + "/login/")
    page.get_by_role("link", name="查看基本养老服务清单、自查“我能享受哪些服务？”").click()
    page.get_by_role("link", name="内蒙古自治区兴安盟扎赉特旗").first.click()
    page.wait_for_url(f"{live_server.url}/catalogs/152223/selfcheck/")
    assert page.get_by_text("不保存、不记录").is_visible()

    page.fill("input[name=age]", "85")
    page.get_by_label("本旗（扎赉特旗）").first.check()
    page.get_by_label("独居").check()
    page.get_by_label("是低保对象（城乡居民最低生活保障）").check()
    page.select_option("select[name=disability_grade]", "1")
    page.select_option("select[name=pension_scheme]", "urban_rural")
    page.get_by_role("button", name="看看能享受哪些服务").click()

    gaoling = page.locator("#answer-5")
    gaoling.wait_for()
    assert "每月 100 元" in gaoling.inner_text()
    assert "年满80周岁（本人85周岁）" in gaoling.inner_text()
    assert "不符合：年龄不超过79周岁（本人85周岁）" in page.locator("#answer-6").inner_text()
    assert page.locator("article.answer").count() == 20  # every item answered
    # Nothing wider than the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.locator("#answer-5 summary").click()
    assert "示例值" not in gaoling.inner_text()
    assert "扎政办发〔2023〕16号 附件2 第5项" in gaoling.inner_text()

    page.evaluate("document.querySelector('.group.granted').scrollIntoView()")
    page.screenshot(path=str(tmp_path / "selfcheck-phone.png"))
    page.screenshot(path=str(tmp_path / "selfcheck-phone-full.png"), full_page=True)
    assert Person.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_a_list_page_fits_a_phone(page: Any, live_server: Any, tmp_path: Path) -> None:
    page.goto(live_server.url + "/catalogs/")
    page.get_by_role("link", name="平顶山市基本养老服务清单").click()
    page.wait_for_url(f"{live_server.url}/catalogs/410400/")
    assert page.locator("article.item").count() == 29
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.locator("#item-11").scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "list-phone.png"))
