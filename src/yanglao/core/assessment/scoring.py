"""Scoring GB/T 42195-2022: indicator scores, total, initial level (C.3), change grounds (C.4) and
final level (C.5), as ``docs/ability-assessment.md`` states them, decisions included:

- 昏迷 (A.5.11) → level 4 (完全失能) whatever the score.
- 痴呆 F00-F03, or another mental or behavioural disorder F04-F99 → one level up.
- Two or more care-risk events in the last 30 days → one level up. **(decision)** The events are
  counted across all kinds together: one fall and one choking make two.
- **(decision)** Grounds 2 and 3 together raise the level once, not twice; never above 4.

Every ground that is present is listed in the result, also when it cannot change the level (coma
already gives 4, or the initial level is 4): the report's C.4 records the grounds found.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from yanglao.core.assessment import icd10
from yanglao.core.assessment.instrument import RISK_EVENT_KEYS, instrument

RISK_EVENTS_THRESHOLD = 2  # C.4 ground 3: two or more events in the last 30 days


def _frozen(mapping: Mapping[str, int]) -> Mapping[str, int]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class AssessmentInput:
    """What scoring needs from one assessment: the 26 item scores and the facts behind the grounds."""

    items: Mapping[str, int]
    coma: bool = False
    diagnoses: tuple[str, ...] = ()
    risk_events: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", _frozen(self.items))
        object.__setattr__(self, "risk_events", _frozen(self.risk_events))
        object.__setattr__(self, "diagnoses", tuple(self.diagnoses))


@dataclass(frozen=True)
class AssessmentResult:
    total: int
    indicators: Mapping[str, int]  # {"B.1": 0-32, "B.2": 0-15, "B.3": 0-28, "B.4": 0-15}
    initial_level: int  # 0-4, from the total (C.3)
    final_level: int  # 0-4, after the change grounds (C.5)
    final_level_name: str  # e.g. "完全失能"
    grounds: tuple[str, ...]  # the grounds found, in Chinese, in C.4's order
    ground_keys: tuple[str, ...]  # the same as keys: coma / mental_disorder / risk_events

    def __post_init__(self) -> None:
        object.__setattr__(self, "indicators", _frozen(self.indicators))

    def to_dict(self) -> dict[str, object]:
        """The JSON shape printed by ``yanglao assess``."""
        return {
            "total": self.total,
            "indicators": dict(self.indicators),
            "initial_level": self.initial_level,
            "final_level": self.final_level,
            "final_level_name": self.final_level_name,
            "grounds": list(self.grounds),
        }


def indicator_scores(items: Mapping[str, int]) -> dict[str, int]:
    """The four first-level indicator scores from the 26 item scores."""
    _check_items(items)
    return {ind.code: sum(items[i.code] for i in ind.items) for ind in instrument().indicators}


def initial_level(total: int) -> int:
    """The initial level from the total (C.3): 90 → 0, 66-89 → 1, 46-65 → 2, 30-45 → 3, 0-29 → 4."""
    if isinstance(total, bool) or not isinstance(total, int):
        raise TypeError(f"total must be an int, got {total!r}")
    for lv in instrument().levels:
        if lv.min_total <= total <= lv.max_total:
            return lv.level
    raise ValueError(f"total {total} is outside 0-{instrument().total_max}")


def level_name(level: int) -> str:
    """The name of a GB/T 42195 ability level (0 能力完好 … 4 完全失能)."""
    return instrument().level(level).name


def max_level() -> int:
    return instrument().levels[-1].level


def change_grounds(
    *, coma: bool = False, diagnoses: Iterable[str] = (), risk_events: Mapping[str, int] | None = None
) -> tuple[str, ...]:
    """The keys of the change grounds present (C.4), in C.4's order."""
    events = dict(risk_events or {})
    unknown = set(events) - set(RISK_EVENT_KEYS)
    if unknown:
        raise ValueError(f"unknown risk events: {sorted(unknown)}")
    if any(isinstance(n, bool) or not isinstance(n, int) or n < 0 for n in events.values()):
        raise ValueError(f"risk event counts must be whole numbers ≥ 0: {events}")
    found: list[str] = []
    if coma:
        found.append("coma")
    if any(icd10.is_dementia(c) or icd10.is_other_mental_disorder(c) for c in diagnoses):
        found.append("mental_disorder")
    # (decision) counted across all kinds together
    if sum(events.values()) >= RISK_EVENTS_THRESHOLD:
        found.append("risk_events")
    return tuple(found)


def final_level(initial: int, ground_keys: Iterable[str]) -> int:
    """The final level (C.5) from the initial level and the grounds found."""
    keys = set(ground_keys)
    top = max_level()
    if "coma" in keys:
        return top
    # (decision) grounds 2 and 3 together raise once; never above the top level
    raised = 1 if keys & {"mental_disorder", "risk_events"} else 0
    return min(top, initial + raised)


def score(
    items: Mapping[str, int],
    *,
    coma: bool = False,
    diagnoses: Iterable[str] = (),
    risk_events: Mapping[str, int] | None = None,
) -> AssessmentResult:
    """Score one assessment. ``items`` must hold all 26 codes with whole-number scores in range
    (use :mod:`yanglao.core.assessment.validate` on outside input); a ValueError otherwise."""
    indicators = indicator_scores(items)
    total = sum(indicators.values())
    initial = initial_level(total)
    keys = change_grounds(coma=coma, diagnoses=diagnoses, risk_events=risk_events)
    final = final_level(initial, keys)
    inst = instrument()
    return AssessmentResult(
        total=total,
        indicators=indicators,
        initial_level=initial,
        final_level=final,
        final_level_name=level_name(final),
        grounds=tuple(inst.ground(k).text for k in keys),
        ground_keys=keys,
    )


def score_input(data: AssessmentInput) -> AssessmentResult:
    return score(data.items, coma=data.coma, diagnoses=data.diagnoses, risk_events=data.risk_events)


def _check_items(items: Mapping[str, int]) -> None:
    inst = instrument()
    missing = [c for c in inst.item_codes if c not in items]
    unknown = sorted(c for c in items if not inst.has_item(c))
    if missing or unknown:
        raise ValueError(f"items: missing {missing}, unknown {unknown}")
    for item in inst.items:
        value = items[item.code]
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= item.max_score:
            raise ValueError(f"{item.code}: {value!r} is not a whole number from 0 to {item.max_score}")
