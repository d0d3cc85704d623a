"""Fixtures of the payment-roll unit tests: 扎赉特旗's list, and a copy with funding shares."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from yanglao.core.catalog import Catalog, load_catalog
from yanglao.core.catalog.loader import root_dir

SHARES = """
  funding_share_gaoling_jintie_province:
    label: 高龄津贴自治区分担比例
    unit: 比例
    values:
      - {from: 2023-06-15, value: 0.6, reference: 测试用分担比例}
  funding_share_gaoling_jintie_county:
    label: 高龄津贴旗县分担比例
    unit: 比例
    values:
      - {from: 2023-06-15, value: 0.4, reference: 测试用分担比例}
  payroll_backpay_months:
    label: 补发最多月数
    unit: 月
    values:
      - {from: 2023-06-15, value: 3, reference: 测试用}
"""


@pytest.fixture(scope="session")
def shared_catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """扎赉特旗's list with 高龄津贴 shares (自治区 0.6, 旗 0.4) and a back-pay limit of 3 months."""
    root = tmp_path_factory.mktemp("catalogs")
    source = Path(root_dir(None))
    shutil.copy(source / "taxonomy.yaml", root / "taxonomy.yaml")
    shutil.copytree(source / "152223", root / "152223")
    params = root / "152223" / "parameters.yaml"
    params.write_text(params.read_text(encoding="utf-8").rstrip("\n") + "\n" + SHARES, encoding="utf-8")
    return load_catalog("152223", root)


@pytest.fixture(scope="session")
def zlt() -> Catalog:
    return load_catalog("152223")
