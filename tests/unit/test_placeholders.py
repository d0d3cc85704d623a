"""Amounts resting on an example figure (示例值) are found on the date asked, and only those."""

from __future__ import annotations

import datetime as dt

from yanglao.core.catalog.loader import load_catalog
from yanglao.core.catalog.placeholders import example_params, placeholder_codes, rests_on_example


def test_xinxiang_basic_pension_rests_on_an_example_figure() -> None:
    catalog = load_catalog("410721")
    on = dt.date(2026, 6, 17)
    examples = example_params(catalog, on)
    assert examples, "新乡县 ships example figures (the basic pension) that a county must replace"
    codes = placeholder_codes(catalog, on)
    flagged = [b for i in catalog.items for b in i.benefits if rests_on_example(b, examples)]
    assert flagged
    assert all(b.code in codes for b in flagged)
    # a benefit with no amount, or an amount from real values only, is never flagged
    for item in catalog.items:
        for benefit in item.benefits:
            if benefit.amount is None:
                assert benefit.code not in codes or any(rests_on_example(b, examples) for b in item.benefits)


def test_no_example_before_any_value_is_in_force() -> None:
    catalog = load_catalog("410721")
    assert example_params(catalog, dt.date(1990, 1, 1)) == frozenset()
    assert placeholder_codes(catalog, dt.date(1990, 1, 1)) == frozenset()
