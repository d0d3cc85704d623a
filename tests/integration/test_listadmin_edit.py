"""Editing a draft through the web: bad input refused with file, line, path and reason and nothing
changed; two editors saving the same draft (the second is told, nothing lost); a draft below its parent
list needs a recorded justification; the cases beside the list must pass; adding and retiring items."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from yanglao.accounts.models import User
from yanglao.core.catalog import source
from yanglao.listadmin.models import ListVersion, State

pytestmark = pytest.mark.django_db

PASSWORD = "Yl-tests-2024!"


@pytest.fixture(autouse=True)
def lists_home(settings: Any, tmp_path: Path) -> Iterator[None]:
    settings.LISTS_DIR = str(tmp_path / "lists")
    source.invalidate()
    yield
    source.invalidate()


def county(username: str, region: str = "152223") -> User:
    return User.objects.create_user(
        username=username, password=PASSWORD, role="county_caseworker", region_id=region
    )


def text_of(response: Any) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def messages_of(response: Any) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def draft(client: Any, code: str = "152223") -> ListVersion:
    assert client.post(reverse("listadmin:new", args=[code])).status_code == 302
    return ListVersion.objects.get(code=code, state=State.DRAFT)


def test_a_rule_naming_an_unknown_field_is_refused_at_its_line_and_nothing_changes(
    client: Any, county_user: User
) -> None:
    client.force_login(county_user)
    version = draft(client)
    before = dict(version.files)
    items = before["items.yaml"]
    bad = items.replace('">=": [age, 80]', '">=": [agee, 80]', 1)
    assert bad != items
    line = bad[: bad.index("agee")].count("\n") + 1
    url = reverse("listadmin:file", args=[version.pk, "items.yaml"])
    response = client.post(url, {"revision": version.revision, "text": bad})
    assert response.status_code == 400
    page = text_of(response)
    assert f"未保存： items.yaml 第 {line} 行" in page
    assert re.search(r"items\[\d+\]\.rule", page)
    assert "agee" in page
    assert response.context["text"] == bad  # the editor keeps what was typed
    version.refresh_from_db()
    assert (version.files, version.revision) == (before, 1)
    assert source.catalog_on("152223").version == "2023"  # the version in force untouched


def test_a_value_without_a_reference_or_dated_before_the_old_one_is_refused(
    client: Any, county_user: User
) -> None:
    client.force_login(county_user)
    version = draft(client)
    url = reverse("listadmin:value", args=[version.pk])
    data = {
        "revision": 1,
        "name": "gaoling_jintie_80_99",
        "from": "2026-07-01",
        "value": "120",
        "reference": "",
    }
    assert "新值必须写依据" in messages_of(client.post(url, data, follow=True))
    data.update({"from": "2023-01-01", "reference": "某文件"})
    said = messages_of(client.post(url, data, follow=True))
    assert "parameters.yaml:8: parameters.gaoling_jintie_80_99.values[1].from" in said
    assert "不晚于它所替换的值的生效日期 2023-06-15" in said
    version.refresh_from_db()
    assert version.revision == 1


def test_two_editors_saving_the_same_draft_the_second_is_told_and_keeps_the_text(
    client: Any, county_user: User
) -> None:
    other = county("county_c")
    client.force_login(county_user)
    version = draft(client)
    opened = version.revision
    value = {
        "revision": opened,
        "name": "gaoling_jintie_80_99",
        "from": "2026-07-01",
        "value": "120",
        "reference": "甲",
    }
    assert "未保存" not in messages_of(
        client.post(reverse("listadmin:value", args=[version.pk]), value, follow=True)
    )
    client.force_login(other)
    mine = version.files["catalog.yaml"].replace("notes: |-", "notes: |-\n  本地说明：乙的修改。", 1)
    response = client.post(
        reverse("listadmin:file", args=[version.pk, "catalog.yaml"]), {"revision": opened, "text": mine}
    )
    assert response.status_code == 400
    assert "已被保存过" in text_of(response)
    assert response.context["text"] == mine  # nothing lost: the second editor's text is on the page
    version.refresh_from_db()
    assert "value: 120" in version.files["parameters.yaml"]  # nor the first one's
    assert "乙的修改" not in version.files["catalog.yaml"]
    assert version.revision == opened + 1
    response = client.post(
        reverse("listadmin:file", args=[version.pk, "catalog.yaml"]),
        {"revision": version.revision, "text": mine},
    )
    assert response.status_code == 302
    version.refresh_from_db()
    assert "乙的修改" in version.files["catalog.yaml"]
    assert "value: 120" in version.files["parameters.yaml"]
    assert sorted(version.editors) == sorted([county_user.pk, other.pk])


def test_a_draft_below_its_parent_needs_a_justification_and_failing_cases_block(client: Any) -> None:
    user = county("xinxiang", "410721")
    client.force_login(user)
    version = draft(client, "410721")
    client.post(reverse("listadmin:meta", args=[version.pk]), {"revision": 1, "effective_from": "2026-07-01"})
    value = {
        "revision": 2,
        "name": "gaoling_jintie_80_89",
        "from": "2026-07-01",
        "value": "40",
        "reference": "测试",
    }
    client.post(reverse("listadmin:value", args=[version.pk]), value)
    said = messages_of(client.post(reverse("listadmin:submit", args=[version.pk]), follow=True))
    assert "有低于上级清单的内容，须填写理由" in said  # submitting runs the comparison
    version.refresh_from_db()
    assert version.state == State.DRAFT
    assert any("高龄津贴" in f for f in version.checks["new_findings"]), version.checks
    # the budget sanity case beside the list warns (no people here: a yearly cost of 0 is out of range)
    assert any("预期范围" in w for w in version.checks["budget"]), version.checks["budget"]
    assert not set(version.checks["new_findings"]) & set(version.checks["findings"]) - set(
        version.checks["new_findings"]
    )
    # a case dated after the change that expects the old amount fails: it must be brought up to date
    cases = version.files["cases.yaml"]
    case = (
        "\n  - name: 80周岁领50元（按调整前的标准写，调整后不再成立）\n    date: 2026-08-01\n"
        '    person: {birth_date: 1946-07-01, hukou_region: "410721"}\n'
        '    granted: ["3", "4", {no: "5", amount: 50}, "20"]\n'
    )
    client.post(
        reverse("listadmin:file", args=[version.pk, "cases.yaml"]),
        {"revision": version.revision, "text": cases.rstrip("\n") + case},
    )
    client.post(
        reverse("listadmin:meta", args=[version.pk]),
        {
            "revision": version.revision + 1,
            "effective_from": "2026-07-01",
            "justification": "财力所限，经县政府常务会议研究",
        },
    )
    version.refresh_from_db()
    assert version.justification
    failed = version.checks["cases"]["failed"]
    assert [f["name"] for f in failed] == ["80周岁领50元（按调整前的标准写，调整后不再成立）"]
    assert any("第5项" in p and "40" in p for p in failed[0]["problems"]), failed
    said = messages_of(client.post(reverse("listadmin:submit", args=[version.pk]), follow=True))
    assert "个测试用例未通过" in said
    assert "须填写理由" not in said
