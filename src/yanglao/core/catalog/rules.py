"""The rule language: immutable, typed expression nodes.

Every node is a plain frozen dataclass holding only data (names, literals, other nodes) — never a Python
callable — so that several backends can be written as visitors over the same tree: the one-person
explainer (:mod:`yanglao.core.catalog.evaluate`) and, later, a Polars and a PySpark compiler.

Two families:

- *expressions* (:data:`Expr`) yield a value: a number (:class:`~decimal.Decimal`), a boolean or a date;
- *conditions* (:data:`Cond`) yield ``True`` or ``False``.

Semantics of a missing value ("未知"), the same for every backend: an expression that reads a missing
field yields ``None``; arithmetic, brackets and comparisons with ``None`` propagate it; a comparison,
``in`` or ``within`` whose operand is ``None`` is **False**; ``not`` is plain negation of that
(two-valued logic), so ``not (age >= 80)`` is True when the birth date is missing. Rules that must
exclude unknown values say so with ``is_known``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import singledispatch
from typing import Literal as TypingLiteral

CompareOp = TypingLiteral["=", "!=", "<", "<=", ">", ">="]
ArithOp = TypingLiteral["+", "-", "*", "/"]
COMPARE_OPS: tuple[CompareOp, ...] = ("=", "!=", "<", "<=", ">", ">=")
ARITH_OPS: tuple[ArithOp, ...] = ("+", "-", "*", "/")

# The static types of expressions. ``code`` and ``region`` values are only tested with ``in`` and
# ``within``; ``text`` fields (name, ID number) cannot be used in rules at all.
ValueType = TypingLiteral["number", "bool", "date", "code", "region", "text"]
LiteralValue = Decimal | bool | dt.date


# --- expressions -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Const:
    """A literal number, boolean or date."""

    value: LiteralValue


@dataclass(frozen=True)
class FieldRef:
    """A field of the person record (``yanglao.core.person.FIELD_NAMES``)."""

    name: str


@dataclass(frozen=True)
class Age:
    """Age in completed years (周岁) on the evaluation date, from ``birth_date``."""


@dataclass(frozen=True)
class Param:
    """A parameter of the catalogue: the value in force on the evaluation date."""

    name: str


@dataclass(frozen=True)
class Arith:
    """``+ - * /`` over two or more numbers, left to right, exact (Decimal)."""

    op: ArithOp
    args: tuple[Expr, ...]


@dataclass(frozen=True)
class BracketRow:
    """``low <= of <= high`` (either bound may be open) yields ``value``."""

    low: Decimal | None
    high: Decimal | None
    value: Expr


@dataclass(frozen=True)
class Bracket:
    """A bracket table over a number (80-89 → 50, 90-99 → 100, 100+ → 300); rows never overlap.

    A number in no row yields ``otherwise`` (``None`` when not given)."""

    of: Expr
    rows: tuple[BracketRow, ...]
    otherwise: Expr | None = None


@dataclass(frozen=True)
class Case:
    when: Cond
    value: Expr


@dataclass(frozen=True)
class Choose:
    """The value of the first case whose condition holds, else ``otherwise`` (``None`` when not given)."""

    cases: tuple[Case, ...]
    otherwise: Expr | None = None


Expr = Const | FieldRef | Age | Param | Arith | Bracket | Choose


# --- conditions ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class All:
    items: tuple[Cond, ...]


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Cond, ...]


@dataclass(frozen=True)
class Not:
    item: Cond


@dataclass(frozen=True)
class Compare:
    """``left op right`` between two numbers, two dates, or two booleans (``=``/``!=`` only)."""

    op: CompareOp
    left: Expr
    right: Expr


@dataclass(frozen=True)
class In:
    """The field's value is one of ``values`` (codes of a code field, or integers of an int field)."""

    field: str
    values: tuple[str, ...] | tuple[int, ...]


@dataclass(frozen=True)
class Within:
    """A region field lies within a jurisdiction: prefix match at the jurisdiction's level.

    ``prefix`` is the jurisdiction's code cut to its level: ``"15"`` (province 150000), ``"1522"``
    (prefecture 152200), ``"152223"`` (county). A person's 6- or 12-digit code matches when it starts
    with the prefix."""

    field: str
    prefix: str


@dataclass(frozen=True)
class IsKnown:
    """The field has a value (for ``age``: the birth date is known)."""

    field: str


@dataclass(frozen=True)
class OptionOn:
    """A local option (有条件的地方可扩大到…) is switched on."""

    name: str


Cond = All | AnyOf | Not | Compare | In | Within | IsKnown | OptionOn

EXPR_TYPES: tuple[type, ...] = (Const, FieldRef, Age, Param, Arith, Bracket, Choose)
COND_TYPES: tuple[type, ...] = (All, AnyOf, Not, Compare, In, Within, IsKnown, OptionOn)


def region_prefix(code: str) -> str:
    """The prefix of a 6-digit GB/T 2260 code at its level: 150000 → 15, 152200 → 1522, 152223 → 152223."""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def jurisdiction_code(prefix: str) -> str:
    """The inverse of :func:`region_prefix`: ``"15"`` → ``"150000"``."""
    return prefix.ljust(6, "0")


@singledispatch
def children(node: Expr | Cond) -> tuple[Expr | Cond, ...]:
    """The direct sub-nodes of a node, in order (every node class registers its own: a new node without
    one fails here and in tests/unit/catalog/test_node_coverage.py, never by silently having none)."""
    raise TypeError(f"unknown rule node {type(node).__name__}")


@children.register
def _(node: Const | FieldRef | Age | Param | In | Within | IsKnown | OptionOn) -> tuple[Expr | Cond, ...]:
    return ()


@children.register
def _(node: All | AnyOf) -> tuple[Expr | Cond, ...]:
    return node.items


@children.register
def _(node: Not) -> tuple[Expr | Cond, ...]:
    return (node.item,)


@children.register
def _(node: Compare) -> tuple[Expr | Cond, ...]:
    return (node.left, node.right)


@children.register
def _(node: Arith) -> tuple[Expr | Cond, ...]:
    return node.args


@children.register
def _(node: Bracket) -> tuple[Expr | Cond, ...]:
    rest = (node.otherwise,) if node.otherwise is not None else ()
    return (node.of, *(row.value for row in node.rows), *rest)


@children.register
def _(node: Choose) -> tuple[Expr | Cond, ...]:
    rest = (node.otherwise,) if node.otherwise is not None else ()
    return (*(x for case in node.cases for x in (case.when, case.value)), *rest)


def walk(node: Expr | Cond) -> list[Expr | Cond]:
    """Every node of a tree, depth first (the node itself first)."""
    out: list[Expr | Cond] = [node]
    for child in children(node):
        out.extend(walk(child))
    return out


def fields_used(node: Expr | Cond) -> set[str]:
    """The person fields a tree reads (``age`` reads ``birth_date``)."""
    names: set[str] = set()
    for sub in walk(node):
        if isinstance(sub, FieldRef | In | Within | IsKnown):
            name = sub.name if isinstance(sub, FieldRef) else sub.field
            names.add("birth_date" if name == "age" else name)
        elif isinstance(sub, Age):
            names.add("birth_date")
    return names


def params_used(node: Expr | Cond) -> set[str]:
    return {sub.name for sub in walk(node) if isinstance(sub, Param)}


def options_used(node: Expr | Cond) -> set[str]:
    return {sub.name for sub in walk(node) if isinstance(sub, OptionOn)}
