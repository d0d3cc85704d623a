"""Which amounts rest on an example figure (示例值) rather than on a value the bureau has set.

A parameter value marked ``example`` is a stand-in each county must replace with its own standard
(docs/catalogs.md). Any benefit whose amount names such a parameter on a date gives an amount that is
not real money on that date: explanations mark it, totals keep it apart (never add it in as real money).
"""

from __future__ import annotations

import datetime as dt

from yanglao.core.catalog.model import Benefit, Catalog
from yanglao.core.catalog.rules import params_used


def example_params(catalog: Catalog, on: dt.date) -> frozenset[str]:
    """The parameters whose value in force on ``on`` is an example figure."""
    out = set()
    for name, param in catalog.parameters.items():
        value = param.value_on(on)
        if value is not None and value.example:
            out.add(name)
    return frozenset(out)


def rests_on_example(benefit: Benefit, examples: frozenset[str]) -> bool:
    """Whether the benefit's amount uses one of ``examples`` (the set from :func:`example_params`)."""
    return benefit.amount is not None and bool(params_used(benefit.amount) & examples)


def placeholder_codes(catalog: Catalog, on: dt.date) -> frozenset[str]:
    """The codes of the benefits (and of the items having such a part) whose amount on ``on`` depends on
    an example figure."""
    examples = example_params(catalog, on)
    out: set[str] = set()
    for item in catalog.items:
        for benefit in item.benefits:
            if rests_on_example(benefit, examples):
                out.add(benefit.code)
                out.add(item.code)
    return frozenset(out)
