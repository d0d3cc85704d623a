"""In Chromium: a caseworker edits a field on the person page; a bad value comes back with the error
beside the field and what was typed still there; a coded field is a choice that saves."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.test_person_flow import log_in, open_page, viewport  # noqa: F401  (the fixtures)
from yanglao.registry.models import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VILLAGE = "152223100001"


@pytest.fixture
def wang(make_person: Any) -> Person:
    return make_person("王秀英", region=VILLAGE, living_arrangement="with_family", disability_grade=2)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_a_bad_value_is_shown_beside_the_field_and_the_form_keeps_what_was_typed(
    open_page: Any,  # noqa: F811
    live_server: Any,
    township_user: Any,
    wang: Person,
    viewport: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    base = live_server.url
    page = open_page()
    log_in(page, base, "township")
    page.goto(f"{base}/persons/{wang.pk}/")

    months = page.locator("#f-disabled_months")
    months.locator("details.edit summary").click()
    months.locator("input[name=value]").fill("9999")
    months.locator("input[name=reason]").fill("残联复核")
    months.get_by_role("button", name="保存").click()
    page.wait_for_load_state()

    months = page.locator("#f-disabled_months")
    error = months.locator(".field-error")
    assert error.is_visible()
    assert error.inner_text() == "应在 0–1200 之间，实际为 9999"
    assert months.locator("input[name=value]").input_value() == "9999"
    assert months.locator("input[name=reason]").input_value() == "残联复核"
    assert page.locator("h1").inner_text().startswith("王秀英")  # the page, not a raw JSON answer
    error_box = error.bounding_box()
    input_box = months.locator("input[name=value]").bounding_box()
    assert error_box is not None
    assert input_box is not None
    assert 0 <= error_box["y"] - (input_box["y"] + input_box["height"]) < 40  # right under the input
    fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=tmp_path / f"person-edit-error-{viewport}.png", full_page=True)
    assert fits, f"the person page is wider than the {viewport} screen"
    wang.refresh_from_db()
    assert wang.disabled_months is None


def test_a_coded_field_is_chosen_from_a_list_and_saved(
    open_page: Any,  # noqa: F811
    live_server: Any,
    township_user: Any,
    wang: Person,
) -> None:
    base = live_server.url
    page = open_page()
    log_in(page, base, "township")
    page.goto(f"{base}/persons/{wang.pk}/")

    living = page.locator("#f-living_arrangement")
    living.locator("details.edit summary").click()
    living.locator("select[name=value]").select_option(label="独居")
    living.locator("input[name=reason]").fill("入户核实")
    living.get_by_role("button", name="保存").click()
    page.wait_for_url(f"{base}/persons/{wang.pk}/#f-living_arrangement")  # back at the field

    assert page.locator('.value[data-field="living_arrangement"]').inner_text() == "独居"
    wang.refresh_from_db()
    assert wang.living_arrangement == "alone"
