"""The two definitions of 失能 and where each holds, as docs/catalog-format.md §12.1.1 writes them down.

Changing a list's, the visits' or the statistics' definition without changing that table fails here.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

from yanglao.core.catalog import load_all
from yanglao.core.catalog.rules import Compare, Const, FieldRef, In, walk
from yanglao.core.stats.indicators import definition
from yanglao.core.visits.params import load_rules
from yanglao.visits.rules import DATA

DOC = Path(__file__).resolve().parents[3] / "docs" / "catalog-format.md"
SHORT = {
    "152223": "扎赉特旗",
    "410000": "河南省",
    "410400": "平顶山",
    "410721": "新乡县",
    "411303": "卧龙区",
    "411700": "驻马店",
}


def _list_items_by_level() -> dict[str, list[str]]:
    """Item numbers per list whose rule tests ``ability_level``; every such test is levels 1–4."""
    out: dict[str, list[str]] = {}
    for code, catalog in load_all().items():
        for item in catalog.items:
            for benefit in item.benefits:
                if benefit.rule is None:
                    continue
                for node in walk(benefit.rule):
                    if isinstance(node, In) and node.field == "ability_level":
                        assert node.values == (1, 2, 3, 4), (code, item.no, node.values)
                        if item.no not in out.setdefault(code, []):
                            out[code].append(item.no)
    return out


def test_the_lists_read_disabled_as_levels_one_to_four_in_the_items_the_table_names() -> None:
    row = next(
        line for line in DOC.read_text(encoding="utf-8").splitlines() if line.startswith("| 清单（待遇对象）")
    )
    for code, numbers in _list_items_by_level().items():
        found = re.search(SHORT[code] + r"第([0-9、]+)项", row)
        assert found is not None, code
        assert found.group(1).split("、") == numbers, code


def test_the_visits_and_the_statistics_read_disabled_as_level_two_or_worse(today: dt.date) -> None:
    rules = load_rules(DATA, "default")
    assert rules.param("disabled_min_level", today) == 2
    assert definition("disabled").rule == Compare(">=", FieldRef("ability_level"), Const(Decimal(2)))
