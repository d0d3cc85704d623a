"""Issue 11, item 4, in Chromium: an overdue urgent follow-up comes first on page 1 although a hundred
and more follow-ups have no deadline (SQLite sorted those first and "老人摔倒后…已超时" fell to page 2);
the filters narrow the list and survive paging. Runs on SQLite and, with ``DATABASE_URL``, PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.test_visit_phone import keep, log_in
from tests.conftest import frozen_now

VILLAGE = "152223100001"  # 龙腾社区, 音德尔镇
SECOND_VILLAGE = "152223100002"  # 音德尔镇

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk(browser: Any, live_server: Any) -> Iterator[Any]:
    def only_the_live_server(route: Any) -> None:
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            route.abort()

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.route("**/*", only_the_live_server)
    context.set_default_timeout(30_000)
    yield context
    context.close()


@pytest.fixture
def fell(make_person: Any) -> Any:
    """120 follow-ups without a deadline, opened after the one urgent follow-up now 6 hours overdue."""
    from yanglao.visits.models import FollowUp

    now = frozen_now()
    older = make_person("张桂兰", region=VILLAGE)
    others = [make_person(f"刘{i}", region=(VILLAGE, SECOND_VILLAGE)[i % 2]) for i in range(6)]
    urgent = FollowUp.objects.create(
        person=older,
        kind="urgent",
        detail="老人摔倒后无法起身，已送医",
        township_id="152223100000",
        opened_at=now - dt.timedelta(hours=30),
        due_at=now - dt.timedelta(hours=6),
    )
    FollowUp.objects.bulk_create(
        FollowUp(
            person=others[i % 6],
            kind=("assessment", "adaptation", "entitlement")[i % 3],
            detail=f"第{i}件",
            township_id="152223100000",
            opened_at=now - dt.timedelta(minutes=i + 1),
        )
        for i in range(120)
    )
    return urgent


def test_the_overdue_urgent_follow_up_is_first_on_page_one(
    desk: Any, live_server: Any, township_user: Any, fell: Any, tmp_path: Path
) -> None:
    page = desk.new_page()
    log_in(page, live_server.url, "township")
    page.goto(live_server.url + "/visits/followups/")

    first = page.locator("ul.v-list > li").first
    assert "紧急情况上报乡镇（街道）" in first.inner_text()
    assert "已超时" in first.inner_text()
    assert "老人摔倒后无法起身" in first.inner_text()
    assert page.locator("ul.v-list > li", has_text="已超时").count() == 1
    assert "第 1 / 2 页" in page.inner_text(".pager")
    page.screenshot(path=tmp_path / "followups-order.png", full_page=False)
    keep(tmp_path, "followups-order.png")


def test_the_filters_narrow_the_list_and_the_pages_keep_them(
    desk: Any, live_server: Any, township_user: Any, fell: Any
) -> None:
    page = desk.new_page()
    log_in(page, live_server.url, "township")
    page.goto(live_server.url + "/visits/followups/")

    page.select_option("select[name=kind]", "assessment")
    page.select_option("select[name=village]", VILLAGE)
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url("**/visits/followups/?*kind=assessment*")

    assert "探访跟进事项（20 件）" in page.inner_text("h1")  # every third of 120, half of them in 龙腾社区
    kinds = page.locator("ul.v-list > li > strong").all_inner_texts()
    assert set(kinds) == {"申请老年人能力评估"}
    page.get_by_role("link", name="已超时").click()
    page.wait_for_url("**status=overdue*")
    assert "探访跟进事项（0 件）" in page.inner_text("h1")
    page.get_by_role("link", name="待处理").click()
    page.wait_for_url("**status=open*")
    assert page.input_value("select[name=kind]") == "assessment"
    assert page.input_value("select[name=village]") == VILLAGE


def test_the_filters_fit_a_phone(
    browser: Any, live_server: Any, township_user: Any, fell: Any, tmp_path: Path
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    context.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith(live_server.url) else route.abort(),
    )
    context.set_default_timeout(30_000)
    page = context.new_page()
    log_in(page, live_server.url, "township")
    page.goto(live_server.url + f"/visits/followups/?village={VILLAGE}")

    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.input_value("select[name=township]") == "152223100000"
    page.screenshot(path=tmp_path / "followups-phone.png", full_page=False)
    keep(tmp_path, "followups-phone.png")
    context.close()
