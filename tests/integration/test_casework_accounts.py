"""A person's payee account and enrolments in the web (issue 11, item 6): an account added, changed only
with a reason and the old one kept in the history, shown masked (the full number only on an audited
reveal, for roles that pay), enrolments ended with a reason; the paying department's file imported from
the web (GB18030 CSV, XLSX), its bad rows named by line, field and reason, the good rows kept."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from yanglao.audit.models import Action, AuditEvent
from yanglao.core.idnumber import mask_name
from yanglao.entitlements.models import Enrolment, PayeeAccount, PayeeAccountHistory

pytestmark = pytest.mark.django_db

OLD = "6217001234567890"
NEW = "6228480098765432"
OTHER_TOWNSHIP_VILLAGE = "152223101001"  # 新林镇


@pytest.fixture
def wang(make_person: Callable[..., Any]) -> Any:
    return make_person("王秀英", birth=dt.date(1940, 1, 1))


def account_url(person: Any) -> str:
    return reverse("entitlements:account", args=[person.pk])


def page_url(person: Any) -> str:
    return reverse("entitlements:person", args=[person.pk])


def form(number: str, reason: str = "") -> dict[str, str]:
    return {"bank": "扎赉特旗农村信用社", "account_number": number, "holder_name": "王秀英", "reason": reason}


def test_an_account_is_added_then_changed_only_with_a_reason_and_the_old_one_is_kept(
    login: Any, township_user: Any, wang: Any
) -> None:
    client = login(township_user)

    added = client.post(account_url(wang), form(OLD))
    refused = client.post(account_url(wang), form(NEW))
    changed = client.post(account_url(wang), form(NEW, "原账户销户，本人申请变更"))

    assert added.status_code == 302
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "变更发放账户须填写变更原因" in page
    assert f'value="{NEW}"' in page  # what was typed is kept
    assert changed.status_code == 302
    account = PayeeAccount.objects.get(person=wang)
    assert account.account_number == NEW
    old = PayeeAccountHistory.objects.get(person=wang)
    assert (old.account_number, old.reason, old.replaced_by) == (
        OLD,
        "原账户销户，本人申请变更",
        township_user,
    )
    events = AuditEvent.objects.filter(object_type="payee_account").order_by("id")
    assert [e.action for e in events] == [Action.CREATE, Action.CHANGE]
    assert "6217********7890 → 扎赉特旗农村信用社 6228********5432" in events[1].summary
    for event in events:
        assert OLD not in event.summary + json.dumps(event.detail)
        assert NEW not in event.summary + json.dumps(event.detail)


def test_the_page_shows_accounts_masked_and_the_full_number_only_on_an_audited_reveal(
    login: Any, township_user: Any, auditor: Any, wang: Any
) -> None:
    client = login(township_user)
    client.post(account_url(wang), form(OLD))
    client.post(account_url(wang), form(NEW, "换卡"))

    html = client.get(page_url(wang)).content.decode()
    revealed = client.post(reverse("entitlements:reveal-account", args=[wang.pk])).content.decode()

    assert "6228********5432" in html
    assert "6217********7890" in html  # the history, masked
    assert NEW not in html
    assert OLD not in html
    assert NEW in revealed
    assert OLD not in revealed
    reveal = AuditEvent.objects.filter(object_type="payee_account", action=Action.VIEW).get()
    assert reveal.username == "township"
    assert reveal.detail["reveal"] == "account_number"
    client = login(auditor)
    seen = client.get(page_url(wang)).content.decode()
    assert "6228********5432" in seen
    assert NEW not in seen
    assert f"<td>{mask_name('王秀英')}</td>" in seen  # the holder's name: first character only
    assert "王秀英" not in seen
    assert client.post(reverse("entitlements:reveal-account", args=[wang.pk])).status_code == 403
    assert client.post(account_url(wang), form("62284800111122223333", "x")).status_code == 403


def test_a_bad_account_number_is_refused_beside_its_field(login: Any, township_user: Any, wang: Any) -> None:
    response = login(township_user).post(account_url(wang), form("6217-abc"))

    assert response.status_code == 400
    assert '<span class="err">账号应为 8–32 位数字</span>' in response.content.decode()
    assert not PayeeAccount.objects.exists()


def test_an_enrolment_is_ended_with_a_reason_and_its_dates_listed(
    login: Any, township_user: Any, wang: Any, today: dt.date
) -> None:
    e = Enrolment.objects.create(
        person=wang,
        catalog="152223",
        item_no="5",
        service_code="gaoling_jintie",
        name="高龄津贴",
        start=dt.date(2024, 1, 1),
        source="imported",
    )
    client = login(township_user)
    url = reverse("entitlements:end-enrolment", args=[wang.pk, e.pk])

    no_reason = client.post(url, {"end": today.isoformat(), "reason": " "})
    ended = client.post(url, {"end": today.isoformat(), "reason": "迁出本旗"})

    assert no_reason.status_code == 400
    assert "请填写停止原因" in no_reason.content.decode()
    assert ended.status_code == 302
    e.refresh_from_db()
    assert (e.status, e.end, e.ended_reason) == ("ended", today, "迁出本旗")
    html = client.get(page_url(wang)).content.decode()
    assert "2024-01-01" in html
    assert today.isoformat() in html
    assert "迁出本旗" in html
    assert AuditEvent.objects.filter(object_type="enrolment", action=Action.CHANGE).count() == 1


def test_the_outsider_cannot_reach_the_account_of_another_townships_person(
    login: Any, outsider: Any, wang: Any
) -> None:
    response = login(outsider).post(account_url(wang), form(OLD))

    assert response.status_code == 404
    assert not PayeeAccount.objects.exists()
    assert AuditEvent.objects.filter(action=Action.DENIED, username="outsider").exists()


# --- the web import ------------------------------------------------------------------------------

HEADER = "公民身份号码,清单,清单序号,服务代码,金额,起始日期,停止日期,开户银行,账号,户名\n"


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


@pytest.fixture
def inline_jobs(settings: Any) -> None:
    """The import's background job run inside the request (a worker process otherwise)."""
    settings.JOBS_INLINE = True


