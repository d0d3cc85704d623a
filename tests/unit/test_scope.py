"""The one access mechanism: scopes from a user's region and role, and the one permission table."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from yanglao.accounts.models import Role
from yanglao.accounts.scope import PERMISSIONS, REFUSALS, Scope, may, require, scope_of


def user(role: str, prefix: str | None) -> Any:
    region = SimpleNamespace(prefix=prefix) if prefix is not None else None
    return SimpleNamespace(
        is_authenticated=True, role=role, region=region, region_id=prefix and prefix.ljust(12, "0")
    )


ANONYMOUS = SimpleNamespace(is_authenticated=False)


def test_a_caseworker_sees_the_regions_under_her_own() -> None:
    scope = scope_of(user(Role.TOWNSHIP, "152223100"))

    assert scope == Scope(role=Role.TOWNSHIP, prefix="152223100")
    assert scope.covers("152223100001")
    assert not scope.covers("152223101001")
    assert scope.q("hukou_region") == Q(hukou_region__startswith="152223100")


def test_the_administrator_without_a_region_sees_everything_others_nothing() -> None:
    everything = scope_of(user(Role.ADMIN, None))
    nothing = scope_of(user(Role.COUNTY, None))

    assert everything.everything
    assert everything.covers("152221000000")
    assert everything.q("region") == Q()
    assert nothing.nothing
    assert not nothing.covers("152223100001")
    assert nothing.q("region") == Q(pk__in=[])


def test_the_anonymous_see_nothing_and_may_nothing() -> None:
    assert scope_of(ANONYMOUS).nothing
    assert not any(may(ANONYMOUS, verb) for verb in PERMISSIONS)


def test_the_administrator_may_not_record_visits_but_manages_them() -> None:
    admin = user(Role.ADMIN, None)

    assert not may(admin, "visits.record")
    assert may(admin, "visits.manage")


def test_only_a_county_caseworker_approves_a_roll() -> None:
    assert {role for role in Role if may(user(role, "152223"), "payments.approve")} == {Role.COUNTY}


def test_every_verb_has_a_chinese_refusal() -> None:
    assert set(REFUSALS) == set(PERMISSIONS)


def test_require_refuses_a_role_that_may_never_with_a_403_in_chinese() -> None:
    request: Any = SimpleNamespace(user=user(Role.AUDITOR, "152223"))

    with pytest.raises(PermissionDenied, match="当前角色不能审批发放表"):
        require(request, "payments.approve")
    require(request, "payments.read")
