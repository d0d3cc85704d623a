"""Issue 11, item 11: on a 390 px phone no page a visitor (网格员) opens scrolls sideways — the home page,
search, a person's page, the visits pages and the visit form — and tables become stacked rows with their
headings. Screenshots at 390 and 1366 px go to the test's temporary directory and to
``$YANGLAO_SCREENSHOTS`` when set. Every request that is not for the live server is aborted.
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
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
# Words a phone cannot break at a space: a long address, a long run of digits, a long Latin word.
ADDRESS = "兴安盟扎赉特旗音德尔镇龙腾社区第三居民小组幸福家园小区十二号楼三单元五零二室（东侧楼梯上楼）"
NOTE = "Blutdruckmessgerätebedienungsanleitung-" * 3 + "1234567890" * 6

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def context_of(browser: Any, live_server: Any, viewport: dict[str, int], *, mobile: bool) -> Any:
    def only_the_live_server(route: Any) -> None:
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            route.abort()

    context = browser.new_context(viewport=viewport, locale="zh-CN", is_mobile=mobile, has_touch=mobile)
    context.route("**/*", only_the_live_server)
    context.set_default_timeout(30_000)  # a loaded CI machine
    return context


@pytest.fixture
def phone(browser: Any, live_server: Any) -> Iterator[Any]:
    context = context_of(browser, live_server, PHONE, mobile=True)
    yield context
    context.close()


@pytest.fixture
def desktop(browser: Any, live_server: Any) -> Iterator[Any]:
    context = context_of(browser, live_server, DESKTOP, mobile=False)
    yield context
    context.close()


@pytest.fixture
def field(make_person: Any, visitor: Any, today: dt.date) -> dict[str, Any]:
    """The visitor's village: a dozen people (one with a long address and long notes), their visitor,
    this month's plan, visits and follow-ups."""
    from yanglao.visits.actions import do_auto_assign, do_make_plans, do_refresh_targets
    from yanglao.visits.models import FollowUp, Visit, Visitor, VisitorKind

    wang = make_person("欧阳王秀英", region=VILLAGE, living_arrangement="alone", address=ADDRESS)
    for i in range(12):
        make_person(f"李桂{i}", region=VILLAGE, living_arrangement=("alone", "empty_nest")[i % 2])
    do_refresh_targets(None, "152223", today - dt.timedelta(days=60))
    me = Visitor.objects.create(
        name="龙腾社区网格员", kind=VisitorKind.GRID, village_id=VILLAGE, user=visitor
    )
    do_auto_assign(None, "152223")
    do_make_plans(None, "152223", today.year, today.month)
    Visit.objects.create(
        person=wang,
        visitor=me,
        mode="home",
        visited_at=frozen_now() - dt.timedelta(days=3),
        visited_on=today - dt.timedelta(days=3),
        health="精神尚可，" + NOTE,
        hazards=["heating", "house"],
        hazard_note=NOTE,
        family_support="女儿每周电话联系",
        needs=["emotional"],
        note=NOTE,
    )
    FollowUp.objects.create(
        person=wang,
        kind="urgent",
        detail="老人摔倒后无法起身，" + NOTE,
        due_at=frozen_now() - dt.timedelta(hours=2),
    )
    FollowUp.objects.create(person=wang, kind="entitlement", entitlement="高龄津贴" * 6, detail=NOTE)
    return {"wang": wang}


def visitor_pages(wang: Any) -> list[tuple[str, str]]:
    """Every page of the visitor's menu and the pages it leads to."""
    return [
        ("home", "/"),
        ("search", "/persons/"),
        ("search-results", "/persons/?q=李桂"),
        ("person", f"/persons/{wang.pk}/"),
        ("visits", "/visits/"),
        ("visit-form", f"/visits/persons/{wang.pk}/"),
        ("rates", "/visits/rates/"),
        ("overdue", "/visits/overdue/"),
        ("plans", "/visits/plans/"),
        ("followups", "/visits/followups/?status=all"),
        ("workloads", "/visits/workloads/"),
        ("stats", "/stats/"),
        ("assessments", "/assessments/"),
        ("catalog", "/catalogs/"),
    ]


WIDEST = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > 391)
  .slice(0, 3).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""


def test_no_visitor_page_scrolls_sideways_on_a_390_px_phone(
    phone: Any, live_server: Any, field: dict[str, Any], tmp_path: Path
) -> None:
    page = phone.new_page()
    log_in(page, live_server.url, "visitor")
    too_wide: dict[str, Any] = {}
    for name, url in visitor_pages(field["wang"]):
        response = page.goto(live_server.url + url)
        assert response is not None
        assert response.status == 200, url
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            too_wide[url] = (width, page.evaluate(WIDEST))
        page.screenshot(path=tmp_path / f"phone-{name}.png", full_page=True)
        keep(tmp_path, f"phone-{name}.png")
    assert too_wide == {}


def test_tables_on_a_phone_are_stacked_rows_with_their_headings(
    phone: Any, live_server: Any, field: dict[str, Any]
) -> None:
    page = phone.new_page()
    log_in(page, live_server.url, "visitor")
    page.goto(live_server.url + "/visits/plans/")

    cell = page.locator("table.list tbody tr").first.locator("td").nth(1)
    assert page.locator("table.list thead").is_hidden()
    assert cell.evaluate("e => getComputedStyle(e, '::before').content") == '"老年人"'
    assert "欧阳王秀英" in page.inner_text("table.list") or "李桂" in page.inner_text("table.list")


def test_the_visitor_pages_at_1366_px(
    desktop: Any, live_server: Any, field: dict[str, Any], tmp_path: Path
) -> None:
    page = desktop.new_page()
    log_in(page, live_server.url, "visitor")
    for name, url in visitor_pages(field["wang"]):
        response = page.goto(live_server.url + url)
        assert response is not None
        assert response.status == 200, url
        assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"], url
        page.screenshot(path=tmp_path / f"desktop-{name}.png", full_page=True)
        keep(tmp_path, f"desktop-{name}.png")
