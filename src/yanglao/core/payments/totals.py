"""Totals of a roll by kind, item, township and funding level, and what goes to the bank.

Every view adds up to the same amount: by item = by township = by kind = the funding levels plus the
part not split (with the reason per note). Amounts are ``Decimal`` in the computation and decimal
text (``"1234.50"``) in the JSON the roll keeps.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from yanglao.core.catalog.model import LEVELS, no_sort_key
from yanglao.core.payments.compute import KINDS, Line
from yanglao.core.payments.funding import UNSPLIT

ZERO = Decimal("0.00")


def money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


def totals(lines: Sequence[Line], township_names: Mapping[str, str] | None = None) -> dict[str, Any]:
    names = township_names or {}
    amount = sum((x.amount for x in lines), ZERO)
    kinds: dict[str, list[Any]] = {k: [0, ZERO] for k in KINDS}
    items: dict[tuple[str, str], list[Any]] = {}
    townships: dict[str, list[Any]] = {}
    levels: dict[str, Decimal] = defaultdict(lambda: ZERO)
    unsplit: dict[str, list[Any]] = {}
    for x in lines:
        kinds[x.kind][0] += 1
        kinds[x.kind][1] += x.amount
        item = items.setdefault((x.item_no, x.code), [x.name, 0, set(), ZERO])
        item[1] += 1
        item[2].add(x.person)
        item[3] += x.amount
        town = townships.setdefault(x.township, [0, set(), ZERO])
        town[0] += 1
        town[1].add(x.person)
        town[2] += x.amount
        if x.funding:
            for level, part in x.funding:
                levels[level] += part
        else:
            bucket = unsplit.setdefault(x.funding_note, [0, ZERO])
            bucket[0] += 1
            bucket[1] += x.amount
    unsplit_amount = sum((b[1] for b in unsplit.values()), ZERO)
    return {
        "lines": len(lines),
        "persons": len({x.person for x in lines}),
        "amount": money(amount),
        "kinds": [
            {"kind": k, "label": KINDS[k], "lines": v[0], "amount": money(v[1])} for k, v in kinds.items()
        ],
        "items": [
            {"no": no, "code": code, "name": v[0], "lines": v[1], "persons": len(v[2]), "amount": money(v[3])}
            for (no, code), v in sorted(items.items(), key=lambda kv: (no_sort_key(kv[0][0]), kv[0][1]))
        ],
        "townships": [
            {
                "code": code,
                "name": names.get(code, "") or code or "乡镇不详",
                "lines": v[0],
                "persons": len(v[1]),
                "amount": money(v[2]),
            }
            for code, v in sorted(townships.items())
        ],
        "levels": [{"level": level, "amount": money(levels[level])} for level in LEVELS if level in levels],
        "unsplit": [
            {"note": note, "lines": v[0], "amount": money(v[1])} for note, v in sorted(unsplit.items())
        ],
        "unsplit_label": UNSPLIT,
        "unsplit_amount": money(unsplit_amount),
    }


def consistent(summary: Mapping[str, Any]) -> bool:
    """Whether every view of the totals adds up to the roll's amount."""
    total = Decimal(summary["amount"])

    def add(rows: Iterable[Mapping[str, Any]]) -> Decimal:
        return sum((Decimal(r["amount"]) for r in rows), ZERO)

    by_levels = add(summary["levels"]) + Decimal(summary["unsplit_amount"])
    return (
        add(summary["items"]) == total
        and add(summary["townships"]) == total
        and add(summary["kinds"]) == total
        and by_levels == total
        and add(summary["unsplit"]) == Decimal(summary["unsplit_amount"])
    )


def net_by_person(lines: Iterable[Line]) -> dict[int, Decimal]:
    """What each person is owed (positive) or owes back (negative) across the roll's lines."""
    out: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for x in lines:
        out[x.person] += x.amount
    return dict(out)


def digest(lines: Iterable[Line], ids: Mapping[int, str]) -> str:
    """A fingerprint of the lines (order, people, items, months, amounts, split): equal rolls, equal digest."""
    h = hashlib.sha256()
    for x in lines:
        split = ",".join(f"{level}:{money(v)}" for level, v in x.funding)
        row = "|".join(
            [
                ids.get(x.person, str(x.person)),
                x.place,
                x.item_no,
                x.code,
                x.kind,
                str(x.month),
                money(x.amount),
                split,
            ]
        )
        h.update(row.encode("utf-8") + b"\n")
    return h.hexdigest()
