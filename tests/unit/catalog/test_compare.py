"""``check`` (a list against the list above it) and ``diff`` (one list between two dates)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.unit.catalog.catalog_helpers import CATALOG_PLAIN_YAML, PARAMETERS_YAML, WriteCatalog
from yanglao.core.catalog import check, diff, load_catalog

ON = dt.date(2024, 7, 1)

PARENT_ITEMS = """\
items:
  - no: "1"
    code: gaoling_jintie
    name: 高龄津贴
    type: material_aid
    rule: {">=": [age, 80]}
    amount:
      bracket:
        of: age
        rows:
          - {from: 80, to: 89, value: 50}
          - {from: 90, to: 99, value: 100}
          - {from: 100, value: 300}
    period: month
    comparison: floor
  - no: "2"
    code: tekun_dispersed
    name: 特困老年人分散供养
    type: care_service
    parts:
      - code: tekun_basic_living
        name: 基本生活标准
        rule: {in: [tekun, [dispersed]]}
        amount: {"*": [1.3, {param: dibao_standard}]}
        period: month
        comparison: floor
      - code: tekun_care_standard
        name: 照料护理标准
        rule: {in: [tekun, [dispersed]]}
        amount: {"/": [{param: minimum_wage}, 6]}
        period: month
        comparison: floor
  - no: "3"
    code: service_subsidy
    name: 养老服务补贴
    type: material_aid
    rule:
      all:
        - ">=": [age, 60]
        - any:
            - dibao
            - in: [fp_special, [bereaved, disabled_child]]
            - in: [tekun, [dispersed, centralized]]
    amount: 60
    period: month
    comparison: floor
  - no: "4"
    code: visits
    name: 探访服务
    type: caring_service
    rule:
      all:
        - ">=": [age, 60]
        - in: [living_arrangement, [alone, empty_nest, left_behind]]
  - no: "5"
    code: public_transport
    name: 乘坐城市公共交通工具
    type: material_aid
    rule: {">=": [age, 60]}
"""

CHILD_ITEMS = """\
items:
  - no: "1"
    code: gaoling_jintie
    name: 高龄津贴
    type: material_aid
    rule: {">=": [age, 80]}
    amount:
      bracket:
        of: age
        rows:
          - {from: 80, to: 89, value: 50}
          - {from: 90, to: 99, value: 80}
          - {from: 100, value: 300}
    period: month
    comparison: floor
  - no: "9"
    code: tekun_dispersed
    name: 特困分散供养
    type: care_service
    parts:
      - code: tekun_basic_living
        name: 基本生活标准
        rule: {in: [tekun, [dispersed]]}
        amount: {"*": [1.3, {param: dibao_standard}]}
        period: month
        comparison: ceiling
      - code: tekun_care_standard
        name: 照料护理标准
        rule: {in: [tekun, [dispersed]]}
        amount: {"/": [{param: minimum_wage}, 6]}
        period: month
        comparison: floor
  - no: "3"
    code: service_subsidy
    name: 养老服务补贴
    type: material_aid
    rule:
      all:
        - ">=": [age, 60]
        - any:
            - dibao
            - in: [tekun, [dispersed]]
    amount: 60
    period: month
    comparison: floor
  - no: "4"
    code: visits
    name: 探访服务
    type: caring_service
    rule:
      all:
        - ">=": [age, 65]
        - in: [living_arrangement, [alone, empty_nest, left_behind]]
  - no: "6"
    code: culture_services
    name: 免费享受公共文化服务
    type: caring_service
    rule: {">=": [age, 65]}
