"""The one-person evaluator: rule semantics, amounts, parameters on a date, options, 择高, death."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.unit.catalog.catalog_helpers import CATALOG_PLAIN_YAML, WriteCatalog
from yanglao.core.catalog import Catalog, evaluate, load_catalog
from yanglao.core.person import Value

ON = dt.date(2024, 7, 1)


def one_item(
    write_catalog: WriteCatalog, rule: str, amount: str = "null", comparison: str = "exact"
) -> Catalog:
    items = f"""\
items:
  - no: "1"
    code: service_subsidy
    name: 养老服务补贴
    type: material_aid
    rule: {rule}
    amount: {amount}
    period: month
    comparison: {comparison}
"""
    return load_catalog("990001", write_catalog(items=items))


def granted(catalog: Catalog, person: dict[str, Value], on: dt.date = ON, **options: bool) -> bool:
    return evaluate(catalog, person, on, options).item("1").granted


def amount(catalog: Catalog, person: dict[str, Value], on: dt.date = ON) -> Decimal | None:
    return evaluate(catalog, person, on).item("1").amount


BORN_80_ON_ON = dt.date(1944, 7, 1)


def test_age_is_in_completed_years_on_the_date(write_catalog: WriteCatalog) -> None:
    catalog = one_item(write_catalog, '{">=": [age, 80]}')
    assert granted(catalog, {"birth_date": BORN_80_ON_ON})
    assert not granted(catalog, {"birth_date": BORN_80_ON_ON}, ON - dt.timedelta(days=1))


def test_a_29_february_birthday_counts_from_1_march_in_common_years(write_catalog: WriteCatalog) -> None:
    catalog = one_item(write_catalog, '{">=": [age, 70]}')
    person: dict[str, Value] = {"birth_date": dt.date(1956, 2, 29)}
    assert not granted(catalog, person, dt.date(2026, 2, 28))
    assert granted(catalog, person, dt.date(2026, 3, 1))


def test_a_comparison_with_an_unknown_value_is_false_and_says_unknown(write_catalog: WriteCatalog) -> None:
    catalog = one_item(write_catalog, '{">=": [age, 80]}')
    decision = evaluate(catalog, {}, ON).item("1")
    assert not decision.granted
    assert decision.reason == "不符合：年龄 ≥ 80周岁（本人：未知）"
    assert [(c.text, c.value, c.result) for c in decision.conditions()] == [
        ("年龄 ≥ 80周岁", "本人：未知", False)
    ]


def test_not_is_plain_negation_so_not_over_unknown_is_true(write_catalog: WriteCatalog) -> None:
    catalog = one_item(write_catalog, '{not: {">=": [age, 80]}}')
    assert granted(catalog, {})
    assert granted(catalog, {"birth_date": dt.date(1960, 1, 1)})
    assert not granted(catalog, {"birth_date": dt.date(1930, 1, 1)})


def test_is_known_guards_against_unknown(write_catalog: WriteCatalog) -> None:
    catalog = one_item(write_catalog, '{all: [{is_known: age}, {not: {">=": [age, 80]}}]}')
    assert not granted(catalog, {})
    assert granted(catalog, {"birth_date": dt.date(1960, 1, 1)})


def test_a_bare_bool_field_means_true_and_unknown_is_not_true(write_catalog: WriteCatalog) -> None:
    catalog = one_item(write_catalog, "dibao")
    assert granted(catalog, {"dibao": True})
    assert not granted(catalog, {"dibao": False})
    assert not granted(catalog, {"dibao": None})
    negated = one_item(write_catalog, '{"=": [dibao, false]}')
    assert negated.items[0].benefits[0].rule is not None
    assert granted(negated, {"dibao": False})
    assert not granted(negated, {"dibao": None})


def test_membership_in_codes_and_integers(write_catalog: WriteCatalog) -> None:
    catalog = one_item(
        write_catalog, "{any: [{in: [tekun, [dispersed, centralized]]}, {in: [disability_grade, [1, 2]]}]}"
    )
    assert granted(catalog, {"tekun": "centralized"})
    assert granted(catalog, {"disability_grade": 2})
    assert not granted(catalog, {"tekun": "none", "disability_grade": 3})
    assert not granted(catalog, {})


def test_region_within_a_jurisdiction_matches_the_prefix_at_its_level(write_catalog: WriteCatalog) -> None:
    province = one_item(write_catalog, '{within: [hukou_region, "150000"]}')
    assert granted(province, {"hukou_region": "152223"})
    assert granted(province, {"hukou_region": "152223100200"})
    assert not granted(province, {"hukou_region": "410721"})
    assert not granted(province, {})
    city = one_item(write_catalog, '{within: [hukou_region, "152200"]}')
    assert granted(city, {"hukou_region": "152223"})
    assert not granted(city, {"hukou_region": "150102"})
    county = one_item(write_catalog, '{within: [hukou_region, "410721"]}')
    assert granted(county, {"hukou_region": "410721103001"})
    assert not granted(county, {"hukou_region": "410702"})


def test_comparisons_between_fields_and_parameters(write_catalog: WriteCatalog) -> None:
    catalog = one_item(write_catalog, '{"<": [disability_grade, ability_level]}')
    assert granted(catalog, {"disability_grade": 1, "ability_level": 3})
    assert not granted(catalog, {"disability_grade": 3, "ability_level": 3})
    by_param = one_item(write_catalog, '{">=": [disabled_months, {"/": [{param: minimum_wage}, 100]}]}')
    assert granted(by_param, {"disabled_months": 10})
    assert not granted(by_param, {"disabled_months": 9})


def test_dates_compare_with_date_literals(write_catalog: WriteCatalog) -> None:
    catalog = one_item(write_catalog, '{"<": [ability_assessed_on, 2024-01-01]}')
    assert granted(catalog, {"ability_assessed_on": dt.date(2023, 12, 31)})
    assert not granted(catalog, {"ability_assessed_on": dt.date(2024, 1, 1)})


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ('{"*": [1.3, {param: dibao_standard}]}', Decimal("780.00")),  # 1.3 × 600
        ('{"/": [{param: minimum_wage}, 3]}', Decimal("333.33")),  # 1/3 × 1000
        ('{"/": [{param: minimum_wage}, 6]}', Decimal("166.67")),  # half-up
        ('{"*": [{"/": [1, 3]}, {param: minimum_wage}]}', Decimal("333.33")),
        ('{"-": [{param: minimum_wage}, 0.125, 999.75]}', Decimal("0.13")),  # 0.125 → 0.13 half-up
        ('{"+": [0.1, 0.2]}', Decimal("0.30")),  # exact decimals, no float error
    ],
)
def test_arithmetic_is_exact_and_rounds_half_up_to_the_cent(
    write_catalog: WriteCatalog, expr: str, expected: Decimal
) -> None:
    catalog = one_item(write_catalog, "dibao", amount=expr)
    assert amount(catalog, {"dibao": True}) == expected


def test_a_bracket_table_with_an_open_top(write_catalog: WriteCatalog) -> None:
    bracket = (
        "{bracket: {of: age, rows: [{from: 80, to: 89, value: 50}, {from: 90, to: 99, value: 100}, "
        "{from: 100, value: 300}]}}"
    )
    catalog = one_item(write_catalog, '{">=": [age, 80]}', amount=bracket, comparison="floor")

    def at_age(years: int) -> Decimal | None:
        return amount(catalog, {"birth_date": dt.date(ON.year - years, ON.month, ON.day)})

    assert (at_age(80), at_age(89), at_age(90), at_age(99), at_age(100), at_age(105)) == (
        Decimal("50.00"),
        Decimal("50.00"),
        Decimal("100.00"),
        Decimal("100.00"),
        Decimal("300.00"),
        Decimal("300.00"),
    )


def test_choose_takes_the_first_case_that_holds(write_catalog: WriteCatalog) -> None:
    choose = (
        "{choose: {cases: [{when: {in: [tekun_care, [full]]}, value: {'/': [{param: minimum_wage}, 3]}}, "
        "{when: {in: [tekun_care, [half]]}, value: {'/': [{param: minimum_wage}, 6]}}], otherwise: 0}}"
    )
    catalog = one_item(write_catalog, "{in: [tekun, [dispersed]]}", amount=choose, comparison="floor")
    base: dict[str, Value] = {"tekun": "dispersed"}
    assert amount(catalog, base | {"tekun_care": "full"}) == Decimal("333.33")
    assert amount(catalog, base | {"tekun_care": "half"}) == Decimal("166.67")
    assert amount(catalog, base | {"tekun_care": "self"}) == Decimal("0.00")


def test_parameters_are_read_on_the_date_with_their_reference(write_catalog: WriteCatalog) -> None:
    catalog = one_item(write_catalog, "dibao", amount="{param: dibao_standard}", comparison="floor")
    person: dict[str, Value] = {"dibao": True}
    assert amount(catalog, person, dt.date(2024, 12, 31)) == Decimal("600.00")
    assert amount(catalog, person, dt.date(2025, 1, 1)) == Decimal("700.00")
    decision = evaluate(catalog, person, dt.date(2024, 12, 31)).item("1")
    (read,) = decision.params
    assert (read.value, read.valid_from, read.reference, read.example) == (
        Decimal(600),
        dt.date(2024, 1, 1),
        "测试文件1号",
        True,
    )
    assert "示例值" in read.text()
    assert "不低于" in decision.amount_text


def test_a_parameter_not_yet_in_force_leaves_the_amount_unknown(write_catalog: WriteCatalog) -> None:
    catalog = one_item(write_catalog, "dibao", amount="{param: dibao_standard}")
    decision = evaluate(catalog, {"dibao": True}, dt.date(2023, 12, 31)).item("1")
    assert decision.granted
    assert decision.amount is None
    assert "无法计算" in decision.amount_text
    assert decision.params[0].text() == "低保标准：该日期无有效值"


def test_a_local_option_is_off_by_default_and_can_be_switched_on(write_catalog: WriteCatalog) -> None:
    catalog = load_catalog("990001", write_catalog())
    edge: dict[str, Value] = {"birth_date": dt.date(1950, 1, 1), "dibao_edge": True}
    assert not evaluate(catalog, edge, ON).item("1").granted
    assert "本地未开启" in evaluate(catalog, edge, ON).item("1").reason
    assert evaluate(catalog, edge, ON, {"extend_edge": True}).item("1").granted
    with pytest.raises(ValueError, match="没有地方选项“extend_all”"):
        evaluate(catalog, edge, ON, {"extend_all": True})


def test_a_person_who_died_on_the_date_gets_nothing(write_catalog: WriteCatalog) -> None:
    catalog = one_item(write_catalog, "dibao")
    dead: dict[str, Value] = {"dibao": True, "death_date": ON}
    decision = evaluate(catalog, dead, ON)
    assert decision.deceased
    assert not decision.item("1").granted
    assert "已于 2024-07-01 去世" in decision.item("1").reason
    assert evaluate(catalog, dead, ON - dt.timedelta(days=1)).item("1").granted


def test_an_item_without_a_rule_is_not_machine_evaluable(write_catalog: WriteCatalog) -> None:
    items = """\
