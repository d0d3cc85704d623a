"""Texts of a small test catalogue, shared by the catalogue tests (imported as ``catalog_helpers``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

CATALOG_YAML = """\
code: "{code}"
name: 测试清单{code}
version: "1"
parent: {parent}
issued_on: 2024-01-01
options:
  extend_edge:
    label: 扩大到低保边缘
    text: 有条件的地方可扩大到低保边缘家庭老年人
    items: ["1"]
"""

CATALOG_PLAIN_YAML = """\
code: "{code}"
name: 测试清单{code}
version: "1"
parent: {parent}
"""

PARAMETERS_YAML = """\
parameters:
  dibao_standard:
    label: 低保标准
    unit: 元/人/月
    values:
      - {from: 2024-01-01, value: 600, reference: 测试文件1号, example: true}
      - {from: 2025-01-01, value: 700, reference: 测试文件2号}
  minimum_wage:
    label: 最低工资标准
    unit: 元/月
    values:
      - {from: 2024-01-01, value: 1000, reference: 测试文件3号}
"""

ITEM_YAML = """\
items:
  - no: "1"
    code: service_subsidy
    name: 养老服务补贴
    type: material_aid
    rule:
      all:
        - ">=": [age, 60]
        - any:
            - dibao
            - all: [{option: extend_edge}, dibao_edge]
    amount: 60
    period: month
    comparison: floor
"""

WriteCatalog = Callable[..., Path]
