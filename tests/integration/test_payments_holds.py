"""The fund-fraud checks hold lines of a payment roll before approval: a roll with a person paid after
death and one account paying two unrelated people is reviewed → holds recorded → approval refused →
released by another county caseworker with a reason → approved; the preparer may not release; the roll
page and its XLSX show the holds; every step audited."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest

from tests.conftest import frozen_now
from tests.integration.test_payments_roll import user
from yanglao.audit.models import Action, AuditEvent
from yanglao.payments.actions import RollError, approve_roll, review_roll
from yanglao.payments.holds import screen
from yanglao.payments.models import FundHold, PaymentLine, PaymentRoll

MONTH = dt.date(2026, 5, 1)


@pytest.fixture
def planted(make_person: Any, county_user: Any) -> dict[str, Any]:
    people = {
        "dead": make_person("张死后", death_date=dt.date(2026, 3, 10)),
        "g": make_person("李共户"),
        "h": make_person("王共户"),
        "ok": make_person("赵正常"),
    }
    roll = PaymentRoll.objects.create(
        catalog="152223", month=MONTH, region_id="152223", evaluation_day=MONTH, backpay_months=3,
        prepared_by=county_user, prepared_by_name="旗民政局经办人", prepared_at=frozen_now(), digest="x",
    )  # fmt: skip
    accounts = {"dead": "6217000000000001", "g": "6217000000009999", "h": "6217000000009999"}
    for seq, key in enumerate(("dead", "g", "h", "ok"), start=1):
        p = people[key]
        PaymentLine.objects.create(
            roll=roll, seq=seq, person=p, name=p.name, id_number=p.id_number, item_no="1",
            service_code="gaoling_jintie", item_name="高龄津贴", kind="regular", service_month=MONTH,
            amount=Decimal("100.00"), account_number=accounts.get(key, f"621700000000100{seq}"),
        )  # fmt: skip
    return {"roll": roll, **people}


def _hold_checks(roll: PaymentRoll) -> set[tuple[str, str]]:
    return {
        (h.rule, h.person.name) for h in FundHold.objects.filter(roll_ref=roll.pk).select_related("person")
    }


def test_review_holds_approval_refused_release_by_another_then_approved(
    planted: dict[str, Any], login: Any, county_user: Any
) -> None:
    roll = planted["roll"]
    reviewer, approver = user("county2"), user("county3")
    review_roll(reviewer, roll)
    expected = {("paid_after_death", "张死后"), ("shared_account", "李共户"), ("shared_account", "王共户")}
    assert _hold_checks(roll) == expected
    screen("payroll", roll)  # a second screening adds nothing
    assert FundHold.objects.filter(roll_ref=roll.pk).count() == 3
    reviewed = AuditEvent.objects.filter(object_type="payroll", object_id=str(roll.pk)).latest("id")
    assert reviewed.detail["holds"] == 3
    assert "暂停发放 3 行" in reviewed.summary

    with pytest.raises(RollError) as refused:
        approve_roll(approver, roll)
    assert "有 3 行被基金监管规则暂停发放" in str(refused.value)
    assert "已死亡" in str(refused.value)  # the first reason: line 1, paid after death
    roll.refresh_from_db()
    assert roll.state == "reviewed"

    page = login(approver).get(f"/payments/{roll.pk}/").content.decode()
    assert "基金监管暂停发放（3 条待处理，共 3 条）" in page
    assert "2026-03-10 已死亡" in page
    assert planted["dead"].id_number not in page  # masked
    assert page.count('name="reason"') == 3

    holds = list(FundHold.objects.filter(roll_ref=roll.pk).order_by("seq"))
    client = login(county_user)  # the preparer may not release
    response = client.post(
        f"/payments/{roll.pk}/holds/{holds[0].pk}/release/", {"reason": "核实"}, follow=True
    )
    assert "释放人不能是生成人" in response.content.decode()
    assert FundHold.objects.get(pk=holds[0].pk).released_at is None
    assert 'name="reason"' not in client.get(f"/payments/{roll.pk}/").content.decode()

    client = login(approver)
    response = client.post(f"/payments/{roll.pk}/holds/{holds[0].pk}/release/", {"reason": " "}, follow=True)
    assert "请填写释放理由" in response.content.decode()
    for h in holds:
        client.post(f"/payments/{roll.pk}/holds/{h.pk}/release/", {"reason": "已核实：死亡登记有误"})
    done = FundHold.objects.get(pk=holds[0].pk)
    assert done.released_by == approver
    assert done.release_reason == "已核实：死亡登记有误"
    again = client.post(f"/payments/{roll.pk}/holds/{holds[0].pk}/release/", {"reason": "再次"}, follow=True)
    assert "不存在或已释放" in again.content.decode()

    screen("payroll", roll)  # screening again keeps the releases
    assert FundHold.objects.filter(roll_ref=roll.pk, released_at__isnull=True).count() == 0

    xlsx = client.get(f"/payments/{roll.pk}/export.xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content))["发放明细"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][-1] == "暂停发放"
    assert str(rows[1][-1]).startswith("已释放：")
    assert rows[4][-1] in (None, "")

    client.post(f"/payments/{roll.pk}/approve/")
    roll.refresh_from_db()
    assert roll.state == "approved"
    releases = AuditEvent.objects.filter(
        object_type="payroll", object_id=str(roll.pk), action=Action.CHANGE, detail__has_key="hold"
    )
    assert releases.count() == 3
    first = releases.get(detail__hold=holds[0].pk)
    assert first.detail["check"] == "paid_after_death"
    assert "张死后" not in first.summary
    assert "已核实：死亡登记有误" in first.summary
    assert planted["dead"].id_number not in first.summary


def test_xlsx_marks_open_holds_and_a_township_cannot_release(
    planted: dict[str, Any], login: Any, township_user: Any
) -> None:
    roll = planted["roll"]
    review_roll(user("county2"), roll)
    hold = FundHold.objects.filter(roll_ref=roll.pk).order_by("seq").first()
    assert hold is not None
    response = login(township_user).post(f"/payments/{roll.pk}/holds/{hold.pk}/release/", {"reason": "x"})
    assert response.status_code in (403, 404)
    assert FundHold.objects.get(pk=hold.pk).released_at is None
    from openpyxl import load_workbook

    data = login(user("county3")).get(f"/payments/{roll.pk}/export.xlsx").content
    rows = list(load_workbook(io.BytesIO(data))["发放明细"].iter_rows(values_only=True))
    assert str(rows[1][-1]).startswith("暂停发放：")


def test_care_home_settlement_holds_the_same_way(make_person: Any, login: Any, county_user: Any) -> None:
    from yanglao.carehomes.models import SettlementLine, SettlementRoll
    from yanglao.facilities.models import Facility

    d = make_person("孙分散", tekun="dispersed")
    paid = PaymentRoll.objects.create(
        catalog="152223", month=MONTH, region_id="152223", evaluation_day=MONTH, backpay_months=3,
        prepared_by_name="测试", prepared_at=frozen_now(), digest="x",
    )  # fmt: skip
    PaymentLine.objects.create(
        roll=paid, seq=1, person=d, name=d.name, id_number=d.id_number, item_no="1",
        service_code="tekun_dispersed", item_name="分散供养", kind="regular", service_month=MONTH,
        amount=Decimal("500.00"), account_number="6217000000000001",
    )  # fmt: skip
    home = Facility.objects.create(
        name="音德尔镇敬老院", kind="public_home", region_id="152223100000", beds=10, nursing_beds=5
    )
    roll = SettlementRoll.objects.create(
        county="152223", catalog="152223", month=MONTH, prepared_at=frozen_now(), prepared_by=county_user
    )
    SettlementLine.objects.create(
        roll=roll, facility=home, person=d, item="tekun_basic_living", item_name="特困人员基本生活标准",
        days=31, amount=Decimal("820.00"), basis="测试",
    )  # fmt: skip
    url = f"/carehomes/settlements/{roll.pk}/"
    login(user("county2")).post(f"{url}review/")
    roll.refresh_from_db()
    assert roll.state == "reviewed"
    hold = FundHold.objects.get(source="carehome", roll_ref=roll.pk)
    assert hold.rule == "centralized_and_dispersed"
    approver = user("county3")
    client = login(approver)
    refused = client.post(f"{url}approve/", follow=True).content.decode()
    assert "有 1 行被基金监管规则暂停发放" in refused
    assert "基金监管暂停结算（1 条待处理，共 1 条）" in refused
    roll.refresh_from_db()
    assert roll.state == "reviewed"
    page = login(county_user).post(url, {"hold": hold.pk, "reason": "核实"}, follow=True).content.decode()
    assert "释放人不能是生成人" in page
    client = login(approver)
    client.post(url, {"hold": hold.pk, "reason": "已停发分散供养"})
    hold.refresh_from_db()
    assert hold.released_by == approver
    client.post(f"{url}approve/")
    roll.refresh_from_db()
    assert roll.state == "approved"
    event = AuditEvent.objects.get(object_type="settlement", object_id=str(roll.pk), detail__has_key="hold")
    assert event.detail["check"] == "centralized_and_dispersed"
    assert "孙分散" not in event.summary
    assert "已停发分散供养" in event.summary


def test_preparing_again_forgets_the_old_lines_holds(make_person: Any, county_user: Any) -> None:
    from tests.integration.test_payments_roll import region, setup_people
    from yanglao.core.payments import Month
    from yanglao.payments.actions import prepare_roll

    setup_people(make_person)
    roll = prepare_roll(county_user, "152223", Month(2025, 6), region())
    line = roll.lines.select_related("person").first()
    assert line is not None
    FundHold.objects.create(
        source="payroll", roll_ref=roll.pk, line_ref=line.pk, seq=line.seq, person=line.person,
        rule="shared_account", title="测试", reason="测试", created_at=frozen_now(),
    )  # fmt: skip
    prepare_roll(county_user, "152223", Month(2025, 6), region())
    assert not FundHold.objects.filter(roll_ref=roll.pk).exists()
