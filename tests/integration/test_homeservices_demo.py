"""The demo's home services on a small county: providers, plans, a month of check-ins, claims whose
planted anomalies the match holds, meals with one double claim, beds and adaptations."""

from __future__ import annotations

import datetime as dt
from typing import Any

from yanglao.demo.homeservices import build_homeservices
from yanglao.facilities.models import Facility
from yanglao.homeservices.claimmodels import ClaimLine
from yanglao.homeservices.models import Order
from yanglao.regions.models import Region


def test_the_demo_plants_anomalies_the_match_holds(make_person: Any, today: dt.date) -> None:
    for i in range(12):
        make_person(f"老人{i}", birth=dt.date(1935 + i, 3, 1), tekun="dispersed" if i % 2 else None,
                    dibao=i % 3 == 0, ability_level=i % 4)  # fmt: skip
    for name in ("音德尔镇老年食堂", "龙腾社区助餐点"):
        Facility.objects.create(name=name, kind="meal_point", region_id="152223100001")
    made = build_homeservices(Region.objects.get(code="152223"), today)
    assert made["providers"] == 5
    assert made["plans"] == 12
    assert made["checkins"] > 0
    assert made["planted"] == 4 * ClaimLine.objects.values("claim").distinct().count()
    planted = ClaimLine.objects.filter(claim_line__contains="-X")
    reasons = {r for line in planted for r in line.reasons}
    assert {"no_checkin", "over_price_cap", "duplicate", "unknown_person"} <= reasons
    assert all(line.status == "held" for line in planted)
    assert made["meal_doubles"] == 1
    assert Order.objects.filter(state="missed").count() == made["missed"]
    assert made["home_beds"] >= 1
    assert made["adaptations"] >= 1
