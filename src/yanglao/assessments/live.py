"""The running scores of a form being filled in: what the tablet shows while the assessor works.

Computed by the core: the indicator scores so far are the sums of the items answered, and the
levels come from :func:`yanglao.core.assessment.score` once all 26 items are answered. The page's
script posts the form here, so the browser holds no copy of the level table.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from yanglao.assessments.formdata import parse_diagnoses, parse_items, risk_name
from yanglao.core.assessment import change_grounds, icd10, instrument, level_name, score
from yanglao.core.assessment.instrument import RISK_EVENT_KEYS


def live_score(data: Mapping[str, Any]) -> dict[str, Any]:
    inst = instrument()
    items, item_errors = parse_items(data)
    coma = data.get("coma") in ("true", True)
    diagnoses, refused = parse_diagnoses(str(data.get("diagnoses", "") or ""))
    risk = {
        k: int(v) for k in RISK_EVENT_KEYS if (v := str(data.get(risk_name(k), ""))) in ("0", "1", "2", "3")
    }
    keys = change_grounds(coma=coma, diagnoses=diagnoses, risk_events=risk)
    indicators = []
    for ind in inst.indicators:
        answered = [i.code for i in ind.items if i.code in items]
        indicators.append(
            {
                "code": ind.code,
                "name": ind.name,
                "max": ind.max_score,
                "score": sum(items[c] for c in answered),
                "answered": len(answered),
                "count": len(ind.items),
            }
        )
    names = icd10.icd10()
    out: dict[str, Any] = {
        "answered": len(items),
        "count": len(inst.items),
        "complete": len(items) == len(inst.items),
        "indicators": indicators,
        "total": sum(items.values()),
        "total_max": inst.total_max,
        "initial_level": None,
        "initial_level_name": "",
        "final_level": None,
        "final_level_name": "",
        "grounds": [inst.ground(k).text for k in keys],
        "diagnoses": [
            {
                "code": c,
                "name": names.name(c) or "",
                "ground": icd10.is_dementia(c) or icd10.is_other_mental_disorder(c),
            }
            for c in diagnoses
        ],
        "problems": [str(e) for e in item_errors] + refused,
    }
    if out["complete"]:
        result = score(items, coma=coma, diagnoses=diagnoses, risk_events=risk)
        out.update(
            total=result.total,
            initial_level=result.initial_level,
            initial_level_name=level_name(result.initial_level),
            final_level=result.final_level,
            final_level_name=result.final_level_name,
            grounds=list(result.grounds),
        )
    return out
