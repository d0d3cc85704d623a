"""Ranking townships (or villages) on the evaluation indicators (考核).

Each measure is a percentage (0-100). A unit's score is the weighted mean of the measures it has a
value for (a measure going the wrong way — an overdue rate — counts as 100 minus its value), the
weights renormalised over the measures present; a unit with no measure has no score and no rank.
Ranks are competition ranks (1, 2, 2, 4): equal scores (to 0.1) share a rank.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    weight: float
    higher_is_better: bool = True
    note: str = ""


@dataclass
class Ranked:
    code: str
    name: str
    values: dict[str, float | None]
    score: float | None = None
    rank: int | None = None
    ranks: dict[str, int | None] = field(default_factory=dict)


def score(values: Mapping[str, float | None], measures: Sequence[Measure]) -> float | None:
    total = weight = 0.0
    for m in measures:
        value = values.get(m.key)
        if value is None:
            continue
        total += m.weight * (value if m.higher_is_better else 100.0 - value)
        weight += m.weight
    return round(total / weight, 1) if weight else None


def competition_ranks(values: Sequence[float | None], *, descending: bool = True) -> list[int | None]:
    """1, 2, 2, 4 …; None stays unranked."""
    present = sorted((v for v in values if v is not None), reverse=descending)
    out: list[int | None] = []
    for v in values:
        if v is None:
            out.append(None)
        else:
            out.append(1 + sum(1 for other in present if (other > v if descending else other < v)))
    return out


def rank_units(
    units: Sequence[tuple[str, str, Mapping[str, float | None]]], measures: Sequence[Measure]
) -> list[Ranked]:
    """``units``: (code, name, {measure key: percentage or None}). Sorted by rank, unranked last."""
    rows = [Ranked(code, name, {m.key: values.get(m.key) for m in measures}) for code, name, values in units]
    for row in rows:
        row.score = score(row.values, measures)
    for rank, row in zip(competition_ranks([r.score for r in rows]), rows, strict=True):
        row.rank = rank
    for m in measures:
        column = [r.values[m.key] for r in rows]
        for rank, row in zip(competition_ranks(column, descending=m.higher_is_better), rows, strict=True):
            row.ranks[m.key] = rank
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.code))
    return rows


def percent(part: int | float, whole: int | float) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None
