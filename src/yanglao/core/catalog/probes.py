"""Probe persons: small, systematic sets of person records that tell two rules apart.

``check`` compares a list with the list above it by running both rules over every combination of the
values that matter to them (the fields they read; for ages, each threshold, one year below and one
above; every code; true/false/unknown). A person the parent grants and the child refuses is a concrete
counterexample of a narrower target group; a person both grant with a lower child amount shows a lower
standard. Everyone probed lives in the child's jurisdiction (a county list serves its residents).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from decimal import Decimal
from functools import singledispatch

from yanglao.core.catalog.describe import code_label, field_label
from yanglao.core.catalog.rules import (
    Age,
    All,
    AnyOf,
    Arith,
    Bracket,
    Choose,
    Compare,
    Cond,
    Const,
    Expr,
    FieldRef,
    In,
    IsKnown,
    Not,
    OptionOn,
    Param,
    Within,
    fields_used,
    jurisdiction_code,
    region_prefix,
    walk,
)
from yanglao.core.person import FIELD_BY_NAME, Value, age_on

MAX_PROBES = 60_000
Domain = list[Value]


def _thresholds(nodes: list[Expr | Cond], target: FieldRef | None) -> set[int]:
    """Integer values compared with ``target`` (an int field; ``None``: age) or used as its bracket bounds."""

    def matches(expr: Expr) -> bool:
        return isinstance(expr, Age) if target is None else expr == target

    out: set[int] = set()
    for node in nodes:
        if isinstance(node, Compare):
            for a, b in ((node.left, node.right), (node.right, node.left)):
                if matches(a) and isinstance(b, Const) and isinstance(b.value, Decimal):
                    t = int(b.value)
                    out |= {t - 1, t, t + 1}
        elif isinstance(node, Bracket) and matches(node.of):
            for row in node.rows:
                for bound in (row.low, row.high):
                    if bound is not None:
                        out |= {int(bound) - 1, int(bound), int(bound) + 1}
    return out


def _birth_for_age(age: int, on: dt.date) -> dt.date:
    try:
        return on.replace(year=on.year - age)
    except ValueError:  # 29 February
        return on.replace(year=on.year - age, day=28)


def _regions(child_code: str, parent_code: str, nodes: list[Expr | Cond]) -> Domain:
    child_prefix, parent_prefix = region_prefix(child_code), region_prefix(parent_code)
    out: list[str] = [child_code]
    if child_prefix.startswith(parent_prefix) and child_prefix != parent_prefix:
        for fill in "98":
            sibling = (parent_prefix + fill * 6)[:6]
            if not sibling.startswith(child_prefix):
                out.append(sibling)
                break
    for node in nodes:
        if isinstance(node, Within):
            out.append(jurisdiction_code(node.prefix))
    for outside in ("990000", "980000"):
        if not outside.startswith((child_prefix, parent_prefix)):
            out.append(outside)
            break
    return list(dict.fromkeys(out))


def domains(
    trees: list[Expr | Cond], on: dt.date, child_code: str, parent_code: str
) -> dict[str, Domain] | None:
    """The values to try for each field the trees read; ``None`` when the combinations are too many."""
    nodes = [node for tree in trees for node in walk(tree)]
    names: set[str] = set()
    for tree in trees:
        names |= fields_used(tree)
    out: dict[str, Domain] = {}
    for name in sorted(names):
        fld = FIELD_BY_NAME[name]
        values: Domain
        if name == "birth_date":
            ages = sorted(_thresholds(nodes, None) | {60, 80, 100})
            values = [_birth_for_age(a, on) for a in ages if a >= 0]
        elif fld.kind == "bool":
            values = [True, False]
        elif fld.kind == "code":
            values = list(fld.code_values())
        elif fld.kind == "int" and fld.minimum is not None and fld.maximum is not None and fld.maximum <= 10:
            values = [*range(fld.minimum, fld.maximum + 1)]
        elif fld.kind == "int":
            values = [*sorted(v for v in _thresholds(nodes, FieldRef(name)) | {0} if v >= 0)]
        elif name == "residence_region":
            values = [child_code]
        elif fld.kind == "region":
            values = _regions(child_code, parent_code, nodes)
        else:
            values = []
        if fld.kind in ("code", "int") and name != "birth_date":
            values = _representatives(name, values, nodes)
        if name not in ("residence_region", "hukou_region"):
            values.append(None)  # unknown, tried last
        out[name] = values
    total = 1
    for values in out.values():
        total *= max(len(values), 1)
    return out if total <= MAX_PROBES else None


def _leaf_result(node: Expr | Cond, value: Value) -> bool | None:
    """The result of a one-field leaf for ``value``; ``None`` when the node is not such a leaf."""
    if isinstance(node, In):
        return value in node.values
    if isinstance(node, IsKnown):
        return value is not None
    if (
        isinstance(node, Compare)
        and isinstance(node.left, FieldRef)
        and isinstance(node.right, Const)
        and isinstance(value, int)
        and isinstance(node.right.value, Decimal)
    ):
        a, b = Decimal(value), node.right.value
        return {"=": a == b, "!=": a != b, "<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[node.op]
    return None


def _representatives(name: str, values: Domain, nodes: list[Expr | Cond]) -> Domain:
    """One value per class of values that every node reading ``name`` treats alike (e.g. of the
    living arrangements, ``alone``, ``empty_nest`` and ``left_behind`` when a rule lists all three).
    Values are kept whole when the field is used in any other way (arithmetic, brackets)."""
    refs = [n for n in nodes if n == FieldRef(name)]
    in_leaves = [
        n for n in nodes if isinstance(n, Compare) and n.left == FieldRef(name) and isinstance(n.right, Const)
    ]
    if not values or len(refs) != len(in_leaves):
        return values
    readers = [n for n in nodes if not isinstance(n, FieldRef) and name in _reads(n)]
    if any(_leaf_result(n, values[0]) is None for n in readers):
        return values
    seen: dict[tuple[bool | None, ...], Value] = {}
    for value in values:
        seen.setdefault(tuple(_leaf_result(n, value) for n in readers), value)
    return list(seen.values())


@singledispatch
def _reads(node: Expr | Cond) -> set[str]:
    """The fields one node reads itself (not through its children)."""
    raise TypeError(f"probes: unknown rule node {type(node).__name__}")


@_reads.register
def _(node: In | IsKnown | Within) -> set[str]:
    return {node.field}


@_reads.register
def _(node: FieldRef) -> set[str]:
    return {node.name}


@_reads.register
def _(node: Compare) -> set[str]:
    return {e.name for e in (node.left, node.right) if isinstance(e, FieldRef)}


@_reads.register
def _(node: Const | Age | Param | Arith | Bracket | Choose | All | AnyOf | Not | OptionOn) -> set[str]:
    return set()  # age is read through birth_date (fields_used); the others read through their children


def probes(fields: dict[str, Domain]) -> Iterator[dict[str, Value]]:
    names = list(fields)
    for combo in itertools.product(*(fields[n] for n in names)):
        yield dict(zip(names, combo, strict=True))


def describe_probe(person: dict[str, Value], on: dt.date) -> str:
    parts = []
    for name, value in person.items():
        if name == "birth_date":
            shown = "未知" if not isinstance(value, dt.date) else f"{age_on(value, on)}周岁"
            parts.append(f"年龄 {shown}")
            continue
        if value is None:
            parts.append(f"{field_label(name)} 未知")
        elif isinstance(value, bool):
            parts.append(f"{field_label(name)} {'是' if value else '否'}")
        elif FIELD_BY_NAME[name].kind in ("code", "int") and isinstance(value, str | int):
            parts.append(f"{field_label(name)} {code_label(name, value)}")
        else:
            parts.append(f"{field_label(name)} {value}")
    return "、".join(parts) or "任何人"
