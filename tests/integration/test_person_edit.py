"""The person page's edit form: coded fields are choices; a bad value answers the page again with
the error beside its field and what was typed kept (no raw JSON page, the form not lost)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from yanglao.audit.models import Action, AuditEvent
from yanglao.registry.models import Person

pytestmark = pytest.mark.django_db

VILLAGE = "152223100001"


@pytest.fixture
def wang(make_person: Any) -> Person:
    return make_person("王秀英", region=VILLAGE, living_arrangement="with_family", disability_grade=2)


def row(text: str, name: str) -> str:
    """The HTML of one field's row of the person page."""
    found = re.search(rf'<tr id="f-{name}">(.*?)</tr>', text, re.S)
    assert found is not None, name
    return found.group(1)


def test_coded_fields_are_choices_with_the_current_value_chosen(
    login: Any, township_user: Any, wang: Person
) -> None:
    text = login(township_user).get(reverse("person", args=[wang.pk])).content.decode()

    living = row(text, "living_arrangement")
    assert '<select name="value"' in living
    assert '<option value="with_family" selected>与子女等同住</option>' in living
    assert '<option value="alone">独居</option>' in living
    assert '<option value="">未知</option>' in living
    for name in ("tekun", "pension_scheme", "fp_special", "dibao", "ability_level", "disability_category"):
        assert '<select name="value"' in row(text, name), name
    grade = row(text, "disability_grade")  # a level field: its levels by name (core/personfields.py)
    assert '<option value="2" selected>二级</option>' in grade
    assert '<span class="value" data-field="disability_grade">二级</span>' in grade
    assert 'type="date"' in row(text, "death_date")
    assert '<select name="value"' not in row(text, "address")


def test_the_phone_is_never_filled_in_the_form(login: Any, township_user: Any, wang: Person) -> None:
    text = login(township_user).get(reverse("person", args=[wang.pk])).content.decode()

    assert "13912345678" not in text
    assert 'name="value" value=""' in row(text, "phone")


def test_a_role_that_may_not_edit_gets_no_form(login: Any, auditor: Any, wang: Person) -> None:
    text = login(auditor).get(reverse("person", args=[wang.pk])).content.decode()

    assert "edit-form" not in text


def test_a_bad_value_shows_the_page_with_the_error_beside_the_field_and_keeps_what_was_typed(
    login: Any, township_user: Any, wang: Person
) -> None:
    response = login(township_user).post(
        reverse("person-edit", args=[wang.pk]),
        {"field": "disabled_months", "value": "9999", "reason": "残联复核"},
    )

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    months = row(response.content.decode(), "disabled_months")
    assert '<details class="edit" open>' in months
    assert 'class="field-error"' in months
    assert "应在 0–1200 之间，实际为 9999" in months
    assert 'name="value" value="9999"' in months
    assert 'name="reason" value="残联复核"' in months
    assert 'aria-invalid="true"' in months
    assert "field-error" not in row(response.content.decode(), "living_arrangement")
    wang.refresh_from_db()
    assert wang.disabled_months is None
    assert not AuditEvent.objects.filter(action=Action.CHANGE).exists()


def test_a_missing_reason_is_shown_beside_the_reason_and_the_value_kept(
    login: Any, township_user: Any, wang: Person
) -> None:
    response = login(township_user).post(
        reverse("person-edit", args=[wang.pk]), {"field": "address", "value": "龙腾社区3号楼", "reason": " "}
    )

    assert response.status_code == 400
    address = row(response.content.decode(), "address")
    assert "请填写修改原因" in address
    assert 'name="value" value="龙腾社区3号楼"' in address
    wang.refresh_from_db()
    assert wang.address == ""


def test_a_bad_region_code_and_a_missing_reason_are_both_reported(
    login: Any, township_user: Any, wang: Person
) -> None:
    response = login(township_user).post(
        reverse("person-edit", args=[wang.pk]), {"field": "residence_region", "value": "龙腾", "reason": ""}
    )

    region = row(response.content.decode(), "residence_region")
    assert "区划代码应为6位或12位数字，实际为“龙腾”" in region
    assert "请填写修改原因" in region


def test_a_choice_is_saved_and_the_page_shown_again(login: Any, township_user: Any, wang: Person) -> None:
    response = login(township_user).post(
        reverse("person-edit", args=[wang.pk]),
        {"field": "living_arrangement", "value": "alone", "reason": "入户核实"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("person", args=[wang.pk])
    wang.refresh_from_db()
    assert wang.living_arrangement == "alone"


def test_a_field_that_may_not_be_edited_is_refused_above_the_page(
    login: Any, township_user: Any, wang: Person
) -> None:
    response = login(township_user).post(
        reverse("person-edit", args=[wang.pk]), {"field": "birth_date", "value": "1950-01-01", "reason": "x"}
    )

    assert response.status_code == 400
    assert '<p class="error" role="alert">未保存：该字段不可修改</p>' in response.content.decode()


def test_a_region_field_suggests_the_villages_of_the_scope_with_their_township(
    login: Any, township_user: Any, wang: Person
) -> None:
    text = login(township_user).get(reverse("person", args=[wang.pk])).content.decode()

    assert 'list="villages"' in row(text, "residence_region")
    assert '<option value="152223100003">音德尔镇 解放社区</option>' in text
    assert "152223101001" not in text  # 新林镇's 解放社区 is not in the township's scope
