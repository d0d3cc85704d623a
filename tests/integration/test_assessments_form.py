"""The assessment form through the HTTP client: draft, resume, sign (refused while incomplete, then
the person's current result), the live scores and the list pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import frozen_today
from tests.integration.assessor_helpers import qualified, two_assessors
from yanglao.assessments.models import Assessment, Status
from yanglao.audit.models import Action, AuditEvent
from yanglao.core.assessment import instrument, valid_until
from yanglao.registry.models import ChangeKind, Person, PersonChange

VILLAGE = "152223100001"  # 龙腾社区, 音德尔镇

pytestmark = [pytest.mark.django_db, pytest.mark.hard_dates]


def scores(total: int) -> dict[str, int]:
    """26 item scores adding up to ``total``: every item at its maximum, lowered from the last."""
    items = {i.code: i.max_score for i in instrument().items}
    excess = sum(items.values()) - total
    for code in reversed(list(items)):
        cut = min(excess, items[code])
        items[code] -= cut
        excess -= cut
    return items


def complete(total: int = 90, **overrides: str) -> dict[str, str]:
    """What the form sends when everything required is filled in."""
    data = {
        "reference_date": frozen_today().isoformat(),
        "reason": "first",
        "informant_name": "李建国",
        "informant_relation": "child",
        "contact_name": "李建国",
        "contact_phone": "13812345678",
        "coma": "false",
        "diagnoses": "I10",
        **{f"risk_{k}": "0" for k in ("fall", "lost", "choking", "self_harm", "other")},
        "assessor_1": str(two_assessors()[0].pk),
        "assessor_2": str(two_assessors()[1].pk),
        "place": "龙腾社区居家",
        "med_rows": "3",
        "med_0_drug_name": "硝苯地平缓释片",
        "med_0_dose": "10mg",
        "a_height_cm": "162",
        "a_living_arrangement": "spouse",
        "action": "save",
        **{code: str(s) for code, s in scores(total).items()},
    }
    data.update(overrides)
    return data


@pytest.fixture
def wang(make_person: Any) -> Person:
    person: Person = make_person("王秀英", region=VILLAGE)
    return person


def new_url(person: Person) -> str:
    return reverse("assessments:new", args=[person.pk])


def test_the_form_shows_every_item_with_every_options_full_wording(
    login: Any, township_user: Any, wang: Person
) -> None:
    response = login(township_user).get(new_url(wang))

    assert response.status_code == 200
    page = response.content.decode()
    for item in instrument().items:
        assert f'id="f-{item.code}"' in page
        for option in item.options:
            assert f'name="{item.code}" value="{option.score}"' in page
            assert option.text in page
    assert "A.5.11" in page
    assert "昏迷" in page
    assert "评估员二" in page
    assert "assessments/form.js" in page


def test_an_assessor_saves_a_draft_and_resumes_it(login: Any, township_user: Any, wang: Person) -> None:
    client = login(township_user)
    half = {
        "B.1.1": "3",
        "B.1.2": "4",
        "informant_name": "李建国",
        "a_living_arrangement": "spouse",
        "action": "save",
    }

    response = client.post(new_url(wang), half)

    draft = Assessment.objects.get(person=wang)
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:edit", args=[draft.pk]) + "?saved=1"
    assert draft.status == Status.DRAFT
    assert draft.items == {"B.1.1": 3, "B.1.2": 4}
    assert draft.informant_name == "李建国"
    assert draft.answers["living_arrangement"] == ["spouse"]
    page = client.get(response["Location"]).content.decode()
    assert 'name="B.1.1" value="3" checked' in page
    assert 'value="李建国"' in page
    assert "草稿已保存" in page
    assert '已评 <span data-out="answered">2</span>/26' in page

    client.post(reverse("assessments:edit", args=[draft.pk]), {**half, "B.1.3": "2"})
    draft.refresh_from_db()
    assert draft.items == {"B.1.1": 3, "B.1.2": 4, "B.1.3": 2}
    assert Assessment.objects.filter(person=wang).count() == 1


def test_signing_an_incomplete_assessment_names_every_missing_field(
    login: Any, township_user: Any, wang: Person
) -> None:
    data = complete(action="sign")
    for name in ("B.4.5", "B.2.3", "informant_name", "place", "assessor_2", "risk_fall", "coma"):
        del data[name]

    response = login(township_user).post(new_url(wang), data)

    assert response.status_code == 400
    page = response.content.decode()
    assert "尚不能签署：以下 7 项需要填写或修改" in page
    for text in (
        "B.4.5 社会交往能力：缺少评分",
        "B.2.3 平地行走：缺少评分",
        "A.3.1 信息提供者的姓名：必填",
        "评估地点：必填",
        "评估员二：请选择持有效资质的评估员",
        "A.2.14.1 近30天内跌倒：请选择次数",
        "A.5.11 昏迷：请选择无或有",
    ):
        assert text in page
    draft = Assessment.objects.get(person=wang)
    assert draft.status == Status.DRAFT
    assert len(draft.items) == 24  # what was entered is kept
    wang.refresh_from_db()
    assert wang.ability_level is None


def test_signing_needs_two_different_assessors(login: Any, township_user: Any, wang: Person) -> None:
    first, _ = two_assessors()
    data = complete(action="sign", assessor_1=str(first.pk), assessor_2=str(first.pk))

    response = login(township_user).post(new_url(wang), data)

    assert response.status_code == 400
    page = response.content.decode()
    assert "评估员二：须由两名不同的评估员评估" in page
    assert 'id="f-assessor_2"' in page
    assert not Assessment.objects.filter(person=wang, status=Status.SIGNED).exists()


def test_a_user_without_a_valid_qualification_is_refused_beside_the_field(
    login: Any, township_user: Any, wang: Person
) -> None:
    data = complete(action="sign", assessor_1=str(township_user.pk))

    response = login(township_user).post(new_url(wang), data)

    assert response.status_code == 400
    page = response.content.decode()
    assert f"所选用户在 {frozen_today()} 没有有效的评估员资质" in page
    assert not Assessment.objects.filter(person=wang, status=Status.SIGNED).exists()


def test_signing_a_complete_assessment_makes_it_the_persons_current_result(
    login: Any, township_user: Any, wang: Person
) -> None:
    # total 50 → initial level 2 (中度失能); dementia F03 raises it to 3 (重度失能)
    qualified(township_user.username, "音德尔镇经办人")
    data = complete(50, action="sign", diagnoses="I10 F03", assessor_1=str(township_user.pk))

    response = login(township_user).post(new_url(wang), data)

    a = Assessment.objects.get(person=wang)
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:edit", args=[a.pk])
    assert (a.status, a.total, a.initial_level, a.final_level) == (Status.SIGNED, 50, 2, 3)
    assert a.ground_keys == ["mental_disorder"]
    assert a.assessor_1 == township_user
    today = frozen_today()
    assert (a.reference_date, a.valid_until) == (today, valid_until(today, 12))
    wang.refresh_from_db()
    assert (wang.ability_level, wang.ability_assessed_on) == (3, frozen_today())
    change = PersonChange.objects.get(person=wang, kind=ChangeKind.ASSESSMENT)
    assert change.source == f"能力评估 {a.number}"
    assert change.changes["ability_level"] == [None, "3"]
    events = AuditEvent.objects.filter(object_type="assessment", object_id=a.number).order_by("at", "id")
    assert [e.action for e in events] == [Action.CREATE, Action.CHANGE]
    assert "签署能力评估" in events[1].summary
    assert "重度失能" in events[1].summary
    assert events[1].detail["final_level"] == 3
    assert wang.id_number not in events[1].summary


def test_the_signed_result_is_shown_and_can_no_longer_be_changed(
    login: Any, township_user: Any, wang: Person
) -> None:
    client = login(township_user)
    client.post(new_url(wang), complete(70, action="sign"))
    a = Assessment.objects.get(person=wang)

    page = client.get(reverse("assessments:edit", args=[a.pk])).content.decode()
    refused = client.post(reverse("assessments:edit", args=[a.pk]), complete(10, action="sign"))

    assert "轻度失能" in page
    assert "当前有效" in page
    assert reverse("assessments:pdf", args=[a.pk]) in page
    assert refused.status_code == 409
    a.refresh_from_db()
    assert a.total == 70


def test_bad_values_are_named_and_the_rest_is_kept(login: Any, township_user: Any, wang: Person) -> None:
    bad = {"B.1.1": "7", "diagnoses": "f01 F08 I10", "reference_date": "2024-13-01", "a_weight_kg": "abc"}
    data = {**complete(), **bad}

    response = login(township_user).post(new_url(wang), data)

    page = response.content.decode()
    assert response.status_code == 400
    assert "B.1.1 进食：评分应为0-4的整数，实际为“7”" in page
    assert "“f01”不是ICD-10编码的格式" in page
    assert "“F08”不是ICD-10第五章（F00-F99）的类目" in page
    assert "A.1.2 评估基准日期：日期应写作YYYY-MM-DD" in page
    assert "A.2.5 体重" in page
    draft = Assessment.objects.get(person=wang)
    assert "B.1.1" not in draft.items
    assert draft.items["B.1.2"] == 4
    assert draft.diagnoses == ["I10"]
    assert 'value="f01 F08 I10"' in page  # shown again as typed


def test_an_exclusive_choice_cannot_be_combined(login: Any, township_user: Any, wang: Person) -> None:
    response = login(township_user).post(new_url(wang), {"a_wounds": ["none", "burn"], "action": "save"})

    assert response.status_code == 400
    assert "A.5.3 伤口情况：“无”不能与其他选项同时选择" in response.content.decode()


def test_the_live_scores_come_from_the_core(login: Any, township_user: Any) -> None:
    client = login(township_user)
    url = reverse("assessments:score")

    partial = client.post(url, {"B.1.1": "4", "B.2.4": "3", "risk_fall": "1", "risk_choking": "1"}).json()
    full = client.post(url, {**complete(66), "risk_fall": "1", "risk_choking": "1"}).json()
    coma = client.post(url, {**complete(90), "coma": "true"}).json()

    assert partial["complete"] is False
    assert partial["answered"] == 2
    assert partial["total"] == 7
    assert [i["score"] for i in partial["indicators"]] == [4, 3, 0, 0]
    assert partial["final_level"] is None
    assert partial["grounds"] == ["近30天内照护风险事件2次及以上：提高一个等级"]
    assert (full["total"], full["initial_level"], full["final_level"]) == (66, 1, 2)
    assert full["final_level_name"] == "中度失能"
    assert (coma["initial_level"], coma["final_level"], coma["final_level_name"]) == (0, 4, "完全失能")


def test_the_live_scores_name_the_diagnoses(login: Any, township_user: Any) -> None:
    data = login(township_user).post(reverse("assessments:score"), {"diagnoses": "F03 I10 F08"}).json()

    assert data["diagnoses"] == [
        {"code": "F03", "name": "未特指的痴呆", "ground": True},
        {"code": "I10", "name": "特发性（原发性）高血压", "ground": False},
    ]
    assert data["problems"] == ["“F08”不是ICD-10第五章（F00-F99）的类目"]


def test_the_persons_history_marks_the_current_and_the_expired_result(
    login: Any, township_user: Any, wang: Person
) -> None:
    client = login(township_user)
    old_day = frozen_today() - dt.timedelta(days=500)
    client.post(new_url(wang), complete(40, action="sign", reference_date=old_day.isoformat()))
    client.post(new_url(wang), complete(70, action="sign"))
    client.post(new_url(wang), {"B.1.1": "2", "action": "save"})

    page = client.get(reverse("assessments:person", args=[wang.pk])).content.decode()

    old, new = Assessment.objects.filter(status=Status.SIGNED).order_by("reference_date")
    current, expired = '<span class="tag current">当前有效</span>', '<span class="tag expired">已过期</span>'
    assert page.count(current) == 1
    assert page.count(expired) == 1
    history = page[page.index("历史结果") :]
    assert (
        history.index(new.number)
        < history.index(current)
        < history.index(old.number)
        < history.index(expired)
    )
    assert "草稿" in page
    assert "已评 1/26 项" in page


def test_the_index_lists_recent_assessments_and_results_about_to_expire(
    login: Any, township_user: Any, wang: Person, make_person: Any
) -> None:
    client = login(township_user)
    li = make_person("李桂兰", region=VILLAGE)
    soon = frozen_today() - dt.timedelta(days=350)
    client.post(new_url(wang), complete(70, action="sign", reference_date=soon.isoformat()))
    client.post(new_url(li), complete(70, action="sign"))

    response = client.get(reverse("assessments:index"))

    page = response.content.decode()
    assert response.status_code == 200
    expiring = page[page.index("30 天内到期") : page.index("评估列表")]
    assert "王秀英" in expiring
    assert "李桂兰" not in expiring
    assert "李桂兰" in page[page.index("评估列表") :]
    assert AuditEvent.objects.filter(action=Action.VIEW, object_type="assessment").exists()


@pytest.mark.parametrize("page", ["index", "person"])
def test_the_list_pages_take_the_same_number_of_queries_however_long_they_are(
    login: Any, township_user: Any, wang: Person, page: str
) -> None:
    client = login(township_user)
    url = reverse("assessments:index") if page == "index" else reverse("assessments:person", args=[wang.pk])

    def queries_with(n: int) -> int:
        while Assessment.objects.count() < n:
            day = frozen_today() - dt.timedelta(days=Assessment.objects.count())
            client.post(new_url(wang), complete(70, action="sign", reference_date=day.isoformat()))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    assert queries_with(2) == queries_with(6)
