"""The three workflows each through a full cycle: 家庭养老床位, 适老化改造, 助餐."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from PIL import Image

from tests.integration import homecare_world as w
from yanglao.facilities.models import Facility
from yanglao.homeservices.delivery import Visit, confirmation_code, do_record_checkin, make_orders
from yanglao.homeservices.flowmodels import AdaptationState, BedState, MealRecord
from yanglao.homeservices.flows import (
    FlowError,
    bed_monitor,
    do_accept_adaptation,
    do_apply_adaptation,
    do_assess_adaptation,
    do_bed_setup_step,
    do_close_bed,
    do_grant_adaptation,
    do_open_bed,
    do_record_meals,
    do_settle_meals,
    do_setup_bed,
    do_start_works,
)

SH = dt.timezone(dt.timedelta(hours=8))


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(out, "JPEG")
    return out.getvalue()


def test_home_care_bed(db: None, make_person: Any, township_user: Any) -> None:
    p = w.provider()
    worker = w.worker(p)
    person = make_person("陈玉兰", birth=dt.date(1938, 4, 1), tekun="dispersed", ability_level=2)
    fit = make_person("周健", birth=dt.date(1950, 4, 1), ability_level=0)
    with pytest.raises(FlowError, match="不符合"):
        do_setup_bed(township_user, fit, p, w.CATALOG, dt.date(2026, 4, 1))
    bed = do_setup_bed(township_user, person, p, w.CATALOG, dt.date(2026, 4, 1))
    assert bed.minimum_visits == 4
    with pytest.raises(FlowError, match="能力评估、适老化改造、智能设备"):
        do_open_bed(township_user, bed, w.CATALOG, dt.date(2026, 4, 20))
    do_bed_setup_step(township_user, bed, assessed_on=dt.date(2026, 4, 2), ability_level=2)
    do_bed_setup_step(township_user, bed, adapted_on=dt.date(2026, 4, 15))
    do_bed_setup_step(township_user, bed, devices=[{"kind": "紧急呼叫器", "serial": "SOS-01"}])
    bed, plan = do_open_bed(township_user, bed, w.CATALOG, dt.date(2026, 5, 1))
    assert bed.state == BedState.ACTIVE
    assert (plan.service, plan.units_per_month, plan.provider) == ("home_care_bed", 1, p)
    # May: three visits of the four the bed needs → listed by the monitor
    orders = [make_orders(plan, dt.date(2026, 5, 1))[0]]
    for day in (3, 10, 17):
        start = dt.datetime(2026, 5, day, 9, tzinfo=SH)
        v = Visit(
            uid=f"bed-{day}", worker=worker, order=orders[0], start=start,
            end=start + dt.timedelta(hours=1), done="测血压、查看呼叫器", confirmation="code",
            code=confirmation_code(orders[0]),
        )  # fmt: skip
        do_record_checkin("手机", v, [])
    short = bed_monitor(dt.date(2026, 5, 1))
    assert short == [{"床位": bed.pk, "老人": "陈玉兰", "服务机构": p.name, "上门次数": 3, "最少次数": 4}]
    do_close_bed(township_user, bed, dt.date(2026, 6, 30), "本人申请")
    plan.refresh_from_db()
    assert plan.end == dt.date(2026, 6, 30)
    assert bed_monitor(dt.date(2026, 6, 1)) == []


def test_home_adaptation(db: None, make_person: Any, township_user: Any) -> None:
    unvetted = w.provider("P002", "某装修公司")
    vetted = w.provider("P003", "扎赉特旗适老化改造服务中心", vetted=True)
    person = make_person("孙凤琴", birth=dt.date(1940, 1, 5), tekun="dispersed")
    a = do_apply_adaptation(township_user, person, w.CATALOG, dt.date(2026, 3, 1))
    with pytest.raises(FlowError, match="已申请"):
        do_apply_adaptation(township_user, person, w.CATALOG, dt.date(2026, 3, 2))
    with pytest.raises(FlowError, match="不在清单内"):
        do_assess_adaptation(township_user, a, w.CATALOG, {"swimming_pool": 1}, dt.date(2026, 3, 5))
    do_assess_adaptation(
        township_user,
        a,
        w.CATALOG,
        {"grab_bar": 4, "seat_toilet": 1, "floor_antislip": 20},
        dt.date(2026, 3, 5),
    )
    with pytest.raises(FlowError, match="入围"):
        do_start_works(township_user, a, unvetted, dt.date(2026, 3, 10))
    do_start_works(township_user, a, vetted, dt.date(2026, 3, 10))
    with pytest.raises(FlowError, match="照片"):
        do_accept_adaptation(township_user, a, {}, [jpeg()], [], dt.date(2026, 3, 20))
    prices = {"grab_bar": Decimal(250), "seat_toilet": Decimal(700), "floor_antislip": Decimal(90)}
    a = do_accept_adaptation(township_user, a, prices, [jpeg()], [jpeg(), jpeg()], dt.date(2026, 3, 20))
    assert a.state == AdaptationState.ACCEPTED
    assert a.photos.filter(stage="after").count() == 2
    a = do_grant_adaptation(township_user, a, w.CATALOG)
    # capped per item: 4×200 + 700 + 20×80 = 3100, the household cap 3000; paid 4×250+700+20×90 = 3500
    assert a.state == AdaptationState.SUBSIDISED
    assert (a.subsidy, a.copay) == (Decimal(3000), Decimal(500))


def test_meal_aid(db: None, make_person: Any, township_user: Any) -> None:
    one = Facility.objects.create(name="音德尔镇老年食堂", kind="meal_point", region_id=w.VILLAGE)
    two = Facility.objects.create(name="龙腾社区助餐点", kind="meal_point", region_id=w.VILLAGE)
    home = Facility.objects.create(name="敬老院", kind="public_home", region_id=w.VILLAGE)
    tekun = make_person("吴秀珍", birth=dt.date(1941, 1, 1), tekun="dispersed")
    dibao = make_person("郑国", birth=dt.date(1944, 1, 1), sex="1", dibao=True)
    other = make_person("王大爷", birth=dt.date(1950, 1, 1), sex="1")
    day = dt.date(2026, 5, 6)
    with pytest.raises(FlowError, match="不是老年食堂"):
        do_record_meals(township_user, home, day, [(tekun, 1, Decimal(12))])
    do_record_meals(
        township_user, one, day, [(tekun, 2, Decimal(12)), (dibao, 1, Decimal(12)), (other, 1, Decimal(12))]
    )
    do_record_meals(township_user, two, day, [(tekun, 1, Decimal(12))])  # a third meal elsewhere
    do_record_meals(township_user, one, dt.date(2026, 5, 7), [(dibao, 3, Decimal(12))])  # above the cap
    result = do_settle_meals(township_user, w.CATALOG, dt.date(2026, 5, 1))
    records = {
        (r.person.name, r.point.name, r.date.day): r
        for r in MealRecord.objects.select_related("person", "point")
    }
    assert records[("吴秀珍", "音德尔镇老年食堂", 6)].subsidy == Decimal(20)  # 2 × 10 (特困)
    assert records[("吴秀珍", "龙腾社区助餐点", 6)].subsidy == 0
    assert "多个助餐点" in records[("吴秀珍", "龙腾社区助餐点", 6)].held
    assert (
        records[("郑国", "音德尔镇老年食堂", 7)].subsidy
        == Decimal(2) * records[("郑国", "音德尔镇老年食堂", 6)].subsidy
    )
    assert records[("郑国", "音德尔镇老年食堂", 7)].held == "超出每日 2 餐上限"
    assert records[("王大爷", "音德尔镇老年食堂", 6)].category == "other"
    assert result["doubles"] == [{"person": tekun.pk, "date": day}]
    assert result["held"] == 2
    assert result["subsidy"] == sum((r.subsidy for r in records.values()), Decimal(0))