"""


@pytest.fixture
def root(write_catalog: WriteCatalog) -> Path:
    write_catalog("990000", items=PARENT_ITEMS, catalog=CATALOG_PLAIN_YAML)
    return write_catalog("990001", items=CHILD_ITEMS, catalog=CATALOG_PLAIN_YAML, parent="990000")


def lines(root: Path) -> list[str]:
    return [f.line() for f in check(load_catalog("990001", root), load_catalog("990000", root), ON)]


def test_a_list_checked_against_itself_has_no_findings(root: Path) -> None:
    parent = load_catalog("990000", root)
    assert check(parent, parent, ON) == []


def test_a_missing_parent_item_is_named_by_its_number(root: Path) -> None:
    assert "[缺项] 上级第5项 乘坐城市公共交通工具（public_transport）：本级清单没有对应项目" in lines(root)


def test_not_higher_than_where_the_parent_says_not_lower_is_a_finding(root: Path) -> None:
    assert "[标准方向] 本级第9项 特困分散供养·基本生活标准：上级第2项为“不低于”，本级为“不高于”" in lines(
        root
    )


def test_a_lower_amount_names_a_person_and_both_amounts(root: Path) -> None:
    expected = (
        "[标准偏低] 本级第1项 高龄津贴：标准低于上级第1项："
        "年龄 90周岁 时本级 80.00 元/月，上级不低于 100.00 元/月"
    )
    assert expected in lines(root)


def test_fewer_codes_in_a_set_is_a_narrower_target_group(root: Path) -> None:
    found = [line for line in lines(root) if line.startswith("[对象偏窄] 本级第3项")]
    assert len(found) == 1
    assert "上级第2项" not in found[0]
    assert "对象范围窄于上级第3项" in found[0]


def test_a_higher_age_threshold_is_a_narrower_target_group(root: Path) -> None:
    (found,) = [line for line in lines(root) if line.startswith("[对象偏窄] 本级第4项")]
    assert "年龄 60周岁" in found
    assert "居住状况 独居" in found


def test_only_falling_short_is_reported(root: Path) -> None:
    findings = check(load_catalog("990001", root), load_catalog("990000", root), ON)
    kinds = sorted((f.kind, f.parent_no) for f in findings)
    assert kinds == [
        ("direction", "2"),
        ("lower_standard", "1"),
        ("missing", "5"),
        ("narrower_target", "3"),
        ("narrower_target", "4"),
    ]
    assert all(f.falls_short for f in findings)


def test_a_residence_condition_narrower_than_the_parent_is_found(write_catalog: WriteCatalog) -> None:
    items = """\
items:
  - {no: "1", code: public_transport, name: 公交, type: material_aid, rule: {">=": [age, 60]}}
"""
    county = """\
items:
  - no: "1"
    code: public_transport
    name: 公交
    type: material_aid
    rule: {all: [{">=": [age, 60]}, {within: [hukou_region, "410721"]}]}
"""
    write_catalog("410000", items=items, catalog=CATALOG_PLAIN_YAML)
    root = write_catalog("410721", items=county, catalog=CATALOG_PLAIN_YAML, parent="410000")
    (finding,) = check(load_catalog("410721", root), load_catalog("410000", root), ON)
    assert finding.kind == "narrower_target"
    assert "户籍地区划代码 419999" in finding.text


def test_items_match_through_broader_service_codes(write_catalog: WriteCatalog) -> None:
    parent = """\
items:
  - {no: "9", code: tekun_dispersed, name: 分散供养, type: care_service, rule: {in: [tekun, [dispersed]]}}
"""
    child = """\
items:
  - no: "12"
    code: tekun_support
    name: 特困人员救助供养
    type: material_aid
    rule: {in: [tekun, [dispersed, centralized]]}
"""
    write_catalog("990000", items=parent, catalog=CATALOG_PLAIN_YAML)
    root = write_catalog("990001", items=child, catalog=CATALOG_PLAIN_YAML, parent="990000")
    assert check(load_catalog("990001", root), load_catalog("990000", root), ON) == []


def test_diff_lists_parameter_changes_and_the_items_they_affect(root: Path) -> None:
    changes = diff(load_catalog("990000", root), dt.date(2024, 7, 1), dt.date(2025, 7, 1))
    assert [c.text for c in changes] == [
        "参数 低保标准（元/人/月）：600（自 2024-01-01 起） → "
        "700（自 2025-01-01 起；依据：测试文件2号）；影响 第2项"
    ]
    assert diff(load_catalog("990000", root), dt.date(2024, 7, 1), dt.date(2024, 12, 31)) == []


def test_diff_lists_items_added_and_removed(write_catalog: WriteCatalog) -> None:
    items = """\
items:
  - {no: "1", code: dibao, name: 低保, type: material_aid, rule: dibao, valid_to: 2024-12-31}
  - {no: "2", code: visits, name: 探访, type: caring_service, rule: dibao, valid_from: 2025-01-01}
"""
    root = write_catalog(items=items, parameters=PARAMETERS_YAML, catalog=CATALOG_PLAIN_YAML)
    changes = diff(load_catalog("990001", root), dt.date(2024, 12, 31), dt.date(2025, 1, 1))
    assert [c.text for c in changes][-2:] == ["删除 第1项 低保（dibao）", "新增 第2项 探访（visits）"]
