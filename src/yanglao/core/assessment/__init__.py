"""GB/T 42195-2022 老年人能力评估规范: the instrument, scoring, input checking and result validity.

Pure Python: nothing here imports Django. See ``docs/ability-assessment.md``.
"""

from __future__ import annotations

from yanglao.core.assessment.instrument import Instrument, instrument
from yanglao.core.assessment.scoring import (
    AssessmentInput,
    AssessmentResult,
    change_grounds,
    final_level,
    indicator_scores,
    initial_level,
    level_name,
    score,
    score_input,
)
from yanglao.core.assessment.validate import InvalidInput, Problem, parse_input, parse_json
from yanglao.core.assessment.validity import (
    DEFAULT_VALIDITY_MONTHS,
    AssessmentRecord,
    LegacyLevel,
    LegacyResult,
    Reason,
    ability_level,
    current_result,
    is_current,
    valid_until,
)

__all__ = [
    "DEFAULT_VALIDITY_MONTHS",
    "AssessmentInput",
    "AssessmentRecord",
    "AssessmentResult",
    "Instrument",
    "InvalidInput",
    "LegacyLevel",
    "LegacyResult",
    "Problem",
    "Reason",
    "ability_level",
    "change_grounds",
    "current_result",
    "final_level",
    "indicator_scores",
    "initial_level",
    "instrument",
    "is_current",
    "level_name",
    "parse_input",
    "parse_json",
    "score",
    "score_input",
    "valid_until",
]
