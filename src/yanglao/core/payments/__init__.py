"""Monthly payment rolls (补贴发放), the pure part: lines, back-pay, recovery, funding split, totals.

Public API::

    Month.parse("2025-06") -> Month
    compute_roll(catalog, month, payees, enrolments, history, backpay_months=None) -> RollResult
    funding_rule(catalog, item, on) -> FundingRule;  split(amount, rule) -> ((level, amount), …)
    totals(lines, township_names) -> dict;  consistent(totals) -> bool;  digest(lines, ids) -> str

No Django here: the ``yanglao.payments`` app reads enrolments, people and earlier rolls from the
database, calls :func:`compute_roll` and stores the lines. The rules are in docs/payments.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from yanglao.core.lazynames import lazy_names

if TYPE_CHECKING:
    from yanglao.core.payments.amounts import CashTarget, cash_targets
    from yanglao.core.payments.compute import (
        DEFAULT_BACKPAY_MONTHS,
        KINDS,
        Enrol,
        History,
        Line,
        PaidMonth,
        Payee,
        RollResult,
        Skipped,
        compute_roll,
        township_of,
    )
    from yanglao.core.payments.funding import FundingRule, funding_rule, split
    from yanglao.core.payments.months import Month
    from yanglao.core.payments.totals import consistent, digest, net_by_person, totals

_WHERE = {
    "CashTarget": "amounts",
    "cash_targets": "amounts",
    "DEFAULT_BACKPAY_MONTHS": "compute",
    "KINDS": "compute",
    "Enrol": "compute",
    "History": "compute",
    "Line": "compute",
    "PaidMonth": "compute",
    "Payee": "compute",
    "RollResult": "compute",
    "Skipped": "compute",
    "compute_roll": "compute",
    "township_of": "compute",
    "FundingRule": "funding",
    "funding_rule": "funding",
    "split": "funding",
    "Month": "months",
    "consistent": "totals",
    "digest": "totals",
    "net_by_person": "totals",
    "totals": "totals",
}
# imported from its module when first asked for (lazynames): the cash targets use the Polars engine,
# which the web server's payment views (months, the roll's lines read from the database) do not import.
__getattr__ = lazy_names(__name__, _WHERE)

__all__ = [
    "DEFAULT_BACKPAY_MONTHS",
    "KINDS",
    "CashTarget",
    "Enrol",
    "FundingRule",
    "History",
    "Line",
    "Month",
    "PaidMonth",
    "Payee",
    "RollResult",
    "Skipped",
    "cash_targets",
    "compute_roll",
    "consistent",
    "digest",
    "funding_rule",
    "net_by_person",
    "split",
    "totals",
    "township_of",
]
