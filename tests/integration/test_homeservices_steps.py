"""The workflows' steps from their forms (家庭养老床位, 适老化改造, 助餐), and the daily check: the pages
only read; the job (or ``yanglao homeservices daily``) ends the plans of people who died or entered a
care home and marks missed visits."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from typing import Any

from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from tests.integration import homecare_world as w
from yanglao.accounts.models import User
from yanglao.facilities.models import Facility
from yanglao.homeservices.flowmodels import Adaptation, AdaptationState, BedState, HomeBed, MealRecord
from yanglao.homeservices.models import Order, OrderState, Plan, PlanFinding
from yanglao.homeservices.plans import do_create_plan
from yanglao.jobs.models import Job

SH = dt.timezone(dt.timedelta(hours=8))


def photo(name: str) -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(out, "JPEG")
    out.seek(0)
    out.name = name
    return out


def test_a_home_care_bed_step_by_step(
    township_user: User, outsider: User, make_person: Any, client: Any
) -> None:
    p = w.provider()
    person = make_person("陈玉兰", birth=dt.date(1938, 4, 1), tekun="dispersed", ability_level=2)
    client.force_login(township_user)
    resp = client.post(
        reverse("homeservices:bed-new"), {"id_number": person.id_number, "provider": p.pk, "on": "2026-04-01"}
    )
    bed = HomeBed.objects.get()
    assert resp["Location"] == reverse("homeservices:bed", args=[bed.pk])
    step = reverse("homeservices:bed-step", args=[bed.pk])
    opened = client.post(reverse("homeservices:bed-open", args=[bed.pk]), {"on": "2026-04-20"}, follow=True)
    assert "建床尚缺：能力评估、适老化改造、智能设备" in opened.content.decode()
    client.post(step, {"step": "assess", "on": "2026-04-02", "ability_level": "2"})
    client.post(step, {"step": "adapt", "on": "2026-04-15"})
    client.post(step, {"step": "device", "kind": "紧急呼叫器", "serial": "SOS-01"})
    page = client.get(reverse("homeservices:bed", args=[bed.pk])).content.decode()
    assert "紧急呼叫器 SOS-01" in page
    assert "能力等级 2" in page
    client.post(reverse("homeservices:bed-open", args=[bed.pk]), {"on": "2026-05-01"})
    bed.refresh_from_db()
    assert (bed.state, bed.opened_on) == (BedState.ACTIVE, dt.date(2026, 5, 1))
    plan = Plan.objects.get(person=person)
    assert (plan.service, plan.start) == ("home_care_bed", dt.date(2026, 5, 1))
    assert "陈玉兰" in client.get(reverse("homeservices:flows")).content.decode()
    client.force_login(outsider)  # 新林镇: the bed of an 音德尔镇 elder is not listed
    assert "陈玉兰" not in client.get(reverse("homeservices:flows")).content.decode()
    client.force_login(township_user)
    client.post(reverse("homeservices:bed-close", args=[bed.pk]), {"on": "2026-06-30", "reason": "本人申请"})
    bed.refresh_from_db()
    plan.refresh_from_db()
    assert (bed.state, plan.end) == (BedState.CLOSED, dt.date(2026, 6, 30))


def test_a_home_adaptation_step_by_step(township_user: User, make_person: Any, client: Any) -> None:
    vetted = w.provider("P003", "扎赉特旗适老化改造服务中心", vetted=True)
    person = make_person("孙凤琴", birth=dt.date(1940, 1, 5), tekun="dispersed")
    client.force_login(township_user)
    client.post(reverse("homeservices:adaptation-new"), {"id_number": person.id_number, "on": "2026-03-01"})
    a = Adaptation.objects.get()
    page = client.get(reverse("homeservices:adaptation", args=[a.pk])).content.decode()
    assert 'name="qty_grab_bar"' in page  # the item list with its caps
    client.post(
        reverse("homeservices:adaptation-assess", args=[a.pk]),
        {
            "on": "2026-03-05",
            "qty_grab_bar": "4",
            "qty_seat_toilet": "1",
            "qty_floor_antislip": "20",
            "qty_ramp": "0",
        },
    )
    a.refresh_from_db()
    assert a.state == AdaptationState.ASSESSED
    assert sorted(a.items.values_list("code", "quantity")) == [
        ("floor_antislip", 20),
        ("grab_bar", 4),
        ("seat_toilet", 1),
    ]
    client.post(
        reverse("homeservices:adaptation-works", args=[a.pk]), {"provider": vetted.pk, "on": "2026-03-10"}
    )
    prices = {
        "price_grab_bar": "250",
        "price_seat_toilet": "700",
        "price_floor_antislip": "90",
        "on": "2026-03-20",
    }
    no_photos = client.post(reverse("homeservices:adaptation-accept", args=[a.pk]), prices, follow=True)
    assert "验收须有改造前和改造后的照片" in no_photos.content.decode()
    client.post(
        reverse("homeservices:adaptation-accept", args=[a.pk]),
        {**prices, "before": [photo("b.jpg")], "after": [photo("a1.jpg"), photo("a2.jpg")]},
    )
    a.refresh_from_db()
    assert a.state == AdaptationState.ACCEPTED
    assert a.photos.filter(stage="after").count() == 2
    granted = client.post(reverse("homeservices:adaptation-grant", args=[a.pk]), follow=True).content.decode()
    a.refresh_from_db()
    assert (a.state, a.subsidy, a.copay) == (AdaptationState.SUBSIDISED, Decimal(3000), Decimal(500))
    assert "补助 3000.00 元，个人承担 500.00 元" in granted


def test_meals_recorded_and_settled_from_the_page(township_user: User, make_person: Any, client: Any) -> None:
    one = Facility.objects.create(name="音德尔镇老年食堂", kind="meal_point", region_id=w.VILLAGE)
    two = Facility.objects.create(name="龙腾社区助餐点", kind="meal_point", region_id=w.VILLAGE)
    tekun = make_person("吴秀珍", birth=dt.date(1941, 1, 1), tekun="dispersed")
    client.force_login(township_user)
    url = reverse("homeservices:meals-record")
    bad = client.post(
        url, {"point": one.pk, "on": "2026-05-06", "lines": "110101190001011234, 1, 12"}, follow=True
    )
    assert "第 1 行" in bad.content.decode()
    client.post(url, {"point": one.pk, "on": "2026-05-06", "lines": f"{tekun.id_number}, 2, 12"})
    client.post(url, {"point": two.pk, "on": "2026-05-06", "lines": f"{tekun.id_number}，1，12"})
    assert MealRecord.objects.count() == 2
    done = client.post(
        reverse("homeservices:meals-settle"), {"month": "2026-05"}, follow=True
    ).content.decode()
    assert "同日多个助餐点 1 人次" in done
    held = MealRecord.objects.get(point=two)
    assert (held.subsidy, "多个助餐点" in held.held) == (0, True)
    assert (
        "音德尔镇老年食堂" in client.get(reverse("homeservices:meals"), {"month": "2026-05"}).content.decode()
    )


def test_the_pages_read_and_the_daily_job_writes(
    township_user: User, make_person: Any, client: Any, settings: Any, today: dt.date
) -> None:
    settings.JOBS_INLINE = True
    p = w.provider()
    person = make_person("赵淑珍", birth=dt.date(1941, 1, 1), dibao=True)
    plan = do_create_plan(
        township_user, person, catalog=w.CATALOG, service="cleaning_aid", units_per_month=Decimal(4),
        start=today - dt.timedelta(days=60), provider=p,
    )  # fmt: skip
    due = dt.datetime.combine(today - dt.timedelta(days=3), dt.time(9), tzinfo=SH)
    order = Order.objects.create(plan=plan, person=person, provider=p, service="cleaning_aid", due=due)
    person.death_date = today - dt.timedelta(days=10)
    person.save()
    client.force_login(township_user)
    for name in ("homeservices:index", "homeservices:flows", "homeservices:providers"):
        assert client.get(reverse(name)).status_code == 200
    plan.refresh_from_db()
    order.refresh_from_db()
    assert (plan.end, order.state) == (None, OrderState.SCHEDULED)  # nothing written on GET

    client.post(reverse("homeservices:daily"))
    job = Job.objects.get(kind="services_daily")
    assert (job.state, job.result["终止的服务计划"], job.result["未上门工单"]) == ("done", 1, 1)
    plan.refresh_from_db()
    order.refresh_from_db()
    assert (plan.end, plan.end_reason, order.state) == (
        person.death_date - dt.timedelta(days=1),
        "died",
        OrderState.MISSED,
    )
    assert PlanFinding.objects.filter(plan=plan, reason="died").exists()
    assert "因户籍、死亡等变化终止的服务计划" in client.get(reverse("homeservices:index")).content.decode()


def test_the_daily_command_ends_plans_of_people_in_a_care_home(
    township_user: User, make_person: Any, today: dt.date, capsys: Any
) -> None:
    from yanglao.carehomes.models import Residence

    p = w.provider()
    person = make_person("钱桂香", birth=dt.date(1939, 1, 1), tekun="dispersed")
    plan = do_create_plan(
        township_user, person, catalog=w.CATALOG, service="cleaning_aid", units_per_month=Decimal(4),
        start=today - dt.timedelta(days=60), provider=p,
    )  # fmt: skip
    home = Facility.objects.create(name="音德尔镇敬老院", kind="public_home", region_id=w.VILLAGE)
    Residence.objects.create(person=person, facility=home, admitted_on=today - dt.timedelta(days=5))
    call_command("homeservices", "daily", "--json")
    result = json.loads(capsys.readouterr().out)
    assert result["终止的服务计划"] == 1
    plan.refresh_from_db()
    assert (plan.end, plan.end_reason) == (today - dt.timedelta(days=6), "care_home")
    call_command("homeservices", "daily", "--json")  # run again: nothing more to end
    assert json.loads(capsys.readouterr().out)["终止的服务计划"] == 0
