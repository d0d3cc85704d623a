"""A facility's field history and the current source of each field, from its change events (the same
pattern as the people's registry, :mod:`yanglao.registry.history`): every import, edit and capacity
report that changed a field is one event with the old and new value, the source and the data date."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from yanglao.core.facilities.fileformat import COLUMNS, label_of
from yanglao.facilities.models import Facility, FacilityChange


@dataclass(frozen=True)
class FieldVersion:
    value: str
    source: str
    kind: str
    as_of: dt.date
    at: dt.datetime
    by: str


def shown(name: str, value: Any) -> str:
    """A stored history value in the users' words (codes as their labels, lists joined)."""
    if value is None or value == "":
        return ""
    if isinstance(value, list):
        return "、".join(label_of(name, str(v)) for v in value)
    return label_of(name, str(value))


def field_label(name: str) -> str:
    return COLUMNS.get(name, name)


def facility_changes(facility: Facility) -> list[FacilityChange]:
    return list(facility.changes.order_by("at", "id"))


def field_histories(changes: list[FacilityChange]) -> dict[str, list[FieldVersion]]:
    """For each field, its versions oldest first."""
    out: dict[str, list[FieldVersion]] = defaultdict(list)
    for change in changes:
        for name, pair in change.changes.items():
            out[name].append(
                FieldVersion(
                    value=shown(name, pair[1]),
                    source=change.source,
                    kind=change.kind,
                    as_of=change.as_of,
                    at=change.at,
                    by=change.actor_name,
                )
            )
    return dict(out)


def latest_sources(changes: list[FacilityChange]) -> dict[str, tuple[str, dt.date]]:
    """``{field: (source, as_of)}`` of the most recent setting of each field (latest data date; later
    events win ties)."""
    out: dict[str, tuple[str, dt.date]] = {}
    for change in changes:
        for name in change.changes:
            previous = out.get(name)
            if previous is None or change.as_of >= previous[1]:
                out[name] = (change.source, change.as_of)
    return out
