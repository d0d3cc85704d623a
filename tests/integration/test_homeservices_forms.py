"""The staff forms of home services through the test client: a provider registered and edited, its
contract (prices within the caps), a worker with certificates and training, a 助老联盟 member and the
quarterly assessment; the lists filtered and paged; every write audited. A provider-staff user is
attached to its provider on the users page and then sees only its own provider, orders and workers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from tests.integration import homecare_world as w
from yanglao.accounts.models import User
from yanglao.audit.models import AuditEvent
from yanglao.homeservices.models import (
    Contract,
    Order,
    Provider,
    ProviderPost,
    Training,
    Volunteer,
    VolunteerAssessment,
    Worker,
)

SH = dt.timezone(dt.timedelta(hours=8))


def audited(object_type: str, words: str) -> bool:
    return AuditEvent.objects.filter(object_type=object_type, summary__contains=words).exists()


def test_a_provider_its_contract_and_workers_from_the_forms(township_user: User, client: Any) -> None:
    client.force_login(township_user)
    form = {"code": "P100", "name": "音德尔镇康乐家政服务中心", "kind": "housekeeping", "region": w.TOWNSHIP,
            "capacity": "30", "credit_code": "91152223MA0N12345X", "bank_account": "6228480000000001",
            "bank_name": "农业银行"}  # fmt: skip
    assert client.get(reverse("homeservices:provider-new")).status_code == 200
    bad = client.post(reverse("homeservices:provider-new"), {**form, "credit_code": "123"})
    assert "统一社会信用代码为 18 位" in bad.content.decode()
    resp = client.post(reverse("homeservices:provider-new"), form)
    p = Provider.objects.get(code="P100")
    assert resp["Location"] == reverse("homeservices:provider", args=[p.pk])
    assert client.post(reverse("homeservices:provider-new"), form).content.decode().count("已存在") == 1
    edit = {k: v for k, v in form.items() if k != "code"} | {"capacity": "45", "vetted": "on"}
    client.post(reverse("homeservices:provider-edit", args=[p.pk]), edit)
    p.refresh_from_db()
    assert (p.capacity, p.vetted, p.code) == (45, True, "P100")
    assert audited("provider", "每月可服务人数 30 → 45")

    url = reverse("homeservices:contract-new", args=[p.pk])
    page = client.get(url).content.decode()
    assert "助洁" in page
    assert "上限" in page
    contract = {"catalog": w.CATALOG, "number": "ZLT-2026-08", "region": w.TOWNSHIP, "start": "2026-01-01",
                "end": "2026-12-31", "price_cleaning_aid": "40", "price_bath_aid": ""}  # fmt: skip
    over = client.post(url, {**contract, "price_cleaning_aid": "4000"}).content.decode()
    assert "超过价格上限" in over
    assert not Contract.objects.exists()
    backwards = client.post(url, {**contract, "end": "2025-12-31"}).content.decode()
    assert "结束日期早于开始日期" in backwards
    client.post(url, contract)
    c = Contract.objects.get()
    assert (c.prices, c.region_id, c.catalog) == ({"cleaning_aid": "40"}, w.TOWNSHIP, w.CATALOG)
    client.post(
        reverse("homeservices:contract-edit", args=[c.pk]),
        {**contract, "price_cleaning_aid": "38", "price_bath_aid": "35"},
    )
    c.refresh_from_db()
    assert c.prices == {"cleaning_aid": "38", "bath_aid": "35"}
    assert audited("provider", "修改服务合同 ZLT-2026-08")

    worker = {"code": "W07", "name": "韩淑梅", "carer_level": "4", "health_certificate_until": "2026-06-10"}
    client.post(reverse("homeservices:worker-new", args=[p.pk]), worker)
    wk = Worker.objects.get(code="W07")
    assert (wk.carer_level, wk.health_certificate_until) == ("4", dt.date(2026, 6, 10))
    client.post(
        reverse("homeservices:worker-training", args=[wk.pk]),
        {"title": "失能老人照护", "on": "2026-05-20", "hours": "16"},
    )
    bad = client.post(
        reverse("homeservices:worker-training", args=[wk.pk]), {"title": "x", "on": "2026-05-20", "hours": "0"},
        follow=True,
    )  # fmt: skip
    assert "学时" in bad.content.decode()
    assert list(Training.objects.values_list("title", "hours")) == [("失能老人照护", 16)]
    client.post(reverse("homeservices:worker", args=[wk.pk]), {**worker, "carer_level": "3", "active": "on"})
    wk.refresh_from_db()
    assert wk.carer_level == "3"
    assert audited("provider", "修改服务人员 W07")
    page = client.get(reverse("homeservices:worker", args=[wk.pk])).content.decode()
    assert "失能老人照护" in page
    assert "养老护理员三级" in page


def test_the_lists_filter_and_page(township_user: User, client: Any, today: dt.date) -> None:
    for i in range(55):
        w.provider(f"Q{i:03d}", f"家政{i:03d}", kind="property" if i % 5 == 0 else "housekeeping")
    first = Provider.objects.get(code="Q000")
    Worker.objects.create(
        provider=first, code="A1", name="甲", health_certificate_until=today + dt.timedelta(days=5)
    )
    Worker.objects.create(
        provider=first, code="A2", name="乙", health_certificate_until=today + dt.timedelta(days=300)
    )
    client.force_login(township_user)
    page1 = client.get(reverse("homeservices:providers")).content.decode()
    assert "共 55 个" in page1
    assert "第 1 / 2 页" in page1
    assert "家政000" in page1
    assert "家政054" not in page1
    page2 = client.get(reverse("homeservices:providers"), {"page": 2}).content.decode()
    assert "家政054" in page2
    props = client.get(reverse("homeservices:providers"), {"kind": "property"}).content.decode()
    assert "共 11 个" in props
    named = client.get(reverse("homeservices:providers"), {"q": "家政007"}).content.decode()
    assert "共 1 个" in named
    due = client.get(reverse("homeservices:workers"), {"due": "1"}).content.decode()
    assert "共 1 人" in due
    assert "即将到期" in due
    assert ">乙<" not in due


def test_volunteers_and_their_quarterly_assessment(
    township_user: User, county_user: User, client: Any
) -> None:
    client.force_login(township_user)
    form = {"name": "包志勇", "team": "neighbour", "region": w.TOWNSHIP, "joined_on": "2026-01-10"}
    client.post(reverse("homeservices:volunteer-new"), form)
    v = Volunteer.objects.get()
    assert v.get_team_display() == "邻里互助（1+2）服务队"
    client.post(
        reverse("homeservices:volunteer-assess", args=[v.pk]),
        {"quarter": "2026-05-15", "services": "14", "score": "92"},
    )
    bad = client.post(
        reverse("homeservices:volunteer-assess", args=[v.pk]), {"quarter": "2026-05-15", "services": "1", "score": "120"},
        follow=True,
    )  # fmt: skip
    assert "0 到 100" in bad.content.decode()
    a = VolunteerAssessment.objects.get()
    assert (a.quarter, a.result) == (dt.date(2026, 4, 1), "优秀")
    client.post(reverse("homeservices:volunteer", args=[v.pk]), {**form, "team": "party"})
    v.refresh_from_db()
    assert v.team == "party"
    assert audited("volunteer", "服务队")
    listing = client.get(reverse("homeservices:volunteers"), {"team": "party"}).content.decode()
    assert "包志勇" in listing
    assert "92 分（优秀）" in listing
    assert "包志勇" not in client.get(reverse("homeservices:volunteers"), {"team": "health"}).content.decode()


def test_a_provider_user_attached_on_the_users_page_sees_only_its_own(
    county_user: User, make_person: Any, client: Any
) -> None:
    mine, other = w.provider("P001"), w.provider("P002", "另一家家政")
    w.worker(mine, "W01", "刘桂芳")
    w.worker(other, "W02", "外机构员工")
    elder = make_person("李明")
    due = dt.datetime(2026, 5, 6, 9, tzinfo=SH)
    own_order = Order.objects.create(person=elder, provider=mine, service="cleaning_aid", due=due)
    other_order = Order.objects.create(person=elder, provider=other, service="cleaning_aid", due=due)

    client.force_login(county_user)
    form = {"username": "ankang", "display_name": "安康调度", "role": "provider_staff", "region": w.TOWNSHIP}
    refused = client.post(reverse("users:new"), form).content.decode()
    assert "须选择所属服务机构" in refused
    wrong = client.post(
        reverse("users:new"), {**form, "username": "x2", "role": "visitor", "provider": mine.pk}
    )
    assert "只有居家社区养老服务机构工作人员可以选择所属服务机构" in wrong.content.decode()
    client.post(reverse("users:new"), {**form, "provider": mine.pk})
    staff = User.objects.get(username="ankang")
    assert ProviderPost.objects.get(user=staff).provider == mine
    assert AuditEvent.objects.filter(
        object_type="user", summary__contains="所属服务机构 " + mine.name
    ).exists()
    edit = client.get(reverse("users:edit", args=[staff.pk])).content.decode()
    assert f'<option value="{mine.pk}" selected>' in edit

    User.objects.filter(pk=staff.pk).update(must_change_password=False)  # the one-time password changed
    client.force_login(staff)
    assert client.get(reverse("homeservices:phone-order", args=[own_order.pk])).status_code == 200
    assert client.get(reverse("homeservices:phone-order", args=[other_order.pk])).status_code == 404
    assert client.get(reverse("homeservices:provider", args=[other.pk])).status_code == 404
    providers = client.get(reverse("homeservices:providers")).content.decode()
    assert mine.name in providers
    assert "另一家家政" not in providers
    workers = client.get(reverse("homeservices:workers")).content.decode()
    assert "刘桂芳" in workers
    assert "外机构员工" not in workers
    foreign = Worker.objects.get(code="W02")
    assert client.get(reverse("homeservices:worker", args=[foreign.pk])).status_code == 404
    # its own staff keep its workers; the bureau's registers stay the bureau's
    client.post(reverse("homeservices:worker-new", args=[mine.pk]), {"code": "W09", "name": "新员工"})
    assert Worker.objects.filter(provider=mine, code="W09").exists()
    assert (
        client.post(
            reverse("homeservices:worker-new", args=[other.pk]), {"code": "W9", "name": "x"}
        ).status_code
        == 404
    )
    assert client.get(reverse("homeservices:provider-new")).status_code == 403

    client.force_login(county_user)  # the role changes: the provider goes with it
    client.post(reverse("users:edit", args=[staff.pk]), {"display_name": "安康调度", "role": "visitor",
                                                         "region": w.TOWNSHIP, "is_active": "on"})  # fmt: skip
    assert not ProviderPost.objects.filter(user=staff).exists()
