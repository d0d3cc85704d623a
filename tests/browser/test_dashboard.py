"""In Chromium at 1280×800: the leaders' dashboard draws its charts offline, loads the entitlements,
drills down to a township, and the outsider gets 404 for another township.

Every request that is not for the live server is aborted: the chart library must come from the package.
Set ``YANGLAO_SCREENSHOTS=DIR`` to keep the screenshots.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from yanglao.facilities.models import Facility
from yanglao.regions.models import Region
from yanglao.registry.models import Person

PASSWORD = "Yl-tests-2024!"  # the fixtures' password
OTHER_VILLAGE = "152223101001"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(make_person: Callable[..., Person], today: dt.date) -> None:
    year = today.year
    for i in range(40):
        make_person(
            f"甲{i}",
            birth=dt.date(year - 61 - (i % 35), 2, 1),
            sex="1" if i % 2 else "2",
            living_arrangement=("alone", "empty_nest", "left_behind", "with_family")[i % 4],
            ability_level=i % 5,
            dibao=i % 6 == 0,
        )
    for i in range(12):
        make_person(f"乙{i}", region=OTHER_VILLAGE, birth=dt.date(year - 70 - i, 5, 1), tekun="dispersed")
    township = Region.objects.get(code="152223100000")
    Facility.objects.create(
        name="音德尔镇敬老院",
        kind="public_home",
        region=township,
        beds=132,
        nursing_beds=73,
        occupied_beds=112,
    )
    Facility.objects.create(
        name="颐养院", kind="private_home", region=township, beds=60, nursing_beds=33, occupied_beds=36
    )


@pytest.fixture
def open_page(browser: Any, live_server: Any) -> Iterator[Callable[[], Any]]:
    contexts: list[Any] = []
    outside: list[str] = []

    def only_the_live_server(route: Any) -> None:
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    def new_page() -> Any:
        context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
        context.route("**/*", only_the_live_server)
        context.set_default_timeout(60_000)
        contexts.append(context)
        return context.new_page()

    yield new_page
    for context in contexts:
        context.close()
    assert outside == []  # nothing from a CDN or the internet


def log_in(page: Any, base: str, username: str) -> None:
    page.goto(base + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(base + "/")


def keep(path: Path) -> None:
    folder = os.environ.get("YANGLAO_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(folder) / path.name)


def test_the_dashboard_draws_and_drills_down(
    open_page: Callable[[], Any], live_server: Any, county_user: Any, people: None, tmp_path: Path
) -> None:
    page = open_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, live_server.url, "county")
    page.get_by_role("link", name="统计", exact=True).click()
    page.wait_for_url(live_server.url + "/stats/region/152223/")
    assert page.get_by_role("heading", name="扎赉特旗老年人口与养老服务").is_visible()
    for chart in ("ages", "trend", "groups", "units", "ability", "facilities"):
        page.locator(f"#chart-{chart} svg").first.wait_for()
    page.locator("#entitlements table").wait_for()  # the engine's figures, loaded after the page
    assert "高龄津贴" in page.locator("#entitlements").inner_text()
    assert page.locator("#tiles").inner_text().count("52") >= 1  # 40 + 12 people aged 60+
    shot = tmp_path / "dashboard-1280x800.png"
    page.screenshot(path=shot)
    keep(shot)
    full = tmp_path / "dashboard-full.png"
    page.screenshot(path=full, full_page=True)
    keep(full)
    assert errors == []
    page.get_by_role("link", name="音德尔镇").first.click()
    page.wait_for_url("**/stats/region/152223100000/**")
    page.locator("#chart-units svg").first.wait_for()
    assert "龙腾社区" in page.locator("#units-table").inner_text()


def test_the_outsider_gets_404_for_another_township(
    open_page: Callable[[], Any], live_server: Any, outsider: Any, people: None
) -> None:
    page = open_page()
    log_in(page, live_server.url, "outsider")
    response = page.goto(live_server.url + "/stats/region/152223100000/")
    assert response is not None
    assert response.status == 404
    own = page.goto(live_server.url + "/stats/")
    assert own is not None
    assert own.status == 200
    assert "新林镇老年人口与养老服务" in page.content()


def test_on_a_phone_the_dashboards_tables_keep_their_headings(
    open_page: Callable[[], Any], live_server: Any, county_user: Any, people: None, tmp_path: Path
) -> None:
    page = open_page()
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, "county")
    page.goto(live_server.url + "/stats/region/152223/")
    cell = page.locator("#units-table tbody tr").first.locator("td").nth(1)
    cell.wait_for()
    assert page.locator("#units-table thead").is_hidden()  # one card per row on a phone
    heading = cell.evaluate("td => getComputedStyle(td, '::before').content")
    assert heading == '"60周岁及以上"'
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # no sideways scrolling
    shot = tmp_path / "dashboard-390.png"
    page.screenshot(path=shot, full_page=True)
    keep(shot)
