"""The condition language of the visits parameter files: small, typed, explained in Chinese.

One condition is a mapping with exactly one of these forms (an optional ``label`` names it in reasons):

- ``{field: NAME, in: [code, …]}`` — a code field of the person record has one of the codes;
- ``{field: NAME, is: true|false}`` — a boolean field is known and has this value;
- ``{field: NAME, at_least: N}`` / ``{field: NAME, at_most: N}`` — an integer field (``N`` may be
  ``{param: NAME}``, a parameter of the jurisdiction);
- ``{age_at_least: N}`` — age in completed years (周岁) on the evaluation date;
- ``{group: NAME}`` / ``{any_group: [NAME, …]}`` — the person is in a target group (tiers only);
- ``{all: [cond, …]}`` / ``{any: [cond, …]}``.

An unknown value ("not known", ``None``) never satisfies a condition.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from yanglao.core import person as spec

Number = int


@dataclass(frozen=True)
class ParamRef:
    name: str


@dataclass(frozen=True)
class FieldIn:
    field: str
    codes: tuple[str, ...]
    label: str | None = None


@dataclass(frozen=True)
class FieldIs:
    field: str
    value: bool
    label: str | None = None


@dataclass(frozen=True)
class FieldCompare:
    field: str
    op: str  # "at_least" | "at_most"
    bound: Number | ParamRef
    label: str | None = None


@dataclass(frozen=True)
class AgeAtLeast:
    years: Number | ParamRef
    label: str | None = None


@dataclass(frozen=True)
class InGroup:
    groups: tuple[str, ...]
    label: str | None = None


@dataclass(frozen=True)
class AllOf:
    parts: tuple[Cond, ...]
    label: str | None = None


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[Cond, ...]
    label: str | None = None


Cond = FieldIn | FieldIs | FieldCompare | AgeAtLeast | InGroup | AllOf | AnyOf


@dataclass(frozen=True)
class Context:
    """What a condition is evaluated against."""

    record: Mapping[str, spec.Value]
    on: dt.date
    param: Callable[[str], int]
    groups: frozenset[str] = frozenset()
    group_labels: Mapping[str, str] | None = None


def _bound(value: Number | ParamRef, ctx: Context) -> int:
    return ctx.param(value.name) if isinstance(value, ParamRef) else value


def _value_label(field_name: str, value: spec.Value) -> str:
    fld = spec.FIELD_BY_NAME[field_name]
    if field_name == "ability_level":
        return dict(spec.ABILITY_LEVELS).get(str(value), str(value))
    if field_name == "disability_grade":
        return f"{'一二三四'[int(str(value)) - 1]}级" if str(value) in "1234" else str(value)
    if fld.kind == "code":
        return fld.code_label(str(value))
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def _explain(label: str | None, default: str) -> str:
    return label if label else default


def evaluate(cond: Cond, ctx: Context) -> tuple[bool, list[str]]:
    """Whether ``cond`` holds, and why (Chinese reasons of the parts that made it hold)."""
    if isinstance(cond, AllOf):
        reasons: list[str] = []
        for part in cond.parts:
            ok, why = evaluate(part, ctx)
            if not ok:
                return False, []
            reasons.extend(why)
        return True, [cond.label] if cond.label else reasons
    if isinstance(cond, AnyOf):
        found: list[str] = []
        for part in cond.parts:
            ok, why = evaluate(part, ctx)
            if ok:
                found.extend(why)
        if not found:
            return False, []
        return True, [f"{cond.label}（{'；'.join(found)}）"] if cond.label else found
    return _evaluate_leaf(cond, ctx)


def _evaluate_leaf(cond: Cond, ctx: Context) -> tuple[bool, list[str]]:
    if isinstance(cond, InGroup):
        hit = [g for g in cond.groups if g in ctx.groups]
        labels = ctx.group_labels or {}
        return bool(hit), [_explain(cond.label, "、".join(labels.get(g, g) for g in hit))] if hit else []
    if isinstance(cond, AgeAtLeast):
        birth = ctx.record.get("birth_date")
        if not isinstance(birth, dt.date):
            return False, []
        age = spec.age_on(birth, ctx.on)
        years = _bound(cond.years, ctx)
        return (age >= years), [_explain(cond.label, f"{age}周岁（{years}周岁及以上）")]
    if not isinstance(cond, FieldIn | FieldIs | FieldCompare):
        return False, []
    value = ctx.record.get(cond.field)
    if value is None:
        return False, []
    label = spec.FIELD_BY_NAME[cond.field].label
    shown = f"{label}：{_value_label(cond.field, value)}"
    if isinstance(cond, FieldIn):
        return str(value) in cond.codes, [_explain(cond.label, shown)]
    if isinstance(cond, FieldIs):
        return value is cond.value, [_explain(cond.label, shown)]
    if isinstance(cond, FieldCompare) and isinstance(value, int) and not isinstance(value, bool):
        bound = _bound(cond.bound, ctx)
        ok = value >= bound if cond.op == "at_least" else value <= bound
        return ok, [_explain(cond.label, shown)]
    return False, []


def referenced_groups(cond: Cond) -> set[str]:
    if isinstance(cond, InGroup):
        return set(cond.groups)
    if isinstance(cond, AllOf | AnyOf):
        return set().union(*(referenced_groups(p) for p in cond.parts)) if cond.parts else set()
    return set()


def referenced_params(cond: Cond) -> set[str]:
    if isinstance(cond, FieldCompare) and isinstance(cond.bound, ParamRef):
        return {cond.bound.name}
    if isinstance(cond, AgeAtLeast) and isinstance(cond.years, ParamRef):
        return {cond.years.name}
    if isinstance(cond, AllOf | AnyOf):
        return set().union(*(referenced_params(p) for p in cond.parts)) if cond.parts else set()
    return set()
