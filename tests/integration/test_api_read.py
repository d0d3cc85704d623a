"""The API's one statement for a token and the person asked for (``entitlements.apiread``): the same
instances the ORM reads, on SQLite and PostgreSQL; the person only with a usable token."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext

from tests.conftest import PASSWORD, frozen_now
from yanglao.accounts.models import User
from yanglao.entitlements.apiread import token_and_person
from yanglao.entitlements.models import ApiToken
from yanglao.entitlements.tokens import do_create_token
from yanglao.registry.models import Person

pytestmark = pytest.mark.django_db


def values(instance: Model) -> dict[str, Any]:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


@pytest.fixture
def elder(make_person: Callable[..., Any]) -> Any:
    # flags true, false and unknown, days, numbers, codes and texts: every kind of column converted
    return make_person(
        "高龄老人",
        birth=dt.date(1939, 3, 2),
        pension_scheme="urban_rural",
        dibao=True,
        vagrant=False,
        ability_level=3,
        ability_assessed_on=dt.date(2025, 6, 30),
        address="音德尔镇龙腾社区 3 号",
    )


def test_the_token_its_user_region_and_the_person_as_the_orm_reads_them(
    township_user: Any, elder: Any
) -> None:
    token, raw = do_create_token(None, township_user, "社保系统对接")
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=frozen_now())

    with CaptureQueriesContext(connection) as queries:
        found, person = token_and_person(raw, elder.id_number, frozen_now())
        assert found is not None
        region = found.user.region  # loaded with the token: no query more
    assert len(queries) == 1

    orm = ApiToken.objects.select_related("user", "user__region").get(pk=token.pk)
    assert values(found) == values(orm)
    assert values(found.user) == values(orm.user)
    assert region is not None
    assert orm.user.region is not None
    assert values(region) == values(orm.user.region)
    assert person is not None
    assert values(person) == values(Person.objects.get(pk=elder.pk))
    assert person.dibao is True
    assert person.vagrant is False
    assert person.residence_permit is None
    assert person.record() == Person.objects.get(pk=elder.pk).record()
    assert not found._state.adding
    assert not person._state.adding


def test_a_user_without_a_region(elder: Any) -> None:
    admin = User.objects.create_user(username="admin", password=PASSWORD, role="admin", region_id=None)
    _token, raw = do_create_token(None, admin, "运维")

    with CaptureQueriesContext(connection) as queries:
        found, _person = token_and_person(raw, elder.id_number, frozen_now())
        assert found is not None
        assert found.user.region is None
    assert len(queries) == 1


@pytest.mark.parametrize("why", ["expired", "deactivated", "user_deactivated"])
def test_no_person_comes_with_a_token_that_cannot_be_used(township_user: Any, elder: Any, why: str) -> None:
    token, raw = do_create_token(None, township_user, "社保系统对接")
    now = frozen_now()
    if why == "expired":
        ApiToken.objects.filter(pk=token.pk).update(expires_at=now)
    elif why == "deactivated":
        ApiToken.objects.filter(pk=token.pk).update(active=False)
    else:
        User.objects.filter(pk=township_user.pk).update(is_active=False)

    found, person = token_and_person(raw, elder.id_number, now)

    assert found is not None
    assert found.pk == token.pk
    assert person is None


def test_an_unknown_token_or_person(township_user: Any, elder: Any) -> None:
    _token, raw = do_create_token(None, township_user, "社保系统对接")
    now = frozen_now()

    assert token_and_person("yl_not-a-real-token", elder.id_number, now) == (None, None)
    found, person = token_and_person(raw, "152223195003010011", now)
    assert found is not None
    assert person is None
    found, person = token_and_person(raw, None, now)  # not an ID number
    assert found is not None
    assert person is None
