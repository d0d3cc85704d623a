"""In Chromium on a phone-sized screen (390×844): a visitor records a visit; the draft survives a reload
and a lost connection, and is sent when the phone is back online. The rates page fits the phone.

Screenshots go to the test's temporary directory, and also to ``$YANGLAO_SCREENSHOTS`` when set (to
look at them). Every request that is not for the live server is aborted.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import frozen_now
from yanglao.core.idnumber import make_id_number

PASSWORD = "Yl-tests-2024!"  # the fixtures' password
VILLAGE = "152223100001"  # 龙腾社区, 音德尔镇
WANG = make_id_number("152223", dt.date(1940, 3, 1), 712)
PHONE = {"width": 390, "height": 844}

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser: Any, live_server: Any) -> Iterator[Any]:
    """A browser context the size of a phone, that reaches only the live server."""

    def only_the_live_server(route: Any) -> None:
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            route.abort()

    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    context.route("**/*", only_the_live_server)
    context.set_default_timeout(10_000)
    yield context
    context.close()


def keep(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    target = os.environ.get("YANGLAO_SCREENSHOTS")
    if target and path.exists():
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(target) / name)
    return path


def log_in(page: Any, base: str, username: str) -> None:
    page.goto(base + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(base + "/")


@pytest.fixture
def wang(make_person: Any, visitor: Any, today: dt.date) -> Any:
    """王秀英, 86, living alone (weekly), assigned to the visitor of 龙腾社区."""
    from yanglao.visits.actions import do_auto_assign, do_refresh_targets
    from yanglao.visits.models import Visitor, VisitorKind

    person = make_person(
        "王秀英", region=VILLAGE, id_number=WANG, living_arrangement="alone", address="龙腾社区3组12号"
    )
    do_refresh_targets(None, "152223", today - dt.timedelta(days=20))
    Visitor.objects.create(name="龙腾社区网格员", kind=VisitorKind.GRID, village_id=VILLAGE, user=visitor)
    do_auto_assign(None, "152223")
    return person


def fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def test_a_visit_recorded_offline_is_kept_and_sent_when_back_online(
    phone: Any, live_server: Any, wang: Any, tmp_path: Path
) -> None:
    from yanglao.visits.models import FollowUp, Visit

    page = phone.new_page()
    log_in(page, live_server.url, "visitor")
    page.goto(live_server.url + "/visits/")
    page.get_by_role("link", name="王秀英").click()
    page.wait_for_url(f"{live_server.url}/visits/persons/{wang.pk}/")

    page.locator("label:has(input[name=mode][value=phone])").click()
    page.fill("textarea[name=health]", "精神尚可，腿脚不便，血压偏高")
    page.locator("label:has(input[name=hazards][value=heating])").click()
    page.fill("textarea[name=family_support]", "女儿每周电话联系")
    page.locator("label:has(input[name=needs][value=emotional])").click()
    page.check("input[name=fu_assessment]")

    page.reload()  # the draft survives a reload
    assert page.input_value("textarea[name=health]") == "精神尚可，腿脚不便，血压偏高"
    assert page.is_checked("input[name=mode][value=phone]")
    assert page.is_checked("input[name=hazards][value=heating]")
    assert page.is_checked("input[name=fu_assessment]")
    assert "已恢复未提交的草稿" in page.inner_text("#draft-status")

    phone.set_offline(True)
    page.get_by_role("button", name="提交探访记录").click()
    page.locator("#draft-status", has_text="当前无网络").wait_for()
    page.locator("#outbox-status", has_text="有 1 条探访记录保存在本机").wait_for()
    assert Visit.objects.count() == 0
    assert fits(page), "the visit page is wider than the phone"
    page.screenshot(path=tmp_path / "visit-offline.png", full_page=False)
    keep(tmp_path, "visit-offline.png")

    phone.set_offline(False)  # the "online" event sends the draft
    page.locator("#outbox-status", has_text="已发送 1 条探访记录").wait_for()

    visit = Visit.objects.get()
    assert (visit.person_id, visit.mode, visit.health) == (wang.pk, "phone", "精神尚可，腿脚不便，血压偏高")
    assert visit.hazards == ["heating"]
    assert visit.needs == ["emotional"]
    assert visit.family_support == "女儿每周电话联系"
    assert visit.client_id is not None
    assert FollowUp.objects.get().kind == "assessment"
    assert page.evaluate("window.yanglaoVisits.outbox().length") == 0
    page.reload()
    page.get_by_text("健康与生活：精神尚可，腿脚不便，血压偏高").wait_for()
    page.screenshot(path=tmp_path / "visit-sent.png", full_page=True)
    keep(tmp_path, "visit-sent.png")
    assert (tmp_path / "visit-sent.png").stat().st_size > 0


def test_a_visit_recorded_online_is_sent_at_once(phone: Any, live_server: Any, wang: Any) -> None:
    from yanglao.visits.models import Visit

    page = phone.new_page()
    log_in(page, live_server.url, "visitor")
    page.goto(f"{live_server.url}/visits/persons/{wang.pk}/")
    page.fill("textarea[name=health]", "一切正常")
    page.get_by_role("button", name="提交探访记录").click()
    page.wait_for_url(f"{live_server.url}/visits/persons/{wang.pk}/?saved=1")

    assert Visit.objects.get().health == "一切正常"
    assert page.evaluate("localStorage.length") == 0  # nothing left on the phone


def test_the_rates_page_fits_a_phone(
    phone: Any, live_server: Any, wang: Any, township_user: Any, tmp_path: Path, today: dt.date
) -> None:
    from yanglao.visits.models import Visit

    Visit.objects.create(person=wang, mode="home", visited_at=frozen_now(), visited_on=today, health="好")
    page = phone.new_page()
    log_in(page, live_server.url, "township")
    page.goto(live_server.url + "/visits/rates/")

    page.get_by_text("龙腾社区").first.wait_for()
    assert "100.0%" in page.inner_text(".v-total")
    assert fits(page), "the rates page is wider than the phone"
    page.screenshot(path=tmp_path / "rates-phone.png", full_page=True)
    keep(tmp_path, "rates-phone.png")
