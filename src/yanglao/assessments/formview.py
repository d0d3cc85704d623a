"""The assessment form as the template draws it: every section, field, item and option from the
instrument (``instrument()``), with the values entered so far and the errors found.

Each field becomes a dict the template reads without logic of its own: ``name`` (the input's name,
see :mod:`formdata`), ``kind``, ``label``, ``required``, ``help``, ``value``, ``choices`` (``code``,
``label``, ``checked``, ``detail``, ``exclusive``), ``detail_name``/``detail_value`` for 其他 words,
``error``; a group has ``fields``, a table ``rows``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from yanglao.assessments.formdata import (
    COLUMN_FIELDS,
    PERSON_FIELDS,
    FormError,
    Values,
    medication_rows,
    parse_diagnoses,
    risk_name,
)
from yanglao.core.assessment import icd10 as icd
from yanglao.core.assessment import instrument
from yanglao.core.assessment.instrument import FormField
from yanglao.core.idnumber import mask_id_number
from yanglao.registry.models import Person

# Columns whose input has its own name, and the name of their 其他 words.
_COLUMN_NAMES = {k: k for k in COLUMN_FIELDS}
_DETAIL_NAMES = {"reason": "reason_detail", "informant_relation": "informant_relation_detail"}
# Quick picks under the diagnosis field: the dementia categories, other mental disorders often
# recorded for older people, and the common diagnoses of icd10.yaml.
QUICK_MENTAL = ("F00", "F01", "F03", "F05", "F06", "F20", "F32")


def _input_name(fld: FormField) -> str:
    return _COLUMN_NAMES.get(fld.key, f"a_{fld.key}")


def _detail_name(fld: FormField, name: str) -> str:
    return _DETAIL_NAMES.get(fld.key, f"{name}_detail")


def _choices(fld: FormField, value: Any) -> list[dict[str, Any]]:
    chosen = value if isinstance(value, list) else [value]
    return [
        {
            "code": c.code,
            "label": c.label,
            "help": c.help,
            "checked": c.code in chosen,
            "detail": c.detail,
            "exclusive": c.exclusive,
        }
        for c in fld.choices
    ]


def _person_value(person: Person, key: str) -> str:
    if key == "id_number":
        return mask_id_number(person.id_number)
    if key == "sex":
        return {"1": "男", "2": "女"}.get(person.sex or "", "未知")
    if key == "birth_date":
        return person.birth_date.isoformat() if person.birth_date else "未知"
    return person.name or "未知"


def _field(
    fld: FormField, values: Values, errors: dict[str, str], person: Person, number: str
) -> dict[str, Any]:
    name = _input_name(fld)
    out: dict[str, Any] = {
        "name": name,
        "code": fld.code,
        "label": fld.label,
        "kind": fld.kind,
        "required": fld.required,
        "help": fld.help,
        "unit": fld.unit,
        "error": errors.get(name),
    }
    if fld.key in PERSON_FIELDS:
        out.update(kind="person", value=_person_value(person, fld.key), help="来自老年人信息库")
        return out
    if fld.key == "assessment_number":
        out.update(kind="readonly", value=number or "保存后自动生成")
        return out
    if fld.kind == "group":  # A.2.14 risk events
        subs = []
        for sub in fld.fields:
            sub_name = risk_name(sub.key)
            subs.append(
                {
                    "name": sub_name,
                    "code": sub.code,
                    "label": sub.label,
                    "help": sub.help,
                    "required": sub.required,
                    "choices": _choices(sub, values.get(sub_name, "")),
                    "error": errors.get(sub_name),
                    "detail_name": "risk_other_detail" if sub.key == "other" else None,
                    "detail_value": values.get("risk_other_detail", "") if sub.key == "other" else "",
                }
            )
        out["fields"] = subs
        return out
    if fld.kind == "table":  # A.4.2 medications
        rows = [
            [
                {
                    "name": f"med_{i}_{sub.key}",
                    "label": sub.label,
                    "value": values.get(f"med_{i}_{sub.key}", ""),
                }
                for sub in fld.fields
            ]
            for i in range(medication_rows(values))
        ]
        out.update(rows=rows, columns=[sub.label for sub in fld.fields])
        return out
    value = values.get(name, [] if fld.kind == "multi_choice" else "")
    out["value"] = value
    if fld.choices:
        out["choices"] = _choices(fld, value)
        out["detail_name"] = _detail_name(fld, name)
        out["detail_value"] = values.get(out["detail_name"], "")
        out["error"] = out["error"] or errors.get(out["detail_name"])
    if fld.kind == "icd10":
        codes, _ = parse_diagnoses(str(value))
        data = icd.icd10()
        out["recognised"] = [{"code": c, "name": data.name(c) or ""} for c in codes]
        quick = [*QUICK_MENTAL, *(c.code for c in data.common)]
        out["quick"] = [{"code": c, "name": data.name(c) or ""} for c in quick]
    return out


def sections(
    values: Values, errors: Sequence[FormError], person: Person, number: str = ""
) -> list[dict[str, Any]]:
    """Annex A, section by section."""
    by_name = {e.name: e.reason for e in reversed(errors)}  # the first error of a field wins
    return [
        {
            "code": s.code,
            "title": s.title,
            "fields": [_field(f, values, by_name, person, number) for f in s.fields],
        }
        for s in instrument().annex_a
    ]


def indicators(values: Values, errors: Sequence[FormError]) -> list[dict[str, Any]]:
    """Annex B: the four indicators, their items and every option with its full wording."""
    by_name = {e.name: e.reason for e in errors}
    return [
        {
            "code": ind.code,
            "name": ind.name,
            "max": ind.max_score,
            "items": [
                {
                    "code": item.code,
                    "name": item.name,
                    "definition": item.definition,
                    "max": item.max_score,
                    "value": str(values.get(item.code, "")),
                    "error": by_name.get(item.code),
                    "options": [{"score": o.score, "text": o.text} for o in item.options],
                }
                for item in ind.items
            ],
        }
        for ind in instrument().indicators
    ]


def field_errors(errors: Sequence[FormError]) -> dict[str, str]:
    return {e.name: e.reason for e in reversed(errors)}


def age_on(person: Person, on: dt.date) -> int | None:
    if person.birth_date is None:
        return None
    born = person.birth_date
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))
