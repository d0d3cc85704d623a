"""The demo's logins (``yanglao.demo.users``): one per role, two county caseworkers, the care-home
staff at a care home of the county, none forced to change the printed password."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from yanglao.accounts.models import User
from yanglao.demo.users import DEMO_PASSWORD, build_users
from yanglao.facilities.access import facility_of
from yanglao.facilities.models import Facility
from yanglao.regions.models import Region

pytestmark = pytest.mark.django_db


def test_every_role_has_a_login_and_two_county_caseworkers_share_the_county(client: Any) -> None:
    home = Facility.objects.create(
        name="音德尔镇敬老院", kind="public_home", region_id="152223100000", beds=9
    )
    Facility.objects.create(name="龙腾社区养老服务站", kind="community_station", region_id="152223100001")

    logins = build_users(Region.objects.get(code="152223"))

    names = [username for _, username, _ in logins]
    assert names == [
        "admin",
        "county152223",
        "county152223b",
        "township152223",
        "visitor152223",
        "carehome152223",
        "auditor152223",
    ]
    roles = dict(User.objects.values_list("username", "role"))
    assert roles["county152223"] == roles["county152223b"] == "county_caseworker"
    assert facility_of(User.objects.get(username="carehome152223")) == home
    assert ("养老机构工作人员", "carehome152223", "扎赉特旗·音德尔镇敬老院") in logins
    for username in names:
        assert client.login(username=username, password=DEMO_PASSWORD), username
        assert client.get(reverse("users:account")).status_code == 200, username  # not sent to change it
        assert not User.objects.get(username=username).must_change_password


def test_building_again_keeps_the_users_and_without_a_care_home_attaches_none() -> None:
    county = Region.objects.get(code="152223")

    first = build_users(county)
    again = build_users(county)

    assert first == again
    assert User.objects.count() == 7
    assert facility_of(User.objects.get(username="carehome152223")) is None
