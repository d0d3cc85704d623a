"""The statistics pages: dashboard (scoped), bulletin (PDF, XLSX), evaluation (export audited), open data."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.conftest import frozen_today
from yanglao.audit.models import Action, AuditEvent
from yanglao.facilities.models import Facility
from yanglao.regions.models import Region
from yanglao.registry.models import Person
from yanglao.stats.cache import _store
from yanglao.stats.opendata import DATASETS, reference_date

pytestmark = [pytest.mark.django_db, pytest.mark.hard_dates]

VILLAGE = "152223100001"
OTHER_VILLAGE = "152223101001"


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    _store().clear()
    yield
    _store().clear()


@pytest.fixture
def people(make_person: Callable[..., Person]) -> None:
    """30 people in 龙腾社区 (音德尔镇), 7 in 解放社区 (新林镇), of mixed ages and groups."""
    today = frozen_today()
    for i in range(30):
        make_person(
            f"甲{i}",
            birth=dt.date(today.year - 61 - i, 1, 5),
            sex="1" if i % 3 else "2",
            living_arrangement=("alone", "empty_nest", "with_family")[i % 3],
            dibao=i % 5 == 0,
            ability_level=i % 5,
        )
    for i in range(7):
        make_person(
            f"乙{i}", region=OTHER_VILLAGE, birth=dt.date(today.year - 70 - i, 1, 5), tekun="dispersed"
        )
    Facility.objects.create(
        name="音德尔镇敬老院",
        kind="public_home",
        region=Region.objects.get(code="152223100000"),
        beds=40,
        nursing_beds=20,
    )


def region_url(code: str) -> str:
    return reverse("stats:region", kwargs={"code": code})


# --- the dashboard ----------------------------------------------------------------------------------


def test_the_dashboard_needs_a_login(client: Any) -> None:
    response = client.get(region_url("152223"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_the_county_sees_the_county_with_its_townships(login: Any, county_user: Any, people: None) -> None:
    client = login(county_user)
    assert client.get(reverse("stats:index")).url == region_url("152223")
    response = client.get(region_url("152223"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "扎赉特旗老年人口与养老服务" in text
    assert "音德尔镇" in text
    assert "新林镇" in text
    assert region_url("152223100000") in text  # drill-down link
    assert "echarts-5.6.0.common.min.js" in text
    assert "stats-data" in text
    assert response.context["s"]["population_60_plus"] == 37


def test_drill_down_to_a_village(login: Any, township_user: Any, people: None) -> None:
    client = login(township_user)
    response = client.get(region_url("152223100000"))
    assert response.status_code == 200
    assert "龙腾社区" in response.content.decode()
    village = client.get(region_url(VILLAGE))
    assert village.status_code == 200
    assert village.context["s"]["population_60_plus"] == 30


def test_an_outsider_drilling_into_another_township_gets_404(login: Any, outsider: Any, people: None) -> None:
    client = login(outsider)
    assert client.get(region_url("152223101000")).status_code == 200  # their own township
    for code in ("152223100000", VILLAGE, "152223"):
        assert client.get(region_url(code)).status_code == 404
    assert client.get(reverse("stats:entitlements", kwargs={"code": "152223100000"})).status_code == 404
    denied = AuditEvent.objects.filter(action=Action.DENIED, user=outsider, object_type="region")
    assert set(denied.values_list("object_id", flat=True)) >= {"152223100000", VILLAGE, "152223"}


def test_the_township_does_not_see_the_county(login: Any, township_user: Any, people: None) -> None:
    assert login(township_user).get(region_url("152223")).status_code == 404
    assert login(township_user).get(reverse("stats:bulletin") + "?region=152223").status_code == 404


def test_entitlements_are_loaded_after_the_page(login: Any, county_user: Any, people: None) -> None:
    body = login(county_user).get(reverse("stats:entitlements", kwargs={"code": "152223"})).json()
    assert body["entitlements"]["catalog"] == "152223"
    assert body["entitlements"]["items"]


# --- the bulletin -----------------------------------------------------------------------------------


def pdf_text(data: bytes) -> bytes:
    """The PDF with its compressed streams inflated (fonts and names live in compressed objects)."""
    parts = [data]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return b"\n".join(parts)


def test_the_bulletin_pdf_embeds_its_chinese_font(login: Any, county_user: Any, people: None) -> None:
    last = reference_date()
    url = reverse("stats:bulletin-file", args=["152223", last.year, last.month, "pdf"])
    response = login(county_user).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    data = response.content
    assert data.startswith(b"%PDF")
    inflated = pdf_text(data)
    assert b"/FontFile2" in inflated  # an embedded TrueType font program
    assert b"YanglaoBulletinCJK" in inflated
    assert AuditEvent.objects.filter(action=Action.EXPORT, object_type="bulletin", user=county_user).exists()


def test_the_bulletin_xlsx_opens(login: Any, county_user: Any, people: None) -> None:
    last = reference_date()
    url = reverse("stats:bulletin-file", args=["152223", last.year, last.month, "xlsx"])
    book = load_workbook(io.BytesIO(login(county_user).get(url).content))
    assert {"公报", "指标", "年龄构成", "养老服务设施"} <= set(book.sheetnames)
    first = book["公报"]["A1"].value
    assert isinstance(first, str)
    assert first.startswith("扎赉特旗")
    assert "统计公报" in first
    texts = [c.value for c in book["公报"]["A"] if isinstance(c.value, str)]
    assert any(
        t.startswith(f"截至{last.year}年{last.month}月末，全旗有60周岁及以上户籍老年人口37人") for t in texts
    )


def test_the_bulletin_page(login: Any, county_user: Any, people: None) -> None:
    response = login(county_user).get(reverse("stats:bulletin") + "?region=152223")
    text = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in text
    assert "一、老年人口" in text


def test_a_month_to_come_has_no_bulletin(login: Any, county_user: Any) -> None:
    url = reverse("stats:bulletin-file", args=["152223", frozen_today().year + 1, 1, "pdf"])
    assert login(county_user).get(url).status_code == 404


# --- the evaluation ---------------------------------------------------------------------------------


def test_the_evaluation_ranks_townships_and_its_export_is_audited(
    login: Any, county_user: Any, people: None
) -> None:
    client = login(county_user)
    page = client.get(reverse("stats:evaluation") + "?region=152223")
    assert page.status_code == 200
    ranked = page.context["ranked"]
    assert [r.name for r in ranked][:2] == ["音德尔镇", "新林镇"]  # all assessed against none
    assert ranked[0].rank == 1
    response = client.get(reverse("stats:evaluation-export", kwargs={"code": "152223"}))
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book["考核排名"].iter_rows(values_only=True))
    assert rows[2][:4] == ("排名", "代码", "名称", "综合得分")
    assert rows[3][2] == "音德尔镇"
    event = AuditEvent.objects.get(action=Action.EXPORT, object_type="evaluation")
    assert event.user == county_user
    assert event.object_id == "152223"


def test_the_outsider_cannot_export_another_townships_evaluation(login: Any, outsider: Any) -> None:
    url = reverse("stats:evaluation-export", kwargs={"code": "152223100000"})
    assert login(outsider).get(url).status_code == 404
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


# --- open data --------------------------------------------------------------------------------------


def test_open_data_needs_no_login_and_has_no_cell_below_5(client: Any, people: None) -> None:
    index = client.get(reverse("stats:open"))
    assert index.status_code == 200
    assert "扎赉特旗" in index.content.decode()
    for dataset in DATASETS:
        response = client.get(reverse("stats:open-csv", kwargs={"code": "152223", "dataset": dataset.key}))
        assert response.status_code == 200
        data = response.content
        assert data.startswith("\ufeff".encode())  # BOM: Excel reads UTF-8
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        assert rows[0][:2] == ["区划代码", "名称"]
        for row in rows[1:]:
            for cell in row[2:]:
                assert cell == "*" or int(cell) >= 5, (dataset.key, row)
        # 新林镇 has 7 people: its age cells are all small, so they are hidden.
        if dataset.key == "age":
            xinlin = next(r for r in rows if r[1] == "新林镇")
            assert xinlin.count("*") >= 2


def test_open_data_never_names_a_person(client: Any, people: None) -> None:
    for dataset in DATASETS:
        text = client.get(
            reverse("stats:open-csv", kwargs={"code": "152223", "dataset": dataset.key})
        ).content.decode()
        assert "甲" not in text
        assert "乙" not in text
    assert (
        client.get(reverse("stats:open-csv", kwargs={"code": "152223", "dataset": "persons"})).status_code
        == 404
    )
