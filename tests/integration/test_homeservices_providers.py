"""Providers, contracts within the price caps, workers with certificates, the provider-staff link,
volunteers' quarterly assessment."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from yanglao.accounts.models import User
from yanglao.audit.models import AuditEvent
from yanglao.homeservices.access import provider_of
from yanglao.homeservices.models import Team, Volunteer
from yanglao.homeservices.providers import (
    ProviderError,
    certificates_due,
    do_add_contract,
    do_add_training,
    do_add_worker,
    do_assess_volunteer,
    do_register_provider,
    set_provider,
)
from yanglao.regions.models import Region


def test_a_provider_its_contract_workers_and_staff(db: None, county_user: User, today: dt.date) -> None:
    town, county = Region.objects.get(code="152223100000"), Region.objects.get(code="152223")
    p = do_register_provider(county_user, code="P9", name="爱心家政", kind="housekeeping", region=town)
    with pytest.raises(ProviderError, match="已存在"):
        do_register_provider(county_user, code="P9", name="重复", kind="housekeeping", region=town)
    with pytest.raises(ProviderError, match="超过价格上限"):
        do_add_contract(county_user, p, number="C1", catalog="152223", region=county, start=today,
                        end=today + dt.timedelta(days=365), prices={"cleaning_aid": "41"})  # fmt: skip
    with pytest.raises(ProviderError, match="不在"):
        do_add_contract(county_user, p, number="C1", catalog="152223", region=county, start=today,
                        end=today + dt.timedelta(days=365), prices={"massage": "10"})  # fmt: skip
    contract = do_add_contract(county_user, p, number="C1", catalog="152223", region=county, start=today,
                               end=today + dt.timedelta(days=365), prices={"cleaning_aid": "40"})  # fmt: skip
    assert contract.prices == {"cleaning_aid": "40"}
    expiring = do_add_worker(
        county_user, p, code="W1", name="刘", health_certificate_until=today + dt.timedelta(days=10)
    )
    do_add_worker(
        county_user, p, code="W2", name="赵", health_certificate_until=today + dt.timedelta(days=200)
    )
    do_add_training(county_user, expiring, "助浴技能", today, Decimal(8))
    assert certificates_due(today) == [expiring]
    staff = User.objects.create_user("staff", role="provider_staff", region_id="152223100000")
    with pytest.raises(ProviderError, match="只有"):
        set_provider(county_user, county_user, p)
    set_provider(county_user, staff, p)
    assert provider_of(staff) == p
    set_provider(county_user, staff, None)
    assert provider_of(staff) is None
    assert AuditEvent.objects.filter(object_type="provider", object_id=str(p.pk)).count() == 6


def test_volunteer_assessment(db: None, county_user: User) -> None:
    v = Volunteer.objects.create(
        name="包", team=Team.NEIGHBOUR, region_id="152223100001", joined_on=dt.date(2025, 1, 1)
    )
    a = do_assess_volunteer(county_user, v, dt.date(2026, 5, 20), services=12, score=91)
    assert (a.quarter, a.result) == (dt.date(2026, 4, 1), "优秀")
    a = do_assess_volunteer(county_user, v, dt.date(2026, 4, 2), services=12, score=59)
    assert a.result == "不合格"
    assert v.assessments.count() == 1
    with pytest.raises(ProviderError):
        do_assess_volunteer(county_user, v, dt.date(2026, 4, 2), services=1, score=101)
