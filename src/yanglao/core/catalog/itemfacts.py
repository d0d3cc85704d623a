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

FACT_KEYS = ("payee", "placeholder", "quantity")


def _payee(item: Item) -> str:
    """``institution`` when every benefit of the item is paid to an institution."""
    return "institution" if all(b.payee == "institution" for b in item.benefits) else "person"


def _quantity(item: Item) -> dict[str, Any] | None:
    found = [b.quantity for b in item.benefits if b.quantity is not None]
    return found[0].as_json() if len(found) == 1 else None


def item_facts(catalog: Catalog, on: dt.date) -> dict[str, dict[str, Any]]:
    """By printed item number: ``{"payee", "placeholder", "quantity"}`` (``quantity`` None when the item
    has none; ``placeholder`` True when an amount of the item depends on an example figure on ``on``)."""
    placeholders = placeholder_codes(catalog, on)
    return {
        item.no: {
            "payee": _payee(item),
            "placeholder": item.code in placeholders,
            "quantity": _quantity(item),
        }
        for item in catalog.items
    }
