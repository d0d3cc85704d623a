"""In Chromium at 390 px: a worker records a home visit on the phone page — check-in and check-out,
what was done, the elder's drawn signature — offline; the record waits on the phone and is sent when
the connection is back. The overview at 1366 px. Screenshots go to the test's temporary directory (and to
``$YANGLAO_SCREENSHOTS`` when set). Every request that is not for the live server is aborted."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.integration import homecare_world as w

PASSWORD = "Yl-tests-2024!"  # the fixtures' password
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1366, "height": 900}
SH = dt.timezone(dt.timedelta(hours=8))

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _context(browser: Any, live_server: Any, **kw: Any) -> Any:
    def only_the_live_server(route: Any) -> None:
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            route.abort()

    context = browser.new_context(locale="zh-CN", **kw)
    context.route("**/*", only_the_live_server)
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def phone(browser: Any, live_server: Any) -> Iterator[Any]:
    context = _context(browser, live_server, viewport=PHONE, is_mobile=True, has_touch=True)
    yield context
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
def order(make_person: Any, township_user: Any, today: dt.date) -> Any:
    from yanglao.homeservices.models import Order
    from yanglao.homeservices.plans import do_create_plan

    p = w.provider()
    w.worker(p)
    person = make_person("张桂兰", birth=dt.date(1940, 2, 1), tekun="dispersed")
    plan = do_create_plan(
        township_user, person, catalog=w.CATALOG, service="cleaning_aid", units_per_month=Decimal(4),
        start=today.replace(day=1), provider=p,
    )  # fmt: skip
    return Order.objects.create(
        plan=plan, person=person, provider=p, service="cleaning_aid", units=2,
        due=dt.datetime.combine(today, dt.time(14), tzinfo=SH),
    )  # fmt: skip


def test_a_visit_recorded_offline_is_sent_when_back_online(
    phone: Any, live_server: Any, order: Any, tmp_path: Path, today: dt.date
) -> None:
    from yanglao.homeservices.models import CheckIn

    page = phone.new_page()
    log_in(page, live_server.url, "township")
    page.goto(live_server.url + "/homeservices/phone/")
    assert fits(page)
    page.get_by_role("link", name="张").click()
    page.wait_for_url(f"{live_server.url}/homeservices/phone/{order.pk}/")
    page.get_by_role("button", name="签到").click()
    assert page.input_value("input[name=start]")  # the button wrote the time
    page.fill("input[name=start]", f"{today:%Y-%m-%d}T14:05")
    page.fill("input[name=end]", f"{today:%Y-%m-%d}T15:50")
    page.fill("textarea[name=done]", "打扫卧室和厨房，换洗床单")
    page.check("input[name=confirmation][value=signature]")
    page.locator("#hs-canvas").scroll_into_view_if_needed()  # the signature pad may start below the fold
    box = page.locator("#hs-canvas").bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 40)
    page.mouse.down()
    for i in range(1, 12):
        page.mouse.move(box["x"] + 20 + i * 22, box["y"] + 40 + (i % 3) * 25)
    page.mouse.up()
    assert page.input_value("input[name=signature]").startswith("data:image/png;base64,")

    phone.set_offline(True)
    page.get_by_role("button", name="提交").click()
    page.locator("#hs-status", has_text="当前无网络").wait_for()
    page.locator("#hs-outbox", has_text="有 1 条上门服务记录保存在本机").wait_for()
    assert CheckIn.objects.count() == 0
    assert fits(page), "the phone page is wider than the phone"
    page.screenshot(path=tmp_path / "homeservices-phone-offline.png", full_page=True)
    keep(tmp_path, "homeservices-phone-offline.png")

    phone.set_offline(False)  # the "online" event sends it
    page.locator("#hs-outbox", has_text="已发送 1 条上门服务记录").wait_for()
    visit = CheckIn.objects.get()
    assert visit.person_id == order.person_id
    assert visit.confirmation == "signature"
    assert visit.done == "打扫卧室和厨房，换洗床单"
    assert (visit.end - visit.start) == dt.timedelta(minutes=105)
    assert page.evaluate("window.yanglaoHomeServices.outbox().length") == 0
    order.refresh_from_db()
    assert order.state == "done"


def test_the_overview_at_1366_and_390(
    browser: Any, live_server: Any, order: Any, tmp_path: Path, township_user: Any
) -> None:
    from yanglao.homeservices.claimmodels import Settlement

    roll = Settlement.objects.create(
        provider=order.provider, month=dt.date(2026, 5, 1), prepared_by=township_user,
        prepared_at=dt.datetime(2026, 6, 5, 9, tzinfo=SH),
        totals={"subsidy": "116.00", "copay": "8.00", "lines": 2, "withheld": "36.00", "by_level": {"市": "34.80", "县": "81.20"}},
    )  # fmt: skip
    for name, size in (("desk", DESK), ("phone", PHONE)):
        context = _context(browser, live_server, viewport=size)
        page = context.new_page()
        log_in(page, live_server.url, "township")
        page.goto(live_server.url + "/homeservices/")
        page.get_by_role("heading", name="居家社区养老服务").wait_for()
        assert page.get_by_role("link", name=order.provider.name).count() == 1
        assert fits(page), f"the overview is wider than {size['width']} px"
        page.screenshot(path=tmp_path / f"homeservices-{name}.png", full_page=True)
        keep(tmp_path, f"homeservices-{name}.png")
        page.goto(f"{live_server.url}/homeservices/settlements/{roll.pk}/")
        page.get_by_text("本表由您生成，须由其他经办人员审核。").wait_for()
        assert fits(page), f"the settlement roll is wider than {size['width']} px"
        page.screenshot(path=tmp_path / f"homeservices-roll-{name}.png", full_page=True)
        keep(tmp_path, f"homeservices-roll-{name}.png")
        context.close()
