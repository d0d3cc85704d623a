from __future__ import annotations

from collections.abc import Callable

import pytest

from yanglao.core.assessment import instrument

ItemsFactory = Callable[[int], dict[str, int]]


def items_with_total(total: int) -> dict[str, int]:
    """All 26 items at their maximum, then points taken away item by item until ``total`` remains."""
    inst = instrument()
    items = {item.code: item.max_score for item in inst.items}
    deficit = inst.total_max - total
    assert 0 <= deficit <= inst.total_max
    for item in inst.items:
        take = min(deficit, items[item.code])
        items[item.code] -= take
        deficit -= take
    assert sum(items.values()) == total
    return items


@pytest.fixture(scope="session")
def make_items() -> ItemsFactory:
    return items_with_total


@pytest.fixture(scope="session")
def full_items() -> dict[str, int]:
    return items_with_total(instrument().total_max)
