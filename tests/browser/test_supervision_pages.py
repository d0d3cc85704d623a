"""In Chromium: the 动态清零 board looked at on a desktop (1366 px) and a phone (390 px), and the inspection
record on a tablet kept offline and sent when the tablet is back online.

Screenshots go to the test's temporary directory, and also to ``$YANGLAO_SCREENSHOTS`` when set. Every
request that is not for the live server is aborted."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import frozen_now

PASSWORD = "Yl-tests-2024!"  # the fixtures' password
VILLAGE = "152223100001"  # 龙腾社区, 音德尔镇
OTHER_VILLAGE = "152223101001"  # 解放社区, 新林镇

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def screen(browser: Any, live_server: Any) -> Iterator[Callable[..., Any]]:
    contexts: list[Any] = []

    def make(width: int, height: int, **more: Any) -> Any:
        context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN", **more)
        context.route(
            "**/*",
            lambda route: (
                route.continue_() if route.request.url.startswith(live_server.url) else route.abort()
            ),
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def keep(tmp_path: Path, name: str) -> None:
    target = os.environ.get("YANGLAO_SCREENSHOTS")
    if target and (tmp_path / name).exists():
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(tmp_path / name, Path(target) / name)


def log_in(page: Any, base: str, username: str) -> None:
    page.goto(base + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(base + "/")


def fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


@pytest.fixture
def hazards(db: None) -> dict[str, Any]:
    """Two facilities with hazards: one open in time, one overdue (township), one overdue more than three
    days (county), one cleared this month."""
    from yanglao.facilities.models import Facility
    from yanglao.supervision.models import Hazard

    now = frozen_now()
    home = Facility.objects.create(name="音德尔镇敬老院", kind="public_home", region_id=VILLAGE, beds=60)
    other = Facility.objects.create(name="新林镇敬老院", kind="public_home", region_id=OTHER_VILLAGE, beds=40)

    def hazard(facility: Any, title: str, level: str, due: dt.timedelta, **more: Any) -> Any:
        return Hazard.objects.create(
            facility=facility,
            township=facility.region_id[:9] + "000",
            source="inspection",
            title=title,
            level=level,
            opened_at=now - dt.timedelta(days=10),
            due_at=now + due,
            **more,
        )

    hazard(home, "消防器材过期", "high", dt.timedelta(days=2))
    hazard(home, "疏散通道堵塞", "major", -dt.timedelta(hours=5))
    hazard(other, "燃煤取暖房间未装一氧化碳报警器", "high", -dt.timedelta(days=4))
    hazard(other, "食品留样记录缺失", "medium", -dt.timedelta(days=1), status="cleared", cleared_at=now)
    return {"home": home, "other": other}


@pytest.mark.parametrize(("width", "height", "name"), [(1366, 900, "desktop"), (390, 844, "phone")])
def test_the_board_per_township_and_county(
    screen: Any,
    live_server: Any,
    county_user: Any,
    hazards: Any,
    tmp_path: Path,
    width: int,
    height: int,
    name: str,
) -> None:
    page = screen(width, height).new_page()
    log_in(page, live_server.url, "county")
    page.goto(live_server.url + "/supervision/")
    totals = page.inner_text("#board-total")
    assert "未清零\n3" in totals
    assert "逾期\n2" in totals
    assert "升级至旗县\n1" in totals
    assert "已清零\n1" in totals
    rows = page.locator("#board tbody tr")
    assert rows.count() == 2
    assert "新林镇" in rows.nth(0).inner_text()  # the township escalated to the county comes first
    assert "已升级至旗县民政局" in page.inner_text("main")
    assert "已升级至乡镇（苏木）" in page.inner_text("main")
    assert fits(page), f"the board is wider than the {name} screen"
    page.screenshot(path=tmp_path / f"board-{name}.png", full_page=True)
    keep(tmp_path, f"board-{name}.png")
    assert (tmp_path / f"board-{name}.png").stat().st_size > 0


def test_an_inspection_recorded_offline_is_kept_and_sent(
    screen: Any, live_server: Any, township_user: Any, hazards: Any, tmp_path: Path
) -> None:
    from yanglao.supervision.models import Hazard, Inspection

    home = hazards["home"]
    tablet = screen(820, 1180, is_mobile=True, has_touch=True)
    page = tablet.new_page()
    log_in(page, live_server.url, "township")
    page.goto(f"{live_server.url}/supervision/facilities/{home.pk}/inspect/")
    page.fill("input[name=inspectors]", "张三、李四")
    page.check("input[name=fail][value=F03]")
    page.fill("input[name=note_F03]", "灭火器过期两具")
    page.check("input[name=fail][value=B07]")
    assert page.inner_text("#live-score") == "92"

    page.reload()  # the draft survives a reload
    assert page.is_checked("input[name=fail][value=F03]")
    assert page.input_value("input[name=note_F03]") == "灭火器过期两具"
    assert "已恢复未提交的草稿" in page.inner_text("#draft-status")
    assert page.inner_text("#live-score") == "92"

    tablet.set_offline(True)
    page.get_by_role("button", name="提交检查记录").click()
    page.locator("#draft-status", has_text="当前无网络").wait_for()
    page.locator("#outbox-status", has_text="有 1 条检查记录保存在本机").wait_for()
    assert not Inspection.objects.exists()
    assert fits(page)
    page.screenshot(path=tmp_path / "inspect-offline.png")
    keep(tmp_path, "inspect-offline.png")

    tablet.set_offline(False)  # the "online" event sends it
    page.locator("#outbox-status", has_text="已发送 1 条检查记录").wait_for()
    inspection = Inspection.objects.get()
    assert (inspection.score, inspection.inspectors) == (92, "张三、李四")
    assert sorted(inspection.findings.values_list("code", flat=True)) == ["B07", "F03"]
    assert Hazard.objects.filter(finding__inspection=inspection).count() == 2
    assert page.evaluate("window.yanglaoSupervision.outbox().length") == 0
