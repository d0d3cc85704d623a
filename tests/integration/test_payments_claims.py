"""No one is paid twice, without threads (SQLite and PostgreSQL): every person × item × month is
claimed by one roll at the database; a roll meeting a claim of another lists the person as not
included, naming that roll; approval checks the claims again; a second identical prepare from the page
is answered in Chinese; the claims of rolls made before them are filled in by the migration."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction

from tests.conftest import frozen_now
from tests.integration.test_payments_roll import (
    TOWNSHIP,
    enrol,
    lock,
    region,
    setup_people,
    user,
)
from yanglao.core.payments import Month
from yanglao.payments import actions
from yanglao.payments.actions import RollError, approve_roll, prepare_roll, review_roll
from yanglao.payments.models import LOCKED_STATES, PaymentClaim, PaymentLine, PaymentRoll, RollState

JUNE = Month(2025, 6)


@pytest.fixture(autouse=True)
def inline_jobs(settings: Any) -> None:
    """Rolls are prepared by a background job: here inside the request."""
    settings.JOBS_INLINE = True


def in_two_rolls(
    states: frozenset[str] | None = LOCKED_STATES, month: Month | None = None
) -> list[tuple[Any, ...]]:
    """Person × item × month keys (payments, recoveries apart) in more than one roll of ``states``
    (any state: ``None``), of ``month`` if given."""
    lines = PaymentLine.objects.all()
    if states is not None:
        lines = lines.filter(roll__state__in=states)
    if month is not None:
        lines = lines.filter(roll__month=month.first)
    rows = lines.values_list("person_id", "service_code", "service_month", "amount", "roll_id")
    seen: dict[tuple[Any, ...], set[int]] = {}
    for person, code, service_month, amount, roll in rows:
        seen.setdefault((person, code, service_month, amount > 0), set()).add(roll)
    return [k for k, rolls in seen.items() if len(rolls) > 1]


def copy_as_township_roll(county_roll: PaymentRoll, preparer: Any, reviewer: Any) -> PaymentRoll:
    """The township's share of ``county_roll`` as a reviewed township roll of the same month, as the
    race of two prepares made it before claims existed (its lines hold no claim)."""
    now = frozen_now()
    roll = PaymentRoll.objects.create(
        catalog=county_roll.catalog, month=county_roll.month, region=region(TOWNSHIP),
        state=RollState.REVIEWED, evaluation_day=county_roll.evaluation_day,
        backpay_months=county_roll.backpay_months, prepared_by=preparer, prepared_by_name="乡镇",
        prepared_at=now, reviewed_by=reviewer, reviewed_at=now, totals=county_roll.totals,
        digest=county_roll.digest,
    )  # fmt: skip
    lines = list(county_roll.lines.filter(township=TOWNSHIP).order_by("seq"))
    for seq, line in enumerate(lines, start=1):
        line.pk, line.roll, line.seq = None, roll, seq
    PaymentLine.objects.bulk_create(lines)
    return roll


def test_the_database_refuses_a_second_claim_of_a_person_item_month(make_person: Any) -> None:
    setup_people(make_person)
    county = prepare_roll("命令行", "152223", JUNE, region())
    assert county.claims.count() == county.lines.count() == 5
    other = prepare_roll("命令行", "152223", Month(2025, 5), region(TOWNSHIP))
    taken = county.claims.first()
    assert taken is not None
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentClaim.objects.create(
            roll=other, catalog=taken.catalog, person_id=taken.person_id, service_code=taken.service_code,
            service_month=taken.service_month, recovery=False,
        )  # fmt: skip
    # Preparing again frees the roll's own claims and takes them anew.
    again = prepare_roll("命令行", "152223", JUNE, region())
    assert again.claims.count() == 5


def test_rolls_prepared_side_by_side_list_the_claimed_people_as_not_included(
    make_person: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As if both requests had passed the region check before either wrote (what two requests at the
    same moment did before the lock): the claims still keep every person in one roll only."""
    people = setup_people(make_person)
    monkeypatch.setattr(actions, "_check_overlap", lambda *args: None)
    township = prepare_roll("命令行", "152223", JUNE, region(TOWNSHIP))
    county = prepare_roll("命令行", "152223", JUNE, region())
    assert township.totals["amount"] == "1840.00"
    assert list(county.lines.values_list("person_id", flat=True)) == [people["wang"].pk]  # 新林镇 only
    assert county.totals["amount"] == "50.00"
    reasons = {(s["name"], s["code"]): s["reason"] for s in county.skipped}
    assert reasons[("张桂兰", "gaoling_jintie")] == (
        "已列入2025年06月补贴发放表（音德尔镇，清单 152223）（已生成），由该表发放；"
        "同一人同一项目同一月份只发放一次"
    )
    assert len(reasons) == 4  # 张桂兰, 赵强, 李明 × 2: none silently dropped
    check = user("check")
    lock(township, check)
    lock(county, check)
    assert in_two_rolls() == []


