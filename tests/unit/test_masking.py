"""The one masking function: per field kind and per role."""

from __future__ import annotations

import pytest

from yanglao.accounts.models import SENSITIVE_ROLES, Role
from yanglao.core import masking
from yanglao.core.masking import HIDDEN, Shown, mask, rule

PEOPLE_ROLES = ("county_caseworker", "township_caseworker", "visitor")
OTHER_ROLES = ("carehome_staff", "auditor", "admin", "")


@pytest.mark.parametrize("role", PEOPLE_ROLES + OTHER_ROLES)
def test_numbers_are_masked_for_every_role(role: str) -> None:
    assert mask(role, "id_number", "152223195003010027") == "152223********0027"
    assert mask(role, "spouse_id_number", "152223194805010015") == "152223********0015"
    assert mask(role, "phone", "13912345678") == "139****5678"
    assert mask(role, "emergency_contact_phone", "13800002222") == "138****2222"
    assert mask(role, "account_number", "6217000011112222") == "6217********2222"


@pytest.mark.parametrize("role", PEOPLE_ROLES)
def test_the_roles_working_with_people_see_names_and_sensitive_values(role: str) -> None:
    assert mask(role, "name", "王秀英") == "王秀英"
    assert mask(role, "emergency_contact_name", "李四") == "李四"
    assert mask(role, "disability_grade", "2") == "2"
    assert mask(role, "dibao", "true") == "true"
    assert rule(role, "tekun") is Shown.FULL
    assert masking.sees_sensitive(role)


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_the_other_roles_see_names_masked_and_sensitive_values_hidden(role: str) -> None:
    assert mask(role, "name", "王秀英") == "王**"
    assert mask(role, "holder_name", "欧阳小明") == "欧***"
    for field in ("disability_grade", "dibao", "tekun", "ability_level", "fp_special", "disabled_months"):
        assert mask(role, field, "2") == HIDDEN
    assert not masking.sees_sensitive(role)


@pytest.mark.parametrize("role", PEOPLE_ROLES + OTHER_ROLES)
def test_other_values_and_empty_values_are_unchanged(role: str) -> None:
    assert mask(role, "address", "龙腾社区3组12号") == "龙腾社区3组12号"
    assert mask(role, "birth_date", "1950-03-01") == "1950-03-01"
    assert mask(role, "phone", "") == ""
    assert mask(role, "disability_grade", "") == ""


def test_the_roles_that_see_people_are_the_accounts_sensitive_roles() -> None:
    assert {str(r) for r in SENSITIVE_ROLES} == masking.SEES_PEOPLE
    assert {str(r) for r in Role} >= masking.SEES_PEOPLE
