"""The database backend of the rule language: a condition compiled to a Django ``Q`` over the registry's
``Person`` fields, so a whole region is selected (or counted) in SQL.

The fourth execution of one rule, beside the one-person evaluator (the reference), Polars and Spark, and
held to the same answer by the same generated populations (``tests/integration/test_conformance_ruleq.py``
loads them into SQLite and PostgreSQL). Like the bulk engines it compiles the *lowered* tree
(:mod:`yanglao.core.engine.plan`): parameters and options are already values on the date, brackets and
choices already guarded branches, so only ``Conj Disj Neg Truth Compare In Within IsKnown`` remain.

- A field compared with a literal is a plain lookup (``ability_level >= 2``, ``dibao = true``), an age
  compared with a literal a birth-date bound (``age >= 80`` is ``birth_date <= on − 80 years``,
  :func:`yanglao.core.stats.ages.born_by`): the indexes apply, and SQLite and PostgreSQL give the same rows.
- Anything else (a person's numbers in arithmetic, two fields compared) is an SQL expression; a division
  by zero is unknown (``NULLIF``), never an error. PostgreSQL computes in ``numeric``; SQLite has only
  binary floating point, so a quotient compared *exactly* with a fraction may differ there in the last
  digit (no list or indicator does that).
- "Unknown never satisfies a comparison" and plain two-valued ``not``: every comparison is conjoined with
  its operands being known, so SQL's ``NULL`` never reaches a ``NOT``.

``prefix`` reads the fields through a relation (``"person__"`` for a model with a ``person`` key).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from functools import singledispatch
from typing import Any, TypeGuard

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    DateField,
    DecimalField,
    F,
    FloatField,
    IntegerField,
    Q,
    Value,
    When,
)
from django.db.models.functions import Cast, ExtractDay, ExtractMonth, ExtractYear, NullIf
from django.db.models.lookups import (
    Exact,
    GreaterThan,
    GreaterThanOrEqual,
    IsNull,
    LessThan,
    LessThanOrEqual,
)

from yanglao.core.catalog.evaluate import resolve_options
from yanglao.core.catalog.model import Catalog
from yanglao.core.catalog.rules import Age, Arith, Compare, Cond, Const, Expr, FieldRef, In, IsKnown, Within
from yanglao.core.engine.plan import Conj, Disj, LCond, Lowering, Neg, Truth
from yanglao.core.stats.ages import born_by
from yanglao.core.stats.indicators import NO_LIST

NOBODY = Q(pk__in=[])
EVERYBODY = Q(pk__isnull=False)
_LOOKUP = {"=": "exact", "<": "lt", "<=": "lte", ">": "gt", ">=": "gte"}
_EXPR_LOOKUP: dict[str, Any] = {
    "=": Exact,
    "<": LessThan,
    "<=": LessThanOrEqual,
    ">": GreaterThan,
    ">=": GreaterThanOrEqual,
}
_FLIP: dict[str, Any] = {"=": "=", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
_NUMERIC = DecimalField(max_digits=38, decimal_places=10)


def rule_q(
    cond: Cond | None,
    on: dt.date,
    catalog: Catalog | None = None,
    options: Mapping[str, bool] | None = None,
    *,
    prefix: str = "",
    vendor: str | None = None,
) -> Q:
    """The persons meeting ``cond`` on ``on`` (``None``: everybody). ``catalog`` supplies the parameters
    and options the rule names (its defaults overridden by ``options``); ``vendor`` is the database's
    (``connection.vendor``, the default connection's when not given): on SQLite a quotient is computed
    in floating point."""
    if cond is None:
        return EVERYBODY
    if isinstance(on, dt.datetime):
        on = on.date()
    source = catalog if catalog is not None else NO_LIST
    lowered = Lowering(on, resolve_options(source, options), source).cond(cond)
    return lowered_q(lowered, _Target(on, prefix, vendor or connection.vendor))


class _Target:
    def __init__(self, on: dt.date, prefix: str, vendor: str) -> None:
        self.on = on
        self.prefix = prefix
        self.vendor = vendor

    def name(self, field: str) -> str:
        return self.prefix + ("birth_date" if field == "age" else field)


@singledispatch
def lowered_q(node: LCond, target: _Target) -> Q:
    raise NotImplementedError(f"the database backend has no compilation for {type(node).__name__}")


@lowered_q.register
def _(node: Truth, target: _Target) -> Q:
    return EVERYBODY if node.value else NOBODY


@lowered_q.register
def _(node: Conj, target: _Target) -> Q:
    out = lowered_q(node.items[0], target)
    for item in node.items[1:]:
        out &= lowered_q(item, target)
    return out


@lowered_q.register
def _(node: Disj, target: _Target) -> Q:
    out = lowered_q(node.items[0], target)
    for item in node.items[1:]:
        out |= lowered_q(item, target)
    return out


@lowered_q.register
def _(node: Neg, target: _Target) -> Q:
    return ~lowered_q(node.item, target)


@lowered_q.register
def _(node: In, target: _Target) -> Q:
    return Q(**{f"{target.name(node.field)}__in": list(node.values)})


@lowered_q.register
def _(node: Within, target: _Target) -> Q:
    return Q(**{f"{target.name(node.field)}__startswith": node.prefix})


@lowered_q.register
def _(node: IsKnown, target: _Target) -> Q:
    return Q(**{f"{target.name(node.field)}__isnull": False})


@lowered_q.register
def _(node: Compare, target: _Target) -> Q:
    left, right, op = node.left, node.right, node.op
    if isinstance(left, Const) and not isinstance(right, Const):
        left, right, op = right, left, _FLIP[op]
    if isinstance(right, Const) and isinstance(left, FieldRef):
        return _field_q(target.name(left.name), op, _plain(right.value))
    if isinstance(right, Const) and isinstance(left, Age) and _whole(right.value):
        return _age_q(int(right.value), op, target)
    return _expression_q(op, left, right, target)


def _whole(value: object) -> TypeGuard[Decimal]:
    return isinstance(value, Decimal) and not isinstance(value, bool) and value % 1 == 0


def _plain(value: Decimal | bool | dt.date) -> Decimal | bool | dt.date | int:
    return int(value) if _whole(value) else value


def _field_q(name: str, op: str, value: object) -> Q:
    if op == "!=":
        return Q(**{f"{name}__isnull": False}) & ~Q(**{name: value})
    return Q(**{f"{name}__{_LOOKUP[op]}": value})


def _age_at_least(years: int, target: _Target) -> Q:
    """Aged ``years`` or more on the date: born on or before :func:`born_by` (a date a database can hold,
    years 1 to 9999)."""
    name = target.name("birth_date")
    year = target.on.year - years
    if year > 9999:
        return Q(**{f"{name}__isnull": False})
    if year < 1:
        return NOBODY
    return Q(**{f"{name}__lte": born_by(target.on, years)})


def _age_q(years: int, op: str, target: _Target) -> Q:
    at_least = {">=": years, ">": years + 1}
    at_most = {"<=": years, "<": years - 1}
    if op in at_least:
        return _age_at_least(at_least[op], target)
    if op in at_most:
        known = Q(**{f"{target.name('birth_date')}__isnull": False})
        return known & ~_age_at_least(at_most[op] + 1, target)
    exactly = _age_at_least(years, target) & ~_age_at_least(years + 1, target)
    if op == "=":
        return exactly
    return Q(**{f"{target.name('birth_date')}__isnull": False}) & ~exactly


# --- expressions (a person's numbers in arithmetic, two fields compared) ---------------------------


def _expression_q(op: str, left: Expr, right: Expr, target: _Target) -> Q:
    lhs, rhs = _value(left, target), _value(right, target)
    known = Q(IsNull(lhs, False)) & Q(IsNull(rhs, False))
    if op == "!=":
        return known & ~Q(Exact(lhs, rhs))
    return known & Q(_EXPR_LOOKUP[op](lhs, rhs))


def _numeric(target: _Target) -> Any:
    return FloatField() if target.vendor == "sqlite" else _NUMERIC


@singledispatch
def _value(node: Expr, target: _Target) -> Any:
    raise NotImplementedError(f"the database backend has no compilation for {type(node).__name__}")


@_value.register
def _(node: Const, target: _Target) -> Any:
    value = node.value
    if isinstance(value, bool):
        return Value(value, output_field=BooleanField())
    if isinstance(value, dt.date):
        return Value(value, output_field=DateField())
    if _whole(value):
        return Value(int(value), output_field=IntegerField())
    return Cast(Value(value, output_field=_NUMERIC), _numeric(target))


@_value.register
def _(node: FieldRef, target: _Target) -> Any:
    return F(target.name(node.name))


@_value.register
def _(node: Age, target: _Target) -> Any:
    birth = target.name("birth_date")
    on = target.on
    day = ExtractMonth(birth) * Value(100) + ExtractDay(birth)
    not_yet = Case(
        When(GreaterThan(day, Value(on.month * 100 + on.day)), then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    return Cast(Value(on.year) - ExtractYear(birth) - not_yet, IntegerField())


@_value.register
def _(node: Arith, target: _Target) -> Any:
    numeric = _numeric(target)
    args = [Cast(_value(arg, target), numeric) for arg in node.args]
    result: Any = args[0]
    for arg in args[1:]:
        if node.op == "+":
            result = result + arg
        elif node.op == "-":
            result = result - arg
        elif node.op == "*":
            result = result * arg
        else:
            result = result / NullIf(arg, Cast(Value(0), numeric))
    return Cast(result, numeric)
