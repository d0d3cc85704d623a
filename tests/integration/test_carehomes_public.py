"""The public queue without login: masked names, class, month, position — no ID numbers, no health
data, no phone or address; one's own position by application number and the last 4 ID characters,
with one answer for a wrong number and for wrong digits; the indicators' figures."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.test import Client

from yanglao.carehomes import indicators
from yanglao.carehomes.models import Application, Residence
from yanglao.core.person import ABILITY_LEVELS
from yanglao.facilities.models import Facility

HEALTH_WORDS = [label for _, label in ABILITY_LEVELS] + ["能力等级", "残疾等级", "评估日期", "13912345678"]


def applied(client: Any, make_person: Any, today: dt.date, name: str, **fields: Any) -> Any:
    fields.setdefault("ability_level", 0)
    person = make_person(name, ability_assessed_on=today - dt.timedelta(days=30), **fields)
    data = {"id_number": person.id_number, "applied_on": today.isoformat(), "wants_placement": "1"}
    assert client.post("/carehomes/apply/", data).status_code == 302
    return person, Application.objects.get(person=person)


def test_the_public_queue_shows_no_personal_data(
    make_person: Any, login: Any, county_user: Any, today: dt.date
) -> None:
    staff = login(county_user)
    first, _a1 = applied(staff, make_person, today, "王秀英", tekun="dispersed", self_care_unable=True)
    second, _a2 = applied(staff, make_person, today, "李凤兰", ability_level=3, disability_grade=1)
    public = Client()
    html = public.get("/carehomes/queue/152223/").content.decode()
    assert "王*英" in html
    assert "李*兰" in html
    assert "王秀英" not in html
    assert "李凤兰" not in html
    for person in (first, second):
        assert person.id_number not in html
        assert person.id_number[-4:] not in html
    for word in HEALTH_WORDS:
        assert word not in html, word
    assert f"{today.year}年{today.month}月" in html
    assert "生活不能自理、有集中供养意愿的特困人员" in html
    assert public.get("/carehomes/queue/999999/").status_code == 404
    assert public.get("/carehomes/queue/").status_code == 200


def without_token(response: Any) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_one_answer_for_a_wrong_number_or_wrong_digits(
    make_person: Any, login: Any, county_user: Any, today: dt.date
) -> None:
    staff = login(county_user)
    person, app = applied(staff, make_person, today, "王秀英")
    public = Client()
    right = public.post("/carehomes/queue/mine/", {"number": app.number, "tail": person.id_number[-4:]})
    text = right.content.decode()
    assert "轮候第" in text
    assert "预计等待" in text
    assert person.id_number not in text
    wrong_digits = public.post("/carehomes/queue/mine/", {"number": app.number, "tail": "0000"})
    wrong_number = public.post("/carehomes/queue/mine/", {"number": "RZ152223202699999", "tail": "1234"})
    assert without_token(wrong_digits) == without_token(wrong_number)
    assert "没有找到" in wrong_digits.content.decode()
    assert public.post("/carehomes/queue/mine/", {"number": app.number, "tail": "123"}).status_code == 200


def test_indicators(make_person: Any, today: dt.date) -> None:
    home = Facility.objects.create(
        name="音德尔镇敬老院", kind="public_home", region_id="152223100000", beds=4, nursing_beds=2
    )
    placed = make_person("甲", tekun="centralized", self_care_unable=True)
    make_person("乙", tekun="dispersed", tekun_care="full")
    make_person("丙", tekun="dispersed")  # 能自理: not counted
    Residence.objects.create(person=placed, facility=home, admitted_on=today)
    rate = indicators.centralized_rate("152223", today)
    assert rate["集中供养"] == 1
    assert rate["生活不能自理特困人员"] == 2
    assert rate["集中供养率（%）"] == 50.0
    assert rate["目标（%）"] == 60.0
    assert rate["达标"] is False
    assert "扎政办发〔2023〕16号" in rate["目标依据"]
    [row] = indicators.occupancy("152223")
    assert (row["在院人数"], row["入住率（%）"]) == (1, 25.0)


def test_an_applicant_who_died_leaves_the_queue(
    make_person: Any, login: Any, county_user: Any, today: dt.date
) -> None:
    staff = login(county_user)
    first, a1 = applied(staff, make_person, today, "王秀英", tekun="dispersed", self_care_unable=True)
    _second, a2 = applied(staff, make_person, today, "李凤兰")
    a2.refresh_from_db()
    assert a2.position == 2
    first.death_date = today - dt.timedelta(days=1)
    first.save()
    applied(staff, make_person, today, "张桂英")  # any write ranks the county again
    a1.refresh_from_db()
    a2.refresh_from_db()
    assert (a1.status, a1.position, a1.status_note) == ("died", None, f"轮候期间去世（{first.death_date}）")
    assert a2.position == 1
    assert indicators.queue_figures("152223", today)["轮候期间去世"] == 1
