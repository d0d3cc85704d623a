"""What the assessment form sends, read into an assessment's fields, and what signing requires.

Input names: the Annex B items by their code (``B.1.1``), the Annex A fields kept in columns by the
column's name (``reference_date``, ``informant_name``, ``coma``, ``diagnoses`` as text, ``risk_fall``
… ``risk_other``), the other Annex A fields as ``a_<key>`` (with ``a_<key>_detail`` for the words of
an 其他 choice), medication rows as ``med_<row>_<key>``, and the assessors as ``assessor_1``/``assessor_2`` (users
qualified on the reference date, :mod:`yanglao.assessments.assessors`; their names are copied).

Reading a draft keeps every value that is well formed and names every one that is not; nothing is
corrected. Whether an assessment is complete enough to sign is a separate check
(:func:`sign_problems`): a draft may be saved half filled.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.http import QueryDict
from django.utils import timezone

from yanglao.assessments.assessors import assessor_problems
from yanglao.assessments.models import Assessment, ReasonChoice
from yanglao.core.assessment import icd10 as icd
from yanglao.core.assessment import instrument
from yanglao.core.assessment.instrument import FormField
from yanglao.registry.models import Person

# A.2 fields shown from the registry record, not typed again on the form.
PERSON_FIELDS = ("name", "sex", "birth_date", "id_number")
# Annex A fields kept in columns of the assessment.
COLUMN_FIELDS = (
    "assessment_number",
    "reference_date",
    "reason",
    "risk_events",
    "informant_name",
    "informant_relation",
    "contact_name",
    "contact_phone",
    "diagnoses",
    "coma",
)
TEXT_MAX = 200
MEDICATION_ROWS_MIN = 3
_SPLIT = re.compile(r"[\s,，、;；]+")
_PHONE = re.compile(r"^[0-9+\-() ]{3,20}$")

Values = dict[str, Any]  # input name → str, or list[str] for a multi-choice


@dataclass(frozen=True)
class FormError:
    name: str  # the input's name, to mark it on the form
    label: str  # "A.3.1 信息提供者的姓名"
    reason: str

    def __str__(self) -> str:
        return f"{self.label}：{self.reason}"


def label_of(fld: FormField) -> str:
    return f"{fld.code} {fld.label}" if fld.code else fld.label


def answer_fields() -> tuple[FormField, ...]:
    """The Annex A fields kept in ``Assessment.answers``."""
    skip = {*PERSON_FIELDS, *COLUMN_FIELDS}
    return tuple(f for s in instrument().annex_a for f in s.fields if f.key not in skip)


def risk_name(key: str) -> str:
    return f"risk_{key}"


# --- model → form --------------------------------------------------------------------------------


def values_of(a: Assessment) -> Values:
    """The form's values for a stored assessment (to resume a draft)."""
    values: Values = {
        "reference_date": a.reference_date.isoformat() if a.reference_date else "",
        "reason": a.reason,
        "reason_detail": a.reason_detail,
        "informant_name": a.informant_name,
        "informant_relation": a.informant_relation,
        "informant_relation_detail": a.informant_relation_detail,
        "contact_name": a.contact_name,
        "contact_phone": a.contact_phone,
        "place": a.place,
        "diagnoses": " ".join(a.diagnoses),
        "coma": "" if a.coma is None else ("true" if a.coma else "false"),
        "assessor_1": str(a.assessor_1_id or ""),
        "assessor_1_name": a.assessor_1_name,
        "assessor_2": str(a.assessor_2_id or ""),
        "assessor_2_name": a.assessor_2_name,
        "risk_other_detail": a.answers.get("risk_other_detail", ""),
    }
    for key, n in a.risk_events.items():
        values[risk_name(key)] = str(n)
    for code, score in a.items.items():
        values[code] = str(score)
    for fld in answer_fields():
        name = f"a_{fld.key}"
        if fld.kind == "table":
            for i, row in enumerate(a.answers.get(fld.key, [])):
                for sub in fld.fields:
                    values[f"med_{i}_{sub.key}"] = row.get(sub.key, "")
            continue
        stored = a.answers.get(fld.key)
        if isinstance(stored, bool):
            values[name] = "true" if stored else "false"
        elif stored is not None:
            values[name] = stored
        if f"{fld.key}_detail" in a.answers:
            values[f"{name}_detail"] = a.answers[f"{fld.key}_detail"]
    return values


def values_from_post(post: QueryDict) -> Values:
    """The form's values as sent (to show them again with the errors found)."""
    multi = {f"a_{f.key}" for f in answer_fields() if f.kind == "multi_choice"}
    return {k: (post.getlist(k) if k in multi else post.get(k, "")) for k in post}


def medication_rows(values: Values) -> int:
    used = [int(m.group(1)) for k in values if (m := re.match(r"^med_(\d+)_", k))]
    return max(MEDICATION_ROWS_MIN, (max(used) + 2) if used else 0)


# --- form → model --------------------------------------------------------------------------------


def _text(post: QueryDict, name: str, limit: int = TEXT_MAX) -> str:
    return post.get(name, "").strip()[:limit]


