"""The basic elderly-care service lists (基本养老服务清单) as data, and the one-person evaluator.

Public API::

    load_catalog(code) -> Catalog          # one list, strictly checked (CatalogError: file, path, reason)
    load_all() -> dict[str, Catalog]        # every list under src/yanglao/catalogs/
    evaluate(catalog, record, on, options=None) -> Decision
    check(child, parent, on) -> list[Finding]
    diff(catalog, date1, date2) -> list[Change]

The format is documented in ``docs/catalog-format.md``.
"""

from __future__ import annotations

from yanglao.core.catalog.compare import Change, Finding, check, diff
from yanglao.core.catalog.decision import Decision, ItemDecision, ParamRead, Trace
from yanglao.core.catalog.evaluate import evaluate
from yanglao.core.catalog.loader import load_all, load_catalog, load_taxonomy
from yanglao.core.catalog.model import Catalog, Item
from yanglao.core.catalog.yamlio import CatalogError

__all__ = [
    "Catalog",
    "CatalogError",
    "Change",
    "Decision",
    "Finding",
    "Item",
    "ItemDecision",
    "ParamRead",
    "Trace",
    "check",
    "diff",
    "evaluate",
    "load_all",
    "load_catalog",
    "load_taxonomy",
]
