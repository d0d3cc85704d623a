"""Balanced assignment of targets to visitors ("分片包干"), pure.

Each target goes to a visitor of their own village. Within a village the caseloads differ by at most
one, and so do the numbers of high-tier (weekly) targets, so that no one visitor carries all the
weekly visits. Manual assignments (overrides) are kept as they are and count in the loads. Automatic
assignments that already exist are kept while their visitor is within the balanced share (so a
monthly re-run moves as few people as possible); the rest are handed out to the least loaded visitor.
A visitor's optional capacity is respected while any visitor of the village has room.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Helper:
    """A visitor who takes a caseload, in one village."""

    id: int
    village: str
    capacity: int | None = None


@dataclass(frozen=True)
class Case:
    """A target to assign: their village, whether high tier, their current visitor and whether set by hand."""

    person: int
    village: str
    high: bool = False
    current: int | None = None
    manual: bool = False


@dataclass
class _Load:
    total: int = 0
    high: int = 0


def balance(cases: Iterable[Case], helpers: Iterable[Helper]) -> dict[int, int | None]:
    """person → visitor (``None`` when the village has no visitor)."""
    by_village: dict[str, list[Case]] = defaultdict(list)
    for case in cases:
        by_village[case.village].append(case)
    helpers_by_village: dict[str, list[Helper]] = defaultdict(list)
    for helper in helpers:
        helpers_by_village[helper.village].append(helper)
    out: dict[int, int | None] = {}
    for village, village_cases in by_village.items():
        out.update(
            _balance_village(village_cases, sorted(helpers_by_village.get(village, []), key=lambda h: h.id))
        )
    return out


def _balance_village(cases: list[Case], helpers: list[Helper]) -> dict[int, int | None]:
    if not helpers:
        return {case.person: None for case in cases}
    ids = {h.id for h in helpers}
    capacity = {h.id: h.capacity for h in helpers}
    loads = {h.id: _Load() for h in helpers}
    cap_total = math.ceil(len(cases) / len(helpers))
    cap_high = math.ceil(sum(1 for c in cases if c.high) / len(helpers))
    out: dict[int, int | None] = {}

    def take(case: Case, helper: int) -> None:
        out[case.person] = helper
        loads[helper].total += 1
        loads[helper].high += int(case.high)

    for case in cases:
        if case.manual and case.current in ids:
            take(case, case.current)
    for case in sorted(cases, key=lambda c: (not c.high, c.person)):
        if case.person in out or case.current not in ids:
            continue
        load = loads[case.current]
        if load.total < cap_total and (not case.high or load.high < cap_high):
            take(case, case.current)
    for case in sorted(cases, key=lambda c: (not c.high, c.person)):
        if case.person in out:
            continue

        def key(helper: int, high: bool = case.high) -> tuple[int, int, int, int]:
            full = capacity[helper] is not None and loads[helper].total >= (capacity[helper] or 0)
            first = loads[helper].high if high else loads[helper].total
            return (int(full), first, loads[helper].total, helper)

        take(case, min(loads, key=key))
    return out
