"""The public self-check "我能享受哪些服务？": every item answered with a plain reason, amounts, 择高, local
options; nothing stored (no person, no audit event, no session); the reusable functions behind it."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django import forms
from django.contrib.sessions.models import Session
from django.urls import reverse

from yanglao.audit.models import AuditEvent
from yanglao.catalogweb.forms import SelfCheckForm
from yanglao.catalogweb.selfcheck import asked_fields, build_record, explain, self_check
from yanglao.core.catalog import evaluate, load_catalog
from yanglao.core.person import FIELD_BY_NAME
from yanglao.core.personfields import public_sections
from yanglao.registry.models import Person

pytestmark = pytest.mark.django_db

ON = dt.date(2024, 7, 1)
BASE = {
    "hukou": "local",
    "residence": "local",
    "tekun": "none",
    "fp_special": "none",
    "special_contribution": "none",
}


def text_of(response: Any) -> str:
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def answer(page: str, no: str) -> str:
    """The text of one item's answer card."""
    match = re.search(rf'<article class="answer [a-z_]+" id="answer-{no}">(.*?)</article>', page, re.S)
    assert match, f"no answer for item {no}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1)))


def post(client: Any, code: str = "152223", on: dt.date = ON, **fields: str) -> Any:
    url = reverse("catalogweb:selfcheck", args=[code]) + f"?date={on}"
    return client.post(url, {**BASE, **fields})


def test_the_form_is_public_and_says_nothing_is_kept(client: Any) -> None:
    response = client.get(reverse("catalogweb:selfcheck", args=["152223"]))
    assert response.status_code == 200
    page = text_of(response)
    assert "我能享受哪些服务？" in page
    assert "不保存、不记录" in page
    for label in ("年龄（周岁）", "户籍在哪里", "本旗（扎赉特旗）", "兴安盟的其他旗县（市、区）", "居住情况", "独居",
                  "是低保对象", "特困人员", "老年人能力评估结果", "残疾人证", "计划生育特殊家庭", "优抚对象",
                  "基本养老保险", "参加了长期护理保险"):  # fmt: skip
        assert label in page, label
    assert "no-store" in response["Cache-Control"]


def test_an_85_year_old_gets_the_gaoling_jintie_with_its_amount(client: Any) -> None:
    response = post(client, age="85")
    assert response.status_code == 200
    html = response.content.decode()
    gaoling = answer(html, "5")
    assert "可享受" in gaoling
    assert "每月 100 元" in gaoling
    assert "符合：年满80周岁（本人85周岁）；户籍在内蒙古自治区（本人：扎赉特旗）" in gaoling
    assert "高龄津贴标准（80–99周岁）：100 元/人/月，2023-06-15 起" in gaoling
    assert "扎政办发〔2023〕16号 附件2 第5项" in gaoling
    catalog = load_catalog("152223")
    for item in catalog.items:  # every item is answered
        answer(html, item.no)
    assert "可以享受" in text_of(response)
    assert "不符合条件" in text_of(response)


def test_a_79_year_old_does_not_and_is_told_why(client: Any) -> None:
    gaoling = answer(post(client, age="79").content.decode(), "5")
    assert "不符合条件" in gaoling
    assert "不符合：年满80周岁（本人79周岁）" in gaoling
    assert "元" not in gaoling.split("不符合：")[0]  # no amount shown for an item not granted


def test_the_80th_birthday_itself_counts(client: Any) -> None:
    gaoling = answer(post(client, birth_date="1944-07-01").content.decode(), "5")
    assert "年满80周岁（本人80周岁）" in gaoling
    assert "每月 100 元" in gaoling
    day_before = answer(post(client, birth_date="1944-07-02").content.decode(), "5")
    assert "不符合：年满80周岁（本人79周岁）" in day_before


def test_a_hukou_outside_the_region_is_named_in_the_reason(client: Any) -> None:
    page = post(client, age="85", hukou="elsewhere", residence="local").content.decode()
    assert "不符合：户籍在内蒙古自治区（本人：其他省份）" in answer(page, "5")
    page = post(client, age="85", hukou="province").content.decode()
    assert "户籍在内蒙古自治区（本人：内蒙古自治区的其他地方）" in answer(page, "5")


def test_both_care_subsidies_are_shown_the_person_chooses(client: Any) -> None:
    """平顶山 item 11 (护理补贴, 60 yuan) and item 15's 重度残疾人护理补贴 (75 yuan): "可择高申领其中一类" —
    both shown as eligible, the choice is the person's (issue 12)."""
    page = post(
        client,
        "410400",
        age="75",
        dibao="on",
        self_care_unable="on",
        disability_grade="1",
        long_term_care_need="on",
    ).content.decode()
    eleven = answer(page, "11")
    assert "择高未享受" not in eleven
    assert "择高，由本人选择：与第15项" in eleven
    assert "每月不低于 60 元" in eleven
    fifteen = answer(page, "15")
    assert "重度残疾人护理补贴 可享受" in fifteen
    assert "每月不低于 75 元" in fifteen
    assert "择高，由本人选择：与第11项" in text_of_page(page)


