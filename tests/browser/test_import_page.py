"""In Chromium, on a desktop (1366 px) and a phone (390 px): the import page with its template and data
date, an upload whose errors are listed with the row's ID number's last 4 characters, name and field in
Chinese, and the audit log in words — each without sideways scrolling.

Screenshots go to ``YANGLAO_SCREENSHOTS`` when it is set (to look at them), else to the test's folder.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from yanglao.core.idnumber import make_id_number

VILLAGE = "152223100001"  # 龙腾社区, 音德尔镇
WANG = make_id_number("152223", dt.date(1946, 6, 6), 802)
LI = make_id_number("152223", dt.date(1944, 7, 1), 803)
BAD_LI = LI[:17] + ("0" if LI[17] != "0" else "1")
FEED = (
    "公民身份号码,姓名,出生日期,居住状况,常住地区划代码\n"
    f"{WANG},王秀英,1946/6/6,独居,{VILLAGE}\n"
    f"{BAD_LI},李建国,1944年7月1日,独自居住,{VILLAGE}\n"
)
VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def inline_imports(settings: Any) -> None:
    settings.IMPORT_INLINE = True


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("YANGLAO_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def open_as(browser: Any, live_server: Any) -> Iterator[Any]:
    """``open_as(user, viewport)``: a page logged in as ``user`` (the session from Django's test client)."""
    contexts: list[Any] = []

    def only_the_live_server(route: Any) -> None:
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            route.abort()

    def new_page(user: Any, viewport: str) -> Any:
        client = Client()
        client.force_login(user)
        context = browser.new_context(viewport=VIEWPORTS[viewport], locale="zh-CN")
        context.add_cookies(
            [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
        )
        context.route("**/*", only_the_live_server)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield new_page
    for context in contexts:
        context.close()


def no_sideways_scroll(page: Any) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], widths


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_an_upload_lists_its_errors_by_row_id_name_and_field(
    open_as: Any,
    live_server: Any,
    township_user: Any,
    viewport: str,
    shots: Path,
    tmp_path: Path,
    today: dt.date,
) -> None:
    page = open_as(township_user, viewport)
    page.goto(live_server.url + "/imports/")
    assert page.input_value("input[name=as_of]") == f"{today:%Y-%m-%d}"
    assert page.get_attribute("input[name=as_of]", "max") == f"{today:%Y-%m-%d}"
    no_sideways_scroll(page)
    page.screenshot(path=str(shots / f"import-{viewport}.png"), full_page=True)

    feed = tmp_path / "旗民政局.csv"
    feed.write_text(FEED, encoding="utf-8")
    page.set_input_files("input[name=file]", str(feed))
    page.get_by_role("button", name="开始导入").click()
    table = page.locator("#outcome table.errors")
    table.wait_for()

    rows = [row.locator("td").all_inner_texts() for row in table.locator("tbody tr").all()]
    assert [row[:4] for row in rows] == [
        ["3", BAD_LI[-4:], "李建国", "公民身份号码"],
        ["3", BAD_LI[-4:], "李建国", "居住状况"],
    ]
    assert "新增 1" in page.inner_text("#outcome")
    assert page.get_by_role("link", name="下载错误报告（Excel）").is_visible()
    page.locator("#batches tbody td", has_text="旗民政局.csv").wait_for()  # the list shows the new batch
    no_sideways_scroll(page)
    page.screenshot(path=str(shots / f"import-errors-{viewport}.png"), full_page=True)


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_the_audit_log_reads_in_words(
    open_as: Any,
    live_server: Any,
    county_user: Any,
    auditor: Any,
    make_person: Any,
    viewport: str,
    shots: Path,
) -> None:
    from yanglao.audit.log import audit
    from yanglao.audit.models import Action

    person = make_person("王秀英", region=VILLAGE)
    audit(
        county_user, Action.VIEW, object_type="person", object_id=str(person.pk), detail={"person": person.pk}
    )
    audit(
        county_user, Action.EXPORT, object_type="payroll", object_id="12", summary="导出 2026年5月 补贴发放表"
    )
    page = open_as(auditor, viewport)

    page.goto(live_server.url + "/audit/")

    text = page.inner_text("table.list")
    assert "县级民政经办人员" in text
    assert "补贴发放表 12" in text
    assert "county_caseworker" not in text
    assert "payroll" not in text
    no_sideways_scroll(page)
    page.screenshot(path=str(shots / f"audit-{viewport}.png"), full_page=True)
