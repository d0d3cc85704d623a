"""Care-home admissions through the HTTP client: applying (and the refusals naming their reason), the
ranking stored from the admissions core, the offer cycle (decline, expiry, refusal, acceptance,
admission) and the 特困 集中/分散 switch recorded in the registry with its source."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.integration import homecare_world as homecare
from yanglao.carehomes.models import Application, AppStatus, Offer, OfferState, Residence, Vacancy
from yanglao.homeservices.plans import do_create_plan
from yanglao.registry.models import PersonChange

TOWNSHIP = "152223100000"
VILLAGE = "152223100001"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


@pytest.fixture
def home(db: None) -> Any:
    from yanglao.facilities.models import Facility

    return Facility.objects.create(
        name="音德尔镇敬老院", kind="public_home", region_id=TOWNSHIP, beds=3, nursing_beds=2
    )


def assessed(make_person: Any, name: str, today: dt.date, **fields: Any) -> Any:
    fields.setdefault("ability_level", 0)
    return make_person(name, ability_assessed_on=today - dt.timedelta(days=40), **fields)


def apply(client: Any, person: Any, today: dt.date, **extra: Any) -> Any:
    data = {"id_number": person.id_number, "applied_on": today.isoformat(), "wants_placement": "1", **extra}
    return client.post("/carehomes/apply/", data)


def test_bad_applications_name_their_reason(
    make_person: Any, login: Any, county_user: Any, today: dt.date, home: Any
) -> None:
    client = login(county_user)
    unassessed = make_person("赵淑珍")
    stale = make_person("钱玉兰", ability_level=1, ability_assessed_on=today - dt.timedelta(days=500))
    answer = client.post(
        "/carehomes/apply/",
        {"id_number": "152223194001010000", "applied_on": today.isoformat(), "wants_placement": "1"},
        follow=True,
    ).content.decode()
    assert "不在老年人信息库中" in answer
    assert "没有老年人能力评估结果" in apply(client, unassessed, today, follow=True).content.decode()
    assert "已超过有效期" in apply(client, stale, today, follow=True).content.decode()
    text = SimpleUploadedFile("说明.txt", b"hello", content_type="image/png")
    ok = assessed(make_person, "孙桂芝", today)
    answer = client.post(
        "/carehomes/apply/",
        {
            "id_number": ok.id_number,
            "applied_on": today.isoformat(),
            "wants_placement": "1",
            "documents": text,
        },
        follow=True,
    ).content.decode()
    assert "只接受照片" in answer
    assert not Application.objects.exists()
    photo = SimpleUploadedFile("户口簿.png", PNG, content_type="image/png")
    response = client.post(
        "/carehomes/apply/",
        {
            "id_number": ok.id_number,
            "applied_on": today.isoformat(),
            "wants_placement": "1",
            "documents": photo,
        },
    )
    app = Application.objects.get()
    assert response["Location"] == f"/carehomes/applications/{app.pk}/"
    assert app.documents.get().content_type == "image/png"
    assert "已有轮候中的入住申请" in apply(client, ok, today, follow=True).content.decode()
    Residence.objects.create(person=unassessed, facility=home, admitted_on=today)
    assert "已入住音德尔镇敬老院" in apply(client, unassessed, today, follow=True).content.decode()


def test_the_offer_cycle_and_the_tekun_switch(
    make_person: Any, login: Any, county_user: Any, today: dt.date, clock: Any, home: Any
) -> None:
    client = login(county_user)
    tekun = assessed(make_person, "王秀英", today, tekun="dispersed", self_care_unable=True, ability_level=3)
    other = assessed(make_person, "李凤兰", today)
    later = assessed(make_person, "张桂英", today)
    for person, day in ((tekun, 20), (other, 10), (later, 5)):
        assert apply(client, person, today - dt.timedelta(days=day)).status_code == 302
    apps = {a.person_id: a for a in Application.objects.all()}
    a_tekun, a_other, a_later = apps[tekun.pk], apps[other.pk], apps[later.pk]
    assert (a_tekun.position, a_other.position, a_later.position) == (1, 2, 3)
    assert a_tekun.rank_class == 1
    assert a_tekun.needs_nursing
    assert any("应收尽收" in r for r in a_tekun.reasons)
    page = client.get(f"/carehomes/applications/{a_tekun.pk}/").content.decode()
    assert "排序依据" in page
    assert "第1类" in page

    # an ordinary bed: the 失能 first applicant does not fit; the second is offered
    client.post("/carehomes/vacancy/", {"facility": home.pk, "nursing": "0"})
    offer = Offer.objects.get()
    assert offer.application_id == a_other.pk
    assert offer.due_on == today + dt.timedelta(days=7)
    # declined with a reason: the next who fits (not the 失能 one) is offered
    assert (
        "请填写原因"
        in client.post(f"/carehomes/offers/{offer.pk}/decline/", {"reason": ""}, follow=True).content.decode()
    )
    client.post(f"/carehomes/offers/{offer.pk}/decline/", {"reason": "家属暂不同意"})
    offer.refresh_from_db()
    assert (offer.state, offer.reason) == (OfferState.DECLINED, "家属暂不同意")
    second = Offer.objects.exclude(pk=offer.pk).get()
    assert second.application_id == a_later.pk
    a_other.refresh_from_db()
    assert a_other.status == AppStatus.WAITING
    assert a_other.position == 2

    # no answer in time: expired, and nobody else fits the ordinary bed
    clock.move_to(today + dt.timedelta(days=8))
    client = login(county_user)  # a new session on the new day
    answer = client.post(f"/carehomes/offers/{second.pk}/accept/", follow=True).content.decode()
    assert "该通知已逾期未答复，不能再答复" in answer
    second.refresh_from_db()
    assert second.state == OfferState.EXPIRED
    assert Offer.objects.count() == 2
    assert not Vacancy.objects.get().filled

    # a nursing bed: the 特困 first; the home refuses, with a reason, listed for the county
    day = today + dt.timedelta(days=8)
    client.post("/carehomes/vacancy/", {"facility": home.pk, "nursing": "1"})
    third = Offer.objects.get(vacancy__nursing=True)
    assert third.application_id == a_tekun.pk
    assert (
        "须填写原因"
        in client.post(f"/carehomes/offers/{third.pk}/refuse/", {"reason": ""}, follow=True).content.decode()
    )
    client.post(f"/carehomes/offers/{third.pk}/refuse/", {"reason": "床位待维修"})
    assert "床位待维修" in client.get("/carehomes/refusals/").content.decode()
    fourth = Offer.objects.get(vacancy__nursing=True, state=OfferState.OPEN)
    assert fourth.application_id == a_other.pk  # the 特困 is not offered the same bed again

    # a home-service plan of the 特困 at home: it ends the day before admission
    plan = do_create_plan(
        county_user, tekun, catalog=homecare.CATALOG, service="cleaning_aid", units_per_month=Decimal(8),
        start=today.replace(day=1), provider=homecare.provider(),
    )  # fmt: skip

    # another nursing bed: the 特困 accepts and is admitted → 集中供养
    client.post(f"/carehomes/offers/{fourth.pk}/decline/", {"reason": "想去旗里的敬老院"})
    client.post("/carehomes/vacancy/", {"facility": home.pk, "nursing": "1"})
    fifth = Offer.objects.get(state=OfferState.OPEN, application=a_tekun)
    client.post(f"/carehomes/offers/{fifth.pk}/accept/")
    client.post(f"/carehomes/offers/{fifth.pk}/admit/")
    tekun.refresh_from_db()
    assert tekun.tekun == "centralized"
    change = PersonChange.objects.filter(person=tekun).latest("at")
    assert change.changes == {"tekun": ["dispersed", "centralized"]}
    residence = Residence.objects.get(person=tekun)
    assert residence.centralized
    assert residence.admitted_on == day
    plan.refresh_from_db()
    assert (plan.end, plan.end_reason) == (day - dt.timedelta(days=1), "care_home")
    a_tekun.refresh_from_db()
    assert a_tekun.status == AppStatus.RESIDENT
    assert a_tekun.position is None
    a_other.refresh_from_db()
    assert a_other.position == 1  # the queue moved up
    assert "音德尔镇敬老院" in client.get("/carehomes/residents/").content.decode()

    # discharged home: back to 分散供养; the freed bed offered to the queue
    client.post(
        f"/carehomes/residents/{residence.pk}/end/", {"reason": "discharge", "note": "回家由子女照料"}
    )
    tekun.refresh_from_db()
    assert tekun.tekun == "dispersed"
    freed = Vacancy.objects.get(source="discharge")
    assert freed.offers.get().application_id == a_other.pk


def test_a_death_closes_residence_and_sets_the_death_date(
    make_person: Any, login: Any, county_user: Any, today: dt.date, home: Any
) -> None:
    client = login(county_user)
    person = assessed(make_person, "周玉珍", today, tekun="dispersed", tekun_care="full", ability_level=4)
    apply(client, person, today)
    client.post("/carehomes/vacancy/", {"facility": home.pk, "nursing": "1"})
    offer = Offer.objects.get()
    client.post(f"/carehomes/offers/{offer.pk}/accept/")
    client.post(f"/carehomes/offers/{offer.pk}/admit/")
    residence = Residence.objects.get()
    client.post(f"/carehomes/residents/{residence.pk}/end/", {"reason": "death"})
    person.refresh_from_db()
    residence.refresh_from_db()
    assert person.death_date == today
    assert (residence.state, residence.end_reason, residence.ended_on) == ("ended", "death", today)
    assert Vacancy.objects.filter(source="death", nursing=True).exists()


def test_vacancies_from_the_latest_capacity_report(
    make_person: Any, login: Any, county_user: Any, today: dt.date, home: Any
) -> None:
    from tests.conftest import frozen_now
    from yanglao.facilities.reportmodels import CapacityReport

    CapacityReport.objects.create(
        facility=home,
        month=today.replace(day=1) - dt.timedelta(days=31),
        beds=3,
        nursing_beds=2,
        nursing_in_use=1,
        general_in_use=0,
        filed_at=frozen_now(),
    )
    client = login(county_user)
    first = assessed(make_person, "王秀英", today, ability_level=2)
    second = assessed(make_person, "李凤兰", today)
    apply(client, first, today - dt.timedelta(days=3))
    apply(client, second, today)
    answer = client.post("/carehomes/vacancy/", {"from_reports": "1"}, follow=True).content.decode()
    assert "登记空床 2 张" in answer
    vacancies = Vacancy.objects.order_by("id")
    assert [v.nursing for v in vacancies] == [True, False]  # 3 beds, 1 in use; 护理型 2, 1 in use
    assert {o.application.person_id for o in Offer.objects.all()} == {first.pk, second.pk}
    again = client.post("/carehomes/vacancy/", {"from_reports": "1"}, follow=True).content.decode()
    assert "登记空床 0 张" in again  # the open vacancies count
