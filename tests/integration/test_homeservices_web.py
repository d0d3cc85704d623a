"""The home-services pages through the test client: the overview, a claim imported and matched from the
web, a settlement roll through its states by two different users, the phone's JSON answer; a provider's
staff sees only its own provider."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

from django.urls import reverse
from PIL import Image

from tests.integration import homecare_world as w
from yanglao.accounts.models import User
from yanglao.homeservices.access import scoped, scoped_providers
from yanglao.homeservices.claimmodels import Claim, ClaimLine, Settlement
from yanglao.homeservices.delivery import confirmation_code, make_orders
from yanglao.homeservices.models import CheckIn, CheckInPhoto, Order, ProviderPost
from yanglao.homeservices.plans import do_create_plan

SH = dt.timezone(dt.timedelta(hours=8))


def gps_jpeg() -> bytes:
    img = Image.new("RGB", (64, 48), "red")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (46.0, 43.0, 10.0), 3: "E", 4: (122.0, 54.0, 0.0)}  # GPS
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_the_phone_sends_a_visit_and_the_claim_is_settled_from_the_web(
    make_person: Any, township_user: User, county_user: User, client: Any
) -> None:
    p = w.provider()
    worker = w.worker(p)
    person = make_person("张桂兰", birth=dt.date(1940, 2, 1), tekun="dispersed")
    plan = do_create_plan(
        township_user, person, catalog=w.CATALOG, service="cleaning_aid", units_per_month=Decimal(2),
        start=dt.date(2026, 4, 1), provider=p,
    )  # fmt: skip
    order = make_orders(plan, dt.date(2026, 5, 1))[0]
    client.force_login(township_user)
    assert client.get(reverse("homeservices:phone-order", args=[order.pk])).status_code == 200
    start = order.due.astimezone(SH)
    data = {
        "uid": "phone-1", "worker": worker.pk, "start": f"{start:%Y-%m-%dT%H:%M}",
        "end": f"{start + dt.timedelta(hours=2):%Y-%m-%dT%H:%M}", "done": "打扫", "confirmation": "code",
        "code": "0000" if confirmation_code(order) != "0000" else "1111",
    }  # fmt: skip
    url = reverse("homeservices:phone-send", args=[order.pk])
    wrong = client.post(url, data)
    assert wrong.status_code == 400
    assert "确认码" in wrong.json()["errors"]["__all__"]
    data["code"] = confirmation_code(order)
    photo = io.BytesIO(gps_jpeg())
    photo.name = "p.jpg"
    sent = client.post(url, {**data, "photo": photo})
    assert sent.json()["ok"] is True
    assert client.post(url, data).json()["created"] is False  # sent again: stored once
    stored = CheckInPhoto.objects.get(checkin__uid="phone-1")
    with Image.open(io.BytesIO(bytes(stored.data))) as img:
        assert not img.getexif()
        assert "exif" not in img.info
    assert CheckIn.objects.count() == 1

    day = f"{start:%Y-%m-%d}"
    csv = f"claim_line,provider,id_number,service,date,units,amount\nW1,P001,{person.id_number},cleaning_aid,{day},2,80\n"
    upload = io.BytesIO(csv.encode())
    upload.name = "claims.csv"
    resp = client.post(
        reverse("homeservices:claim-import"), {"provider": p.pk, "month": "2026-05", "file": upload}
    )
    claim = Claim.objects.get()
    assert resp.status_code == 302
    assert resp["Location"] == reverse("homeservices:claim", args=[claim.pk])
    page = client.get(resp["Location"]).content.decode()
    assert "W1" in page
    line = ClaimLine.objects.get()
    assert line.status == "payable"
    if line.sampled:
        client.post(reverse("homeservices:line-review", args=[line.pk]), {"result": "accepted"})
    resp = client.post(reverse("homeservices:prepare"), {"provider": p.pk, "month": "2026-05"})
    roll = Settlement.objects.get()
    assert resp["Location"] == reverse("homeservices:settlement", args=[roll.pk])
    advance = reverse("homeservices:advance", args=[roll.pk])
    client.post(advance)  # the preparer may not review
    roll.refresh_from_db()
    assert roll.state == "prepared"
    client.force_login(county_user)
    assert "审核通过" in client.get(reverse("homeservices:settlement", args=[roll.pk])).content.decode()
    client.post(advance)
    client.post(advance)
    roll.refresh_from_db()
    assert (roll.state, roll.reviewed_by, roll.approved_by) == ("approved", county_user, county_user)
    bank = client.post(reverse("homeservices:bank", args=[roll.pk]))
    assert bank.content.decode("utf-8-sig").count("\r\n") == 2
    assert client.get(reverse("homeservices:index")).status_code == 200


def test_a_provider_user_sees_only_its_own(make_person: Any, township_user: User, client: Any) -> None:
    mine, other = w.provider("P001"), w.provider("P002", "另一家")
    staff = User.objects.create_user("staff", role="provider_staff", region_id=w.TOWNSHIP)
    ProviderPost.objects.create(user=staff, provider=mine)
    client.force_login(staff)
    assert client.get(reverse("homeservices:provider", args=[other.pk])).status_code in (403, 404)
    # the access layer: the provider's own records only (the pages ask it once the lead gives the
    # provider role services.read; until then they answer 403)
    elder = make_person("李明")
    for provider in (mine, other):
        Order.objects.create(
            person=elder, provider=provider, service="cleaning_aid", due=dt.datetime(2026, 5, 6, 9, tzinfo=SH)
        )
    assert list(scoped_providers(staff)) == [mine]
    assert [o.provider for o in scoped(staff, Order.objects.all())] == [mine]
    assert scoped(township_user, Order.objects.all()).count() == 2


def test_a_plan_made_from_the_overview(
    make_person: Any, township_user: User, visitor: User, client: Any
) -> None:
    from yanglao.homeservices.models import Plan

    p = w.provider()
    person = make_person("赵淑珍", birth=dt.date(1941, 1, 1), dibao=True)
    young = make_person("钱青", birth=dt.date(1985, 1, 1))
    client.force_login(township_user)
    form = {
        "id_number": person.id_number,
        "service": "cleaning_aid",
        "units": "6",
        "provider": "",
        "start": "2026-06-01",
    }
    page = client.post(reverse("homeservices:plan-new"), form, follow=True).content.decode()
    plan = Plan.objects.get()
    assert (plan.provider, plan.units_per_month, plan.source) == (p, 6, "request")
    assert "系统推荐" in page
    refused = client.post(
        reverse("homeservices:plan-new"), {**form, "id_number": young.id_number}, follow=True
    )
    assert "不符合" in refused.content.decode()
    assert Plan.objects.count() == 1
    client.force_login(visitor)
    assert client.post(reverse("homeservices:plan-new"), form).status_code == 403


def test_the_workflows_page(make_person: Any, township_user: User, client: Any) -> None:
    from yanglao.facilities.models import Facility
    from yanglao.homeservices.flows import do_record_meals, do_settle_meals, do_setup_bed

    p = w.provider()
    person = make_person("陈玉兰", birth=dt.date(1938, 4, 1), tekun="dispersed", ability_level=2)
    do_setup_bed(township_user, person, p, w.CATALOG, dt.date(2026, 5, 1))
    one = Facility.objects.create(name="音德尔镇老年食堂", kind="meal_point", region_id=w.VILLAGE)
    two = Facility.objects.create(name="龙腾社区助餐点", kind="meal_point", region_id=w.VILLAGE)
    do_record_meals(township_user, one, dt.date(2026, 5, 6), [(person, 2, Decimal(12))])
    do_record_meals(township_user, two, dt.date(2026, 5, 6), [(person, 1, Decimal(12))])
    do_settle_meals(township_user, w.CATALOG, dt.date(2026, 5, 1))
    client.force_login(township_user)
    html = client.get(reverse("homeservices:flows"), {"month": "2026-05"}).content.decode()
    assert "建床中" in html
    assert "龙腾社区助餐点" in html
    assert "同日在多个助餐点申报" in html
    assert "<strong>20.00</strong><span>助餐补贴（元）</span>" in html  # 2 meals × 10 (特困); the third held


def test_a_claim_entered_in_the_web_is_checked_like_a_file(
    make_person: Any, township_user: User, client: Any
) -> None:
    p = w.provider()
    person = make_person("孙丽", birth=dt.date(1942, 1, 1), tekun="dispersed")
    client.force_login(township_user)
    lines = "\n".join([
        f"E1, {person.id_number}, cleaning_aid, 2026-05-06, 2, 80",
        f"E2\t{person.id_number}\tcleaning_aid\t2026-05-40\t2\t80",  # no such day: a row error
        f"E3，{person.id_number}，bath_aid，2026-05-07，1，40",  # full-width commas
    ])  # fmt: skip
    resp = client.post(
        reverse("homeservices:claim-enter"), {"provider": p.pk, "month": "2026-05", "lines": lines}
    )
    claim = Claim.objects.get()
    assert resp["Location"] == reverse("homeservices:claim", args=[claim.pk])
    assert claim.source == "网页填报"
    assert sorted(claim.lines.values_list("claim_line", flat=True)) == ["E1", "E3"]
    assert [e.line for e in claim.errors.all()] == [3]
    assert set(claim.lines.values_list("status", flat=True)) == {"held"}  # no plan, no check-in


def test_the_daily_check(make_person: Any, township_user: User) -> None:
    from yanglao.homeservices.daily import run_daily
    from yanglao.homeservices.models import Order

    p = w.provider()
    w.worker(p)
    person = make_person("周", birth=dt.date(1940, 1, 1))
    plan = do_create_plan(
        township_user, person, catalog=w.CATALOG, service="cleaning_aid", units_per_month=Decimal(2),
        start=dt.date(2026, 5, 1), provider=p,
    )  # fmt: skip
    make_orders(plan, dt.date(2026, 5, 1))
    person.death_date = dt.date(2026, 6, 1)
    person.save()
    out = run_daily(dt.datetime(2026, 6, 17, 10, tzinfo=SH))
    assert out["终止的服务计划"] == 1
    assert out["未上门工单"] == Order.objects.filter(state="missed").count() == 1
    assert out["健康证即将到期"] == []
