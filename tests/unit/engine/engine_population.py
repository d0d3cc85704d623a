"""Generated populations for the three-way conformance suite (imported as ``engine_population``).

Persons are drawn where rules change their answer: birthdays on the evaluation date, the day before
and after, at every age a list names; 29 February births; deaths on the date, the day before and after;
every code of every code field; booleans true, false and unknown; every field empty; regions inside and
outside every jurisdiction a list names, as 6- and 12-digit codes. Evaluation dates are 28 February and
1 March of common and leap years, 29 February, and the days around every dated parameter value and
every item's validity.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from yanglao.core.catalog.evaluate import evaluate
from yanglao.core.catalog.model import Catalog
from yanglao.core.catalog.rules import Within, walk
from yanglao.core.person import FIELDS

AGES = (0, 18, 59, 60, 64, 65, 69, 70, 74, 75, 79, 80, 84, 85, 89, 90, 94, 95, 99, 100, 101)
FIXED_DATES = (
    dt.date(2023, 2, 28),
    dt.date(2023, 3, 1),
    dt.date(2024, 2, 28),
    dt.date(2024, 2, 29),
    dt.date(2024, 3, 1),
    dt.date(2024, 7, 1),
    dt.date(2025, 2, 28),
    dt.date(2025, 3, 1),
    dt.date(2026, 1, 1),
)
Granted = set[tuple[str, int, Decimal | None, str | None]]


def catalog_dates(catalog: Catalog) -> list[dt.date]:
    """The dates around which a list changes: parameter values and item validity, ±1 day."""
    days: set[dt.date] = set(FIXED_DATES)
    marks = [v.valid_from for p in catalog.parameters.values() for v in p.values]
    marks += [d for i in catalog.items for d in (i.valid_from, i.valid_to) if d is not None]
    for mark in marks:
        days.update(mark + dt.timedelta(days=n) for n in (-1, 0, 1))
    return sorted(days)


def catalog_regions(catalogs: Iterable[Catalog]) -> list[str]:
    """Region codes inside and just outside every jurisdiction named by a ``within``, 6 and 12 digits."""
    prefixes = {"41", "4107", "410721", "15", "1522", "152223"}
    for catalog in catalogs:
        prefixes.add(catalog.code)
        for item in catalog.items:
            for benefit in item.benefits:
                for node in walk(benefit.rule) if benefit.rule is not None else []:
                    if isinstance(node, Within):
                        prefixes.add(node.prefix)
    codes: set[str] = set()
    for prefix in prefixes:
        inside = (prefix + "0101")[:6] if len(prefix) < 6 else prefix
        last = str((int(prefix[-1]) + 1) % 10)
        outside = (prefix[:-1] + last + "0101")[:6]
        codes.update({prefix.ljust(6, "0"), inside, inside + "100200", outside, outside + "001001"})
    return sorted(codes)


def years_before(on: dt.date, years: int) -> list[dt.date]:
    """The birth dates of a person turning ``years`` on ``on`` (both 28 Feb and 1 Mar for 29 Feb)."""
    try:
        return [on.replace(year=on.year - years)]
    except ValueError:
        return [dt.date(on.year - years, 2, 28), dt.date(on.year - years, 3, 1)]


Pick = Callable[[Sequence[Any]], Any]


def _days(low: dt.date, high: dt.date) -> range:
    return range(low.toordinal(), high.toordinal() + 1)


def birth_pools(on: dt.date) -> list[Sequence[Any]]:
    around = sorted(
        {b + dt.timedelta(days=n) for age in AGES for b in years_before(on, age) for n in (-1, 0, 1)}
    )
    leap = [dt.date(y, 2, 29) for y in range(on.year - 101, on.year - 58) if y % 4 == 0 and y % 100 != 0]
    return [around, leap, [None], _days(dt.date(1900, 1, 1), on + dt.timedelta(days=400))]


def death_pools(on: dt.date) -> list[Sequence[Any]]:
    near = [on - dt.timedelta(days=1), on, on + dt.timedelta(days=1)]
    return [[None], [None], near, _days(on - dt.timedelta(days=3650), on + dt.timedelta(days=3650))]


def field_pools(name: str, on: dt.date, regions: list[str]) -> list[Sequence[Any]]:
    fld = next(f for f in FIELDS if f.name == name)
    if name == "birth_date":
        return birth_pools(on)
    if name == "death_date":
        return death_pools(on)
    if fld.kind == "bool":
        return [[True, False, None]]
    if fld.kind == "code":
        return [[*fld.code_values(), None]]
    if fld.kind == "int":
        low, high = fld.minimum or 0, fld.maximum or 0
        return [[None], range(low, min(high, low + 6) + 1), range(low, high + 1)]
    if fld.kind == "region":
        return [[None], regions]
    if fld.kind == "date":
        return [[None], _days(on - dt.timedelta(days=800), on + dt.timedelta(days=30))]
    return [["张三"]]


def make_person(pick: Pick, on: dt.date, regions: list[str]) -> dict[str, Any]:
    """One person; ``pick`` chooses from a sequence (Hypothesis' ``sampled_from`` or ``Random.choice``)."""
    record: dict[str, Any] = {}
    for fld in FIELDS:
        if fld.name != "id_number":
            value = pick(pick(field_pools(fld.name, on, regions)))
            record[fld.name] = (
                dt.date.fromordinal(value) if isinstance(value, int) and fld.kind == "date" else value
            )
    return record


def pick_date(pick: Pick, catalog: Catalog) -> dt.date:
    pools: list[Sequence[Any]] = [catalog_dates(catalog), _days(dt.date(2023, 1, 1), dt.date(2026, 12, 31))]
    value = pick(pick(pools))
    return dt.date.fromordinal(value) if isinstance(value, int) else value


@st.composite
def population(
    draw: st.DrawFn, catalog: Catalog, regions: list[str], size: tuple[int, int]
) -> dict[str, Any]:
    """``{"on", "options", "records"}``: persons (numbered ID strings) and a date and options to evaluate."""

    def pick(seq: Sequence[Any]) -> Any:
        return draw(st.sampled_from(seq))

    on = pick_date(pick, catalog)
    options = {name: draw(st.booleans()) for name in sorted(catalog.options)}
    count = draw(st.integers(*size))
    return numbered(
        {"on": on, "options": options, "records": [make_person(pick, on, regions) for _ in range(count)]}
    )


def random_population(rng: random.Random, catalog: Catalog, regions: list[str], count: int) -> dict[str, Any]:
    """The same distribution from a ``Random`` (Hypothesis' ``randoms()``): cheap for large populations."""
    on = pick_date(rng.choice, catalog)
    options = {name: rng.random() < 0.5 for name in sorted(catalog.options)}
    return numbered(
        {
            "on": on,
            "options": options,
            "records": [make_person(rng.choice, on, regions) for _ in range(count)],
        }
    )


def numbered(case: dict[str, Any]) -> dict[str, Any]:
    for i, record in enumerate(case["records"]):
        record["id_number"] = f"P{i:06d}"
    return case


def reference(
    catalog: Catalog, records: list[dict[str, Any]], on: dt.date, options: dict[str, bool]
) -> Granted:
    """What the one-person evaluator grants: (id, no, amount, period) per person and item."""
    out: Granted = set()
    for record in records:
        for item in evaluate(catalog, record, on, options).granted():
            out.add((record["id_number"], int(item.no), item.amount, item.period))
    return out


def granted_rows(rows: Iterable[dict[str, Any]]) -> Granted:
    return {(r["id_number"], int(r["no"]), r["amount"], r["period"]) for r in rows}


def explain_difference(want: Granted, got: Granted, records: list[dict[str, Any]]) -> str:
    by_id = {r["id_number"]: r for r in records}
    lines = []
    for row in sorted(want ^ got, key=str)[:8]:
        side = "reference only" if row in want else "engine only"
        person = {k: v for k, v in by_id[row[0]].items() if v is not None}
        lines.append(f"{side}: {row} for {person}")
    return "\n".join(lines)
