"""The whole adjustment cycle through the HTTP client (issue 13, "Must show"): county user A raises the
高龄津贴 in a draft, sees the impact and submits; A cannot approve; B approves and publishes; the public
page shows the change in plain words; the self-check and the payment roll use the new value from its
effective date and the old one before it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from yanglao.accounts.models import User
from yanglao.audit.models import AuditEvent
from yanglao.core.catalog import source
from yanglao.core.payments import Month
from yanglao.entitlements.models import Enrolment
from yanglao.listadmin.actions import StepError, do_approve
from yanglao.listadmin.models import ListVersion, State
from yanglao.payments.actions import prepare_roll
from yanglao.regions.models import Region

pytestmark = pytest.mark.django_db

PASSWORD = "Yl-tests-2024!"
EFFECTIVE = dt.date(2026, 7, 1)
REFERENCE = "扎政办发〔2026〕9号 关于提高高龄津贴标准的通知"
PLAIN = (
    f"自2026年7月1日起，80–99周岁高龄津贴标准由每人每月100元提高到120元（第5项高龄津贴），依据：{REFERENCE}。"
)


@pytest.fixture(autouse=True)
def lists_home(settings: Any, tmp_path: Path) -> Iterator[Path]:
    """Published versions materialize under a folder of this test; nothing stays in force after it."""
    settings.LISTS_DIR = str(tmp_path / "lists")
    source.invalidate()
    yield tmp_path / "lists"
    source.invalidate()


def text_of(response: Any) -> str:
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def messages_of(response: Any) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def second_county_user() -> User:
    return User.objects.create_user(
        username="county_b", password=PASSWORD, role="county_caseworker", region_id="152223", display_name="B"
    )


def new_draft(client: Any) -> ListVersion:
    response = client.post(reverse("listadmin:new", args=["152223"]))
    assert response.status_code == 302
    return ListVersion.objects.get(code="152223", state=State.DRAFT)


def raise_gaoling(client: Any, version: ListVersion) -> ListVersion:
    url = reverse("listadmin:meta", args=[version.pk])
    response = client.post(
        url,
        {"revision": version.revision, "effective_from": EFFECTIVE.isoformat(), "summary": "提高高龄津贴"},
    )
    assert response.status_code == 302
    version.refresh_from_db()
    response = client.post(
        reverse("listadmin:value", args=[version.pk]),
        {
            "revision": version.revision,
            "name": "gaoling_jintie_80_99",
            "from": EFFECTIVE.isoformat(),
            "value": "120",
            "reference": REFERENCE,
        },
        follow=True,
    )
    assert "未保存" not in messages_of(response), messages_of(response)
    version.refresh_from_db()
    return version


def selfcheck_amount(client: Any, on: dt.date) -> str:
    url = reverse("catalogweb:selfcheck", args=["152223"]) + f"?date={on}"
    data = {"hukou": "local", "residence": "local", "tekun": "none", "fp_special": "none"}
    page = client.post(url, {**data, "special_contribution": "none", "age": "85"}).content.decode()
    match = re.search(r'<article class="answer [a-z_]+" id="answer-5">(.*?)</article>', page, re.S)
    assert match
    found = re.search(r"每月 (\d+) 元", re.sub(r"<[^>]+>", " ", match.group(1)))
    assert found
    return found.group(1)


def roll_amount(actor: Any, month: Month) -> Decimal:
    roll = prepare_roll(actor, "152223", month, Region.objects.get(code="152223"))
    return sum((line.amount for line in roll.lines.filter(service_code="gaoling_jintie")), Decimal(0))


def test_edit_impact_approve_publish_and_use_from_the_effective_date(
    client: Any, county_user: Any, make_person: Any, today: dt.date
) -> None:
    assert today < EFFECTIVE
    person = make_person("张桂兰", birth=dt.date(1941, 3, 1))  # 85: 高龄津贴 80–99
    Enrolment.objects.create(
        person=person, catalog="152223", item_no="5", service_code="gaoling_jintie", name="高龄津贴",
        start=dt.date(2026, 1, 1), source="approved",
    )  # fmt: skip
    checker = second_county_user()

    # A drafts and raises the standard
    client.force_login(county_user)
    version = raise_gaoling(client, new_draft(client))
    assert version.editors == [county_user.pk]
    assert "gaoling_jintie_80_99" in version.files["parameters.yaml"]
    page = text_of(client.get(reverse("listadmin:version", args=[version.pk])))
    assert PLAIN in page  # the words the public page will show
    assert re.search(r"测试用例：\d+ 个，全部通过", page)

    # A sees the impact: the 85-year-old's amount changes, 100 → 120 a month
    response = client.get(reverse("listadmin:impact", args=[version.pk]))
    report = response.context["report"]
    item = next(i for i in report["items"] if i["no"] == "5")
    assert (item["changed"], item["gaining"], item["losing"]) == (1, 0, 0)
    assert (item["monthly_cost_before"], item["monthly_cost_after"]) == (100, 120)
    # and what is not money is counted too (次数、免费 …), each item with a quantity listed
    counted = [i for i in report["items"] if i["quantity_after"]]
    assert counted
    page = response.content.decode()
    assert 'id="quantities"' in page
    assert all(i["quantity_after"]["text"] in page for i in counted)

    # A submits, and cannot approve
    response = client.post(reverse("listadmin:submit", args=[version.pk]), follow=True)
    assert "已提交审核" in messages_of(response)
    response = client.post(reverse("listadmin:approve", args=[version.pk]), follow=True)
    assert "编辑或提交这个版本的人不能批准" in messages_of(response)
    version.refresh_from_db()
    assert version.state == State.REVIEW
    with pytest.raises(StepError):
        do_approve(county_user, version)

    # before publication, nothing changes for anybody
    assert selfcheck_amount(client, dt.date(2026, 7, 15)) == "100"

    # B approves and publishes
    client.force_login(checker)
    assert "已批准" in messages_of(client.post(reverse("listadmin:approve", args=[version.pk]), follow=True))
    assert "已发布" in messages_of(client.post(reverse("listadmin:publish", args=[version.pk]), follow=True))
    version.refresh_from_db()
    assert (version.state, version.approved_by, version.published_by) == (State.PUBLISHED, checker, checker)
    steps = list(
        AuditEvent.objects.filter(object_type="list_version", object_id=str(version.pk))
        .order_by("id")
        .values_list("username", "detail__step")
    )
    assert [s for s in steps if s[1]] == [
        ("county", "submit"),
        ("county_b", "approve"),
        ("county_b", "publish"),
    ]

    # the public page says it in plain words
    client.logout()
    assert PLAIN in text_of(client.get(reverse("catalogweb:catalog", args=["152223"])))

    # the self-check and the payment rolls: the new value from its date, the old one before
    assert selfcheck_amount(client, dt.date(2026, 7, 15)) == "120"
    assert selfcheck_amount(client, dt.date(2026, 6, 20)) == "100"
    assert roll_amount("命令行", Month(2026, 7)) == Decimal("120")
    assert roll_amount("命令行", Month(2026, 6)) == Decimal("100")


def publish_raise(editor: Any, checker: Any) -> ListVersion:
    """The same adjustment through the actions: 80–99周岁 100 → 120 from 2026-07-01, published."""
    from yanglao.core.catalog.drafts import add_value
    from yanglao.listadmin import actions

    version = actions.do_create_draft(editor, "152223")
    text = add_value(
        version.files["parameters.yaml"], "gaoling_jintie_80_99", EFFECTIVE, Decimal(120), REFERENCE
    )
    version = actions.do_save_files(
        editor,
        version,
        {"parameters.yaml": text},
        version.revision,
        "加值",
        meta={"effective_from": EFFECTIVE},
    )
    actions.do_submit(editor, version)
    actions.do_approve(checker, version)
    return actions.do_publish(checker, version)


def test_discovery_finds_the_new_amount_from_the_effective_date(county_user: Any, make_person: Any) -> None:
    from yanglao.entitlements.actions import do_discover
    from yanglao.entitlements.models import Finding, FindingKind

    person = make_person("李桂英", birth=dt.date(1941, 3, 1))  # 85, not enrolled: a missed 高龄津贴
    publish_raise(county_user, second_county_user())
    county = Region.objects.get(code="152223")

    def missed_amount(on: dt.date) -> Decimal:
        do_discover(county, on, within=0)
        finding = Finding.objects.get(person=person, kind=FindingKind.MISSED, item_no="5")
        return finding.amount

    assert missed_amount(dt.date(2026, 6, 30)) == Decimal("100.00")
    assert missed_amount(dt.date(2026, 7, 1)) == Decimal("120.00")
