"""Claims: each person × service item × month is paid (or recovered) by one live roll only.

- :func:`hold` takes the list's lock (one row per list, ``SELECT … FOR UPDATE``) for the rest of the
  transaction: preparing and approving rolls of one list run one after the other, so the second of two
  requests made at the same moment sees what the first wrote.
- A prepared roll claims the key of every line (:func:`claim`); a line whose key another roll holds is
  not paid again but listed as not included, naming that roll (:func:`take_claimed`).
- Approval checks again under the lock that the roll holds every key of its lines, claiming those it
  lacks (rolls prepared before claims existed): :func:`claim_for_approval`.
- Whatever the timing, the database refuses a second claim of a key (``payments_claim_once``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction

from yanglao.core.payments import Line, RollResult
from yanglao.core.payments.compute import Skipped
from yanglao.payments.models import PaymentClaim, PaymentLine, PaymentLock, PaymentRoll
from yanglao.registry import fastwrite

Key = tuple[int, str, dt.date, bool]  # person, service code, month (its first day), a recovery
CHUNK = 5000


def hold(catalog: str) -> None:
    """Lock the list ``catalog`` until the end of the current transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("hold() must run inside a transaction")
    PaymentLock.objects.get_or_create(catalog=catalog)
    PaymentLock.objects.select_for_update().get(catalog=catalog)


def key(person: int, code: str, month: dt.date, amount: Decimal) -> Key:
    return (person, code, month, amount < 0)


def line_key(line: Line) -> Key:
    return key(line.person, line.code, line.month.first, line.amount)


def held_elsewhere(catalog: str, keys: Iterable[Key], roll: int | None) -> dict[Key, int]:
    """The keys among ``keys`` claimed by a roll other than ``roll``, with that roll's id."""
    wanted = set(keys)
    people = sorted({k[0] for k in wanted})
    months = sorted({k[2] for k in wanted})  # not the whole history of each person
    out: dict[Key, int] = {}
    for n in range(0, len(people), CHUNK):
        rows = (
            PaymentClaim.objects.filter(
                catalog=catalog, person_id__in=people[n : n + CHUNK], service_month__in=months
            )
            .exclude(roll_id=roll)
            .values_list("person_id", "service_code", "service_month", "recovery", "roll_id")
        )
        for person, code, month, recovery, other in rows:
            if (person, code, month, recovery) in wanted:
                out[(person, code, month, recovery)] = other
    return out


def holder_text(roll: PaymentRoll) -> str:
    return f"{roll.label}（{roll.get_state_display()}）"


def take_claimed(result: RollResult, catalog: str, roll: int | None) -> None:
    """Move the lines whose key another roll holds from ``result.lines`` to ``result.skipped``."""
    held = held_elsewhere(catalog, (line_key(x) for x in result.lines), roll)
    if not held:
        return
    rolls = PaymentRoll.objects.select_related("region").in_bulk(set(held.values()))
    kept: list[Line] = []
    for line in result.lines:
        other = held.get(line_key(line))
        if other is None:
            kept.append(line)
            continue
        verb = "追回" if line.amount < 0 else "发放"
        result.skipped.append(
            Skipped(
                line.person, line.code, line.item_no, line.name, line.month,
                f"已列入{holder_text(rolls[other])}，由该表{verb}；同一人同一项目同一月份只{verb}一次",
            )
        )  # fmt: skip
    result.lines = kept


def claim(roll: PaymentRoll, keys: Iterable[Key]) -> None:
    """Record that ``roll`` holds ``keys`` (the database refuses a key held by another roll)."""
    wanted = sorted(set(keys))
    ids = fastwrite.allocate_ids(PaymentClaim, len(wanted)) if wanted else []
    rows = [
        {
            "id": pk, "roll_id": roll.pk, "catalog": roll.catalog, "person_id": person,
            "service_code": code, "service_month": month, "recovery": recovery,
        }
        for pk, (person, code, month, recovery) in zip(ids, wanted, strict=True)
    ]  # fmt: skip
    for n in range(0, len(rows), CHUNK):
        fastwrite.insert(PaymentClaim, rows[n : n + CHUNK])


def release(roll: PaymentRoll) -> None:
    """Free the keys ``roll`` holds (it is being prepared again)."""
    PaymentClaim.objects.filter(roll=roll).delete()


def roll_keys(roll: PaymentRoll) -> set[Key]:
    rows = PaymentLine.objects.filter(roll=roll).values_list(
        "person_id", "service_code", "service_month", "amount"
    )
    return {key(*row) for row in rows}


def claim_for_approval(roll: PaymentRoll) -> str | None:
    """Under the list's lock: the reason ``roll`` may not be approved (a key of its lines held by
    another roll), else ``None`` after claiming the keys it lacks."""
    mine = roll_keys(roll)
    held = held_elsewhere(roll.catalog, mine, roll.pk)
    if held:
        (person, code, month, recovery), other = min(held.items())
        holder = PaymentRoll.objects.select_related("region").get(pk=other)
        name = PaymentLine.objects.filter(roll=roll, person_id=person).values_list("name", flat=True)[0]
        return (
            f"本表 {len(held)} 行已列入{holder_text(holder)}（如{name} {month:%Y-%m} 的{code}"
            f"{'追回' if recovery else '发放'}）"
        )
    have = set(
        PaymentClaim.objects.filter(roll=roll).values_list(
            "person_id", "service_code", "service_month", "recovery"
        )
    )
    claim(roll, mine - have)
    return None
