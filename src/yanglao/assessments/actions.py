"""Writes of the assessment app. Each runs in one transaction together with its audit event (an
assessment is health data, sensitive personal information).

- :func:`do_save_draft` keeps a half-filled form; :func:`do_sign_assessment` checks it is complete,
  scores it with the core and makes it the person's one current result (``Person.ability_level``
  and ``ability_assessed_on`` follow, with a change event ``能力评估 <number>``);
- :func:`do_import_legacy_result` stores an MZ/T 039-2013 result on its own scale;
- :func:`do_record_use` records which result a decision relied on (other apps call it);
- :func:`do_expire` clears ``Person.ability_level`` once the current result has run out.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from yanglao.accounts.models import User
from yanglao.assessments.formdata import FormError, sign_problems
from yanglao.assessments.models import Assessment, Scale, Status, Use
from yanglao.assessments.results import current_of, latest_assessment, signed_history, validity_months
from yanglao.audit.log import audit
from yanglao.audit.models import Action
from yanglao.core.assessment import LegacyLevel, score, valid_until
from yanglao.core.idnumber import mask_id_number
from yanglao.registry.history import text
from yanglao.registry.models import ChangeKind, Person, PersonChange

DRAFT_FIELDS = (
    "reference_date",
    "reason",
    "reason_detail",
    "informant_name",
    "informant_relation",
    "informant_relation_detail",
    "contact_name",
    "contact_phone",
    "place",
    "answers",
    "items",
    "coma",
    "diagnoses",
    "risk_events",
    "assessor_1",
    "assessor_1_name",
    "assessor_2",
    "assessor_2_name",
)


class SignError(ValueError):
    """The assessment cannot be signed yet; ``problems`` names every missing or wrong field."""

    def __init__(self, problems: list[FormError]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


class NotCurrent(ValueError):
    """A decision may rely only on the person's current result."""


def _user(actor: Any) -> User | None:
    return actor if isinstance(actor, User) else None


def _actor_name(actor: Any) -> str:
    if isinstance(actor, User):
        return actor.get_username()
    return actor if isinstance(actor, str) else "system"


def _audit(
    actor: Any, action: Action, request: HttpRequest | None, a: Assessment, summary: str, **detail: Any
) -> None:
    audit(
        actor,
        action,
        request=request,
        object_type="assessment",
        object_id=a.number,
        summary=f"{summary}（{mask_id_number(a.person.id_number)}）",
        detail={"person": a.person_id, "assessment": a.pk, **detail},
    )


def assessment_number(region: str | None, day: dt.date, pk: int) -> str:
    """An assessment's number: ``PG`` + the county of ``region`` (the person's 常住地, else 户籍地) + the
    day + the id."""
    return f"PG{(region or '000000')[:6]}{day:%Y%m%d}{pk:06d}"


def _number(a: Assessment) -> str:
    return assessment_number(a.person.residence_region or a.person.hukou_region, timezone.localdate(), a.pk)


def _lock(person: Person) -> Person:
    """The person's row, locked until the end of the transaction (one current result at a time)."""
    return Person.objects.select_for_update().get(pk=person.pk)


def _set_ability(
    person: Person, level: int | None, on: dt.date | None, source: str, actor: Any, as_of: dt.date
) -> dict[str, list[str | None]]:
    """Write ``ability_level``/``ability_assessed_on`` with a change event, if they differ."""
    diff: dict[str, list[str | None]] = {}
    for name, value in (("ability_level", level), ("ability_assessed_on", on)):
        if getattr(person, name) != value:
            diff[name] = [text(getattr(person, name)) or None, text(value) or None]
            setattr(person, name, value)
    if diff:
        person.save(update_fields=[*diff, "updated_at"])
        PersonChange.objects.create(
            person=person,
            kind=ChangeKind.ASSESSMENT,
            source=source[:100],
            actor=_user(actor),
            actor_name=_actor_name(actor),
            as_of=as_of,
            changes=diff,
        )
    return diff


@transaction.atomic
def do_save_draft(
    request: HttpRequest, person: Person, data: dict[str, Any], assessment: Assessment | None = None
) -> Assessment:
    """Create or update a draft with the form's values (see :func:`formdata.parse_form`)."""
    actor = request.user
    if assessment is not None and assessment.status != Status.DRAFT:
        raise ValueError("已签署的评估不能修改")
    created = assessment is None
    a = assessment or Assessment(person=person, number=f"draft-{uuid.uuid4().hex}", created_by=_user(actor))
    for name in DRAFT_FIELDS:
        if name in data:
            setattr(a, name, data[name])
    a.save()
    if created:
        a.number = _number(a)
        a.save(update_fields=["number"])
    _audit(
        actor,
        Action.CREATE if created else Action.CHANGE,
        request,
        a,
        f"{'新建' if created else '保存'}能力评估草稿 {a.number}，已评 {len(a.items)}/26 项",
        answered=len(a.items),
    )
    return a