items:
  - no: "1"
    code: temporary_assistance
    name: 临时救助
    type: material_aid
    rule: null
    rule_note: 取决于突发事件
"""
    catalog = load_catalog("990001", write_catalog(items=items))
    decision = evaluate(catalog, {"dibao": True}, ON).item("1")
    assert decision.status == "not_evaluable"
    assert decision.reason == "无法机器判断：取决于突发事件"


def test_items_are_in_force_between_valid_from_and_valid_to(write_catalog: WriteCatalog) -> None:
    items = """\
items:
  - {no: "1", code: dibao, name: 低保, type: material_aid, rule: dibao, valid_to: 2024-12-31}
  - {no: "2", code: visits, name: 探访, type: caring_service, rule: dibao, valid_from: 2025-01-01}
"""
    catalog = load_catalog("990001", write_catalog(items=items))
    assert [d.no for d in evaluate(catalog, {"dibao": True}, dt.date(2024, 12, 31)).items] == ["1"]
    assert [d.no for d in evaluate(catalog, {"dibao": True}, dt.date(2025, 1, 1)).items] == ["2"]


GROUP_ITEMS = """\
items:
  - no: "2"
    code: care_subsidy
    name: 护理补贴
    type: material_aid
    rule: self_care_unable
    amount: {care}
    period: month
    comparison: floor
  - no: "10"
    code: disability_subsidies
    name: 两项补贴
    type: material_aid
    parts:
      - code: disability_living_subsidy
        name: 生活补贴
        rule: {{all: [dibao, {{is_known: disability_grade}}]}}
        amount: 75
        period: month
        comparison: floor
      - code: severe_disability_care_subsidy
        name: 重度残疾人护理补贴
        rule: {{in: [disability_grade, [1, 2]]}}
        amount: {severe}
        period: {severe_period}
        comparison: floor
