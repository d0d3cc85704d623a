"""The payment-roll pages through the HTTP client: scope, actions by role, masking, exports, audit."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest

from tests.integration.test_payments_roll import (
    ACCOUNTS,
    OTHER_TOWNSHIP,
    TOWNSHIP,
    VILLAGE,
    account,
    enrol,
    region,
    setup_people,
    user,
)
from yanglao.audit.models import Action, AuditEvent
from yanglao.core.payments import Month
from yanglao.payments.actions import approve_roll, prepare_roll, review_roll
from yanglao.payments.models import PaymentRoll

JUNE = {"month": "2025-06", "catalog": "152223"}


@pytest.fixture(autouse=True)
def inline_jobs(settings: Any) -> None:
    """Rolls are prepared by a background job: here inside the request."""
    settings.JOBS_INLINE = True


def full_numbers(people: dict[str, Any]) -> list[str]:
    return [p.id_number for p in people.values()] + list(ACCOUNTS.values())


def test_prepare_from_the_page_and_the_roll_page_masks_numbers(
    make_person: Any, login: Any, township_user: Any
) -> None:
    people = setup_people(make_person)
    client = login(township_user)
    page = client.get("/payments/")
    assert page.status_code == 200
    assert "生成月度发放表" in page.content.decode()
    response = client.post("/payments/prepare/", {**JUNE, "region": TOWNSHIP})
    roll = PaymentRoll.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/payments/{roll.pk}/"
    assert roll.region_id == TOWNSHIP
    assert roll.totals["amount"] == "1840.00"  # 音德尔镇 only: 王芳 is paid by 新林镇
    html = client.get(f"/payments/{roll.pk}/").content.decode()
    assert "1840.00" in html
    assert "张桂兰" in html
    for number in full_numbers(people):
        assert number not in html
    assert "6228" in html
    assert "8901" in html  # the masked account: first and last four digits
    assert "缺少发放账户" in html  # 赵强
    assert "审核通过" not in html  # the preparer does not review
    assert AuditEvent.objects.filter(object_type="payroll", action=Action.VIEW, user=township_user).exists()


def test_scope_township_sees_only_its_rolls_outsider_404(
    make_person: Any,
    login: Any,
    county_user: Any,
    township_user: Any,
    outsider: Any,
    auditor: Any,
    visitor: Any,
) -> None:
    setup_people(make_person)
    mine = prepare_roll(county_user, "152223", Month(2025, 6), region(TOWNSHIP))
    other = prepare_roll(county_user, "152223", Month(2025, 6), region(OTHER_TOWNSHIP))
    county = prepare_roll(county_user, "152223", Month(2025, 5), region())
    client = login(township_user)
    listing = client.get("/payments/").content.decode()
    assert f"/payments/{mine.pk}/" in listing
    assert f"/payments/{other.pk}/" not in listing
    assert f"/payments/{county.pk}/" not in listing
    assert client.get(f"/payments/{other.pk}/").status_code == 404
    assert client.get(f"/payments/{county.pk}/").status_code == 404
    client = login(outsider)
    assert client.get(f"/payments/{mine.pk}/").status_code == 404
    assert client.get(f"/payments/{mine.pk}/export.xlsx").status_code == 404
    assert client.post(f"/payments/{mine.pk}/review/").status_code == 404
    assert client.post(f"/payments/{mine.pk}/bank.csv").status_code == 404
    denied = AuditEvent.objects.filter(action=Action.DENIED, object_type="payroll", user=outsider)
    assert denied.count() == 4
    assert client.post("/payments/prepare/", {**JUNE, "region": TOWNSHIP}).status_code == 404
    client = login(auditor)
    html = client.get(f"/payments/{county.pk}/").content.decode()
    assert "审核通过" not in html
    assert "生成月度发放表" not in client.get("/payments/").content.decode()
    client = login(visitor)
    assert client.get("/payments/").status_code == 403
    assert client.get(f"/payments/{mine.pk}/").status_code == 403


def test_review_approve_lock_through_the_pages(
    make_person: Any, login: Any, county_user: Any, township_user: Any
) -> None:
    setup_people(make_person)
    roll = prepare_roll(county_user, "152223", Month(2025, 6), region())
    client = login(county_user)
    response = client.post(f"/payments/{roll.pk}/review/", follow=True)
    assert "审核人不能是生成人" in response.content.decode()
    other = user("county2")
    client = login(other)
    assert "审核通过" in client.get(f"/payments/{roll.pk}/").content.decode()
    client.post(f"/payments/{roll.pk}/review/")
    roll.refresh_from_db()
    assert roll.state == "reviewed"
    assert roll.reviewed_by == other
    client = login(county_user)
    response = client.post(f"/payments/{roll.pk}/approve/", follow=True)
    assert "审批人不能是生成人" in response.content.decode()
    client = login(other)
    page = client.get(f"/payments/{roll.pk}/").content.decode()
    assert "审批通过并锁定" not in page  # the reviewer is offered no approval
    assert "本表由您审核，须由生成人、审核人以外的旗县民政经办人员审批" in page
    response = client.post(f"/payments/{roll.pk}/approve/", follow=True)
    assert "审批人不能是审核人" in response.content.decode()
    roll.refresh_from_db()
    assert roll.state == "reviewed"
    client = login(user("county3"))
    assert "审批通过并锁定" in client.get(f"/payments/{roll.pk}/").content.decode()
    client.post(f"/payments/{roll.pk}/approve/")
    roll.refresh_from_db()
    assert roll.state == "approved"
    before = list(roll.lines.values_list("seq", "amount", "person_id"))
    enrol(make_person("新来的", birth=dt.date(1930, 1, 1)))
    response = client.post(f"/payments/{roll.pk}/again/", follow=True)
    assert "已锁定，不能重新生成" in response.content.decode()
    response = client.post("/payments/prepare/", {**JUNE, "region": "152223"}, follow=True)
    assert "已锁定，不能重新生成" in response.content.decode()
    assert list(roll.lines.values_list("seq", "amount", "person_id")) == before
    assert client.get(f"/payments/{roll.pk}/").status_code == 200
    changes = AuditEvent.objects.filter(object_type="payroll", object_id=str(roll.pk), action=Action.CHANGE)
    assert [e.detail.get("state") for e in changes.order_by("id")] == ["reviewed", "approved"]


def test_bank_file_has_full_accounts_xlsx_and_page_masked_exports_audited(
    make_person: Any, login: Any, county_user: Any
) -> None:
    from openpyxl import load_workbook

    people = setup_people(make_person)
    roll = prepare_roll("命令行", "152223", Month(2025, 6), region())
    client = login(county_user)
    assert client.post(f"/payments/{roll.pk}/bank.csv", follow=True).redirect_chain  # not before approval
    review_roll(user("county2"), roll)
    approve_roll(county_user, roll)
    workbook = client.get(f"/payments/{roll.pk}/export.xlsx")
    assert workbook.status_code == 200
    book = load_workbook(io.BytesIO(workbook.content), read_only=True)
    assert {
        "说明",
        "发放明细",
        "按项目汇总",
        "按乡镇汇总",
        "按支出责任汇总",
        "未能代发",
        "未列入发放",
    } <= set(book.sheetnames)
    cells = [
        str(c)
        for ws in book.worksheets
        for row in ws.iter_rows(values_only=True)
        for c in row
        if c is not None
    ]
    text = "\n".join(cells)
    for number in full_numbers(people):
        assert number not in text
    assert "6228" + "*" * 11 + "8901" in text
    totals = {row[0]: row[4] for row in book["按乡镇汇总"].iter_rows(min_row=2, values_only=True)}
    assert totals == {"音德尔镇": 1840.0, "新林镇": 50.0, "合计": 1890.0}
    by_item = list(book["按项目汇总"].iter_rows(min_row=2, values_only=True))
    by_town = list(book["按乡镇汇总"].iter_rows(min_row=2, values_only=True))
    assert by_item[-1] == by_town[-1] == ("合计", None, *by_town[-1][2:4], 1890.0)
    assert list(book["按支出责任汇总"].iter_rows(values_only=True))[-1][:2] == ("合计", 1890.0)
    assert ("合计（元）", 1890) in list(book["说明"].iter_rows(values_only=True))
    bank = client.post(f"/payments/{roll.pk}/bank.csv")
    assert bank.status_code == 200
    assert bank["Content-Type"].startswith("text/csv")
    data = bank.content
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0] == "序号,户名,账号,开户银行,金额（元）,摘要"
    assert len(lines) == 4  # 赵强 has no account
    for number in ACCOUNTS.values():
        assert number in data.decode("utf-8-sig")
    for person in people.values():
        assert person.id_number not in data.decode("utf-8-sig")
    roll.refresh_from_db()
    assert roll.state == "exported"
    assert client.post(f"/payments/{roll.pk}/bank.csv").status_code == 200  # again, audited again
    exports = AuditEvent.objects.filter(object_type="payroll", action=Action.EXPORT, user=county_user)
    assert sorted(e.detail["file"] for e in exports) == ["bank_csv", "bank_csv", "xlsx"]
    assert all(ACCOUNTS["张桂兰"] not in e.summary for e in exports)
    html = client.get(f"/payments/{roll.pk}/").content.decode()
    for number in full_numbers(people):
        assert number not in html


def test_lines_are_paginated_and_filtered(make_person: Any, login: Any, county_user: Any) -> None:
    for n in range(105):
        person = make_person(f"老人{n:03d}", birth=dt.date(1930 + n % 10, 1 + n % 12, 1), region=VILLAGE)
        enrol(person)
    prepare_roll("命令行", "152223", Month(2025, 6), region())
    roll = PaymentRoll.objects.get()
    client = login(county_user)
    first = client.get(f"/payments/{roll.pk}/").content.decode()
    assert "第 1 / 2 页（105 行）" in first
    second = client.get(f"/payments/{roll.pk}/", {"page": 2}).content.decode()
    assert "第 2 / 2 页" in second
    only = client.get(f"/payments/{roll.pk}/", {"q": "老人007"}).content.decode()
    assert "老人007" in only
    assert "老人008" not in only
    none = client.get(f"/payments/{roll.pk}/", {"township": OTHER_TOWNSHIP}).content.decode()
    assert "没有符合条件的明细" in none
    recoveries = client.get(f"/payments/{roll.pk}/", {"kind": "recovery"}).content.decode()
    assert "没有符合条件的明细" in recoveries


def test_account_is_kept_as_prepared(make_person: Any) -> None:
    person = make_person("张桂兰", birth=dt.date(1925, 6, 10))
    enrol(person)
    account(person)
    roll = prepare_roll("命令行", "152223", Month(2025, 6), region())
    person.payee_account.account_number = "6228000000000000000"
    person.payee_account.save()
    assert roll.lines.get().account_number == ACCOUNTS["张桂兰"]