@transaction.atomic
def do_sign_assessment(
    request: HttpRequest, assessment: Assessment, today: dt.date | None = None
) -> Assessment:
    """Check, score and sign; the result becomes the person's current one if it is the latest.

    Raises :class:`SignError` naming every problem; nothing is written then."""
    actor = request.user
    today = today or timezone.localdate()
    a = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if a.status != Status.DRAFT:
        raise ValueError("该评估已签署")
    person = _lock(a.person)
    problems = sign_problems(a, person, today)
    if problems:
        raise SignError(problems)
    assert a.reference_date is not None
    assert a.coma is not None
    before = current_of(signed_history(person), today)
    result = score(a.items, coma=a.coma, diagnoses=a.diagnoses, risk_events=a.risk_events)
    a.total = result.total
    a.indicators = dict(result.indicators)
    a.initial_level = result.initial_level
    a.final_level = result.final_level
    a.ground_keys = list(result.ground_keys)
    a.grounds = list(result.grounds)
    a.validity_months = validity_months()
    a.valid_until = valid_until(a.reference_date, a.validity_months)
    a.status = Status.SIGNED
    a.signed_at = timezone.now()
    a.signed_by = _user(actor)
    a.save()
    a.person = person
    current = current_of(signed_history(person), today)
    changed: dict[str, list[str | None]] = {}
    if current is not None and current.pk == a.pk:
        changed = _set_ability(
            person, a.final_level, a.reference_date, f"能力评估 {a.number}", actor, a.reference_date
        )
    superseded = before.number if before is not None and current is not None and current.pk == a.pk else None
    _audit(
        actor,
        Action.CHANGE,
        request,
        a,
        f"签署能力评估 {a.number}：{result.final_level_name}（总分{result.total}）"
        + (f"，取代 {superseded}" if superseded else "")
        + ("" if current is not None and current.pk == a.pk else "，非当前有效结果"),
        final_level=a.final_level,
        supersedes=superseded,
        person_changes=sorted(changed),
    )
    return a


@transaction.atomic
def do_import_legacy_result(
    person: Person,
    *,
    grade: int,
    assessed_on: dt.date,
    number: str,
    source: str,
    actor: Any,
    request: HttpRequest | None = None,
    today: dt.date | None = None,
) -> Assessment:
    """Store an MZ/T 039-2013 result with its own level 0-3. It never gives ``ability_level`` a value;
    only if, being later, it supersedes a current GB/T 42195 result is that level cleared (the core's
    rule: with a legacy result current, the 0-4 level is not known)."""
    today = today or timezone.localdate()
    level = LegacyLevel.from_grade(grade)  # ValueError outside 0-3
    if assessed_on > today:
        raise ValueError(f"评估日期 {assessed_on} 晚于今天")
    if not number.strip():
        raise ValueError("缺少评估编号")
    if Assessment.objects.filter(number=number.strip()).exists():
        raise ValueError(f"评估编号 {number} 已存在")
    person = _lock(person)
    before = current_of(signed_history(person), today)
    months = validity_months()
    a = Assessment.objects.create(
        person=person,
        number=number.strip(),
        scale=Scale.MZT_039,
        status=Status.SIGNED,
        reference_date=assessed_on,
        legacy_level=level.grade,
        legacy_source=source[:100],
        validity_months=months,
        valid_until=valid_until(assessed_on, months),
        signed_at=timezone.now(),
        signed_by=_user(actor),
        created_by=_user(actor),
    )
    current = current_of(signed_history(person), today)
    changed: dict[str, list[str | None]] = {}
    if before is not None and before.scale == Scale.GBT_42195 and current is not None and current.pk == a.pk:
        source_text = f"能力评估 {a.number}（MZ/T 039-2013，不换算为0-4级）"
        changed = _set_ability(person, None, None, source_text, actor, assessed_on)
    _audit(
        actor,
        Action.IMPORT,
        request,
        a,
        f"导入MZ/T 039-2013评估结果 {a.number}：{a.level_display()}",
        scale=a.scale,
        legacy_level=level.grade,
        source=source,
        person_changes=sorted(changed),
    )
    return a


@transaction.atomic
def do_record_use(
    assessment: Assessment,
    *,
    purpose: str,
    actor: Any,
    object_type: str = "",
    object_id: str = "",
    request: HttpRequest | None = None,
    on: dt.date | None = None,
) -> Use:
    """Record that a decision (``purpose``: 护理补贴, 入住, 探访分级 …; the decision's
    ``object_type``/``object_id``) relied on ``assessment``, which must be the person's current
    result on ``on`` (default today): :class:`NotCurrent` otherwise."""
    on = on or timezone.localdate()
    current = current_of(signed_history(assessment.person_id), on)
    if current is None or current.pk != assessment.pk:
        raise NotCurrent(f"{assessment.number} 不是该老年人在 {on} 的当前有效评估结果")
    if not purpose.strip():
        raise ValueError("缺少用途")
    use = Use.objects.create(
        assessment=current,
        purpose=purpose.strip()[:64],
        object_type=object_type[:32],
        object_id=object_id[:64],
        by=_user(actor),
        by_name=_actor_name(actor),
    )
    _audit(
        actor,
        Action.CREATE,
        request,
        current,
        f"{use.purpose}依据能力评估结果 {current.number}：{current.level_display()}",
        use=use.pk,
        purpose=use.purpose,
        object_type=object_type,
        object_id=object_id,
    )
    return use


@transaction.atomic
def do_expire(person: Person, *, actor: Any, today: dt.date | None = None) -> bool:
    """If the person's latest result has run out, clear ``ability_level`` (no current result means
    no level for the entitlement engine). True if something changed."""
    today = today or timezone.localdate()
    person = _lock(person)
    history = signed_history(person)
    if not history or current_of(history, today) is not None or person.ability_level is None:
        return False
    latest = latest_assessment(history, today)
    if latest is None:
        return False
    changed = _set_ability(person, None, None, f"能力评估 {latest.number} 已过有效期", actor, today)
    if changed:
        _audit(actor, Action.CHANGE, None, latest, f"能力评估 {latest.number} 已过有效期，清除能力等级")
    return bool(changed)
