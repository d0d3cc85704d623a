"""The service catalogues as data: every jurisdiction's file loads strictly, the figures resolve on a
date, and a wrong file fails with the file, the line, the path and the reason."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from yanglao.core.catalog.yamlio import CatalogError
from yanglao.core.services import cli
from yanglao.core.services.catalog import SERVICE_CATALOGS, UNITS, list_service_catalogs, load_services

FIVE = ["152223", "410400", "410721", "411303", "411700"]
ON = dt.date(2026, 5, 1)


def test_the_five_jurisdictions_have_a_catalogue() -> None:
    assert list_service_catalogs() == FIVE


@pytest.mark.parametrize("code", FIVE)
def test_each_catalogue_loads_with_the_documents_words(code: str) -> None:
    catalog = load_services(code)
    codes = {s.code for s in catalog.services}
    assert {"meal_aid", "cleaning_aid", "bath_aid", "medical_aid", "emergency_aid", "mobility_aid"} <= codes
    assert "home_adaptation" in codes
    source = (SERVICE_CATALOGS.parent.parent / "catalogs" / code / "source.txt").read_text(encoding="utf-8")
    flat = "".join(source.split())
    for service in catalog.services:
        assert service.unit in UNITS
        assert service.quote, service.code
        # the quote is the documents' words (PDF line breaks and spaces aside)
        assert "".join(service.quote.split()) in flat, (code, service.code)
        assert sum(share for _, share in service.funding.shares) == 1
        if service.item is not None:
            assert any(item.no == service.item for item in catalog.basic.items)


def test_figures_are_dated_parameters_marked_as_examples(tmp_path: Path) -> None:
    root = tmp_path / "catalogs"
    shutil.copytree(SERVICE_CATALOGS, root)
    path = root / "152223.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "        value: 15\n        reference: 示例值：请换成本旗老年助餐实施办法的每餐价格\n        example: true\n",
        "        value: 15\n        reference: 示例值：请换成本旗老年助餐实施办法的每餐价格\n        example: true\n"
        "      - from: 2026-07-01\n        value: 16\n        reference: 某某文件〔2026〕1号\n",
    )
    path.write_text(text, encoding="utf-8")
    catalog = load_services("152223", root)
    meal = catalog.by_code()["meal_aid"]
    assert catalog.value(meal.price_cap, dt.date(2026, 6, 30)) == Decimal(15)
    assert catalog.value(meal.price_cap, dt.date(2026, 7, 1)) == Decimal(16)
    assert catalog.is_example(meal.price_cap, dt.date(2026, 6, 30))
    assert not catalog.is_example(meal.price_cap, dt.date(2026, 7, 1))
    assert catalog.value(meal.price_cap, dt.date(2020, 1, 1)) is None  # before the first value


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    root = tmp_path / "catalogs"
    shutil.copytree(SERVICE_CATALOGS, root)
    path = root / "152223.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        ("    unit: 餐\n", "    unit: 份\n", "未知的计量单位“份”"),
        ("    unit: 餐\n", "    unit: 餐\n    prize_cap: 3\n", "未知的键“prize_cap”"),
        ("{param: meal_price_cap}", "{param: meal_price}", "未知参数“meal_price”"),
        ('rule: {">=": [age, 60]}', 'rule: {">=": [agee, 60]}', "未知字段“agee”"),
        ("{市: 0.3, 县: 0.7}}", "{市: 0.3, 县: 0.6}}", "比例之和应为 1"),
        ("{市: 0.3, 县: 0.7}}", "{市: 0.3, 乡: 0.7}}", "未知的键“乡”"),
        (
            "copay: {tekun: 0, dibao: {param: copay_dibao}",
            "copay: {tekun: 1.5, dibao: {param: copay_dibao}",
            "比例应在 0 到 1 之间",
        ),
        ("copay: {other: 1}", "copay: {other: 1, tekun: 0}", "不能既写自付比例又写每单位补贴"),
        ("    value: 40\n", "    value: -40\n", "不能为负数"),
        ("  - code: bath_aid\n", "  - code: meal_aid\n", "服务代码“meal_aid”重复"),
    ],
)
def test_a_wrong_file_fails_naming_line_path_and_reason(
    tmp_path: Path, old: str, new: str, reason: str
) -> None:
    root = _broken(tmp_path, old, new)
    with pytest.raises(CatalogError) as caught:
        load_services("152223", root)
    assert reason in str(caught.value)
    assert "152223.yaml:" in str(caught.value)  # the file and a line


def test_the_catalogue_json_lists_code_name_unit_price_cap_and_copay_rules(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["catalog", "--catalog", "152223", "--date", "2026-05-01", "--json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    by_code = {row["code"]: row for row in listing}
    meal = by_code["meal_aid"]
    assert (meal["name"], meal["unit"], meal["price_cap"]) == ("助餐", "餐", 15)
    rules = {r["category"]: r for r in meal["copay_rules"]}
    assert rules["tekun"]["subsidy_per_unit"] == 10
    assert rules["other"]["copay_share"] == 1
    assert by_code["cleaning_aid"]["copay"] == {
        "tekun": 0,
        "dibao": 0.1,
        "dibao_edge": 0.3,
        "fp_special": 0.3,
        "other": 1,
    }
    assert by_code["home_adaptation"]["price_cap"] is None
    assert by_code["home_adaptation"]["funding"]["levels"] == {"省": 1}
    assert meal["example"] is True
    assert all({"code", "name", "unit", "price_cap", "copay_rules"} <= row.keys() for row in listing)


def test_an_unknown_catalogue_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["catalog", "--catalog", "999999", "--date", "2026-05-01"]) == 2
    assert "没有服务目录“999999”" in capsys.readouterr().err
