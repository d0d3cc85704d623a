"""A home-service settlement roll and the fund-fraud holds (the one mechanism of payment rolls and
care-home settlements, ``payments/holds.py``): reviewing screens the roll's lines, a line dated while the
elder lives in a care home is held, approval is refused until the hold is released with a reason by
someone other than the preparer, or the held lines are taken out of the roll (totals made again)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from tests.integration import homecare_world as w
from yanglao.accounts.models import User
from yanglao.carehomes.models import Residence
from yanglao.facilities.models import Facility
from yanglao.homeservices.claimmodels import Claim, ClaimLine, Settlement
from yanglao.payments.models import FundHold

MAY = dt.date(2026, 5, 1)


@pytest.fixture
def roll(make_person: Any, township_user: User, client: Any) -> Settlement:
    p = w.provider()
    home = Facility.objects.create(name="音德尔镇敬老院", kind="public_home", region_id=w.VILLAGE)
    at_home = make_person("张桂兰", birth=dt.date(1940, 2, 1), tekun="dispersed")
    resident = make_person("李明", birth=dt.date(1945, 6, 1), sex="1", tekun="dispersed")
    Residence.objects.create(person=resident, facility=home, admitted_on=dt.date(2026, 5, 10))
    claim = Claim.objects.create(
        provider=p, month=MAY, catalog=w.CATALOG, state="matched", source="c.csv",
        received_at=dt.datetime(2026, 6, 2, 9, tzinfo=dt.UTC), received_by="township",
    )  # fmt: skip
    for row, (person, day) in enumerate([(at_home, 6), (resident, 6), (resident, 20)], start=2):
        ClaimLine.objects.create(
            claim=claim, provider=p, claim_line=f"L{row}", row=row, person=person, id_number=person.id_number,
            service="cleaning_aid", date=MAY.replace(day=day), units=2, amount=Decimal(80), status="payable",
            category="tekun", subsidy=Decimal(80), by_level={"市": "24.00", "县": "56.00"},
        )  # fmt: skip
    client.force_login(township_user)
    client.post(reverse("homeservices:prepare"), {"provider": p.pk, "month": "2026-05"})
    return Settlement.objects.get()


def test_a_held_line_stops_approval_until_released(roll: Settlement, county_user: User, client: Any) -> None:
    advance = reverse("homeservices:advance", args=[roll.pk])
    client.force_login(county_user)
    client.post(advance)  # reviewed: the roll's lines screened
    held = FundHold.objects.get(source="service", roll_ref=roll.pk)
    assert (held.rule, held.seq, held.person.name) == ("resident_and_home_service", 4, "李明")
    page = client.post(advance, follow=True).content.decode()
    roll.refresh_from_db()
    assert roll.state == "reviewed"
    assert "被基金监管规则暂停发放，不能审批" in page
    assert "入住养老机构期间又享受居家服务补贴" in page
    client.post(reverse("homeservices:release", args=[roll.pk]), {"hold": held.pk, "reason": ""})
    assert FundHold.objects.get(pk=held.pk).released_at is None  # a reason is needed
    client.post(
        reverse("homeservices:release", args=[roll.pk]),
        {"hold": held.pk, "reason": "5月20日请假回家，入户核实"},
    )
    client.post(advance)
    roll.refresh_from_db()
    assert (roll.state, roll.totals["subsidy"]) == ("approved", "240.00")


def test_the_preparer_may_not_release_and_held_lines_can_be_taken_out(
    roll: Settlement, township_user: User, county_user: User, client: Any
) -> None:
    client.force_login(county_user)
    client.post(reverse("homeservices:advance", args=[roll.pk]))
    held = FundHold.objects.get(source="service", roll_ref=roll.pk)
    client.force_login(township_user)  # the preparer (and no payments.approve)
    assert (
        client.post(
            reverse("homeservices:release", args=[roll.pk]), {"hold": held.pk, "reason": "x"}
        ).status_code
        == 403
    )
    client.force_login(county_user)
    client.post(reverse("homeservices:exclude", args=[roll.pk]))
    roll.refresh_from_db()
    assert (roll.totals["lines"], roll.totals["subsidy"], roll.totals["by_level"]) == (
        2,
        "160.00",
        {"市": "48.00", "县": "112.00"},
    )
    line = ClaimLine.objects.get(claim_line="L4")
    assert (line.status, line.reasons) == ("held", ["fund_hold"])
    assert not FundHold.objects.filter(source="service", roll_ref=roll.pk, released_at__isnull=True).exists()
    client.post(reverse("homeservices:advance", args=[roll.pk]))
    roll.refresh_from_db()
    assert roll.state == "approved"
    claim_page = client.get(reverse("homeservices:claim", args=[line.claim_id])).content.decode()
    assert "基金监管规则暂停结算，已从结算表剔除" in claim_page