def test_the_web_import_reads_gb18030_names_bad_rows_and_keeps_the_good(
    login: Any,
    township_user: Any,
    outsider: Any,
    wang: Any,
    make_person: Callable[..., Any],
    inline_jobs: None,
    settings: Any,
) -> None:
    far = make_person("赵远", region=OTHER_TOWNSHIP_VILLAGE)
    PayeeAccount.objects.create(person=wang, bank="旧银行", account_number=OLD, holder_name="王秀英")
    text = HEADER + "\n".join(
        [
            f"{wang.id_number},152223,5,,100,2024-01-01,,扎赉特旗农村信用社,{NEW},王秀英",
            f"{wang.id_number},152223,5,,100,2024-13-01,,,,",
            f"{far.id_number},152223,5,,100,2024-01-01,,,,",
            "11010519491231002X,152223,99,,100,2024-01-01,,,,",
        ]
    )
    client = login(township_user)

    posted = client.post(
        reverse("entitlements:import"),
        {"source": "旗民政局社会救助股", "file": upload("享受名单.csv", text.encode("gb18030"))},
    )

    assert posted.status_code == 302  # to the job's page, which shows its progress and then its result
    response = client.get(posted["Location"])
    assert response.status_code == 200
    html = re.sub(r' data-label="[^"]*"', "", response.content.decode())  # the phone's card labels
    assert "<td>第 3 行</td><td>" + wang.id_number[-4:] + "</td>" in html
    assert "<td>起始日期</td><td>日期格式应为 YYYY-MM-DD，实际为“2024-13-01”</td>" in html
    assert "<td>公民身份号码</td><td>本辖区老年人信息库中没有此人</td>" in html
    assert "<td>第 5 行</td>" in html
    assert "<td>清单序号</td><td>清单 152223 没有第99项</td>" in html
    assert not list((settings.HOME / "uploads").glob("*/*"))  # the uploaded file is gone
    assert login(outsider).get(posted["Location"]).status_code == 404  # nor does another user see the job
    assert Enrolment.objects.filter(person=wang, item_no="5").count() == 1
    assert not Enrolment.objects.filter(person=far).exists()  # another township's person: untouched
    assert PayeeAccount.objects.get(person=wang).account_number == NEW
    kept = PayeeAccountHistory.objects.get(person=wang)
    assert kept.account_number == OLD
    assert "享受名单.csv 第 2 行" in kept.reason
    event = AuditEvent.objects.filter(action=Action.IMPORT, object_type="enrolments").get()
    assert event.username == "township"
    assert "错误 3" in event.summary


def test_the_web_import_reads_xlsx_and_refuses_other_files(
    login: Any, township_user: Any, wang: Any, inline_jobs: None
) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.strip().split(","))
    sheet.append([wang.id_number, "152223", "5", "", 100, dt.datetime(2024, 1, 1), None, None, None, None])
    data = io.BytesIO()
    book.save(data)
    client = login(township_user)

    good = client.post(
        reverse("entitlements:import"), {"source": "民政", "file": upload("a.xlsx", data.getvalue())}
    )
    bad = client.post(reverse("entitlements:import"), {"source": "民政", "file": upload("a.pdf", b"%PDF")})

    assert good.status_code == 302
    assert Enrolment.objects.get(person=wang).start == dt.date(2024, 1, 1)
    assert bad.status_code == 400
    assert "不支持的文件类型" in bad.content.decode()


def test_only_roles_that_pay_import(login: Any, auditor: Any, visitor: Any) -> None:
    assert login(auditor).get(reverse("entitlements:import")).status_code == 403
    assert login(visitor).get(reverse("entitlements:import")).status_code == 403
