"""In Chromium at 1366, 768 and 390 px: the assessment score bar shows the whole level (issue 11, item
11), and the casework pages — the assessment result, the assessments list, a person's enrolments and
account, the enrolment import, the assessors page — never scroll sideways.

Screenshots go to ``CASEWORK_SHOTS`` (a folder) when it is set, else to the test's temporary folder.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest

from tests.integration.assessor_helpers import qualified
from tests.integration.test_assessments_report import signed
from yanglao.core.assessment import instrument
from yanglao.entitlements.models import Enrolment, PayeeAccount
from yanglao.jobs.models import Job
from yanglao.registry.models import Person

PASSWORD = "Yl-tests-2024!"  # the fixtures' password
VILLAGE = "152223100001"
WIDTHS = {"desktop": (1366, 900), "tablet": (768, 1024), "phone": (390, 844)}

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE = """() => Array.from(document.querySelectorAll('body *'))
    .filter(el => !el.closest('.sections-nav, header nav, .table-scroll') && el.getBoundingClientRect().right > window.innerWidth + 1)
    .slice(0, 5).map(el => el.tagName + '.' + el.className + ' ' + Math.round(el.getBoundingClientRect().right))"""


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("CASEWORK_SHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def open_as(browser: Any, live_server: Any, username: str, size: tuple[int, int]) -> Any:
    def only_the_live_server(route: Any) -> None:
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            route.abort()

    width, height = size
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale="zh-CN", has_touch=width < 1000
    )
    context.route("**/*", only_the_live_server)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(live_server.url + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(live_server.url + "/")
    return page


@pytest.fixture
def wang(make_person: Any, township_user: Any, county_user: Any) -> Person:
    qualified(township_user.username, "音德尔镇经办人")
    qualified("assessor_liu", "刘评估")
    person: Person = make_person("王秀英", region=VILLAGE, birth=dt.date(1940, 1, 1), address="龙腾社区3号楼")
    PayeeAccount.objects.create(
        person=person, bank="扎赉特旗农村信用社", account_number="6217001234567890", holder_name="王秀英"
    )
    Enrolment.objects.create(
        person=person,
        catalog="152223",
        item_no="5",
        service_code="gaoling_jintie",
        name="高龄津贴（80周岁以上老年人）",
        amount=100,
        start=dt.date(2024, 1, 1),
        source="imported",
        source_detail="旗民政局：享受名单.csv 第 2 行",
    )
    return person


@pytest.mark.parametrize("device", ["tablet", "phone"])
def test_the_score_bar_shows_the_whole_level(
    browser: Any, live_server: Any, wang: Person, device: str, shots: Path
) -> None:
    page = open_as(browser, live_server, "township", WIDTHS[device])
    page.goto(f"{live_server.url}/assessments/new/{wang.pk}/")
    for item in instrument().items:  # every item lowest but one: 重度失能 at least, the longest words
        score = 0 if item.code.startswith(("B.1", "B.2")) else item.max_score
        page.locator(f'label.opt:has(input[name="{item.code}"][value="{score}"])').click()
    page.wait_for_function("() => document.querySelector('[data-out=level]').innerText.includes('→')")

    level = page.locator('#scorebar [data-out="level"]')
    cut = level.evaluate(
        """el => { const r = el.getBoundingClientRect(), bar = el.closest('.scorebar').getBoundingClientRect();
                   return el.scrollWidth > el.clientWidth + 1 || r.right > bar.right + 1 || r.right > window.innerWidth; }"""
    )
    assert not cut
    assert "失能" in level.inner_text()
    assert page.evaluate(WIDE) == []
    page.locator("#scorebar").screenshot(path=shots / f"scorebar-{device}.png")


@pytest.mark.parametrize("device", list(WIDTHS))
def test_the_casework_pages_fit_every_width(
    browser: Any, live_server: Any, wang: Person, township_user: Any, device: str, shots: Path
) -> None:
    result = signed(wang, township_user, 38, diagnoses=["F03"])
    job = Job.objects.create(
        kind="discover", user=township_user, params={"region": "152223100000", "on": "2026-06-17"}
    )
    pages = {
        "discovery-job": f"/entitlements/jobs/{job.pk}/",
        "assessment-result": f"/assessments/{result.pk}/",
        "assessments-list": "/assessments/",
        "person-account": f"/entitlements/persons/{wang.pk}/",
        "enrolment-import": "/entitlements/import/",
    }
    page = open_as(browser, live_server, "township", WIDTHS[device])
    for name, url in pages.items():
        assert page.goto(live_server.url + url).status == 200, name
        assert page.evaluate(WIDE) == [], (name, device)
        page.screenshot(path=shots / f"{name}-{device}.png", full_page=True)
    county = open_as(browser, live_server, "county", WIDTHS[device])
    assert county.goto(live_server.url + "/assessments/assessors/").status == 200
    assert county.evaluate(WIDE) == [], ("assessors", device)
    county.screenshot(path=shots / f"assessors-{device}.png", full_page=True)


def test_the_job_page_follows_the_job_and_shows_the_outcome(
    browser: Any, live_server: Any, wang: Person, monkeypatch: pytest.MonkeyPatch, shots: Path
) -> None:
    """The run button leaves a queued job (no worker here); the page polls its row and, once a worker
    has run it, shows the work list with the outcome."""
    from yanglao.jobs import runner

    monkeypatch.setattr(runner, "start", lambda job: None)
    page = open_as(browser, live_server, "township", WIDTHS["phone"])
    page.goto(f"{live_server.url}/entitlements/")
    page.get_by_role("button", name="立即比对（今天）").click()
    page.wait_for_url(f"{live_server.url}/entitlements/jobs/*/")
    assert "排队中" in page.locator("#job").inner_text()

    runner.run_job(Job.objects.get().pk)  # what the worker process does

    page.wait_for_url(f"{live_server.url}/entitlements/townships/152223100000/")
    assert "已完成服务找人" in page.locator("main").inner_text()
    page.screenshot(path=shots / "discovery-done-phone.png")
