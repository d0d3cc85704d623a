"""The care-home pages in a browser: the public queue on a 390 px phone (no login, no personal data, no
sideways scrolling) and the staff pages at 390 and 1366 px. Screenshots go to the test's temporary
directory and to ``$YANGLAO_SCREENSHOTS`` when set."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests.browser.test_phone_layout import DESKTOP, PHONE, context_of
from tests.browser.test_visit_phone import keep, log_in
from yanglao.core.person import ABILITY_LEVELS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
HEALTH_WORDS = [label for _, label in ABILITY_LEVELS] + ["能力等级", "残疾等级", "评估"]


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
def queue(make_person: Any, county_user: Any, today: dt.date) -> dict[str, Any]:
    from yanglao.carehomes.models import Application
    from yanglao.facilities.models import Facility

    home = Facility.objects.create(
        name="音德尔镇敬老院", kind="public_home", region_id="152223100000", beds=40, nursing_beds=20
    )
    client = Client()
    client.force_login(county_user)
    people = []
    names = ["王秀英", "李凤兰", "张桂英", "欧阳玉珍", "赵淑珍", "孙玉兰"]
    for i, name in enumerate(names):
        person = make_person(
            name,
            tekun="dispersed" if i % 3 == 0 else "none",
            self_care_unable=i % 3 == 0,
            ability_level=i % 5,
            disability_grade=1 if i == 4 else None,
            ability_assessed_on=today - dt.timedelta(days=30 + i),
            address="音德尔镇龙腾社区三组十二号",
        )
        applied = (today - dt.timedelta(days=40 * (i + 1))).isoformat()
        client.post(
            "/carehomes/apply/",
            {"id_number": person.id_number, "applied_on": applied, "wants_placement": "1"},
        )
        people.append(person)
    client.post("/carehomes/vacancy/", {"facility": home.pk, "nursing": "1"})
    return {"people": people, "app": Application.objects.order_by("position").first()}


def test_the_public_queue_on_a_phone(
    phone: Any, live_server: Any, queue: dict[str, Any], tmp_path: Path
) -> None:
    page = phone.new_page()
    page.goto(live_server.url + "/carehomes/queue/152223/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    text = page.inner_text("body")
    assert "王*英" in text
    for person in queue["people"]:
        assert person.id_number not in text
        assert person.id_number[-4:] not in text
        assert person.name not in text
    for word in [*HEALTH_WORDS, "龙腾社区", "13912345678"]:
        assert word not in text, word
    page.screenshot(path=tmp_path / "carehomes-public-phone.png", full_page=True)
    keep(tmp_path, "carehomes-public-phone.png")
    app, person = queue["app"], queue["app"].person
    page.goto(live_server.url + "/carehomes/queue/mine/")
    page.fill("input[name=number]", app.number)
    page.fill("input[name=tail]", person.id_number[-4:])
    page.get_by_role("button", name="查询").click()
    page.wait_for_selector("text=轮候第")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=tmp_path / "carehomes-mine-phone.png", full_page=True)
    keep(tmp_path, "carehomes-mine-phone.png")


PAGES = [
    ("index", "/carehomes/"),
    ("apply", "/carehomes/apply/"),
    ("residents", "/carehomes/residents/"),
    ("worklist", "/carehomes/worklist/"),
    ("settlements", "/carehomes/settlements/"),
]


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_staff_pages(
    size: str, request: Any, live_server: Any, queue: dict[str, Any], tmp_path: Path
) -> None:
    context = request.getfixturevalue(size)
    width = (PHONE if size == "phone" else DESKTOP)["width"]
    page = context.new_page()
    log_in(page, live_server.url, "county")
    pages = [*PAGES, ("application", f"/carehomes/applications/{queue['app'].pk}/")]
    for name, url in pages:
        page.goto(live_server.url + url)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, url
        page.screenshot(path=tmp_path / f"carehomes-{name}-{size}.png", full_page=True)
        keep(tmp_path, f"carehomes-{name}-{size}.png")
