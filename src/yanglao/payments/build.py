"""Reading a roll's inputs from the database for the pure computation, and storing its lines."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from yanglao.core.catalog.model import Catalog
from yanglao.core.idnumber import mask_id_number
from yanglao.core.payments import (
    Enrol,
    History,
    Line,
    Month,
    PaidMonth,
    Payee,
    RollResult,
    cash_targets,
    township_of,
)
from yanglao.core.payments.compute import Kind
from yanglao.entitlements.models import PayeeAccount
from yanglao.payments.access import paying_place, roll_enrolments
from yanglao.payments.models import LOCKED_STATES, LineKind, PaymentLine, PaymentRoll, RollState
from yanglao.regions.models import Region
from yanglao.registry import fastwrite
from yanglao.registry.models import RECORD_FIELDS, Person

BATCH = 2000


@dataclass
class Inputs:
    payees: dict[int, Payee]
    enrolments: list[Enrol]
    history: History


def _payees(keys: Iterable[int]) -> dict[int, Payee]:
    out: dict[int, Payee] = {}
    keys = sorted(set(keys))
    for start in range(0, len(keys), 5000):
        rows = Person.objects.filter(pk__in=keys[start : start + 5000]).values(
            "pk", "id_number", *RECORD_FIELDS
        )
        for row in rows:
            record = {name: row[name] for name in RECORD_FIELDS}
            record["id_number"] = row["id_number"]
            out[row["pk"]] = Payee(row["pk"], row["id_number"], row["name"], record)
    return out


def _month(value: Any) -> Month:
    return Month(value.year, value.month)


def gather(catalog: Catalog, month: Month, region: Region, exclude: int | None = None) -> Inputs:
    """Enrolments, people and the history of earlier rolls of ``catalog`` for a roll of ``region``."""
    prefix, county = region.prefix, region.code[:6]
    codes = set(cash_targets(catalog))
    enrolments: list[Enrol] = []
    rows = roll_enrolments(catalog.code, region, codes).values_list(
        "person_id",
        "service_code",
        "start",
        "end",
        "region",
        "person__hukou_region",
        "person__residence_region",
    )
    for person, code, start, end, place, hukou, residence in rows:
        where = paying_place(place, hukou, residence, county)
        if where.startswith(prefix):
            enrolments.append(Enrol(person, code, start, end, where))
    others = PaymentRoll.objects.filter(catalog=catalog.code)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    locked = others.filter(state__in=LOCKED_STATES).select_related("region")
    locked_keys = frozenset((_month(r.month), r.region.prefix) for r in locked)
    people = {e.person for e in enrolments}
    paid: set[tuple[int, str, Month]] = set()
    ordered = sorted(people)
    for n in range(0, len(ordered), 5000):
        found = PaymentLine.objects.filter(
            roll__in=locked, amount__gt=0, person_id__in=ordered[n : n + 5000]
        ).values_list("person_id", "service_code", "service_month")
        paid.update((p, c, _month(m)) for p, c, m in found)
    exported = _exported_after_death(locked, prefix)
    payees = _payees(people | {x.person for x in exported})
    return Inputs(payees, enrolments, History(frozenset(paid), locked_keys, tuple(exported)))


def _exported_after_death(locked: Any, prefix: str) -> list[PaidMonth]:
    """Net payments to people who have died, per code and month: paid by exported rolls, less what a
    locked roll already recovers. The computation keeps the months after the month of death."""
    lines = PaymentLine.objects.filter(
        roll__in=locked, person__death_date__isnull=False, place__startswith=prefix
    )
    sums: dict[tuple[int, str, Any], dict[str, Any]] = {}
    for row in lines.values(
        "person_id", "service_code", "service_month", "item_no", "item_name", "place", "amount", "funding",
        "funding_note", "kind", "roll__state",
    ):  # fmt: skip
        counts = row["kind"] == LineKind.RECOVERY or row["roll__state"] == RollState.EXPORTED
        if not counts or (row["amount"] > 0 and row["roll__state"] != RollState.EXPORTED):
            continue
        key = (row["person_id"], row["service_code"], row["service_month"])
        entry = sums.setdefault(
            key,
            {"amount": Decimal(0), "funding": defaultdict(Decimal), "row": row, "note": row["funding_note"]},
        )
        entry["amount"] += row["amount"]
        for level, value in (row["funding"] or {}).items():
            entry["funding"][level] += Decimal(value)
        if row["amount"] > 0:
            entry["row"], entry["note"] = row, row["funding_note"]
    out: list[PaidMonth] = []
    for (person, code, month), entry in sorted(sums.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2])):
        if entry["amount"] <= 0:
            continue
        row = entry["row"]
        funding = tuple((level, v) for level, v in entry["funding"].items() if v)
        out.append(
            PaidMonth(
                person, code, row["item_no"], row["item_name"], _month(month), entry["amount"], row["place"],
                funding, entry["note"] if funding else "",
            )
        )  # fmt: skip
    return out


def store(roll: PaymentRoll, result: RollResult, payees: Mapping[int, Payee]) -> None:
    """Replace the roll's lines by ``result``'s (the roll is not locked: the caller checked). Lines are
    written with the registry's bulk writer (one statement per chunk, not Django's per-field compile)."""
    PaymentLine.objects.filter(roll=roll).delete()
    people = sorted({x.person for x in result.lines})
    accounts: dict[int, tuple[str, str, str]] = {}
    for n in range(0, len(people), 5000):
        found = PayeeAccount.objects.filter(person_id__in=people[n : n + 5000]).values_list(
            "person_id", "bank", "account_number", "holder_name"
        )
        accounts.update((p, (bank, number, holder)) for p, bank, number, holder in found)
    ids = fastwrite.allocate_ids(PaymentLine, len(result.lines)) if result.lines else []
    rows: list[dict[str, Any]] = []
    for seq, (pk, line) in enumerate(zip(ids, result.lines, strict=True), start=1):
        payee = payees[line.person]
        bank, number, holder = accounts.get(line.person, ("", "", ""))
        rows.append(
            {
                "id": pk,
                "roll_id": roll.pk,
                "seq": seq,
                "person_id": line.person,
                "name": payee.name,
                "id_number": payee.id_number,
                "place": line.place,
                "township": township_of(line.place),
                "item_no": line.item_no,
                "service_code": line.code,
                "item_name": line.name,
                "kind": line.kind,
                "service_month": line.month.first,
                "amount": line.amount,
                "funding": {level: str(v) for level, v in line.funding},
                "funding_note": line.funding_note[:300],
                "note": line.note[:300],
                "bank": bank,
                "account_number": number,
                "holder_name": holder,
            }
        )
    for n in range(0, len(rows), BATCH):
        fastwrite.insert(PaymentLine, rows[n : n + BATCH])


def skipped_json(result: RollResult, payees: Mapping[int, Payee]) -> list[dict[str, Any]]:
    return [
        {
            "person": s.person,
            "name": payees[s.person].name,
            "id": mask_id_number(payees[s.person].id_number),
            "item_no": s.item_no,
            "code": s.code,
            "item": s.name,
            "month": str(s.month),
            "reason": s.reason,
        }
        for s in result.skipped
    ]


def stored_lines(roll: PaymentRoll) -> list[Line]:
    """The roll's lines back as the pure computation's lines (for totals and digests)."""
    out: list[Line] = []
    rows = roll.lines.order_by("seq").values_list(
        "person_id", "place", "item_no", "service_code", "item_name", "kind", "service_month", "amount",
        "funding", "funding_note", "note",
    )  # fmt: skip
    for person, place, no, code, name, kind, month, amount, funding, funding_note, note in rows:
        split = tuple((level, Decimal(v)) for level, v in (funding or {}).items())
        out.append(
            Line(
                person,
                place,
                no,
                code,
                name,
                cast(Kind, kind),
                _month(month),
                amount,
                split,
                funding_note,
                note,
            )
        )
    return out


def township_names(codes: Sequence[str]) -> dict[str, str]:
    return dict(Region.objects.filter(code__in=[c for c in codes if c]).values_list("code", "name"))
