"""A broken list file fails the load with the file, the path inside it, the line and the reason."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.unit.catalog.catalog_helpers import ITEM_YAML, PARAMETERS_YAML, WriteCatalog
from yanglao.core.catalog import CatalogError, load_all, load_catalog

HEAD = """\
items:
  - no: "1"
    code: service_subsidy
    name: 养老服务补贴
    type: material_aid
"""


def items_with(body: str) -> str:
    """An items.yaml whose single item has ``body`` (YAML at the item's indentation) after its head."""
    return HEAD + textwrap.indent(textwrap.dedent(body), "    ")


def load_error(write_catalog: WriteCatalog, **files: str) -> CatalogError:
    root = write_catalog(**files)
    with pytest.raises(CatalogError) as info:
        load_catalog("990001", root)
    return info.value


def assert_error(err: CatalogError, file: str, path: str, reason: str) -> None:
    message = str(err)
    assert Path(err.file).name == file, message
    assert err.path == path, message
    assert reason in err.reason, message
    where = err.file if err.line is None else f"{err.file}:{err.line}"
    assert message.startswith(f"{where}: {path}: "), message


def test_it_rejects_an_unknown_code_value_naming_the_path(write_catalog: WriteCatalog) -> None:
    err = load_error(
        write_catalog,
        items=items_with("""\
            rule:
              all:
                - ">=": [age, 60]
                - in: [tekun, [dispersd]]
        """),
    )
    assert_error(err, "items.yaml", "items[0].rule.all[1].in[1][0]", "没有代码“dispersd”")
    assert "dispersed（分散供养）" in err.reason
    assert err.line == 9


def test_it_rejects_an_unknown_field(write_catalog: WriteCatalog) -> None:
    err = load_error(write_catalog, items=items_with('rule: {">=": [agee, 60]}\n'))
    assert_error(err, "items.yaml", "items[0].rule.>=[0]", "未知字段“agee”")


def test_it_rejects_an_unknown_field_in_is_known_and_in(write_catalog: WriteCatalog) -> None:
    err = load_error(write_catalog, items=items_with("rule: {is_known: hukou}\n"))
    assert_error(err, "items.yaml", "items[0].rule.is_known", "未知字段“hukou”")
    err = load_error(write_catalog, items=items_with("rule: {in: [tekunn, [dispersed]]}\n"))
    assert_error(err, "items.yaml", "items[0].rule.in[0]", "未知字段“tekunn”")


def test_it_rejects_an_unknown_parameter(write_catalog: WriteCatalog) -> None:
    err = load_error(
        write_catalog,
        items=items_with("""\
            rule: dibao
            amount: {"*": [1.3, {param: dibao_standrd}]}
            period: month
            comparison: floor
        """),
    )
    assert_error(err, "items.yaml", "items[0].amount.*[1].param", "未知参数“dibao_standrd”")
    assert "dibao_standard" in err.reason


def test_a_parameter_name_written_bare_gets_a_hint(write_catalog: WriteCatalog) -> None:
    err = load_error(write_catalog, items=items_with("rule: {'>=': [age, dibao_standard]}\n"))
    assert_error(err, "items.yaml", "items[0].rule.>=[1]", "参数请写成 {param: 名称}")


def test_it_rejects_comparing_a_bool_field_with_a_number(write_catalog: WriteCatalog) -> None:
    err = load_error(write_catalog, items=items_with('rule: {"=": [dibao, 1]}\n'))
    assert_error(err, "items.yaml", "items[0].rule.=", "类型不符：左边是布尔值（dibao），右边是数（1）")


def test_it_rejects_ordering_booleans(write_catalog: WriteCatalog) -> None:
    err = load_error(write_catalog, items=items_with('rule: {">=": [dibao, true]}\n'))
    assert_error(err, "items.yaml", "items[0].rule.>=", "布尔值只能用 = 或 != 比较")


def test_it_rejects_comparing_a_code_field(write_catalog: WriteCatalog) -> None:
    err = load_error(write_catalog, items=items_with('rule: {"=": [tekun, 1]}\n'))
    assert_error(err, "items.yaml", "items[0].rule.=[0]", "代码请用 in 判断")


def test_it_rejects_a_bare_non_bool_field_as_condition(write_catalog: WriteCatalog) -> None:
    err = load_error(write_catalog, items=items_with("rule: {all: [dibao, tekun]}\n"))
    assert_error(err, "items.yaml", "items[0].rule.all[1]", "只适用于布尔字段")


def test_age_alone_is_not_a_condition(write_catalog: WriteCatalog) -> None:
    err = load_error(write_catalog, items=items_with("rule: age\n"))
    assert_error(err, "items.yaml", "items[0].rule", "age 是数，不是条件")


def test_it_rejects_in_on_a_bool_field_and_out_of_range_integers(write_catalog: WriteCatalog) -> None:
    err = load_error(write_catalog, items=items_with("rule: {in: [dibao, [true]]}\n"))
    assert_error(err, "items.yaml", "items[0].rule.in[0]", "in 只适用于代码字段或整数字段")
    err = load_error(write_catalog, items=items_with("rule: {in: [disability_grade, [1, 5]]}\n"))
    assert_error(err, "items.yaml", "items[0].rule.in[1][1]", "应为 1–4 的整数")


def test_it_rejects_a_region_that_is_not_six_digits(write_catalog: WriteCatalog) -> None:
    err = load_error(write_catalog, items=items_with("rule: {within: [hukou_region, 15]}\n"))
    assert_error(err, "items.yaml", "items[0].rule.within[1]", "应为6位 GB/T 2260 区划代码")
    err = load_error(write_catalog, items=items_with('rule: {within: [dibao, "150000"]}\n'))
    assert_error(err, "items.yaml", "items[0].rule.within[0]", "within 只适用于区划字段")


def test_it_rejects_an_unknown_option(write_catalog: WriteCatalog) -> None:
    err = load_error(write_catalog, items=items_with("rule: {option: extend_everyone}\n"))
    assert_error(err, "items.yaml", "items[0].rule.option", "未声明的地方选项“extend_everyone”")


def test_it_rejects_an_unknown_operator(write_catalog: WriteCatalog) -> None:
    err = load_error(write_catalog, items=items_with("rule: {eq: [dibao, true]}\n"))
    assert_error(err, "items.yaml", "items[0].rule.eq", "未知的条件“eq”")


def test_it_rejects_a_duplicate_key_with_both_lines(write_catalog: WriteCatalog) -> None:
    err = load_error(write_catalog, items=items_with("rule: dibao\nname: 又一个名字\n"))
    assert Path(err.file).name == "items.yaml"
    assert "重复的键“name”（第一次出现在第 4 行）" in err.reason
    assert err.line == 7


def test_it_rejects_a_duplicate_key_in_parameters(write_catalog: WriteCatalog) -> None:
    params = PARAMETERS_YAML.replace("    unit: 元/月\n", "    unit: 元/月\n    unit: 元/年\n")
    err = load_error(write_catalog, parameters=params)
    assert Path(err.file).name == "parameters.yaml"
    assert "重复的键“unit”" in err.reason


def test_it_rejects_an_unknown_item_key(write_catalog: WriteCatalog) -> None:
    err = load_error(write_catalog, items=items_with("rule: dibao\nammount: 60\n"))
    assert_error(err, "items.yaml", "items[0].ammount", "未知的键“ammount”")


def test_it_rejects_an_unknown_service_code(write_catalog: WriteCatalog) -> None:
    err = load_error(write_catalog, items=ITEM_YAML.replace("code: service_subsidy", "code: gaoling"))
    assert_error(err, "items.yaml", "items[0].code", "服务代码“gaoling”不在 taxonomy.yaml 中")


def test_it_rejects_an_unknown_item_type(write_catalog: WriteCatalog) -> None:
    err = load_error(write_catalog, items=ITEM_YAML.replace("type: material_aid", "type: 物质帮助"))
    assert_error(err, "items.yaml", "items[0].type", "未知服务类型“物质帮助”")


def test_it_rejects_overlapping_brackets(write_catalog: WriteCatalog) -> None:
    err = load_error(
        write_catalog,
        items=items_with("""\
            rule: {">=": [age, 80]}
            amount:
              bracket:
                of: age
                rows:
                  - {from: 80, to: 90, value: 50}
                  - {from: 90, to: 99, value: 100}
            period: month
            comparison: floor
        """),
    )
    assert_error(err, "items.yaml", "items[0].amount.bracket.rows[1]", "重叠")


def test_it_rejects_an_amount_without_period(write_catalog: WriteCatalog) -> None:
    err = load_error(write_catalog, items=items_with("rule: dibao\namount: 60\ncomparison: floor\n"))
    assert_error(err, "items.yaml", "items[0].amount", "有 amount 时必须写 period")


def test_it_rejects_a_text_amount(write_catalog: WriteCatalog) -> None:
    err = load_error(
        write_catalog, items=items_with("rule: dibao\namount: dibao\nperiod: month\ncomparison: exact\n")
    )
    assert_error(err, "items.yaml", "items[0].amount", "金额应为数（元），实际为布尔值")


def test_it_requires_a_note_when_there_is_no_rule(write_catalog: WriteCatalog) -> None:
    err = load_error(write_catalog, items=items_with("rule: null\n"))
    assert_error(err, "items.yaml", "items[0].rule", "必须用 rule_note 说明")
    err = load_error(write_catalog, items=items_with("content: 没有规则\n"))
    assert_error(err, "items.yaml", "items[0]", "缺少必填的键“rule”")


def test_it_rejects_parameter_values_out_of_date_order(write_catalog: WriteCatalog) -> None:
    params = PARAMETERS_YAML.replace("from: 2025-01-01", "from: 2023-01-01")
    err = load_error(write_catalog, parameters=params)
    assert_error(err, "parameters.yaml", "parameters.dibao_standard.values[1].from", "从早到晚")


def test_it_rejects_a_parameter_named_like_a_field(write_catalog: WriteCatalog) -> None:
    err = load_error(write_catalog, parameters=PARAMETERS_YAML.replace("minimum_wage:", "dibao:"))
    assert_error(err, "parameters.yaml", "parameters.dibao", "与人员字段同名")


def test_yes_and_no_are_not_booleans(write_catalog: WriteCatalog) -> None:
    catalog = 'code: "{code}"\nname: 测试\nversion: "1"\nreconstructed: yes\n'
    err = load_error(write_catalog, catalog=catalog)
    assert_error(err, "catalog.yaml", "reconstructed", "应为 true 或 false，实际为文字")


def test_duplicate_numbers_and_codes_are_rejected(write_catalog: WriteCatalog) -> None:
    second = ITEM_YAML.split("items:\n", 1)[1]
    err = load_error(write_catalog, items=ITEM_YAML + second)
    assert_error(err, "items.yaml", "items[1].no", "序号“1”重复")
    err = load_error(write_catalog, items=ITEM_YAML + second.replace('no: "1"', 'no: "2"'))
    assert_error(err, "items.yaml", "items[1].code", "服务代码“service_subsidy”在本清单中重复")


def test_an_exclusive_group_must_name_existing_benefits(write_catalog: WriteCatalog) -> None:
    items = ITEM_YAML + "exclusive_groups:\n  - {name: 择高, members: [service_subsidy, care_subsidy]}\n"
    err = load_error(write_catalog, items=items)
    assert_error(err, "items.yaml", "exclusive_groups[0].members[1]", "没有服务代码为“care_subsidy”")


def test_a_yaml_syntax_error_names_the_line(write_catalog: WriteCatalog) -> None:
    err = load_error(write_catalog, items=items_with("rule: {all: [dibao\n"))
    assert Path(err.file).name == "items.yaml"
    assert "YAML 格式错误" in err.reason
    assert err.line is not None


def test_the_folder_name_must_match_the_code(write_catalog: WriteCatalog) -> None:
    root = write_catalog()
    (root / "990001").rename(root / "990002")
    with pytest.raises(CatalogError) as info:
        load_catalog("990002", root)
    assert_error(info.value, "catalog.yaml", "code", "与文件夹名“990002”不一致")


def test_a_missing_parent_fails_load_all(write_catalog: WriteCatalog) -> None:
    root = write_catalog(parent="990000")
    with pytest.raises(CatalogError) as info:
        load_all(root)
    assert_error(info.value, "catalog.yaml", "parent", "上级清单“990000”不存在")


def test_a_well_formed_catalog_loads(write_catalog: WriteCatalog) -> None:
    catalog = load_catalog("990001", write_catalog())
    assert [item.no for item in catalog.items] == ["1"]
    assert catalog.options["extend_edge"].default is False


def test_an_impossible_date_names_the_file_and_line(tmp_path: Path) -> None:
    from yanglao.core.catalog.yamlio import CatalogError, read_yaml

    path = tmp_path / "cases.yaml"
    path.write_text("cases:\n  - date: 1946-02-29\n", encoding="utf-8")
    with pytest.raises(CatalogError) as info:
        read_yaml(path)
    assert "cases.yaml:2" in str(info.value)
    assert "1946-02-29" in str(info.value)
    assert "不是有效日期" in str(info.value)
