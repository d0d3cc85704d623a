"""What ``yanglao entitle`` writes beside each granted item that is the same for everybody on a date
(issue 12, Output): who is paid (``payee``), whether the amount rests on an example figure
(``placeholder``, :mod:`yanglao.core.catalog.placeholders`), and the item's quantity other than money.

The bulk engines decide who is granted what; these facts are joined at output from the list, so that
the bulk and the explained outputs say the same thing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from yanglao.core.catalog.model import Catalog, Item
from yanglao.core.catalog.placeholders import placeholder_codes
from yanglao.core.catalog.quantities import item_quantity

FACT_KEYS = ("payee", "placeholder", "quantity")


def _payee(item: Item) -> str:
    """``institution`` when every benefit of the item is paid to an institution."""
    return "institution" if all(b.payee == "institution" for b in item.benefits) else "person"


def item_facts(catalog: Catalog, on: dt.date) -> dict[str, dict[str, Any]]:
    """By printed item number: ``{"payee", "placeholder", "quantity"}`` (``quantity`` the one everybody
    granted the item receives, :func:`.quantities.item_quantity`: None when the item has none or its
    parts differ; ``placeholder`` True when an amount of the item depends on an example figure on
    ``on``)."""
    placeholders = placeholder_codes(catalog, on)
    return {
        item.no: {
            "payee": _payee(item),
            "placeholder": item.code in placeholders,
            "quantity": None if (quantity := item_quantity(item)) is None else quantity.as_json(),
        }
        for item in catalog.items
    }
