"""Writes to the registry. Each action runs in one transaction together with its audit event."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from yanglao.accounts.current import current_user
from yanglao.audit.log import audit
from yanglao.audit.models import Action
from yanglao.core import person as spec
from yanglao.core.idnumber import mask_id_number, mask_phone
from yanglao.registry.history import text
from yanglao.registry.imports import _parse_extra
from yanglao.registry.models import (
    EXTRA_FIELDS,
    ChangeKind,
    Conflict,
    ConflictStatus,
    Person,
    PersonChange,
    field_label,
)

EDITABLE_FIELDS: tuple[str, ...] = (
    tuple(f.name for f in spec.FIELDS if f.name not in ("id_number", "sex", "birth_date")) + EXTRA_FIELDS
)


class EditError(ValueError):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def parse_edit(values: dict[str, Any]) -> dict[str, Any]:
    """Parse staff input for editable fields; raises :class:`EditError` naming every bad field."""
    parsed: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, raw in values.items():
        if name not in EDITABLE_FIELDS:
            errors[name] = "该字段不可修改"
            continue
        try:
            if name in EXTRA_FIELDS:
                parsed[name] = _parse_extra(name, raw)
            else:
                parsed[name] = spec.parse_value(spec.FIELD_BY_NAME[name], raw)
        except spec.FieldError as exc:
            errors[name] = exc.reason
    if errors:
        raise EditError(errors)
    return parsed


@transaction.atomic
def do_edit_person(
    request: HttpRequest, person: Person, values: dict[str, Any], reason: str
) -> PersonChange | None:
    """A staff edit: only the fields that differ change; the reason is kept with the change."""
    parsed = parse_edit(values)
    diff: dict[str, list[str | None]] = {}
    for name, value in parsed.items():
        current = getattr(person, name)
        empty = "" if name in EXTRA_FIELDS or name == "name" else None
        new = value if value is not None else empty
        if current == new:
            continue
        diff[name] = [text(current) or None, text(new) or None]
        setattr(person, name, new)
    if not diff:
        return None
    person.save(update_fields=[*diff, "updated_at"])
    user = current_user(request)
    change = PersonChange.objects.create(
        person=person,
        kind=ChangeKind.EDIT,
        source=f"人工修改：{user.get_username()}",
        actor=user if user.is_authenticated else None,
        actor_name=user.get_username(),
        as_of=timezone.localdate(),
        changes=diff,
    )
    audit(
        user,
        Action.CHANGE,
        request=request,
        object_type="person",
        object_id=mask_id_number(person.id_number),
        summary=f"修改 {'、'.join(field_label(n) for n in diff)}：{reason}"[:300],
        detail={"person": person.pk, "fields": sorted(diff), "reason": reason},
    )
    return change


@transaction.atomic
def do_resolve_conflict(request: HttpRequest, conflict: Conflict, *, accept: bool, note: str) -> None:
    """Keep the current value, or accept the feed's value (recorded as a change from that feed)."""
    if conflict.status != ConflictStatus.OPEN:
        raise ValueError("该冲突已处理")
    person = conflict.person
    user = current_user(request)
    if accept:
        name = conflict.field
        value: Any
        if name in EXTRA_FIELDS:
            value = conflict.proposed_value
        else:
            value = spec.parse_value(spec.FIELD_BY_NAME[name], conflict.proposed_value)
        current = getattr(person, name)
        setattr(person, name, value)
        person.save(update_fields=[name, "updated_at"])
        PersonChange.objects.create(
            person=person,
            kind=ChangeKind.RESOLVE,
            source=conflict.proposed_source,
            actor=user,
            actor_name=user.get_username(),
            as_of=timezone.localdate(),
            changes={name: [text(current) or None, conflict.proposed_value]},
        )
    conflict.status = ConflictStatus.ACCEPTED if accept else ConflictStatus.KEPT
    conflict.note = note[:300]
    conflict.resolved_by = user
    conflict.resolved_at = timezone.now()
    conflict.save()
    audit(
        user,
        Action.RESOLVE,
        request=request,
        object_type="person",
        object_id=mask_id_number(person.id_number),
        summary=f"{field_label(conflict.field)}：{'采用新值' if accept else '保留现值'}（{note}）"[:300],
        detail={"conflict": conflict.pk, "accept": accept},
    )


def do_reveal(request: HttpRequest, person: Person, what: str) -> str:
    """The full ID or phone number for a role that needs it; audited. Raises PermissionError otherwise."""
    user: Any = request.user
    if what == "id_number" and user.can_reveal_id:
        value = person.id_number
        shown = mask_id_number(value)
    elif what == "phone" and user.can_reveal_phone:
        value = person.phone
        shown = mask_phone(value)
    else:
        raise PermissionError("当前角色无权查看完整信息")
    audit(
        user,
        Action.REVEAL,
        request=request,
        object_type="person",
        object_id=mask_id_number(person.id_number),
        summary=f"查看完整{field_label(what)}：{shown}",
        detail={"person": person.pk, "field": what},
    )
    return value
