"""Every field's history and current source, derived from the change events of a person."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from yanglao.core import masking
from yanglao.core import person as spec
from yanglao.registry.models import TRACKED_FIELDS, ChangeKind, ImportBatch, Person, PersonChange


@dataclass(frozen=True)
class FieldVersion:
    value: str
    source: str
    kind: str
    as_of: dt.date
    at: dt.datetime
    by: str


def text(value: Any) -> str:
    """The interchange text of a stored value (what history keeps)."""
    if value is None or value == "":
        return ""
    return spec.format_value(value)


def _shown(value: Any) -> str:
    """History values are interchange text, except creation events that keep JSON scalars."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def field_histories(changes: Iterable[PersonChange]) -> dict[str, list[FieldVersion]]:
    """For each field, its versions oldest first."""
    out: dict[str, list[FieldVersion]] = defaultdict(list)
    for change in changes:
        for name, pair in change.changes.items():
            out[name].append(
                FieldVersion(
                    value=_shown(pair[1]),
                    source=change.source,
                    kind=change.kind,
                    as_of=change.as_of,
                    at=change.at,
                    by=change.actor_name,
                )
            )
    return dict(out)


def masked_histories(role: str, histories: dict[str, list[FieldVersion]]) -> dict[str, list[FieldVersion]]:
    """``field_histories`` as ``role`` may see them: every value through the one masking function
    (``core.masking``), and where the role sees it in full, in words (``alone`` → 独居,
    ``core.person.value_words``); the history of a field hidden from the role is left out whole (its
    dates and sources would tell that the person has, say, a disability)."""
    return {
        name: [replace(v, value=shown(role, name, v.value)) for v in versions]
        for name, versions in histories.items()
        if masking.rule(role, name) is not masking.Shown.HIDDEN
    }


def shown(role: str, name: str, value: str) -> str:
    """One history value as ``role`` sees it: masked, or in words."""
    if masking.sees(role, name):
        return spec.value_words(name, value)
    return masking.mask(role, name, value)


def initial_values(person: Person, later: Iterable[Any]) -> dict[str, str]:
    """The values a record was created with: each field's value before its first change, or its current
    value where it never changed. ``later`` are the person's change events (or their ``changes``
    dicts) oldest first. Empty values are left out: an import never sets a field to empty."""
    before: dict[str, Any] = {}
    for change in later:
        pairs = change if isinstance(change, dict) else change.changes
        for name, pair in pairs.items():
            before.setdefault(name, pair[0])
    out: dict[str, str] = {}
    for name in TRACKED_FIELDS:
        value = _shown(before[name]) if name in before else text(getattr(person, name))
        if value:
            out[name] = value
    return out


def creation_event(person: Person, batch: ImportBatch, later: list[PersonChange]) -> PersonChange:
    """The creation of an imported record as an (unsaved) change event. Imports do not store one per
    person: at a million rows that would be most of the import's work. It is derived from the batch
    (source, data date, operator, time) and the values before each field's first change."""
    values = initial_values(person, later)
    return PersonChange(
        person=person,
        kind=ChangeKind.CREATE,
        source=batch.source,
        batch=batch,
        actor_id=batch.user_id,
        actor_name=batch.actor_name,
        as_of=batch.as_of,
        at=batch.started_at,
        changes={name: [None, value] for name, value in values.items()},
    )


def person_changes(person: Person) -> list[PersonChange]:
    """All change events of a person oldest first, the creation by an import included."""
    changes = list(person.changes.order_by("at", "id"))
    if person.created_batch_id is None:
        return changes
    batch = ImportBatch.objects.get(pk=person.created_batch_id)
    return [creation_event(person, batch, changes), *changes]


def latest_sources(rows: Iterable[Any]) -> dict[int, dict[str, tuple[str, dt.date]]]:
    """``{person_id: {field: (source, as_of)}}`` of the most recent setting of each field.

    ``rows`` are ``PersonChange`` values (``person_id``, ``source``, ``as_of``, ``changes``) in id order;
    the most recent is the one with the latest data date, later records winning ties.
    """
    out: dict[int, dict[str, tuple[str, dt.date]]] = defaultdict(dict)
    for row in rows:
        current = out[row["person_id"]]
        for name in row["changes"]:
            previous = current.get(name)
            if previous is None or row["as_of"] >= previous[1]:
                current[name] = (row["source"], row["as_of"])
    return dict(out)
