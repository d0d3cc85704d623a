"""In Chromium at a tablet's size (1024×1366): an assessor fills in the assessment form by touch,
sees the running scores, total and level change, is stopped from signing while fields are missing,
then signs; the person's ability level follows.

Run against pytest-django's live server; every request that is not for the live server is aborted.
Screenshots are kept in the test's temporary directory (``--basetemp`` to keep them).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.integration.assessor_helpers import qualified
from yanglao.accounts.models import User
from yanglao.assessments.models import Assessment, Status
from yanglao.core.assessment import instrument
from yanglao.registry.models import Person

PASSWORD = "Yl-tests-2024!"  # the fixtures' password
VILLAGE = "152223100001"  # 龙腾社区, 音德尔镇
TABLET = {"width": 1024, "height": 1366}

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser: Any, live_server: Any, township_user: Any) -> Iterator[Any]:
    """A logged-in township caseworker's page at tablet size, with touch."""

    def only_the_live_server(route: Any) -> None:
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            route.abort()

    context = browser.new_context(viewport=TABLET, locale="zh-CN", has_touch=True, device_scale_factor=1)
    context.route("**/*", only_the_live_server)
    context.set_default_timeout(10_000)
    tab = context.new_page()
    tab.goto(live_server.url + "/login/")
    tab.fill("input[name=username]", "township")
    tab.fill("input[name=password]", PASSWORD)
    tab.get_by_role("button", name="登录").click()
    tab.wait_for_url(live_server.url + "/")
    yield tab
    context.close()


@pytest.fixture
def wang(make_person: Any, township_user: Any) -> Person:
    """王秀英, and the two qualified assessors: the township caseworker and 刘评估."""
    qualified(township_user.username, "音德尔镇经办人")
    qualified("assessor_liu", "刘评估")
    person: Person = make_person("王秀英", region=VILLAGE)
    return person


def choose(page: Any, name: str, value: str) -> None:
    """Tap the option (its whole label is the target)."""
    page.locator(f'label.opt:has(input[name="{name}"][value="{value}"])').tap()


def text_of(page: Any, out: str) -> str:
    return str(page.locator(f'#scorebar [data-out="{out}"]').inner_text())


def wait_for(page: Any, out: str, expected: str) -> None:
    page.wait_for_function(
        '([out, expected]) => document.querySelector(`#scorebar [data-out="${out}"]`).innerText.includes(expected)',
        arg=[out, expected],
    )


def test_an_assessor_fills_in_the_form_on_a_tablet_and_signs(
    page: Any, live_server: Any, wang: Person, township_user: Any, tmp_path: Path
) -> None:
    page.goto(f"{live_server.url}/assessments/person/{wang.pk}/")
    page.get_by_role("link", name="新建评估").click()
    page.wait_for_url(f"{live_server.url}/assessments/new/{wang.pk}/")

    # Every option and button is a large target.
    small = page.evaluate(
        """() => Array.from(document.querySelectorAll('#assessment-form label.opt, #assessment-form button, #assessment-form summary'))
             .filter(el => el.getBoundingClientRect().height < 44).map(el => el.textContent.trim())"""
    )
    assert small == []
    wide = page.evaluate(
        """() => Array.from(document.querySelectorAll('body *'))
             .filter(el => !el.closest('.sections-nav, header nav') && el.getBoundingClientRect().right > window.innerWidth + 1)
             .slice(0, 5).map(el => el.tagName + '.' + el.className + '#' + el.id + ' ' + Math.round(el.getBoundingClientRect().right))"""
    )
    assert wide == []

    # The running scores change with each tap.
    choose(page, "B.1.1", "4")
    wait_for(page, "total", "4")
    choose(page, "B.1.1", "2")
    wait_for(page, "total", "2")
    assert text_of(page, "B.1").startswith("2")
    assert text_of(page, "level") == "待评完"

    # All 26 items: every item at its maximum except 进食 2 → total 88, 轻度失能.
    for item in instrument().items:
        if item.code != "B.1.1":
            choose(page, item.code, str(item.max_score))
    wait_for(page, "total", "88")
    wait_for(page, "level", "轻度失能 → 轻度失能")
    assert text_of(page, "answered") == "26"
    page.locator("#s-B\\.2").scroll_into_view_if_needed()
    page.screenshot(path=tmp_path / "form-items-tablet.png")

    # A dementia diagnosis raises the final level: shown at once.
    page.locator("#f-diagnoses summary").tap()
    page.locator('button[data-icd="F03"]').tap()
    wait_for(page, "level", "轻度失能 → 中度失能")
    assert "痴呆" in text_of(page, "grounds")

    # Signing with required fields missing is stopped and each one is named.
    page.get_by_role("button", name="签署并生成结果").tap()
    panel = page.locator("#client-errors")
    panel.wait_for(state="visible")
    listed = panel.inner_text()
    for name in ("A.3.1 信息提供者的姓名", "A.5.11 昏迷", "A.2.14.1 跌倒", "评估员二", "评估地点"):
        assert name in listed
    assert Assessment.objects.count() == 0
    page.screenshot(path=tmp_path / "form-missing-tablet.png")

    # Fill them in and sign.
    page.fill("#i-informant_name", "李建国")
    choose(page, "informant_relation", "child")
    choose(page, "coma", "false")
    for key in ("fall", "lost", "choking", "self_harm", "other"):
        choose(page, f"risk_{key}", "0")
    assert page.locator("#i-assessor_1").input_value() == str(township_user.pk)  # the user, qualified
    liu = User.objects.get(username="assessor_liu")
    assert "刘评估（assessor_liu）" in page.locator("#i-assessor_2").inner_text()
    page.select_option("#i-assessor_2", value=str(liu.pk))
    page.fill("#i-place", "龙腾社区居家")
    page.get_by_role("button", name="签署并生成结果").tap()
    page.wait_for_url(f"{live_server.url}/assessments/*/")

    assert "中度失能" in page.locator("main").inner_text()
    page.screenshot(path=tmp_path / "result-tablet.png", full_page=True)
    a = Assessment.objects.get()
    assert (a.status, a.total, a.initial_level, a.final_level) == (Status.SIGNED, 88, 1, 2)
    wang.refresh_from_db()
    assert wang.ability_level == 2


def test_a_draft_is_saved_and_resumed_in_the_browser(
    page: Any, live_server: Any, wang: Person, tmp_path: Path
) -> None:
    page.goto(f"{live_server.url}/assessments/new/{wang.pk}/")
    choose(page, "B.1.1", "3")
    choose(page, "a_wounds", "none")
    choose(page, "a_wounds", "burn")  # 无 is exclusive: choosing 烧烫伤 clears it
    page.get_by_role("button", name="保存草稿").tap()
    page.wait_for_url(f"{live_server.url}/assessments/*/?saved=1")

    page.reload()

    assert page.locator('input[name="B.1.1"][value="3"]').is_checked()
    assert page.locator('input[name="a_wounds"][value="burn"]').is_checked()
    assert not page.locator('input[name="a_wounds"][value="none"]').is_checked()
    wait_for(page, "total", "3")
    page.screenshot(path=tmp_path / "draft-resumed-tablet.png")
    page.locator("#f-risk_events").screenshot(path=tmp_path / "risk-events.png")
    page.locator("#s-A\\.4").screenshot(path=tmp_path / "diagnoses.png")
    draft = Assessment.objects.get()
    assert draft.status == Status.DRAFT
    assert draft.answers["wounds"] == ["burn"]
