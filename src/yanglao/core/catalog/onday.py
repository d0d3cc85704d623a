"""A list on one date with one set of options: what is the same for every person, decided once for the
one-person evaluator (:mod:`yanglao.core.catalog.evaluate`) and the bulk plan (:mod:`yanglao.core.engine.plan`)
alike — the options as chosen, the items in force in printed order, and the 择高 groups that rank by amount,
each with its members' positions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from yanglao.core.catalog.model import Catalog, ExclusiveGroup, Item, no_sort_key


def resolve_options(catalog: Catalog, options: Mapping[str, bool] | None) -> dict[str, bool]:
    """The catalogue's defaults overridden by ``options``; an unknown name is an error."""
    out = {name: option.default for name, option in catalog.options.items()}
    for name, on in (options or {}).items():
        if name not in out:
            known = "、".join(out) or "（无）"
            raise ValueError(f"清单 {catalog.code} 没有地方选项“{name}”，可用：{known}")
        out[name] = bool(on)
    return out


def items_in_order(catalog: Catalog, on: dt.date) -> tuple[Item, ...]:
    """The items in force on ``on`` in printed order ("2" before "10"); a benefit's position is its place
    in this order (item order, then part order): 择高 ties go to the lower position."""
    return tuple(sorted(catalog.items_on(on), key=lambda i: no_sort_key(i.no)))


def ranked_groups(
    catalog: Catalog, positions: Mapping[str, int]
) -> tuple[tuple[ExclusiveGroup, tuple[int, ...]], ...]:
    """The 择高 groups ranked by amount (``chooser: highest``), in the list's order, each with the positions
    of its members in force (``positions``: benefit code → position); a group with fewer than two members
    in force ranks nobody and is left out. Groups whose choice is the applicant's are not ranked at all."""
    out: list[tuple[ExclusiveGroup, tuple[int, ...]]] = []
    for group in catalog.exclusive_groups:
        members = tuple(positions[c] for c in group.members if c in positions)
        if len(members) > 1:
            out.append((group, members))
    return tuple(out)