def parse_date(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        return None


def parse_diagnoses(text: str) -> tuple[list[str], list[str]]:
    """ICD-10 codes typed into one field, separated by spaces or commas: (codes, reasons refused)."""
    codes: list[str] = []
    refused: list[str] = []
    for code in (c for c in _SPLIT.split(text.strip()) if c):
        if not icd.is_well_formed(code):
            refused.append(
                f"“{code}”不是ICD-10编码的格式（应为大写字母加两位数字，可带细目，如F01、F03.x00）"
            )
        elif code.startswith("F") and not icd.is_known_chapter_v(code):
            refused.append(f"“{code}”不是ICD-10第五章（F00-F99）的类目")
        elif code not in codes:
            codes.append(code)
    return codes, refused


def parse_items(raw: Mapping[str, object]) -> tuple[dict[str, int], list[FormError]]:
    """Scores given as text or whole numbers; blank means not answered yet."""
    items: dict[str, int] = {}
    errors: list[FormError] = []
    for item in instrument().items:
        value = raw.get(item.code, "")
        if value in ("", None):
            continue
        score = value if isinstance(value, int) and not isinstance(value, bool) else None
        if isinstance(value, str) and value.isdigit():
            score = int(value)
        if score is None or not 0 <= score <= item.max_score:
            reason = f"评分应为0-{item.max_score}的整数，实际为“{value}”"
            errors.append(FormError(item.code, f"{item.code} {item.name}", reason))
            continue
        items[item.code] = score
    return items, errors


def _choice_value(post: QueryDict, fld: FormField, name: str, errors: list[FormError]) -> Any:
    codes = {c.code for c in fld.choices}
    if fld.kind == "multi_choice":
        chosen = [c for c in post.getlist(name) if c]
        unknown = [c for c in chosen if c not in codes]
        if unknown:
            errors.append(FormError(name, label_of(fld), f"没有选项“{'、'.join(unknown)}”"))
        chosen = [c.code for c in fld.choices if c.code in chosen]  # in the form's order
        exclusive = [c.label for c in fld.choices if c.exclusive and c.code in chosen]
        if exclusive and len(chosen) > 1:
            errors.append(FormError(name, label_of(fld), f"“{exclusive[0]}”不能与其他选项同时选择"))
            return None
        return chosen or None
    raw = post.get(name, "")
    if raw == "":
        return None
    if raw not in codes:
        errors.append(FormError(name, label_of(fld), f"没有选项“{raw}”"))
        return None
    if fld.kind == "bool":
        return raw == "true"
    return raw


def _answer(post: QueryDict, fld: FormField, answers: dict[str, Any], errors: list[FormError]) -> None:
    name = f"a_{fld.key}"
    if fld.kind == "table":
        rows = []
        count = post.get("med_rows", "")
        for i in range(min(int(count), 50) if count.isdigit() else 0):
            row = {sub.key: _text(post, f"med_{i}_{sub.key}", 100) for sub in fld.fields}
            if not any(row.values()):
                continue
            if not row[fld.fields[0].key]:
                errors.append(
                    FormError(f"med_{i}_{fld.fields[0].key}", label_of(fld), f"第{i + 1}行缺少药物名称")
                )
            rows.append(row)
        if rows:
            answers[fld.key] = rows
        return
    if fld.kind in ("choice", "multi_choice", "bool"):
        value = _choice_value(post, fld, name, errors)
        if value is None:
            return
        answers[fld.key] = value
        chosen = value if isinstance(value, list) else [value]
        if any(c.detail and c.code in chosen for c in fld.choices) and _text(post, f"{name}_detail"):
            answers[f"{fld.key}_detail"] = _text(post, f"{name}_detail")
        return
    raw = _text(post, name)
    if not raw:
        return
    if fld.kind == "decimal":
        try:
            number = Decimal(raw)
        except InvalidOperation:
            number = Decimal(-1)
        if not number.is_finite() or not 0 < number < 500:
            errors.append(FormError(name, label_of(fld), f"应为数字（{fld.unit or ''}），实际为“{raw}”"))
            return
        answers[fld.key] = str(number)
    elif fld.kind == "date":
        if parse_date(raw) is None:
            errors.append(FormError(name, label_of(fld), f"日期应写作YYYY-MM-DD，实际为“{raw}”"))
            return
        answers[fld.key] = raw
    else:
        answers[fld.key] = raw


def parse_form(post: QueryDict, assessors: Mapping[int, Any]) -> tuple[dict[str, Any], list[FormError]]:
    """The assessment's fields from the form (``assessors``: the users who may be chosen, by pk)."""
    inst = instrument()
    errors: list[FormError] = []
    out: dict[str, Any] = {}
    raw_date = _text(post, "reference_date")
    out["reference_date"] = parse_date(raw_date)
    if raw_date and out["reference_date"] is None:
        errors.append(
            FormError("reference_date", "A.1.2 评估基准日期", f"日期应写作YYYY-MM-DD，实际为“{raw_date}”")
        )
    reason = post.get("reason", "")
    out["reason"] = reason if reason in ReasonChoice.values else ""
    out["reason_detail"] = _text(post, "reason_detail", 100) if reason == ReasonChoice.OTHER else ""
    relation = inst.field("A.3.2")
    out["informant_name"] = _text(post, "informant_name", 64)
    chosen = post.get("informant_relation", "")
    out["informant_relation"] = chosen if chosen in {c.code for c in relation.choices} else ""
    out["informant_relation_detail"] = (
        _text(post, "informant_relation_detail", 64) if chosen == "other" else ""
    )
    out["contact_name"] = _text(post, "contact_name", 64)
    out["contact_phone"] = _text(post, "contact_phone", 20)
    if out["contact_phone"] and not _PHONE.match(out["contact_phone"]):
        errors.append(
            FormError("contact_phone", "A.3.4 联系人电话", f"不是电话号码：“{out['contact_phone']}”")
        )
        out["contact_phone"] = ""
    out["place"] = _text(post, "place")
    out["items"], item_errors = parse_items(post)
    errors.extend(item_errors)
    coma = post.get("coma", "")
    out["coma"] = None if coma not in ("true", "false") else coma == "true"
    out["diagnoses"], refused = parse_diagnoses(post.get("diagnoses", ""))
    errors.extend(FormError("diagnoses", "A.4.1 疾病诊断", r) for r in refused)
    risk: dict[str, int] = {}
    for sub in inst.field("A.2.14").fields:
        raw = post.get(risk_name(sub.key), "")
        if raw in {c.code for c in sub.choices}:
            risk[sub.key] = int(raw)
        elif raw:
            errors.append(FormError(risk_name(sub.key), f"{sub.code} {sub.label}", f"没有选项“{raw}”"))
    out["risk_events"] = risk
    answers: dict[str, Any] = {}
    if _text(post, "risk_other_detail"):
        answers["risk_other_detail"] = _text(post, "risk_other_detail")
    for fld in answer_fields():
        _answer(post, fld, answers, errors)
    out["answers"] = answers
    on = out["reference_date"]
    for n, label in ((1, "评估员一"), (2, "评估员二")):
        raw = post.get(f"assessor_{n}", "")
        user = assessors.get(int(raw)) if raw.isdigit() else None
        if raw and user is None:
            when = f"在 {on} " if on else ""
            errors.append(FormError(f"assessor_{n}", label, f"所选用户{when}没有有效的评估员资质"))
        out[f"assessor_{n}"] = user
        out[f"assessor_{n}_name"] = str(user)[:64] if user is not None else ""
    first, second = out["assessor_1"], out["assessor_2"]
    if first is not None and second is not None and first.pk == second.pk:
        errors.append(FormError("assessor_2", "评估员二", "须由两名不同的评估员评估"))
    return out, errors


# --- signing -------------------------------------------------------------------------------------


def sign_problems(a: Assessment, person: Person, today: dt.date | None = None) -> list[FormError]:
    """Everything that must be filled in before an assessment can be signed, in the form's order."""
    inst = instrument()
    today = today or timezone.localdate()
    out: list[FormError] = []

    def need(name: str, label: str, present: object, reason: str = "必填") -> None:
        if not present:
            out.append(FormError(name, label, reason))

    need("reference_date", "A.1.2 评估基准日期", a.reference_date)
    if a.reference_date and a.reference_date > today:
        out.append(FormError("reference_date", "A.1.2 评估基准日期", "不能晚于今天"))
    if a.reference_date and person.birth_date and a.reference_date < person.birth_date:
        out.append(FormError("reference_date", "A.1.2 评估基准日期", "早于老年人的出生日期"))
    need("reason", "A.1.3 评估原因", a.reason)
    if a.reason == ReasonChoice.OTHER:
        need("reason_detail", "A.1.3 评估原因", a.reason_detail, "选择“其他”的，请写明原因")
    for key in PERSON_FIELDS:
        fld = inst.section("A.2").field(key)
        need(key, label_of(fld), getattr(person, key), "登记信息中缺少，请先在老年人信息中补充")
    for sub in inst.field("A.2.14").fields:
        need(risk_name(sub.key), f"{sub.code} 近30天内{sub.label}", sub.key in a.risk_events, "请选择次数")
    need("informant_name", "A.3.1 信息提供者的姓名", a.informant_name)
    need("informant_relation", "A.3.2 信息提供者与老年人的关系", a.informant_relation)
    if a.informant_relation == "other":
        need(
            "informant_relation_detail",
            "A.3.2 信息提供者与老年人的关系",
            a.informant_relation_detail,
            "选择“其他”的，请写明关系",
        )
    need("coma", "A.5.11 昏迷", a.coma is not None, "请选择无或有")
    for item in inst.items:
        need(item.code, f"{item.code} {item.name}", item.code in a.items, "缺少评分")
    labels = {"assessor_1": "评估员一", "assessor_2": "评估员二"}
    for name, reason in assessor_problems(a.assessor_1_id, a.assessor_2_id, a.reference_date).items():
        out.append(FormError(name, labels[name], reason))
    need("place", "评估地点", a.place)
    return out
