"""The lines of one monthly payment roll: this month's payments, back-pay and recovery.

Everything here is a function of its inputs (no clock, no database): the same list, month, people,
enrolments and history give the same lines in the same order, which is what makes preparing a month
twice give the same roll. The rules (docs/payments.md):

- **Which enrolments.** Active enrolments of the roll's list whose service code is a monthly cash
  benefit with a machine amount (:func:`~yanglao.core.payments.amounts.cash_targets`). Several
  enrolments of one person for one code count once (earliest start, latest end).
- **Which months.** An enrolment pays every month from the month of its ``start`` (inclusive) to the
  month of its ``end`` (inclusive; none: open).
- **Evaluation day.** A month's amount, and whether the person still qualifies, are those of the list's
  rules and parameters on the month's **last day** — a person turning 80 or 100 on any day of the
  month gets that month at the new rate. The month of death is paid in full, evaluated on the day of
  death (as if alive that day); no month after it is paid.
- **Back-pay** (补发) for a late enrolment: each month before this one, at most ``backpay_months``
  back (the list's parameter ``payroll_backpay_months`` on the evaluation day, default 12), that the
  enrolment covers, for which a locked (approved or exported) roll of the list covered the person's
  paying place and paid nothing for this code — one line per month, at that month's amount. Months no
  locked roll covered are not back-paid: they were before the system paid that area, or their roll is
  still being prepared and will include the person.
- **Recovery** (追回): what earlier *exported* rolls paid for a month after the month of death, net of
  recovery already in a locked roll, comes back as one negative line per code and month.
- An enrolment the rules do not grant on the evaluation day (moved away, no longer 低保, 择高, item
  out of force), or whose figure cannot be computed, gets no line but a *skipped* entry with the
  evaluator's reason, so that staff can end or correct the enrolment.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Literal

from yanglao.core.catalog.model import Catalog, no_sort_key
from yanglao.core.payments.amounts import CashTarget, cash_targets, evaluate_day, explain_refusal
from yanglao.core.payments.funding import funding_rule, split
from yanglao.core.payments.months import Month
from yanglao.core.person import Record, Value

Kind = Literal["regular", "backpay", "recovery"]
KINDS: dict[str, str] = {"regular": "当月", "backpay": "补发", "recovery": "追回"}
KIND_ORDER = {kind: n for n, kind in enumerate(KINDS)}
DEFAULT_BACKPAY_MONTHS = 12
BACKPAY_PARAMETER = "payroll_backpay_months"


def township_of(place: str) -> str:
    """The 12-digit township code of a paying place (a 12-digit code); ``""`` when unknown."""
    return place[:9] + "000" if len(place) == 12 else ""


@dataclass(frozen=True)
class Payee:
    """A person as the roll sees them: ``record`` holds the person-record fields the rules read."""

    key: int
    id_number: str
    name: str
    record: Mapping[str, Value]

    @property
    def death_date(self) -> dt.date | None:
        value = self.record.get("death_date")
        return value if isinstance(value, dt.date) else None


@dataclass(frozen=True)
class Enrol:
    person: int
    code: str
    start: dt.date
    end: dt.date | None
    place: str  # the paying place (户籍, else 常住地), 12 digits when known

    def covers(self, month: Month) -> bool:
        return self.start <= month.last and (self.end is None or self.end >= month.first)


@dataclass(frozen=True)
class PaidMonth:
    """Net payment of one person, code and month by exported rolls (minus recovery in locked rolls)."""

    person: int
    code: str
    item_no: str
    name: str
    month: Month
    amount: Decimal
    place: str
    funding: tuple[tuple[str, Decimal], ...] = ()
    funding_note: str = ""


@dataclass(frozen=True)
class History:
    """What earlier rolls of the same list did (the roll being prepared excluded)."""

    paid: frozenset[tuple[int, str, Month]] = frozenset()  # a positive line in a locked roll
    locked: frozenset[tuple[Month, str]] = frozenset()  # (month, region prefix) of locked rolls
    exported: tuple[PaidMonth, ...] = ()  # net paid by exported rolls, for the people who died

    @cached_property
    def _locked_by_month(self) -> dict[Month, list[str]]:
        out: dict[Month, list[str]] = defaultdict(list)
        for m, prefix in self.locked:
            out[m].append(prefix)
        return out

    def locked_months(self, start: Month, end: Month) -> list[Month]:
        """The months from ``start`` up to (not including) ``end`` that some locked roll covers."""
        return [m for m in self._locked_sorted if start <= m < end]

    @cached_property
    def _locked_sorted(self) -> list[Month]:
        return sorted(self._locked_by_month)

    def covered(self, month: Month, place: str) -> bool:
        return any(place.startswith(prefix) for prefix in self._locked_by_month.get(month, ()))


@dataclass(frozen=True)
class Line:
    person: int
    place: str
    item_no: str
    code: str
    name: str
    kind: Kind
    month: Month  # the month the money is for
    amount: Decimal
    funding: tuple[tuple[str, Decimal], ...]
    funding_note: str
    note: str = ""

    @property
    def township(self) -> str:
        return township_of(self.place)


@dataclass(frozen=True)
class Skipped:
    person: int
    code: str
    item_no: str
    name: str
    month: Month
    reason: str


@dataclass
class RollResult:
    month: Month
    evaluation_day: dt.date
    backpay_months: int
    lines: list[Line] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def backpay_limit(catalog: Catalog, month: Month, override: int | None = None) -> int:
    if override is not None:
        return max(0, override)
    param = catalog.parameters.get(BACKPAY_PARAMETER)
    value = param.value_on(month.last) if param is not None else None
    return DEFAULT_BACKPAY_MONTHS if value is None else max(0, int(value.value))


def merge(enrolments: Sequence[Enrol]) -> list[Enrol]:
    """One enrolment per (person, code): earliest start, latest end (open wins), latest place."""
    groups: dict[tuple[int, str], list[Enrol]] = defaultdict(list)
    for e in enrolments:
        groups[(e.person, e.code)].append(e)
    out: list[Enrol] = []
    for (person, code), group in sorted(groups.items()):
        group.sort(key=lambda e: (e.start, e.place))
        ends = [e.end for e in group]
        end = None if any(x is None for x in ends) else max(x for x in ends if x is not None)
        out.append(Enrol(person, code, group[0].start, end, group[-1].place))
    return out


@dataclass(frozen=True)
class _Request:
    person: int
    target: CashTarget
    month: Month
    kind: Kind
    place: str


def _day(payee: Payee, month: Month) -> dt.date:
    death = payee.death_date
    return death if death is not None and month.first <= death <= month.last else month.last


def _alive_record(payee: Payee, month: Month) -> Record:
    record: Record = dict(payee.record)
    death = payee.death_date
    if death is not None and death >= month.first:
        record["death_date"] = None  # the month of death is paid: evaluate as alive on the day
    return record


def compute_roll(
    catalog: Catalog,
    month: Month,
    payees: Mapping[int, Payee],
    enrolments: Sequence[Enrol],
    history: History = History(),
    backpay_months: int | None = None,
) -> RollResult:
    targets = cash_targets(catalog)
    cap = backpay_limit(catalog, month, backpay_months)
    result = RollResult(month, month.last, cap)
    requests: list[_Request] = []
    for e in merge([e for e in enrolments if e.code in targets and e.person in payees]):
        payee, target = payees[e.person], targets[e.code]
        death = payee.death_date
        if e.covers(month) and (e.person, e.code, month) not in history.paid:
            if death is not None and death < month.first:
                reason = f"已于 {death} 去世，{month.label}起不再发放（请停止该享受记录）"
                result.skipped.append(
                    Skipped(e.person, e.code, target.item.no, target.item.name, month, reason)
                )
            else:
                requests.append(_Request(e.person, target, month, "regular", e.place))
        earliest = max(Month.of(e.start), month.shift(-cap))
        for m in history.locked_months(earliest, month):
            if not e.covers(m) or (e.person, e.code, m) in history.paid or not history.covered(m, e.place):
                continue
            if death is not None and death < m.first:
                continue
            requests.append(_Request(e.person, target, m, "backpay", e.place))
    _evaluate(catalog, payees, requests, result)
    _recover(catalog, payees, history, month, result)
    ids = {key: payee.id_number for key, payee in payees.items()}
    result.lines.sort(
        key=lambda x: (
            x.township,
            ids.get(x.person, ""),
            no_sort_key(x.item_no),
            x.code,
            x.month,
            KIND_ORDER[x.kind],
        )
    )
    result.skipped.sort(key=lambda s: (ids.get(s.person, ""), no_sort_key(s.item_no), s.code, s.month))
    return result


def _evaluate(
    catalog: Catalog, payees: Mapping[int, Payee], requests: list[_Request], result: RollResult
) -> None:
    """Evaluate every request on its day, one engine pass per distinct day."""
    by_day: dict[dt.date, list[_Request]] = defaultdict(list)
    for request in requests:
        by_day[_day(payees[request.person], request.month)].append(request)
    all_targets = sorted({r.target.code: r.target for r in requests}.values(), key=lambda t: t.code)
    for day in sorted(by_day):
        batch = by_day[day]
        people = sorted({r.person for r in batch})
        position = {key: n for n, key in enumerate(people)}
        month = Month.of(day)
        records = [_alive_record(payees[key], month) for key in people]
        outcomes = evaluate_day(catalog, day, records, all_targets)
        for request in batch:
            item = request.target.item
            outcome = outcomes[position[request.person]][request.target.code]
            when = "" if request.kind == "regular" else f"补发{request.month.label}："
            if not outcome.granted:
                why = explain_refusal(catalog, records[position[request.person]], day, request.target)
                result.skipped.append(
                    Skipped(
                        request.person, request.target.code, item.no, item.name, request.month, when + why
                    )
                )
                continue
            if outcome.amount is None or outcome.amount <= 0:
                why = (
                    "金额无法计算（参数在该日没有值或本人信息不全）" if outcome.amount is None else "金额为 0"
                )
                result.skipped.append(
                    Skipped(
                        request.person, request.target.code, item.no, item.name, request.month, when + why
                    )
                )
                continue
            rule = funding_rule(catalog, item, day)
            note = f"补发 {request.month}" if request.kind == "backpay" else ""
            result.lines.append(
                Line(
                    request.person,
                    request.place,
                    item.no,
                    request.target.code,
                    _name(request.target),
                    request.kind,
                    request.month,
                    outcome.amount,
                    split(outcome.amount, rule),
                    rule.note,
                    note,
                )
            )


def _name(target: CashTarget) -> str:
    if target.code == target.item.code:
        return target.item.name
    return target.benefits[0].name


def _recover(
    catalog: Catalog, payees: Mapping[int, Payee], history: History, month: Month, result: RollResult
) -> None:
    for paid in history.exported:
        payee = payees.get(paid.person)
        death = payee.death_date if payee is not None else None
        if death is None or paid.amount <= 0 or paid.month <= Month.of(death) or paid.month > month:
            continue
        note = f"已于 {death} 去世，{paid.month} 已发 {paid.amount} 元，追回"
        result.lines.append(
            Line(
                paid.person,
                paid.place,
                paid.item_no,
                paid.code,
                paid.name,
                "recovery",
                paid.month,
                -paid.amount,
                tuple((level, -value) for level, value in paid.funding),
                paid.funding_note or ("按原发放拆分" if paid.funding else "原发放未拆分，追回亦未拆分"),
                note,
            )
        )
