"""服务找人 (discovery), the pure part: which list applies to whom, what is compared, and why.

Nothing here touches the database; the Django app ``yanglao.entitlements`` reads the registry into
Polars frames, calls these functions and keeps the findings. See docs/discovery.md.

::

    catalog_for(region_code, available) -> code | None      # the list of a person's jurisdiction
    tracked_codes(catalog) -> set[str]                       # the items a paying department records
    missed(granted, received, tracked) -> DataFrame          # entitled, not receiving (漏保)
    not_entitled(received, granted, tracked) -> DataFrame    # receiving, not entitled
    double_paid(received, groups) -> DataFrame               # two members of one 择高 group paid
    upcoming_birthdays(persons, on, within, ages) -> DataFrame
    granted_changes(before, after, tracked) -> DataFrame     # what a birthday changes
    classify(decision, item) -> Why                          # died / moved / dibao / other
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from yanglao.core.lazynames import lazy_names

if TYPE_CHECKING:
    from yanglao.core.discovery.compare import (
        double_paid,
        granted_changes,
        group_members,
        missed,
        not_entitled,
        upcoming_birthdays,
    )
    from yanglao.core.discovery.jurisdiction import catalog_for, jurisdiction_code
    from yanglao.core.discovery.reasons import Why, classify, closing_words
    from yanglao.core.discovery.tracked import CONTRIBUTORY, tracked_codes

_WHERE = {
    "double_paid": "compare",
    "granted_changes": "compare",
    "group_members": "compare",
    "missed": "compare",
    "not_entitled": "compare",
    "upcoming_birthdays": "compare",
    "catalog_for": "jurisdiction",
    "jurisdiction_code": "jurisdiction",
    "Why": "reasons",
    "classify": "reasons",
    "closing_words": "reasons",
    "CONTRIBUTORY": "tracked",
    "tracked_codes": "tracked",
}

# imported from its module when first asked for (lazynames): the frame comparisons import Polars,
# which the API's and the web server's list lookups (jurisdiction, tracked) do not need.
__getattr__ = lazy_names(__name__, _WHERE)

__all__ = [
    "CONTRIBUTORY",
    "Why",
    "catalog_for",
    "classify",
    "closing_words",
    "double_paid",
    "granted_changes",
    "group_members",
    "jurisdiction_code",
    "missed",
    "not_entitled",
    "tracked_codes",
    "upcoming_birthdays",
]
