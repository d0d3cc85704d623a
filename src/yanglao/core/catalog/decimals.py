"""The rule language's exact arithmetic, in one place: every backend that computes a figure in Python
(the one-person evaluator, the bulk plan's constant folding) uses these, so an amount is the same to
the fen whichever path computed it.

- :func:`fold` — ``+ - * /`` over two or more numbers, left to right, exact (:class:`~decimal.Decimal`);
  a division by zero gives ``None`` ("unknown"), like any other unknown operand;
- :func:`round_amount` — an amount to the fen, half-up (away from zero), as the lists pay it;
- :func:`to_fen` / :func:`from_fen` — an amount as whole fen (the bulk engines' integer money) and back;
- :func:`yearly` — an amount per year, for 择高 (amounts of different periods are compared per year);
- :func:`ordered` — ``< <= > >=`` between two numbers or two dates (anything else is false).
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, DivisionByZero, InvalidOperation

from yanglao.core.catalog.model import PERIOD_FACTOR

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def is_number(value: object) -> bool:
    """A number of the rule language (``bool`` is not one, though Python says it is an ``int``)."""
    return isinstance(value, Decimal)


def fold(op: str, numbers: Sequence[Decimal]) -> Decimal | None:
    """``numbers[0] op numbers[1] op …`` left to right, exactly; ``None`` on a division by zero."""
    result = numbers[0]
    for number in numbers[1:]:
        if op == "+":
            result += number
        elif op == "-":
            result -= number
        elif op == "*":
            result *= number
        elif op == "/":
            try:
                result /= number
            except (DivisionByZero, InvalidOperation):
                return None
        else:
            raise ValueError(f"unknown arithmetic operator {op!r}")
    return result


def round_amount(value: Decimal) -> Decimal:
    """To the fen, half-up (0.005 → 0.01, -0.005 → -0.01)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def to_fen(amount: Decimal) -> int:
    """Whole fen of an amount already rounded to the fen (:func:`round_amount`)."""
    fen = amount * HUNDRED
    if fen != fen.to_integral_value():
        raise ValueError(f"{amount} is not rounded to the fen")
    return int(fen)


def from_fen(fen: int) -> Decimal:
    """The amount in yuan of whole fen (two decimal places)."""
    return (Decimal(fen) / HUNDRED).quantize(CENT)


def yearly(amount: Decimal | None, period: str | None) -> Decimal | None:
    """The amount per year (unknown stays unknown)."""
    return None if amount is None else amount * period_factor(period)


def period_factor(period: str | None) -> int:
    return PERIOD_FACTOR.get(period or "once", 1)


_ORDER = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


def ordered(op: str, left: object, right: object) -> bool:
    """``<``, ``<=``, ``>``, ``>=`` between two numbers or two dates; anything else is False."""
    if isinstance(left, Decimal) and isinstance(right, Decimal):
        return bool(_ORDER[op](left, right))
    if isinstance(left, dt.date) and isinstance(right, dt.date):
        return bool(_ORDER[op](left, right))
    return False