def test_a_backpay_already_in_an_unapproved_roll_is_not_put_in_the_next(make_person: Any) -> None:
    setup_people(make_person)
    county, checker = user("prep"), user("check")
    lock(prepare_roll(county, "152223", Month(2025, 5), region()), checker)
    late = make_person("迟录", birth=dt.date(1938, 8, 8))
    enrol(late, start=dt.date(2025, 5, 1))  # recorded after May's roll was approved
    june = prepare_roll(county, "152223", JUNE, region())
    assert list(june.lines.filter(person=late).values_list("kind", "service_month")) == [
        ("backpay", dt.date(2025, 5, 1)),
        ("regular", dt.date(2025, 6, 1)),
    ]
    july = prepare_roll(county, "152223", Month(2025, 7), region())  # June not yet approved
    assert list(july.lines.filter(person=late).values_list("kind", "service_month")) == [
        ("regular", dt.date(2025, 7, 1))
    ]
    (skipped,) = [s for s in july.skipped if s["name"] == "迟录"]
    assert skipped["month"] == "2025-05"
    assert "已列入2025年06月补贴发放表（扎赉特旗，清单 152223）（已生成）" in skipped["reason"]
    lock(july, checker)
    lock(june, checker)
    assert in_two_rolls() == []


def test_approval_checks_the_claims_again(make_person: Any, township_user: Any) -> None:
    """Rolls made before claims existed (none held): the first approved takes the keys, the other is
    refused, naming it."""
    setup_people(make_person)
    county = prepare_roll(user("prep"), "152223", JUNE, region())
    review_roll(user("check"), county)
    township = copy_as_township_roll(county, township_user, user("check2"))
    PaymentClaim.objects.filter(roll__in=[county, township]).delete()
    approve_roll(user("approve"), township)
    assert township.claims.count() == 4
    with pytest.raises(RollError) as refused:
        approve_roll(user("approve2"), county)
    assert str(refused.value) == (
        "本表 4 行已列入2025年06月补贴发放表（音德尔镇，清单 152223）（已审批）（如张桂兰 2025-06 的"
        "gaoling_jintie发放），不能再次发放；请重新生成本发放表后再审核、审批"
    )
    county.refresh_from_db()
    assert county.state == RollState.REVIEWED
    assert in_two_rolls() == []


def test_a_second_identical_prepare_from_the_page_is_answered_in_chinese(
    make_person: Any, login: Any, township_user: Any
) -> None:
    setup_people(make_person)
    client = login(township_user)
    form = {"month": "2025-06", "catalog": "152223", "region": TOWNSHIP}
    client.post("/payments/prepare/", form)
    roll = PaymentRoll.objects.get()
    response = client.post("/payments/prepare/", form, follow=True)
    assert response.redirect_chain[-1][0] == f"/payments/{roll.pk}/"
    text = response.content.decode()
    assert "2025年06月补贴发放表（音德尔镇，清单 152223）已存在（已生成，音德尔镇经办人 于" in text
    assert "未重复生成；如需重新生成，请在该发放表页面点击“重新生成”" in text
    roll.refresh_from_db()
    assert roll.prepare_count == 1


def test_the_migration_claims_for_earlier_rolls_locked_ones_first(
    make_person: Any, township_user: Any
) -> None:
    setup_people(make_person)
    county = prepare_roll("命令行", "152223", JUNE, region())
    township = copy_as_township_roll(county, township_user, user("check"))
    PaymentRoll.objects.filter(pk=township.pk).update(state=RollState.APPROVED)
    PaymentClaim.objects.all().delete()
    migration = importlib.import_module("yanglao.payments.migrations.0002_claims_and_list_lock")
    migration.claim_existing(apps, None)
    assert township.claims.count() == 4  # the approved roll keeps what it paid
    assert county.claims.count() == 1  # 王芳 (新林镇): the rest is the approved roll's
    review_roll(user("check2"), county)
    with pytest.raises(RollError, match="本表 4 行已列入2025年06月补贴发放表（音德尔镇"):
        approve_roll(user("approve"), county)
