"""Every personal value on a person's page goes through the one masking function, for every role:
the sections, the field history, the name history and the conflicts card."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD, TOWNSHIP, VILLAGE, new_id_number
from yanglao.accounts.models import User
from yanglao.core.idnumber import mask_id_number
from yanglao.core.masking import HIDDEN
from yanglao.registry.models import Conflict, Person, PersonChange

pytestmark = pytest.mark.django_db

PHONE, OLD_PHONE, NEW_PHONE = "13912345678", "13700001111", "13800002222"
SPOUSE, NEW_SPOUSE = new_id_number(dt.date(1948, 5, 1), sex="1"), new_id_number(dt.date(1947, 5, 1), sex="1")
# Roles that see names and sensitive information in full; the others see names masked, the rest hidden.
SEES_PEOPLE = {"county_caseworker", "township_caseworker", "visitor"}
ROLES = ("county_caseworker", "township_caseworker", "visitor", "carehome_staff", "auditor", "admin")


@pytest.fixture
def wang(make_person: Any) -> Person:
    """王秀英 (王秀兰 before a correction), disability grade 2, with conflicts on her phone, her spouse's
    ID number and her disability grade."""
    person: Person = make_person(
        "王秀英", region=VILLAGE, phone=PHONE, spouse_id_number=SPOUSE, disability_grade=2, dibao=True
    )
    when = dt.date(2026, 3, 1)
    PersonChange.objects.create(
        person=person, kind="create", source="旗民政局", as_of=when, actor_name="导入",
        changes={"name": [None, "王秀兰"], "phone": [None, OLD_PHONE], "disability_grade": [None, 1],
                 "dibao": [None, False]},
    )  # fmt: skip
    PersonChange.objects.create(
        person=person, kind="edit", source="人工修改", as_of=when, actor_name="township",
        changes={"name": ["王秀兰", "王秀英"], "phone": [OLD_PHONE, PHONE], "disability_grade": ["1", "2"],
                 "dibao": ["false", "true"]},
    )  # fmt: skip
    for field, current, proposed in (
        ("phone", PHONE, NEW_PHONE),
        ("spouse_id_number", SPOUSE, NEW_SPOUSE),
        ("disability_grade", "2", "3"),
    ):
        Conflict.objects.create(
            person=person, field=field, current_value=current, current_source="旗民政局",
            current_as_of=when, proposed_value=proposed, proposed_source="旗残联", proposed_as_of=when,
        )  # fmt: skip
    return person


def user_of(role: str) -> User:
    region = {"county_caseworker": "152223", "admin": None, "carehome_staff": TOWNSHIP}.get(role, VILLAGE)
    return User.objects.create_user(username=role, password=PASSWORD, role=role, region_id=region)


@pytest.mark.parametrize("role", ROLES)
def test_no_role_sees_a_full_phone_or_spouse_id_number(login: Any, wang: Person, role: str) -> None:
    text = login(user_of(role)).get(reverse("person", args=[wang.pk])).content.decode()

    for full in (PHONE, OLD_PHONE, NEW_PHONE, SPOUSE, NEW_SPOUSE, wang.id_number):
        assert full not in text
    assert "139****5678" in text  # the conflicts card and the field, masked
    assert "138****2222" in text
    assert mask_id_number(NEW_SPOUSE) in text


@pytest.mark.parametrize("role", ROLES)
def test_names_and_sensitive_values_only_for_the_roles_that_see_them(
    login: Any, wang: Person, role: str
) -> None:
    text = login(user_of(role)).get(reverse("person", args=[wang.pk])).content.decode()

    conflict_card = text[text.index("待处理的数据冲突") : text.index("</section>")]
    if role in SEES_PEOPLE:
        assert "王秀兰" in text  # the name history
        assert "新值“三级”" in conflict_card  # a grade by its name (core/personfields.py)
        assert HIDDEN not in text
    else:
        assert "王秀英" not in text
        assert "王秀兰" not in text
        assert "王**" in text
        assert "新值“三级”" not in conflict_card
        assert "现值“二级”" not in conflict_card
        assert f"新值“{HIDDEN}”" in conflict_card
        assert "变更记录" not in text[text.index('id="f-disability_grade"') :][:600]
        assert "变更记录" not in text[text.index('id="f-dibao"') :][:600]


def test_the_history_is_in_the_pages_words(login: Any, county_user: Any, wang: Person) -> None:
    text = login(county_user).get(reverse("person", args=[wang.pk])).content.decode()

    row = text[text.index('id="f-dibao"') :][:800]
    assert "是 · 人工修改" in row
    assert "否 · 旗民政局" in row
