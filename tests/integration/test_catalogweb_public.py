"""The public list pages, without logging in: the index, one list with every item and the history of its
figures, ``?date=`` before and after a change, the XLSX export, the links from the login page."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from yanglao.core.catalog import load_catalog
from yanglao.core.catalog.loader import CATALOGS_ROOT, list_codes

pytestmark = pytest.mark.django_db

RAISED_ON = dt.date(2025, 1, 1)


def text_of(response: Any) -> str:
    """The page's text without tags, whitespace squeezed (what a reader sees)."""
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def raised_root(tmp_path: Path) -> Path:
    """A copy of 扎赉特旗's list in which 高龄津贴 (80–99) rises from 100 to 120 yuan on 2025-01-01."""
    shutil.copy(CATALOGS_ROOT / "taxonomy.yaml", tmp_path / "taxonomy.yaml")
    shutil.copytree(CATALOGS_ROOT / "152223", tmp_path / "152223")
    params = tmp_path / "152223" / "parameters.yaml"
    text = params.read_text(encoding="utf-8")
    old = "        reference: 扎政办发〔2023〕16号 附件2 第5项；内政发〔2018〕53号\n"
    new = old + (
        "      - from: 2025-01-01\n        value: 120\n        reference: 测试用调整文件〔2024〕9号\n"
    )
    assert text.count(old) == 2  # 80–99 first, then 100+
    params.write_text(text.replace(old, new, 1), encoding="utf-8")
    return tmp_path


def test_the_index_lists_every_list_folder_without_login(client: Any) -> None:
    response = client.get(reverse("catalogweb:index"))
    assert response.status_code == 200
    page = text_of(response)
    for code in list_codes():
        catalog = load_catalog(code)
        assert catalog.name in page
        assert reverse("catalogweb:catalog", args=[code]) in response.content.decode()
        assert f"{len(catalog.items)} 项" in page
        if catalog.document_number:
            assert catalog.document_number in page
    assert "重建" in page  # 410000, the reconstructed Henan baseline
    assert "扎政办发〔2023〕16号" in page
    assert "2023-06-15" in page


@pytest.mark.parametrize("code", list_codes())
def test_a_list_page_shows_every_item_without_login(client: Any, code: str, today: dt.date) -> None:
    catalog = load_catalog(code)
    response = client.get(reverse("catalogweb:catalog", args=[code]))
    assert response.status_code == 200
    page = text_of(response)
    assert catalog.name in page
    for item in catalog.items_on(today):
        assert f"第{item.no}项 {item.name}" in page, item.no
        assert f'id="item-{item.no}"' in response.content.decode()
    for param in catalog.parameters.values():
        for value in param.values:
            assert value.reference in page, param.name


def test_the_list_page_shows_standards_history_and_references(client: Any) -> None:
    page = text_of(client.get(reverse("catalogweb:catalog", args=["152223"]) + "?date=2024-07-01"))
    assert "凡具有内蒙古自治区户籍、年龄在80周岁（含80周岁）至99周岁的老年人" in page  # verbatim
    assert "定额，每月（元）：按年龄分档（80–99周岁：100；100周岁及以上：600）" in page
    assert "谁能享受（系统判断） 年满80周岁；户籍在内蒙古自治区" in page
    assert "定额：每月 50 元" in page  # 第6项 养老服务补贴
    assert "高龄津贴标准（80–99周岁）" in page
    assert "2023-06-15 起 该日有效 100" in page
    assert "扎政办发〔2023〕16号 附件2 第5项；内政发〔2018〕53号" in page
    assert "示例值，需本地填报" in page  # the 低保标准 is an example figure
    assert (
        "特困人员（分散供养） / 是低保对象" in page
    )  # 第7项: 任务16 names 城乡低保对象, no longer an option
    assert "本清单默认关闭" not in page
    assert "只能申领其中一项，择高，由本人选择" in page  # 可择高申领: the person chooses (issue 12)


def test_the_list_page_says_what_an_item_gives_besides_money(client: Any) -> None:
    """卧龙区: item 11 is paid to the 敬老院, item 3 is a service once a year (plain.extra_words)."""
    page = client.get(reverse("catalogweb:catalog", args=["411303"]) + "?date=2025-07-01").content.decode()
    item = re.search(r'id="item-11">(.*?)</article>', page, re.S)
    assert item is not None
    assert '<p class="extra">由供养本人的敬老院领取（不发给本人）</p>' in item.group(1)
    health = re.search(r'id="item-3">(.*?)</article>', page, re.S)
    assert health is not None
    assert '<p class="extra">每年1次</p>' in health.group(1)


