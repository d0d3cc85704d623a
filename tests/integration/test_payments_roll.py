"""Payment rolls through the actions and the command line: idempotence, locking, separation of duties,
back-pay, recovery after death, the age-boundary month, overlapping rolls, totals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from yanglao.audit.models import Action, AuditEvent
from yanglao.cli import main
from yanglao.core.payments import Month, consistent, totals
from yanglao.entitlements.models import Enrolment, PayeeAccount
from yanglao.payments.actions import RollError, approve_roll, export_bank, prepare_roll, review_roll
from yanglao.payments.build import stored_lines, township_names
from yanglao.payments.models import PaymentLine, PaymentRoll, RollLocked
from yanglao.regions.models import Region

pytestmark = pytest.mark.hard_dates  # date-sensitive: runs at every hard date (tests/conftest.py)

PASSWORD = "Yl-tests-2024!"  # as in tests/conftest.py
TOWNSHIP = "152223100000"  # 音德尔镇
VILLAGE = "152223100001"  # 龙腾社区
OTHER_TOWNSHIP = "152223101000"  # 新林镇
OTHER_VILLAGE = "152223101001"
JUNE = Month(2025, 6)
ITEMS = {
    "gaoling_jintie": ("5", "高龄津贴"),
    "service_subsidy": ("6", "经济困难老年人养老服务补贴"),
    "tekun_support": ("12", "特困人员救助供养"),
}
ACCOUNTS = {"张桂兰": "6228480012345678901", "李明": "6217000011112222333", "王芳": "6230520099998888777"}


def enrol(person: Any, code: str = "gaoling_jintie", start: dt.date = dt.date(2024, 1, 1)) -> Enrolment:
    no, name = ITEMS[code]
    return Enrolment.objects.create(
        person=person,
        catalog="152223",
        item_no=no,
        service_code=code,
        name=name,
        start=start,
        source="approved",
    )


def account(person: Any) -> None:
    PayeeAccount.objects.create(
        person=person,
        bank="中国农业银行扎赉特旗支行",
        account_number=ACCOUNTS[person.name],
        holder_name=person.name,
    )


def setup_people(make_person: Any) -> dict[str, Any]:
    """Four people, three paid into accounts; June 2025 comes to 600 + 1140 + 50 + 100 = 1890 yuan."""
    zhang = make_person("张桂兰", birth=dt.date(1925, 6, 10))  # turns 100 on 2025-06-10: 600 from June
    li = make_person("李明", birth=dt.date(1940, 3, 1), sex="1", dibao=True, tekun="dispersed")
    wang = make_person("王芳", region=OTHER_VILLAGE, birth=dt.date(1950, 1, 1), dibao=True)  # 70–79 低保
    zhao = make_person("赵强", birth=dt.date(1935, 1, 1), sex="1")  # no account
    enrol(zhang)
    enrol(li)
    enrol(li, "tekun_support")
    enrol(wang, "service_subsidy")
    enrol(zhao)
    for person in (zhang, li, wang):
        account(person)
    return {"zhang": zhang, "li": li, "wang": wang, "zhao": zhao}


def user(username: str, role: str = "county_caseworker", region: str = "152223") -> Any:
    from yanglao.accounts.models import User

    return User.objects.create_user(username=username, password=PASSWORD, role=role, region_id=region)


def region(code: str = "152223") -> Region:
    return Region.objects.get(code=code)


def snapshot(roll: PaymentRoll) -> list[tuple[Any, ...]]:
    return list(
        roll.lines.order_by("seq").values_list(
            "seq", "person_id", "township", "service_code", "kind", "service_month", "amount", "funding",
            "account_number",
        )
    )  # fmt: skip


def lock(roll: PaymentRoll, reviewer: Any, approver: Any | None = None) -> PaymentRoll:
    """Review and approve ``roll``: the approver is a third county caseworker unless named."""
    review_roll(reviewer, roll)
    if approver is None:
        approver = user(f"approver{roll.pk}")
    return approve_roll(approver, roll)


@pytest.mark.django_db(transaction=True)  # the command line closes the connection
def test_prepare_command_prints_totals_and_preparing_twice_gives_the_same_roll(
    make_person: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    setup_people(make_person)
    args = ["payroll", "prepare", "--month", "2025-06", "--region", "152223", "--catalog", "152223"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "合计 1890.00 元，4 人，5 行" in out
    assert "音德尔镇：3 人 1840.00 元" in out
    assert "新林镇：1 人 50.00 元" in out
    assert "未拆分 1890.00 元" in out  # 扎赉特旗's list names no funding level for these items
    roll = PaymentRoll.objects.get()
    first, first_totals, first_digest = snapshot(roll), roll.totals, roll.digest
    names = list(roll.lines.order_by("seq").values_list("name", "service_code"))
    assert names == [  # 音德尔镇 then 新林镇; within a township by ID number (here: by birth), then item
        ("张桂兰", "gaoling_jintie"),
        ("赵强", "gaoling_jintie"),
        ("李明", "gaoling_jintie"),
        ("李明", "tekun_support"),
        ("王芳", "service_subsidy"),
    ]
    assert main(args) == 0
    roll.refresh_from_db()
    assert "合计 1890.00 元，4 人，5 行" in capsys.readouterr().out
    assert PaymentRoll.objects.count() == 1
    assert roll.prepare_count == 2
    assert snapshot(roll) == first
    assert roll.totals == first_totals
    assert roll.digest == first_digest
    assert AuditEvent.objects.filter(object_type="payroll", action=Action.CREATE).count() == 1
    assert AuditEvent.objects.filter(object_type="payroll", action=Action.CHANGE).count() == 1


def test_lines_are_ordered_by_township_then_person_and_totals_add_up(make_person: Any) -> None:
    setup_people(make_person)
    roll = prepare_roll("命令行", "152223", JUNE, region())
    rows = list(roll.lines.order_by("seq").values_list("township", "id_number"))
    assert rows == sorted(rows)
    assert consistent(roll.totals)
    lines = stored_lines(roll)
    assert totals(lines, township_names(sorted({x.township for x in lines}))) == roll.totals
    t = roll.totals
    assert {r["name"]: r["amount"] for r in t["items"]} == {
        "高龄津贴": "800.00", "经济困难老年人养老服务补贴": "50.00", "特困人员救助供养": "1040.00"
    }  # fmt: skip


@pytest.mark.django_db(transaction=True)  # the command line closes the connection
def test_locked_once_approved(make_person: Any, capsys: pytest.CaptureFixture[str]) -> None:
    people = setup_people(make_person)
    preparer, checker = user("prep"), user("check")
    roll = prepare_roll(preparer, "152223", JUNE, region())
    lock(roll, checker)
    before = snapshot(roll)
    enrol(make_person("新来的", birth=dt.date(1930, 1, 1)))  # the data change after approval
    with pytest.raises(RollLocked, match="已锁定，不能重新生成"):
        prepare_roll(preparer, "152223", JUNE, region())
    args = ["payroll", "prepare", "--month", "2025-06", "--region", "152223", "--catalog", "152223"]
    assert main(args) != 0
    assert "已锁定" in capsys.readouterr().err
    line = roll.lines.first()
    assert line is not None
    line.amount = Decimal("1.00")
    with pytest.raises(RollLocked):
        line.save()
    with pytest.raises(RollLocked):
        line.delete()
    with pytest.raises(RollLocked):
        PaymentLine.objects.filter(roll=roll).update(amount=0)
    with pytest.raises(RollLocked):
        PaymentLine.objects.filter(person=people["zhang"]).delete()
    roll.refresh_from_db()
    assert snapshot(roll) == before
    assert roll.state == "approved"


def test_preparer_reviewer_and_approver_are_three_different_people(make_person: Any) -> None:
    setup_people(make_person)
    preparer, other = user("prep"), user("other")
    township_a = user("town_a", "township_caseworker", TOWNSHIP)
    township_b = user("town_b", "township_caseworker", TOWNSHIP)
    roll = prepare_roll(preparer, "152223", JUNE, region())
    with pytest.raises(RollError, match="审核人不能是生成人"):
        review_roll(preparer, roll)
    with pytest.raises(RollError, match="无权审核"):
        review_roll(township_a, roll)  # a township caseworker cannot review the county's roll
    with pytest.raises(RollError, match="须先审核"):
        approve_roll(other, roll)
    review_roll(other, roll)
    with pytest.raises(RollError, match="审批人不能是生成人"):
        approve_roll(preparer, roll)
    with pytest.raises(RollError, match="审批人不能是审核人（other）：生成、审核、审批须由三个不同的人进行"):
        approve_roll(other, roll)  # three different people: preparer, reviewer, approver
    approve_roll(user("third"), roll)
    # A township roll: reviewed by another township caseworker, approved only by a county caseworker.
    may_town = prepare_roll(township_a, "152223", Month(2025, 5), region(TOWNSHIP))
    review_roll(township_b, may_town)
    with pytest.raises(RollError, match="只有旗县民政经办人员可以审批"):
        approve_roll(township_b, may_town)
    assert approve_roll(preparer, may_town).state == "approved"


def test_backpay_for_a_late_enrolment(make_person: Any) -> None:
    setup_people(make_person)
    county, checker = user("prep"), user("check")
    for month in (Month(2025, 4), Month(2025, 5)):
        lock(prepare_roll(county, "152223", month, region()), checker)
    late = make_person("迟录", birth=dt.date(1938, 8, 8))
    enrol(late, start=dt.date(2025, 3, 15))  # recorded in June, receiving since March
    roll = prepare_roll(county, "152223", JUNE, region())
    mine = list(roll.lines.filter(person=late).values_list("kind", "service_month", "amount", "note"))
    # March had no roll in the system: nothing to back-pay there; April and May were paid without them.
    assert mine == [
        ("backpay", dt.date(2025, 4, 1), Decimal("100.00"), "补发 2025-04"),
        ("backpay", dt.date(2025, 5, 1), Decimal("100.00"), "补发 2025-05"),
        ("regular", dt.date(2025, 6, 1), Decimal("100.00"), ""),
    ]
    assert {r["kind"]: r["lines"] for r in roll.totals["kinds"]}["backpay"] == 2
    # Back-pay is never paid twice: once June is locked, July has nothing to back-pay for them.
    lock(roll, checker)
    july = prepare_roll(county, "152223", Month(2025, 7), region())
    assert list(july.lines.filter(person=late).values_list("kind", flat=True)) == ["regular"]


def test_recovery_after_death(make_person: Any) -> None:
    people = setup_people(make_person)
    county, checker = user("prep"), user("check")
    may = lock(prepare_roll(county, "152223", Month(2025, 5), region()), checker)
    zhang = people["zhang"]
    zhang.death_date = dt.date(2025, 4, 20)  # the death is recorded late: May was paid after it
    zhang.save()
    june = prepare_roll(county, "152223", JUNE, region())
    assert not june.lines.filter(person=zhang).exists()  # May's roll is approved but not yet exported
    export_bank(checker, may)
    june = prepare_roll(county, "152223", JUNE, region())
    mine = list(june.lines.filter(person=zhang).values_list("kind", "service_month", "amount"))
    assert mine == [("recovery", dt.date(2025, 5, 1), Decimal("-100.00"))]
    assert "已于 2025-04-20 去世" in june.lines.get(person=zhang).note
    assert any("已于 2025-04-20 去世" in s["reason"] for s in june.skipped)  # and no June payment
    assert {r["kind"]: r["amount"] for r in june.totals["kinds"]}["recovery"] == "-100.00"
    assert consistent(june.totals)
    lock(june, checker)
    july = prepare_roll(county, "152223", Month(2025, 7), region())
    assert not july.lines.filter(person=zhang).exists()  # recovered once


def test_the_month_of_the_100th_birthday_is_paid_at_the_higher_rate(make_person: Any) -> None:
    zhang = make_person("张桂兰", birth=dt.date(1925, 6, 10))
    enrol(zhang)
    may = prepare_roll("命令行", "152223", Month(2025, 5), region())
    june = prepare_roll("命令行", "152223", JUNE, region())
    assert may.lines.get().amount == Decimal("100.00")
    assert june.lines.get().amount == Decimal("600.00")
    assert june.evaluation_day == dt.date(2025, 6, 30)


def test_overlapping_rolls_and_bad_requests_are_refused(make_person: Any) -> None:
    setup_people(make_person)
    prepare_roll("命令行", "152223", JUNE, region(TOWNSHIP))
    with pytest.raises(RollError, match="已有音德尔镇的发放表"):
        prepare_roll("命令行", "152223", JUNE, region())
    assert prepare_roll("命令行", "152223", JUNE, region(OTHER_TOWNSHIP)).totals["amount"] == "50.00"
    with pytest.raises(RollError, match="不适用于"):
        prepare_roll("命令行", "410721", JUNE, region())
    with pytest.raises(RollError, match="旗县或乡镇"):
        prepare_roll("命令行", "152223", JUNE, region(VILLAGE))
    with pytest.raises(RollError, match="最多提前生成下一个月"):
        prepare_roll("命令行", "152223", Month(2999, 1), region())
    with pytest.raises(RollError, match="无权"):
        prepare_roll(
            user("xl", "township_caseworker", OTHER_TOWNSHIP), "152223", Month(2025, 5), region(TOWNSHIP)
        )


@pytest.mark.django_db(transaction=True)  # the command line closes the connection
def test_command_review_approve_export(
    make_person: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    setup_people(make_person)
    user("prep")
    user("check")
    user("approve")
    base = ["--month", "2025-06", "--region", "152223", "--catalog", "152223"]
    assert main(["payroll", "prepare", *base, "--user", "prep"]) == 0
    assert main(["payroll", "review", *base, "--user", "prep"]) != 0
    assert "审核人不能是生成人" in capsys.readouterr().err
    assert main(["payroll", "review", *base, "--user", "check"]) == 0
    assert main(["payroll", "approve", *base, "--user", "check"]) != 0
    assert "审批人不能是审核人" in capsys.readouterr().err
    assert main(["payroll", "approve", *base, "--user", "approve"]) == 0
    assert main(["payroll", "export", *base, "--user", "check", "--output", str(tmp_path)]) == 0
    assert "已导出" in capsys.readouterr().out
    bank = (tmp_path / "payroll-152223-152223-202506-bank.csv").read_bytes()
    assert bank.startswith(b"\xef\xbb\xbf")
    text = bank.decode("utf-8-sig")
    assert ACCOUNTS["张桂兰"] in text
    assert "赵强" not in text  # no account: not in the bank file
    assert PaymentRoll.objects.get().state == "exported"
    exports = AuditEvent.objects.filter(object_type="payroll", action=Action.EXPORT)
    assert sorted(e.detail["file"] for e in exports) == ["bank_csv", "xlsx"]
