"""Who is a visit target, in which risk tier, and why: one person record + rules + date.

A person is a target when alive on the date (a person who died on or before it never is), aged at least
``min_age`` (60) and in at least one target group of the jurisdiction. The tier is the first tier of the
rules whose condition holds (and whose ``only_groups``, if any, contain every group of the person).
Reasons are in Chinese: one per group, then the tier with its interval.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from yanglao.core import person as spec
from yanglao.core.visits import conditions as c
from yanglao.core.visits.params import Rules, Tier
from yanglao.core.visits.schedule import Interval


@dataclass(frozen=True)
class Target:
    id_number: str
    groups: tuple[str, ...]
    tier: str
    tier_label: str
    interval: Interval
    reasons: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "id_number": self.id_number,
            "tier": self.tier,
            "interval_days": self.interval.nominal_days,
            "reasons": list(self.reasons),
        }


def is_dead(record: Mapping[str, spec.Value], on: dt.date) -> bool:
    death = record.get("death_date")
    return isinstance(death, dt.date) and death <= on


def _group_reason(label: str, why: list[str]) -> str:
    """``独居`` rather than ``独居（居住状况：独居）``; ``计划生育特殊家庭（独生子女死亡）``."""
    parts: list[str] = []
    for text in why:
        if text.endswith(f"：{label}"):
            continue
        field_label, sep, value = text.partition("：")
        parts.append(value if sep and field_label == label else text)
    return f"{label}（{'；'.join(parts)}）" if parts else label


def _context(
    record: Mapping[str, spec.Value], rules: Rules, on: dt.date, groups: frozenset[str]
) -> c.Context:
    return c.Context(record, on, rules.rule_parameters, groups, rules.group_labels)


def target_groups(record: Mapping[str, spec.Value], rules: Rules, on: dt.date) -> list[tuple[str, str]]:
    """(group key, reason) of every group the person is in, in the rules' order."""
    ctx = _context(record, rules, on, frozenset())
    out: list[tuple[str, str]] = []
    for group in rules.groups:
        ok, why = c.evaluate(group.when, ctx)
        if ok:
            out.append((group.key, _group_reason(group.label, why)))
    return out


def _tier_reason(tier: Tier, why: list[str]) -> str:
    because = f"（{'；'.join(why)}）" if why else ""
    return f"分级：{tier.label}{because}，{tier.interval.text()}探访一次"


def choose_tier(
    record: Mapping[str, spec.Value], rules: Rules, on: dt.date, groups: frozenset[str]
) -> tuple[Tier, str]:
    ctx = _context(record, rules, on, groups)
    for tier in rules.tiers:
        if tier.only_groups is not None and not groups <= set(tier.only_groups):
            continue
        if tier.when is None:
            return tier, _tier_reason(tier, [])
        ok, why = c.evaluate(tier.when, ctx)
        if ok:
            return tier, _tier_reason(tier, why)
    raise AssertionError("the loader guarantees a last tier without conditions")  # pragma: no cover


def evaluate_target(record: Mapping[str, spec.Value], rules: Rules, on: dt.date) -> Target | None:
    """The person as a target on ``on``, or ``None``. ``record`` is a parsed person record."""
    record = spec.derive_defaults(dict(record))
    id_number = record.get("id_number")
    birth = record.get("birth_date")
    if not isinstance(id_number, str) or is_dead(record, on):
        return None
    if not isinstance(birth, dt.date) or spec.age_on(birth, on) < rules.param("min_age", on):
        return None
    found = target_groups(record, rules, on)
    if not found:
        return None
    groups = frozenset(key for key, _ in found)
    tier, tier_reason = choose_tier(record, rules, on, groups)
    return Target(
        id_number=id_number,
        groups=tuple(key for key, _ in found),
        tier=tier.key,
        tier_label=tier.label,
        interval=tier.interval,
        reasons=(*(reason for _, reason in found), tier_reason),
    )