def test_a_list_page_on_a_date_before_and_after_a_change(client: Any, settings: Any, tmp_path: Path) -> None:
    settings.CATALOGS_ROOT = raised_root(tmp_path)
    url = reverse("catalogweb:catalog", args=["152223"])

    before = text_of(client.get(url + "?date=2024-12-31"))
    assert "按 2024-12-31 的清单和标准显示" in before
    assert "80–99周岁：100；" in before
    assert "2023-06-15 起 该日有效 100" in before
    assert "2025-01-01 起 120" in before  # the history shows the coming value too
    assert "测试用调整文件〔2024〕9号" in before

    after = text_of(client.get(url + "?date=2025-01-01"))
    assert "80–99周岁：120；" in after
    assert "2025-01-01 起 该日有效 120" in after
    assert "2023-06-15 起 100" in after
    assert "标准调整日期： 2023-06-15 、 2025-01-01" in after


def test_a_wrong_date_says_so_and_shows_today(client: Any) -> None:
    response = client.get(reverse("catalogweb:catalog", args=["152223"]) + "?date=2024-13-01")
    assert response.status_code == 200
    assert "日期“2024-13-01”无效，应写成 YYYY-MM-DD；已按今天显示。" in text_of(response)


def test_an_unknown_list_is_404(client: Any) -> None:
    assert client.get("/catalogs/999999/").status_code == 404
    assert client.get("/catalogs/999999/selfcheck/").status_code == 404
    assert client.get("/catalogs/999999/export.xlsx").status_code == 404


def test_a_broken_list_file_is_shown_with_its_error_not_hidden(
    client: Any, settings: Any, tmp_path: Path
) -> None:
    root = raised_root(tmp_path)
    items = root / "152223" / "items.yaml"
    items.write_text(
        items.read_text(encoding="utf-8").replace("code: gaoling_jintie\n", "code: no_such\n"), "utf-8"
    )
    settings.CATALOGS_ROOT = root
    index = client.get(reverse("catalogweb:index"))
    assert index.status_code == 200
    assert "清单文件有误" in text_of(index)
    assert "no_such" in text_of(index)
    page = client.get(reverse("catalogweb:catalog", args=["152223"]))
    assert page.status_code == 503
    assert "items.yaml" in text_of(page)


def test_the_xlsx_export_has_every_item_and_field(client: Any) -> None:
    from openpyxl import load_workbook

    catalog = load_catalog("152223")
    response = client.get(reverse("catalogweb:export", args=["152223"]) + "?date=2024-07-01")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "catalog-152223-2024-07-01.xlsx" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["清单", "项目", "参数", "地方选项与择高"]
    items = list(book["项目"].iter_rows(values_only=True))
    header = items[0]
    assert header[:5] == ("序号", "服务代码", "服务项目", "分项", "服务类型")
    for column in (
        "服务对象（原文）",
        "服务标准（原文）",
        "机器金额",
        "支出责任（原文）",
        "牵头部门",
        "政策依据",
        "择高",
    ):
        assert column in header
    numbers = {row[0] for row in items[1:]}
    assert numbers == {item.no for item in catalog.items}
    parts = sum(len(item.benefits) for item in catalog.items)
    assert len(items) - 1 == parts  # one row per item, or per part of an item with parts
    gaoling = next(row for row in items[1:] if row[1] == "gaoling_jintie")
    assert gaoling[header.index("周期")] == "月"
    assert gaoling[header.index("标准方向")] == "定额"
    params = list(book["参数"].iter_rows(values_only=True))
    assert any(row[0] == "dibao_standard" and row[5] == "示例值，需本地填报" for row in params)
    info = dict(book["清单"].iter_rows(values_only=True))
    assert info["文号"] == "扎政办发〔2023〕16号"
    assert info["按日期"] == "2024-07-01"


def test_everyone_sees_the_link_to_the_lists(client: Any, township_user: Any) -> None:
    login = client.get(reverse("login"))
    index = reverse("catalogweb:index")
    assert f'href="{index}"' in login.content.decode()
    assert "不用登录" in text_of(login)
    client.force_login(township_user)
    assert f'href="{index}">服务清单</a>' in client.get(reverse("search")).content.decode()
