"""Small catalogues written into a temporary folder, for loader, evaluator and comparison tests."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from tests.unit.catalog.catalog_helpers import CATALOG_YAML, ITEM_YAML, PARAMETERS_YAML, WriteCatalog
from yanglao.core.catalog.loader import CATALOGS_ROOT


@pytest.fixture
def write_catalog(tmp_path: Path) -> WriteCatalog:
    """``write_catalog(code, items=…, parameters=…, catalog=…, cases=…, parent=None)`` → the root folder.

    Texts are dedented; ``catalog`` may use ``{code}`` and ``{parent}``."""
    shutil.copy(CATALOGS_ROOT / "taxonomy.yaml", tmp_path / "taxonomy.yaml")

    def write(
        code: str = "990001",
        items: str = ITEM_YAML,
        parameters: str | None = PARAMETERS_YAML,
        catalog: str = CATALOG_YAML,
        cases: str | None = None,
        parent: str | None = None,
    ) -> Path:
        folder = tmp_path / code
        folder.mkdir(exist_ok=True)
        meta = (
            textwrap.dedent(catalog)
            .replace("{code}", code)
            .replace("{parent}", f'"{parent}"' if parent else "null")
        )
        (folder / "catalog.yaml").write_text(meta, encoding="utf-8")
        (folder / "items.yaml").write_text(textwrap.dedent(items), encoding="utf-8")
        if parameters is not None:
            (folder / "parameters.yaml").write_text(textwrap.dedent(parameters), encoding="utf-8")
        if cases is not None:
            (folder / "cases.yaml").write_text(textwrap.dedent(cases), encoding="utf-8")
        return tmp_path

    return write
