"""In Chromium on a phone (390×844) and a desktop (1366×768): the network page and the offline map of the
demo network. The map draws its generated outlines and its markers with no request leaving the live
server (every other request is aborted and the test fails on it), and the phone never scrolls sideways.

Set ``YANGLAO_SCREENSHOTS=DIR`` to keep the screenshots.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from yanglao.demo.network import build_network
from yanglao.facilities.models import Facility
from yanglao.regions import geo
from yanglao.regions.models import Region

PASSWORD = "Yl-tests-2024!"  # the fixtures' password
SIZES = {"phone": (390, 844), "desktop": (1366, 768)}

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def network(today: dt.date, make_person: Callable[..., Any]) -> None:
    build_network(Region.objects.get(code="152223"), today)
    points = [(f.lon, f.lat) for f in Facility.objects.all() if f.lon is not None and f.lat is not None]
    far = [
        c for c, at in geo.village_points("152223").items() if all(geo.distance_km(at, p) > 3 for p in points)
    ]
    for i, code in enumerate(far[:5]):
        make_person(f"远村老人{i}", region=code, birth=dt.date(1950, 1, 1))


@pytest.fixture
def open_page(browser: Any, live_server: Any) -> Iterator[Callable[[str], Any]]:
    contexts: list[Any] = []
    outside: list[str] = []

    def only_the_live_server(route: Any) -> None:
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    def new_page(size: str) -> Any:
        width, height = SIZES[size]
        context = browser.new_context(
            viewport={"width": width, "height": height},
            locale="zh-CN",
            is_mobile=size == "phone",
            has_touch=size == "phone",
            device_scale_factor=2 if size == "phone" else 1,
        )
        context.route("**/*", only_the_live_server)
        context.set_default_timeout(60_000)
        contexts.append(context)
        return context.new_page()

    yield new_page
    for context in contexts:
        context.close()
    assert outside == []  # no tile server, CDN or web font


def log_in(page: Any, base: str, username: str) -> None:
    page.goto(base + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(base + "/")


def keep(page: Any, folder: Path, name: str, full: bool = False) -> None:
    path = folder / f"{name}.png"
    page.screenshot(path=path, full_page=full)
    wanted = os.environ.get("YANGLAO_SCREENSHOTS")
    if wanted:
        Path(wanted).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(wanted) / path.name)


def sideways(page: Any) -> int:
    """How far the page scrolls sideways (0 when it fits)."""
    return int(page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"))


@pytest.mark.parametrize("size", sorted(SIZES))
def test_the_network_page_and_the_map_offline(
    size: str,
    open_page: Callable[[str], Any],
    live_server: Any,
    county_user: Any,
    network: None,
    tmp_path: Path,
) -> None:
    page = open_page(size)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, live_server.url, "county")

    page.goto(live_server.url + "/facilities/network/")
    assert page.get_by_role("heading", name="扎赉特旗养老服务设施网络").is_visible()
    assert page.locator(".f-check").count() == 7
    assert page.locator(".f-check.f-fail").count() >= 1
    assert sideways(page) == 0
    keep(page, tmp_path, f"network-{size}", full=True)

    page.get_by_role("link", name="在地图上查看").click()
    page.wait_for_url("**/facilities/map/152223/")
    page.locator("#facility-map[data-ready='1']").wait_for()
    assert "示意边界，非实际行政界线" in page.locator(".f-note").inner_text()
    # The outlines (county, 18 townships, 156 villages) and the markers are SVG paths Leaflet drew.
    assert page.locator(".leaflet-overlay-pane svg path").count() >= 1 + 18 + 156
    markers = page.locator("path.f-marker")
    assert markers.count() == int(page.locator("#facility-map").get_attribute("data-facilities") or 0) > 50
    assert int(page.locator("#facility-map").get_attribute("data-outside") or 0) >= 1
    assert (
        page.locator(".leaflet-overlay-pane path[fill='#f87171']").count() >= 1
    )  # villages outside the circle
    assert page.locator(".leaflet-tile").count() == 0  # no tile layer at all
    assert sideways(page) == 0
    keep(page, tmp_path, f"map-{size}")
    keep(page, tmp_path, f"map-{size}-full", full=True)

    # A marker opens its facility's popup, whose link leads to the facility's page.
    page.locator("path.f-marker-public_home").first.click(force=True)
    link = page.locator(".leaflet-popup-content a").first
    link.wait_for()
    link.click()
    page.wait_for_url(re.compile(r"/facilities/\d+/$"))
    page.locator(".f-chart svg").wait_for()
    assert sideways(page) == 0
    keep(page, tmp_path, f"facility-{size}", full=True)
    assert errors == []


def test_a_township_page_on_the_phone(
    open_page: Callable[[str], Any], live_server: Any, county_user: Any, network: None, tmp_path: Path
) -> None:
    page = open_page("phone")
    log_in(page, live_server.url, "county")
    page.goto(live_server.url + "/facilities/network/152223101000/")
    assert page.get_by_role("heading", name="新林镇养老服务设施网络").is_visible()
    assert sideways(page) == 0
    keep(page, tmp_path, "township-phone", full=True)
    page.goto(live_server.url + "/facilities/?kind=village_station")
    assert sideways(page) == 0
    keep(page, tmp_path, "list-phone", full=True)
