"""A synthetic list that uses every construct of the rule language the real lists do not (yet): a
person's own numbers in amounts (``disabled_months × 1.5 + 10``, ``age / 3``, a division by a person's
number that may be 0), a bracket over arithmetic, comparisons with fractions and between two fields,
``choose`` yielding dates and booleans, a parameter that is 0 and one with no value yet, parts with
different periods, a 择高 group across periods with an unknown amount, a second group ranking the winner
of the first again, a group left to the applicant, an item with a validity window, an item that is not
machine-evaluable and a local option. Imported as ``synthetic``."""

from __future__ import annotations

import shutil
from pathlib import Path

from yanglao.core.catalog.loader import CATALOGS_ROOT

CODE = "990721"

CATALOG = """\
code: "990721"
name: 合成测试清单
version: "1"
parent: null
options:
  extend_edge:
    label: 扩大到低保边缘
    text: 有条件的地方可扩大到低保边缘家庭老年人
    items: ["3"]
"""

PARAMETERS = """\
parameters:
  base:
    label: 基数
    unit: 元/人/月
    values:
      - {from: 2024-01-01, value: 100, reference: 测试1号}
      - {from: 2024-07-01, value: 100.005, reference: 测试2号}
      - {from: 2025-03-01, value: 0, reference: 测试3号}
  later:
    label: 尚未生效的标准
    unit: 元/人/月
    values:
      - {from: 2025-01-01, value: 77.777, reference: 测试4号}
"""

ITEMS = """\
items:
  - no: "1"
    code: care_subsidy
    name: 按失能月数
    type: material_aid
    rule: {is_known: disabled_months}
    amount: {"+": [{"*": [disabled_months, 1.5]}, 10]}
    period: month
    comparison: exact
  - no: "2"
    code: gaoling_jintie
    name: 按年龄三分之一
    type: material_aid
    rule: {">=": [age, 59.5]}
    amount: {"/": [age, 3]}
    period: year
    comparison: floor
  - no: "3"
    code: service_subsidy
    name: 分档于算式
    type: material_aid
    rule:
      all:
        - "<": [{"-": [age, disability_grade]}, 70.5]
        - any: [dibao, {all: [{option: extend_edge}, dibao_edge]}]
    amount:
      bracket:
        of: {"+": [age, disability_grade]}
        rows:
          - {from: 60, to: 69.5, value: {param: base}}
          - {from: 70, value: {"/": [{param: base}, 3]}}
    period: month
    comparison: floor
  - no: "4"
    code: health_management
    name: 日期与布尔的选择
    type: care_service
    rule:
      all:
        - "<=": [ability_assessed_on, {choose: {cases: [{when: dibao, value: 2024-06-30}], otherwise: 2024-01-01}}]
        - "=": [{choose: {cases: [{when: {">=": [age, 80]}, value: true}], otherwise: no_supporter}}, true]
        - "!=": [disabled_months, 2.5]
  - no: "5"
    code: disability_subsidies
    name: 分项周期不同
    type: material_aid
    parts:
      - code: disability_living_subsidy
        name: 月分项
        rule: {in: [disability_grade, [1, 2, 3]]}
        amount: {"/": [100, ability_level]}
        period: month
        comparison: floor
      - code: severe_disability_care_subsidy
        name: 年分项
        rule: {in: [disability_grade, [1, 2]]}
        amount: {param: later}
        period: year
        comparison: floor
      - code: assistive_devices
        name: 无金额分项
        rule: {"=": [dibao, no_supporter]}
  - no: "6"
    code: tekun_support
    name: 年度择高
    type: material_aid
    rule: {">=": [age, 60]}
    amount: {"*": [{param: base}, 12]}
    period: year
    comparison: exact
    valid_from: 2024-03-01
    valid_to: 2025-12-31
  - no: "7"
    code: temporary_assistance
    name: 临时救助
    type: material_aid
    rule: null
    rule_note: 个案审核
exclusive_groups:
  - name: 择高
    members: [care_subsidy, tekun_support, disability_living_subsidy, severe_disability_care_subsidy]
  - name: 再择高
    members: [gaoling_jintie, tekun_support]
  - name: 由本人选择
    chooser: applicant
    text: 可择高申领其中一类
    members: [service_subsidy, gaoling_jintie]
"""


def write(root: Path) -> Path:
    """The synthetic list in ``root/990721`` beside a copy of the taxonomy; returns ``root``."""
    shutil.copy(CATALOGS_ROOT / "taxonomy.yaml", root / "taxonomy.yaml")
    folder = root / CODE
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "catalog.yaml").write_text(CATALOG, encoding="utf-8")
    (folder / "parameters.yaml").write_text(PARAMETERS, encoding="utf-8")
    (folder / "items.yaml").write_text(ITEMS, encoding="utf-8")
    return root
