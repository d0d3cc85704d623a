"""The staff page (login required, any role): a list between two dates, and a list against its parent."""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from yanglao.core.catalog.loader import CATALOGS_ROOT

pytestmark = pytest.mark.django_db

URL = "/catalogs/compare/"

PARENT = """\
items:
  - no: "1"
    code: gaoling_jintie
    name: 高龄津贴
    type: material_aid
    rule: {">=": [age, 80]}
    amount: 100
    period: month
    comparison: floor
  - no: "2"
    code: ability_assessment
    name: 老年人能力综合评估
    type: care_service
    rule: {">=": [age, 65]}
"""
CHILD = """\
items:
  - no: "3"
    code: gaoling_jintie
    name: 高龄津贴
    type: material_aid
    rule: {">=": [age, 90]}
    amount: 50
    period: month
    comparison: ceiling
"""


def text_of(response: Any) -> str:
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


@pytest.fixture
def root(tmp_path: Path, settings: Any) -> Path:
    """扎赉特旗 with 高龄津贴 (80–99) raised to 120 on 2025-01-01, and a small parent/child pair."""
    shutil.copy(CATALOGS_ROOT / "taxonomy.yaml", tmp_path / "taxonomy.yaml")
    shutil.copytree(CATALOGS_ROOT / "152223", tmp_path / "152223")
    params = tmp_path / "152223" / "parameters.yaml"
    old = "        reference: 扎政办发〔2023〕16号 附件2 第5项；内政发〔2018〕53号\n"
    raised = (
        old + "      - from: 2025-01-01\n        value: 120\n        reference: 测试用调整文件〔2024〕9号\n"
    )
    params.write_text(params.read_text(encoding="utf-8").replace(old, raised, 1), encoding="utf-8")
    for code, parent, items in (("990000", None, PARENT), ("990100", "990000", CHILD)):
        folder = tmp_path / code
        folder.mkdir()
        meta = f'code: "{code}"\nname: 测试清单{code}\nversion: "1"\nparent: {f"{parent!r}" if parent else "null"}\n'
        (folder / "catalog.yaml").write_text(meta, encoding="utf-8")
        (folder / "items.yaml").write_text(textwrap.dedent(items), encoding="utf-8")
    settings.CATALOGS_ROOT = tmp_path
    return tmp_path


def test_the_staff_page_needs_a_login(client: Any) -> None:
    response = client.get(URL + "?mode=diff&code=152223")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("who", ["visitor", "auditor", "township_user"])
def test_any_role_may_use_it(client: Any, who: str, request: pytest.FixtureRequest, root: Path) -> None:
    client.force_login(request.getfixturevalue(who))
    response = client.get(URL)
    assert response.status_code == 200
    assert "同一清单两个日期之间的变化" in text_of(response)
    assert "本级清单对照上级清单" in text_of(response)


def test_the_changes_between_two_dates(client: Any, county_user: Any, root: Path) -> None:
    client.force_login(county_user)
    page = text_of(client.get(URL + "?mode=diff&code=152223&date1=2024-06-30&date2=2025-01-01"))
    assert "扎赉特旗基本养老服务清单：2024-06-30 → 2025-01-01" in page
    assert "参数调整" in page
    assert (
        "高龄津贴标准（80–99周岁）（元/人/月）：100（自 2023-06-15 起） → 120（自 2025-01-01 起；依据：测试用调整文件〔2024〕9号）；影响 第5项"
        in page
    )
    same = text_of(client.get(URL + "?mode=diff&code=152223&date1=2024-01-01&date2=2024-12-31"))
    assert "这两个日期之间没有变化" in same


def test_a_child_list_against_its_parent(client: Any, county_user: Any, root: Path) -> None:
    client.force_login(county_user)
    response = client.get(URL + "?mode=check&child=990100&date=2024-07-01")  # the parent from the list itself
    page = text_of(response)
    assert "测试清单990100 对照 测试清单990000（2024-07-01）" in page
    assert "处低于上级清单" in page
    assert re.search(
        r"缺项 2 — 上级第2项 老年人能力综合评估（ability_assessment）：本级清单没有对应项目", page
    )
    assert re.search(r"标准方向 1 3 本级第3项 高龄津贴：上级第1项为“不低于”，本级为“不高于”", page)
    assert "对象偏窄" in page


def test_wrong_choices_are_reported(client: Any, county_user: Any, root: Path) -> None:
    client.force_login(county_user)
    page = text_of(client.get(URL + "?mode=check&child=990000&parent=990000"))
    assert "本级清单和上级清单不能相同" in page
    page = text_of(client.get(URL + "?mode=diff&code=152223&date1=2024-99-01"))
    assert "日期“2024-99-01”无效" in page


def test_the_list_index_links_staff_to_the_compare_page(client: Any, county_user: Any, root: Path) -> None:
    assert URL not in client.get(reverse("catalogweb:index")).content.decode()
    client.force_login(county_user)
    assert URL in client.get(reverse("catalogweb:index")).content.decode()
