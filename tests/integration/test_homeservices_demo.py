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


def test_the_indicators_on_the_demo(make_person: Any, today: dt.date) -> None:
    from yanglao.homeservices import indicators
    from yanglao.homeservices.models import CheckIn

    for i in range(8):
        make_person(f"老人{i}", birth=dt.date(1936 + i, 3, 1), tekun="dispersed" if i % 2 else None)
    made = build_homeservices(Region.objects.get(code="152223"), today)
    month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    served = indicators.people_served(month, "152223")
    assert served["合计人数"] == CheckIn.objects.values("person").distinct().count()
    assert sum(r["人数"] for r in served["明细"]) >= served["合计人数"]
    assert all(r["乡镇（街道）"] == "音德尔镇" for r in served["明细"])
    lines = indicators.claim_lines(month, "152223")
    assert lines["暂缓"] == made["held"]
    assert lines["暂缓"] >= made["planted"]
    assert {"原因": "人员信息中没有此人", "行数": made["planted"] // 4} in lines["暂缓原因"]
    fulfil = indicators.plan_fulfilment(month, "152223")
    assert fulfil["计划数"] == made["plans"]
    assert fulfil["总完成率（%）"] != "—"
    perf = indicators.provider_performance(month, "152223")
    assert len(perf["明细"]) == 5
    assert sum(r["迟到"] for r in perf["明细"]) == CheckIn.objects.filter(late=True).count()
    assert indicators.spend_by_level(month, "152223")["结算表"] == 0  # nothing approved yet
    assert indicators.people_served(month, "152201")["合计人数"] == 0  # another county