def text_of_page(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_list_with_local_options_asks_about_them(client: Any) -> None:
    with_options = text_of(client.get(reverse("catalogweb:selfcheck", args=["410721"])))
    assert "本地政策（地方选项）" in with_options
    without = text_of(client.get(reverse("catalogweb:selfcheck", args=["152223"])))  # 扎赉特旗: none left
    assert "本地政策（地方选项）" not in without


def test_a_local_option_switched_on_changes_the_answer(client: Any) -> None:
    off = answer(post(client, "410721", age="85", dibao="on").content.decode(), "8")
    assert "不符合" in off
    assert "本地政策“适老化改造扩大到低保老年人家庭”已开启（本地未开启）" in off
    on = answer(
        post(client, "410721", age="85", dibao="on", opt_home_adaptation_extend_dibao="on").content.decode(),
        "8",
    )
    assert "可享受" in on
    assert "（本地已开启）" in on


def test_a_missing_age_is_asked_for(client: Any) -> None:
    response = post(client)
    assert response.status_code == 200
    assert "请填写年龄或出生日期" in text_of(response)
    assert 'class="results"' not in response.content.decode()


def test_nothing_about_the_person_is_stored(client: Any) -> None:
    persons, events, sessions = Person.objects.count(), AuditEvent.objects.count(), Session.objects.count()
    assert post(client, age="85", dibao="on", disability_grade="1").status_code == 200
    assert (Person.objects.count(), AuditEvent.objects.count(), Session.objects.count()) == (
        persons,
        events,
        sessions,
    )


def test_the_functions_the_api_reuses() -> None:
    catalog = load_catalog("152223")
    record = build_record({"age": 85, "hukou": "local", "dibao": True}, catalog, ON)
    assert record["birth_date"] == dt.date(1939, 7, 1)
    assert record["hukou_region"] == record["residence_region"] == "152223"
    assert record["self_care_unable"] is False  # an unticked question is "否"
    assert self_check(catalog, {"age": 85}, ON).items[4].amount == Decimal("100.00")

    # A registered person's record (12-digit region codes) goes straight to evaluate and explain.
    person = {
        "birth_date": dt.date(1940, 3, 1),
        "hukou_region": "152223100001",
        "residence_region": "152223100001",
    }
    views = explain(evaluate(catalog, person, ON), catalog, person)
    gaoling = next(v for v in views if v.code == "gaoling_jintie")
    assert gaoling.granted
    assert gaoling.amount_words == "每月 100 元"
    assert gaoling.reason == "符合：年满80周岁（本人84周岁）；户籍在内蒙古自治区（本人：扎赉特旗）"
    assert [p.label for p in gaoling.params] == ["高龄津贴标准（80–99周岁）"]
    assert gaoling.ask.startswith("清单未写牵头部门")
    dibao = next(v for v in views if v.no == "10")
    assert dibao.reason == "不符合：是低保对象（本人：未填写）"
    with pytest.raises(ValueError, match="请填写年龄或出生日期"):
        build_record({}, catalog, ON)


def test_what_an_item_gives_besides_money_is_on_its_card(client: Any) -> None:
    """卧龙区: item 11 is paid to the 敬老院, item 3 is a service once a year (plain.extra_words)."""
    page = post(client, "411303", on=dt.date(2025, 7, 1), age="75", tekun="centralized").content.decode()
    assert "由供养本人的敬老院领取（不发给本人）" in answer(page, "11")
    assert "每年1次" in answer(page, "3")
    assert "金额" not in answer(page, "3")  # a service once a year has no amount: none is "missing"
    assert "每月至少1次" not in answer(page, "20")  # not granted: nothing it would give is said


def test_the_form_asks_what_the_person_fields_description_says() -> None:
    """Sections, questions, widgets and choices of the form come from core/personfields.py."""
    catalog = load_catalog("152223")
    form = SelfCheckForm(catalog, ON)
    titles = [title for title, _ in form.sections()]
    assert titles == [section.public for section, _ in public_sections()]
    asked = asked_fields(catalog)
    assert "dibao" in asked
    assert "no_supporter" in asked  # 扎赉特旗's 特困 rule reads it
    assert "disabled_months" not in asked  # no rule of this list reads it
    assert "disabled_months" in asked_fields(load_catalog("410400"))  # 平顶山's does
    for name in asked:
        described = FIELD_BY_NAME[name].ask
        assert described is not None
        assert form.fields[name].label == described.label
    living = form.fields["living_arrangement"]
    assert isinstance(living, forms.ChoiceField)
    assert list(living.choices)[:2] == [("", "不填"), ("alone", "独居")]
    assert isinstance(living.widget, forms.RadioSelect)
    grade = form.fields["disability_grade"]
    assert isinstance(grade, forms.ChoiceField)
    assert ("1", "一级（最重）") in list(grade.choices)