exclusive_groups:
  - name: 护理补贴择高
    members: [care_subsidy, severe_disability_care_subsidy]
"""
BOTH: dict[str, Value] = {"self_care_unable": True, "dibao": True, "disability_grade": 1}


def group_catalog(
    write_catalog: WriteCatalog, care: str, severe: str, severe_period: str = "month"
) -> Catalog:
    items = GROUP_ITEMS.format(care=care, severe=severe, severe_period=severe_period)
    return load_catalog("990001", write_catalog(items=items, catalog=CATALOG_PLAIN_YAML))


def test_exclusive_group_grants_only_the_higher_amount(write_catalog: WriteCatalog) -> None:
    decision = evaluate(group_catalog(write_catalog, "60", "75"), BOTH, ON)
    care, two = decision.item("2"), decision.item("10")
    assert care.status == "excluded"
    assert care.amount is None
    assert care.reason.startswith("择高：已享受更高的 第10项 重度残疾人护理补贴")
    assert two.granted
    assert [(p.code, p.status, p.amount) for p in two.parts] == [
        ("disability_living_subsidy", "granted", Decimal("75.00")),
        ("severe_disability_care_subsidy", "granted", Decimal("75.00")),
    ]
    assert two.amount == Decimal("150.00")


def test_exclusive_group_compares_amounts_per_year(write_catalog: WriteCatalog) -> None:
    decision = evaluate(group_catalog(write_catalog, "60", "700", severe_period="year"), BOTH, ON)
    assert decision.item("2").granted
    assert [p.status for p in decision.item("10").parts] == ["granted", "excluded"]


def test_exclusive_group_tie_goes_to_the_lower_number(write_catalog: WriteCatalog) -> None:
    decision = evaluate(group_catalog(write_catalog, "75", "75"), BOTH, ON)
    assert decision.item("2").granted
    severe = decision.item("10").parts[1]
    assert severe.status == "excluded"
    assert "金额相同，按序号在前者享受" in severe.reason


def test_exclusive_group_unknown_amount_ranks_below_a_known_one(write_catalog: WriteCatalog) -> None:
    decision = evaluate(group_catalog(write_catalog, "null", "75"), BOTH, ON)
    assert decision.item("2").status == "excluded"
    assert "本项金额未定" in decision.item("2").reason
    decision = evaluate(group_catalog(write_catalog, "null", "null"), BOTH, ON)
    assert decision.item("2").granted
    assert "金额未定，按序号在前者享受" in decision.item("10").parts[1].reason


def test_exclusive_group_does_nothing_when_only_one_member_qualifies(write_catalog: WriteCatalog) -> None:
    decision = evaluate(group_catalog(write_catalog, "60", "75"), BOTH | {"disability_grade": 3}, ON)
    assert decision.item("2").granted
    assert [p.status for p in decision.item("10").parts] == ["granted", "not_granted"]
