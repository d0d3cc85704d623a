"""Every field's history and current source, derived from the change events of a person."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from yanglao.core import person as spec
from yanglao.registry.models import PersonChange


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
