"""The language extensions of issue 12: payee, quantities with units, the applicant's choice, a list's own
dates and status — read strictly, evaluated, and said in the explanation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.unit.catalog.catalog_helpers import CATALOG_YAML, WriteCatalog
from tests.unit.catalog.test_loader_errors import assert_error, items_with, load_error
from yanglao.core.catalog import load_catalog
from yanglao.core.catalog.evaluate import evaluate
from yanglao.core.catalog.model import Quantity
from yanglao.core.catalog.words import quantity_text

ON = dt.date(2024, 7, 1)


@pytest.mark.parametrize(
    ("body", "path", "reason"),
    [
        ("rule: dibao\npayee: bank\n", "items[0].payee", "未知的领取方“bank”"),
        ("rule: dibao\npayee_text: 敬老院\n", "items[0].payee_text", "只用于 payee: institution"),
        (
            "rule: dibao\nquantity: {unit: hours, value: 1}\n",
            "items[0].quantity.unit",
            "未知的数量单位“hours”",
        ),
        ("rule: dibao\nquantity: {unit: times}\n", "items[0].quantity.unit", "须写 value"),
        ("rule: dibao\nquantity: {unit: free, value: 1}\n", "items[0].quantity.value", "没有数值"),
        ("rule: dibao\nquantity: {unit: percent, value: 170}\n", "items[0].quantity.value", "不能超过100"),
        (
            "rule: dibao\nquantity: {unit: percent, value: 70, per: month}\n",
            "items[0].quantity.per",
            "只有次数（times）有周期",
        ),
        (
            "rule: dibao\nquantity: {unit: times, value: 1, per: week}\n",
            "items[0].quantity.per",
            "未知的周期“week”",
        ),
        ("rule: dibao\nquantity: {unit: times, value: 1, every: 2}\n", "items[0].quantity.every", ""),
    ],
)
def test_payee_and_quantity_are_checked_with_file_line_path(
    write_catalog: WriteCatalog, body: str, path: str, reason: str
) -> None:
    err = load_error(write_catalog, items=items_with(body))
    assert_error(err, "items.yaml", path, reason)
    assert err.line is not None


@pytest.mark.parametrize(
    ("extra", "path", "reason"),
    [
        ("status: proposed\n", "status", "未知的清单状态“proposed”"),
        ("effective_from: soon\n", "effective_from", "不是 YYYY-MM-DD 格式的有效日期"),
        ("effective_from: 2024-06-01\neffective_to: 2024-01-01\n", "effective_to", "早于施行日期"),
    ],
)
def test_list_status_and_dates_are_checked(
    write_catalog: WriteCatalog, extra: str, path: str, reason: str
) -> None:
    err = load_error(write_catalog, catalog=CATALOG_YAML + extra)
    assert_error(err, "catalog.yaml", path, reason)


def test_an_unknown_chooser_is_refused(write_catalog: WriteCatalog) -> None:
    items = items_with("rule: dibao\n") + (
        "  - no: '2'\n    code: care_subsidy\n    name: 护理补贴\n    type: material_aid\n    rule: dibao\n"
        "exclusive_groups:\n  - name: 择高\n    members: [service_subsidy, care_subsidy]\n    chooser: me\n"
    )
    err = load_error(write_catalog, items=items)
    assert_error(err, "items.yaml", "exclusive_groups[0].chooser", "未知的择高方式“me”")


def test_quantities_in_words() -> None:
    assert quantity_text(Quantity("times", Decimal(1), "month", "floor")) == "每月至少1次"
    assert quantity_text(Quantity("times", Decimal(1), "year")) == "每年1次"
    assert quantity_text(Quantity("percent", Decimal(70))) == "70%"
    assert quantity_text(Quantity("percent", Decimal(30), None, "floor")) == "不低于30%"
    assert quantity_text(Quantity("sum_insured", Decimal(10000))) == "保额10000元"
    assert quantity_text(Quantity("free")) == "免费"
    assert quantity_text(Quantity("priority")) == "优先"


def test_a_list_grants_nothing_before_it_is_in_force(write_catalog: WriteCatalog) -> None:
    root = write_catalog(catalog=CATALOG_YAML + "effective_from: 2024-06-01\n")
    catalog = load_catalog("990001", root)
    before = evaluate(catalog, {"birth_date": dt.date(1940, 1, 1), "dibao": True}, dt.date(2024, 5, 31))
    assert before.items == ()
    assert any("2024-06-01 起施行" in note for note in before.notes)
    after = evaluate(catalog, {"birth_date": dt.date(1940, 1, 1), "dibao": True}, dt.date(2024, 6, 1))
    assert after.items


def test_a_draft_named_explicitly_is_evaluated_and_says_it_is_a_draft() -> None:
    catalog = load_catalog("411700")
    assert catalog.status == "draft"
    decision = evaluate(catalog, {"birth_date": dt.date(1940, 1, 1), "hukou_region": "411702"}, ON)
    assert decision.granted()
    assert "本清单是征求意见稿" in decision.notes


def test_woolong_item_11_is_paid_to_the_home() -> None:
    catalog = load_catalog("411303")
    person = {"birth_date": dt.date(1950, 1, 1), "hukou_region": "411303", "tekun": "centralized"}
    item = evaluate(catalog, person, ON).item("11")
    assert item.granted
    assert item.amount == Decimal("500.00")
    assert item.payee == "institution"
    assert "由供养本人的敬老院领取（不发给本人）" in item.amount_text


def test_a_draft_is_not_found_by_hukou_unless_adopted() -> None:
    from yanglao.core.catalog.loader import hukou_codes, list_codes
    from yanglao.core.discovery import catalog_for

    assert {"410400", "411700"} <= set(list_codes())
    found = hukou_codes()
    assert "411700" not in found
    assert "410400" not in found
    assert catalog_for("411702", found) == "410000"  # a 驻马店 person: the province's list applies
    assert catalog_for("410721", found) == "410721"


@pytest.mark.parametrize(("status", "found"), [("draft", False), ("adopted", True), ("issued", True)])
def test_an_adopted_draft_is_found_by_hukou(write_catalog: WriteCatalog, status: str, found: bool) -> None:
    from yanglao.core.catalog.loader import hukou_codes

    root = write_catalog(catalog=CATALOG_YAML + f"status: {status}\n")
    assert ("990001" in hukou_codes(root)) is found


def test_quantities_of_the_lists_are_data_shown_in_explanations_and_output() -> None:
    from yanglao.core.catalog.itemfacts import item_facts

    catalog = load_catalog("410721")
    _, visits = catalog.benefit("visits")
    assert visits.quantity == Quantity("times", Decimal(1), "month", "floor")
    facts = {
        catalog.benefit(code)[0].no: code for code in ("health_management", "visits", "culture_services")
    }
    by_no = item_facts(catalog, ON)
    assert {facts[no]: by_no[no]["quantity"]["unit"] for no in facts} == {
        "health_management": "times",
        "visits": "times",
        "culture_services": "free",
    }
    person = {"birth_date": dt.date(1950, 1, 1), "hukou_region": "410721", "residence_region": "410721"}
    health = evaluate(catalog, person, ON).item(catalog.benefit("health_management")[0].no)
    assert health.granted
    assert "标准：每年1次" in health.amount_text
    assert load_catalog("152223").benefit("accident_insurance")[1].quantity == Quantity(
        "sum_insured", Decimal(25000)
    )
