"""In Chromium: the county caseworker follows the home tile to the conflict list, filters it by
township, opens the person and resolves the conflict there; on a phone the list fits the screen."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from tests.browser.test_person_flow import log_in, open_page  # noqa: F401  (the fixture)
from yanglao.registry.models import Conflict, ConflictStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VILLAGE = "152223100001"  # 龙腾社区, 音德尔镇
XINLIN_VILLAGE = "152223101001"  # 解放社区, 新林镇


@pytest.fixture
def conflicts(make_person: Any) -> list[Conflict]:
    def conflict(name: str, region: str) -> Conflict:
        return Conflict.objects.create(
            person=make_person(name, region=region),
            field="living_arrangement",
            current_value="with_family",
            current_source="公安局",
            current_as_of=dt.date(2026, 3, 1),
            proposed_value="alone",
            proposed_source="民政局",
            proposed_as_of=dt.date(2026, 5, 1),
        )

    return [conflict("王秀英", VILLAGE), conflict("李淑芬", XINLIN_VILLAGE)]


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_county_follows_the_tile_filters_by_township_and_resolves_a_conflict(
    open_page: Any,  # noqa: F811
    live_server: Any,
    county_user: Any,
    conflicts: list[Conflict],
    viewport: str,
    tmp_path: Path,
) -> None:
    base = live_server.url
    page = open_page()
    log_in(page, base, "county")

    page.get_by_role("link", name="待处理数据冲突").click()
    page.wait_for_url(base + "/conflicts/")
    rows = page.locator("table.conflicts tbody tr")
    assert rows.count() == 2
    assert "与子女等同住" in rows.first.inner_text()
    assert "独居" in rows.first.inner_text()

    page.select_option("select[name=township]", "152223100000")  # lists.js reloads with its villages
    page.wait_for_url("**/conflicts/?township=152223100000*")
    assert page.locator("select[name=village] option").count() > 1
    assert rows.count() == 1
    assert "王秀英" in rows.first.inner_text()
    assert "音德尔镇 龙腾社区" in rows.first.inner_text()
    fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=tmp_path / f"conflicts-{viewport}.png", full_page=True)
    assert fits, f"the conflict list is wider than the {viewport} screen"

    page.get_by_role("link", name="王秀英").click()
    page.wait_for_url(f"{base}/persons/{conflicts[0].person_id}/#conflicts")
    page.fill("#conflicts input[name=note]", "经入户核实")
    page.locator("#conflicts").get_by_role("button", name="采用新值").click()
    page.wait_for_url(f"{base}/persons/{conflicts[0].person_id}/")

    conflicts[0].refresh_from_db()
    assert conflicts[0].status == ConflictStatus.ACCEPTED
    page.goto(base + "/conflicts/")
    assert page.locator("table.conflicts tbody tr").count() == 1
    assert "李淑芬" in page.locator("table.conflicts tbody tr").first.inner_text()
