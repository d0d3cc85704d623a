"""Visit target conditions, written in the catalogue rule language (docs/catalog-format.md §5).

A group's or a tier's ``when`` is either one catalogue condition (parsed by
:func:`yanglao.core.catalog.ruleparse.parse_cond`, evaluated by
:func:`yanglao.core.catalog.evaluate.eval_cond`), or a list of *cases*, any of which makes it hold::

    when:
      - label: 80周岁及以上且独居、空巢或留守     # optional: the reason shown instead of the values
        rule: {">=": [age, 80]}                 # a catalogue condition (optional in a tier's case)
        any_group: [alone, empty_nest, left_behind]   # tiers only: in at least one of these groups
      - label: 失能且独居
        all_groups: [disabled, alone]           # tiers only: in every one of these groups

This module holds no second language: only the cases around the catalogue condition and the visits' words
for why a condition held (the person's values, ``失能（老年人能力等级：重度失能）``). An unknown value never
satisfies a comparison (the catalogue's rule, §5.4).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal

from yanglao.core import person as spec
from yanglao.core.catalog.evaluate import Context as RuleContext
from yanglao.core.catalog.evaluate import eval_cond, eval_expr
from yanglao.core.catalog.model import Catalog
from yanglao.core.catalog.rules import (
    Age,
    All,
    AnyOf,
    Compare,
    Cond,
    FieldRef,
    In,
    IsKnown,
    Not,
    OptionOn,
    Within,
    params_used,
)


@dataclass(frozen=True)
class Case:
    """One way for a group or tier to hold: a catalogue condition and (tiers only) group memberships."""

    rule: Cond | None
    label: str | None = None
    all_groups: tuple[str, ...] = ()
    any_group: tuple[str, ...] = ()


When = tuple[Case, ...]


@dataclass(frozen=True)
class Context:
    """What a condition is evaluated against: the record, the date, the rules' parameters (seen as a
    catalogue's, for the catalogue evaluator) and the groups the person is in (for tiers)."""

    record: Mapping[str, spec.Value]
    on: dt.date
    parameters: Catalog
    groups: frozenset[str] = frozenset()
    group_labels: Mapping[str, str] | None = None


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


def _field_words(name: str, ctx: Context) -> list[str]:
    value = ctx.record.get(name)
    if value is None:
        return []
    fld = spec.FIELD_BY_NAME[name]
    if value is True and fld.kind == "bool":
        return [fld.label]
    return [f"{fld.label}：{_value_label(name, value)}"]


def _words(cond: Cond, ctx: RuleContext, vctx: Context) -> list[str]:
    """The person's values that made ``cond`` hold (``cond`` is known to hold)."""
    if isinstance(cond, All):
        return [w for part in cond.items for w in _words(part, ctx, vctx)]
    if isinstance(cond, AnyOf):
        return [w for part in cond.items if eval_cond(part, ctx).result for w in _words(part, ctx, vctx)]
    if isinstance(cond, Compare):
        if isinstance(cond.left, Age):
            age, bound = eval_expr(cond.left, ctx), eval_expr(cond.right, ctx)
            if isinstance(age, Decimal) and isinstance(bound, Decimal) and cond.op == ">=":
                return [f"{age}周岁（{bound}周岁及以上）"]
            return [f"{age}周岁"]
        if isinstance(cond.left, FieldRef):
            return _field_words(cond.left.name, vctx)
        return []
    if isinstance(cond, In | Within):
        return _field_words(cond.field, vctx)
    if isinstance(cond, IsKnown):
        return _field_words("birth_date" if cond.field == "age" else cond.field, vctx)
    if isinstance(cond, Not | OptionOn):
        return []
    raise TypeError(f"unknown condition node {type(cond).__name__}")  # pragma: no cover


def evaluate(when: When, ctx: Context) -> tuple[bool, list[str]]:
    """Whether any case holds, and why (Chinese reasons of every case that holds)."""
    rule_ctx = RuleContext(ctx.parameters, ctx.record, ctx.on, {}, explain=False)
    labels = ctx.group_labels or {}
    held = False
    reasons: list[str] = []
    for case in when:
        if case.all_groups and not set(case.all_groups) <= ctx.groups:
            continue
        hit = [g for g in case.any_group if g in ctx.groups]
        if case.any_group and not hit:
            continue
        if case.rule is not None and not eval_cond(case.rule, rule_ctx).result:
            continue
        held = True
        if case.label:
            reasons.append(case.label)
            continue
        groups = [*case.all_groups, *hit]
        if groups:
            reasons.append("、".join(labels.get(g, g) for g in groups))
        if case.rule is not None:
            reasons.extend(_words(case.rule, rule_ctx, ctx))
    return held, reasons


def _cases(when: When | None) -> Iterator[Case]:
    yield from when or ()


def referenced_groups(when: When | None) -> set[str]:
    return {g for case in _cases(when) for g in (*case.all_groups, *case.any_group)}


def referenced_params(when: When | None) -> set[str]:
    return {p for case in _cases(when) if case.rule is not None for p in params_used(case.rule)}
