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

from typing import TYPE_CHECKING

from yanglao.core.lazynames import lazy_names

if TYPE_CHECKING:
    from yanglao.core.catalog.compare import Change, Finding, check, diff
    from yanglao.core.catalog.decision import Decision, ItemDecision, ParamRead, Trace
    from yanglao.core.catalog.evaluate import evaluate
    from yanglao.core.catalog.loader import load_all, load_catalog, load_taxonomy
    from yanglao.core.catalog.model import Catalog, Item
    from yanglao.core.catalog.yamlio import CatalogError

_WHERE = {
    "Change": "compare",
    "Finding": "compare",
    "check": "compare",
    "diff": "compare",
    "Decision": "decision",
    "ItemDecision": "decision",
    "ParamRead": "decision",
    "Trace": "decision",
    "evaluate": "evaluate",
    "load_all": "loader",
    "load_catalog": "loader",
    "load_taxonomy": "loader",
    "Catalog": "model",
    "Item": "model",
    "CatalogError": "yamlio",
}

# imported from its module when first asked for (lazynames): ``catalog show`` needs the loader, the
# assessment the YAML reader, neither the comparison nor the evaluator.
__getattr__ = lazy_names(__name__, _WHERE)

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
