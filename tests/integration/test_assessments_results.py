"""One result for everyone: supersession, validity, MZ/T 039-2013 results on their own scale, the
decisions that used a result, and the counts and expiring lists for other issues."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

from tests.integration.assessor_helpers import two_assessors
from yanglao.assessments.actions import (
    NotCurrent,
    do_expire,
    do_import_legacy_result,
    do_record_use,
    do_save_draft,
    do_sign_assessment,
)
from yanglao.assessments.models import Assessment, Scale, Use
from yanglao.assessments.results import counts_by_level, current_assessment, expiring
from yanglao.audit.models import Action, AuditEvent
from yanglao.core.assessment import instrument
from yanglao.registry.models import ChangeKind, Person, PersonChange

VILLAGE = "152223100001"  # 龙腾社区, 音德尔镇
OTHER_VILLAGE = "152223101001"  # 解放社区, 新林镇
TOWNSHIP = "152223100000"
TODAY = dt.date(2025, 6, 15)

pytestmark = [pytest.mark.django_db, pytest.mark.hard_dates]


def items_for(total: int) -> dict[str, int]:
    items = {i.code: i.max_score for i in instrument().items}
    excess = 90 - total
    for code in reversed(list(items)):
        cut = min(excess, items[code])
        items[code] -= cut
        excess -= cut
    return items


def sign(
    person: Person, user: Any, total: int, on: dt.date, reason: str = "routine", **fields: Any
) -> Assessment:
    """A complete assessment of ``person`` made on ``on``, signed on ``TODAY``."""
    request = RequestFactory().post("/")
    request.user = user
    data = {
        "reference_date": on,
        "reason": reason,
        "informant_name": "李建国",
        "informant_relation": "child",
        "place": "居家",
        "coma": False,
        "risk_events": dict.fromkeys(("fall", "lost", "choking", "self_harm", "other"), 0),
        "assessor_1": two_assessors()[0],
        "assessor_2": two_assessors()[1],
        "items": items_for(total),
        **fields,
    }
    return do_sign_assessment(request, do_save_draft(request, person, data), today=TODAY)


def legacy(person: Person, grade: int, on: dt.date, number: str) -> Assessment:
    return do_import_legacy_result(
        person, grade=grade, assessed_on=on, number=number, source="旧评估系统", actor="命令行", today=TODAY
    )


@pytest.fixture
def wang(make_person: Any) -> Person:
    person: Person = make_person("王秀英", region=VILLAGE)
    return person


# --- supersession and validity ---------------------------------------------------------------------


def test_an_immediate_reassessment_supersedes_the_current_result(township_user: Any, wang: Person) -> None:
    first = sign(wang, township_user, 70, dt.date(2025, 1, 10), reason="first")
    after_a_fall = sign(wang, township_user, 40, dt.date(2025, 5, 2), reason="immediate")

    wang.refresh_from_db()
    assert current_assessment(wang, TODAY) == after_a_fall
    assert (wang.ability_level, wang.ability_assessed_on) == (3, dt.date(2025, 5, 2))
    changes = PersonChange.objects.filter(person=wang, kind=ChangeKind.ASSESSMENT).order_by("at", "id")
    assert [c.source for c in changes] == [f"能力评估 {first.number}", f"能力评估 {after_a_fall.number}"]
    assert changes[1].changes["ability_level"] == ["1", "3"]
    event = AuditEvent.objects.filter(object_id=after_a_fall.number, action=Action.CHANGE).get()
    assert event.detail["supersedes"] == first.number


def test_a_result_entered_late_does_not_replace_a_newer_one(township_user: Any, wang: Person) -> None:
    newer = sign(wang, township_user, 40, dt.date(2025, 5, 2))
    sign(wang, township_user, 70, dt.date(2025, 3, 1))  # a paper assessment typed in afterwards

    wang.refresh_from_db()
    assert current_assessment(wang, TODAY) == newer
    assert wang.ability_level == 3


def test_an_expired_result_is_stored_but_never_current(township_user: Any, wang: Person) -> None:
    old = sign(wang, township_user, 70, dt.date(2024, 6, 14))  # valid up to 2025-06-14

    wang.refresh_from_db()
    assert old.valid_until == dt.date(2025, 6, 14)
    assert current_assessment(wang, TODAY) is None
    assert current_assessment(wang, dt.date(2025, 6, 14)) == old
    assert wang.ability_level is None


def test_two_results_of_the_same_day_the_one_signed_later_wins(township_user: Any, wang: Person) -> None:
    sign(wang, township_user, 70, dt.date(2025, 5, 2))
    review = sign(wang, township_user, 50, dt.date(2025, 5, 2), reason="review")

    wang.refresh_from_db()
    assert current_assessment(wang, TODAY) == review
    assert wang.ability_level == 2


def test_the_validity_period_is_a_local_parameter(township_user: Any, wang: Person, settings: Any) -> None:
    settings.ASSESSMENT_VALIDITY_MONTHS = 6

    a = sign(wang, township_user, 70, dt.date(2024, 8, 31))

    assert (a.validity_months, a.valid_until) == (6, dt.date(2025, 2, 28))


def test_an_expired_level_is_cleared_by_the_daily_command(township_user: Any, wang: Person) -> None:
    a = sign(wang, township_user, 70, dt.date(2024, 7, 1))  # current on TODAY, valid to 2025-07-01
    wang.refresh_from_db()
    assert wang.ability_level == 1

    assert do_expire(wang, actor="定时任务", today=dt.date(2025, 7, 1)) is False
    assert do_expire(wang, actor="定时任务", today=dt.date(2025, 7, 2)) is True

    wang.refresh_from_db()
    assert wang.ability_level is None
    change = PersonChange.objects.filter(person=wang).latest("at", "id")
    assert change.source == f"能力评估 {a.number} 已过有效期"
    out = io.StringIO()
    call_command("expire_assessments", stdout=out)
    assert "清除 0 人" in out.getvalue()


# --- MZ/T 039-2013 -----------------------------------------------------------------------------------


def test_a_legacy_result_keeps_its_own_scale_and_never_gives_a_level(wang: Person) -> None:
    a = legacy(wang, 3, dt.date(2025, 1, 5), "MZ-2025-0007")

    wang.refresh_from_db()
    assert (a.scale, a.legacy_level, a.final_level) == (Scale.MZT_039, 3, None)
    assert a.level_display() == "重度失能（MZ/T 039-2013，3级）"
    assert current_assessment(wang, TODAY) == a
    assert wang.ability_level is None
    assert not PersonChange.objects.filter(person=wang, kind=ChangeKind.ASSESSMENT).exists()
    assert AuditEvent.objects.get(action=Action.IMPORT, object_id="MZ-2025-0007").detail["legacy_level"] == 3


def test_a_legacy_result_does_not_touch_a_level_it_does_not_supersede(
    township_user: Any, wang: Person
) -> None:
    sign(wang, township_user, 50, dt.date(2025, 3, 1))

    legacy(wang, 1, dt.date(2024, 9, 1), "MZ-2024-0100")

    wang.refresh_from_db()
    assert wang.ability_level == 2


def test_a_later_legacy_result_leaves_no_0_to_4_level(township_user: Any, wang: Person) -> None:
    sign(wang, township_user, 50, dt.date(2025, 1, 1))

    a = legacy(wang, 1, dt.date(2025, 4, 1), "MZ-2025-0200")

    wang.refresh_from_db()
    assert current_assessment(wang, TODAY) == a
    assert (wang.ability_level, wang.ability_assessed_on) == (None, None)


def test_a_gbt_result_after_a_legacy_one_gives_the_level(township_user: Any, wang: Person) -> None:
    legacy(wang, 3, dt.date(2024, 12, 1), "MZ-2024-0300")

    sign(wang, township_user, 20, dt.date(2025, 2, 1))

    wang.refresh_from_db()
    assert wang.ability_level == 4


def test_a_legacy_level_outside_0_to_3_is_refused(wang: Person) -> None:
    with pytest.raises(ValueError, match="0-3"):
        legacy(wang, 4, dt.date(2024, 12, 1), "MZ-X")
    assert not Assessment.objects.exists()


def test_the_legacy_import_command_reports_every_bad_row(wang: Person, tmp_path: Any) -> None:
    path = tmp_path / "old.csv"
    path.write_text(
        "id_number,assessed_on,level,number\n"
        f"{wang.id_number},2024-11-02,2,MZ-1\n"
        f"{wang.id_number},2024-11-02,5,MZ-2\n"
        "110101190001010000,2024-11-02,1,MZ-3\n",
        encoding="utf-8",
    )
    out = io.StringIO()

    with pytest.raises(SystemExit):
        call_command("import_mzt039", str(path), stdout=out)

    text = out.getvalue()
    assert "第 3 行：MZ/T 039-2013 的等级为0-3：“5”" in text
    assert "第 4 行：公民身份号码无效" in text
    assert Assessment.objects.get().level_display() == "中度失能（MZ/T 039-2013，2级）"


# --- uses ---------------------------------------------------------------------------------------------


def test_a_decision_records_which_result_it_relied_on(
    township_user: Any, county_user: Any, wang: Person
) -> None:
    a = sign(wang, township_user, 40, dt.date(2025, 5, 2))

    use = do_record_use(
        a, purpose="护理补贴", object_type="subsidy", object_id="BT-001", actor=county_user, on=TODAY
    )

    assert Use.objects.get() == use
    assert (use.assessment, use.purpose, use.object_id, use.by) == (a, "护理补贴", "BT-001", county_user)
    event = AuditEvent.objects.get(action=Action.CREATE, object_type="assessment", detail__use=use.pk)
    assert "护理补贴依据能力评估结果" in event.summary


def test_a_decision_cannot_rely_on_a_superseded_result(township_user: Any, wang: Person) -> None:
    old = sign(wang, township_user, 70, dt.date(2025, 1, 10))
    sign(wang, township_user, 40, dt.date(2025, 5, 2), reason="immediate")

    with pytest.raises(NotCurrent):
        do_record_use(old, purpose="入住", actor=township_user, on=TODAY)
    assert not Use.objects.exists()


def test_the_uses_appear_in_the_history(login: Any, township_user: Any, wang: Person) -> None:
    a = sign(wang, township_user, 40, dt.date(2025, 5, 2))
    do_record_use(a, purpose="探访分级", actor=township_user, on=TODAY)

    page = login(township_user).get(reverse("assessments:person", args=[wang.pk])).content.decode()

    assert "探访分级" in page


# --- statistics and the discovery work list ------------------------------------------------------


def test_counts_by_level_count_current_gbt_results_of_the_living_in_the_region(
    township_user: Any, make_person: Any
) -> None:
    people = [make_person(f"老人{i}", region=VILLAGE) for i in range(6)]
    sign(people[0], township_user, 90, dt.date(2025, 1, 1))  # level 0
    sign(people[1], township_user, 70, dt.date(2025, 1, 1))  # level 1 …
    sign(people[1], township_user, 40, dt.date(2025, 3, 1), reason="immediate")  # … superseded: level 3
    sign(people[2], township_user, 40, dt.date(2025, 2, 1))  # level 3
    sign(people[3], township_user, 10, dt.date(2024, 1, 1))  # expired
    legacy(people[4], 3, dt.date(2025, 1, 1), "MZ-9")  # another scale
    dead = people[5]
    sign(dead, township_user, 10, dt.date(2025, 1, 1))
    Person.objects.filter(pk=dead.pk).update(death_date=dt.date(2025, 4, 1))
    outside = make_person("外乡人", region=OTHER_VILLAGE)
    sign(outside, township_user, 10, dt.date(2025, 1, 1))

    counts = counts_by_level(TOWNSHIP, TODAY)

    assert counts == {0: 1, 1: 0, 2: 0, 3: 2, 4: 0}
    assert counts_by_level("152223", TODAY)[4] == 1  # the person of 新林镇
    # the same answer as asking person by person
    one_by_one = [current_assessment(p, TODAY) for p in people[:5]]
    levels = [a.final_level or 0 for a in one_by_one if a is not None and a.scale == Scale.GBT_42195]
    assert sorted(levels) == [0, 3, 3]


def test_expiring_lists_current_results_that_run_out_soon(township_user: Any, make_person: Any) -> None:
    soon = make_person("张桂芝", region=VILLAGE)
    later = make_person("刘凤英", region=VILLAGE)
    old_scale = make_person("赵淑珍", region=VILLAGE)
    a = sign(soon, township_user, 70, dt.date(2024, 7, 1))  # valid to 2025-07-01
    sign(later, township_user, 70, dt.date(2025, 1, 1))
    b = legacy(old_scale, 2, dt.date(2024, 6, 20), "MZ-7")  # valid to 2025-06-20

    found = expiring("152223100", TODAY, 30)

    assert found == [b, a]
    assert expiring("152223101", TODAY, 30) == []


def test_an_expiring_result_superseded_by_a_newer_one_is_not_listed(
    township_user: Any, make_person: Any
) -> None:
    """The list starts from the results that expire in the window and keeps each only when it is its
    person's latest: a newer result (not expiring) hides the older one."""
    renewed = make_person("王秀英", region=VILLAGE)
    sign(renewed, township_user, 70, dt.date(2024, 7, 1))  # valid to 2025-07-01, superseded:
    sign(renewed, township_user, 60, dt.date(2025, 3, 1))
    dead = make_person("李桂兰", region=VILLAGE, death_date=dt.date(2025, 5, 1))
    sign(dead, township_user, 70, dt.date(2024, 7, 1))

    assert expiring("152223100", TODAY, 30) == []
