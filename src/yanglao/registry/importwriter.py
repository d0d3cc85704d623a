"""Writing an import's checked rows set by set (see :mod:`yanglao.registry.imports`).

The rows go into a staging table in one load (PostgreSQL ``COPY``, SQLite ``executemany``); then, in
SQL, the same on both databases: which rows name a registered person and whether any of their values
differs from the registry's (:mod:`yanglao.registry.importsql`), the uploader's scope, and one
``INSERT … SELECT`` for the new people. Only the rows that change something come back to Python, where
each field's last source decides between an update and a conflict (the rules of docs/import.md); their
new values go back in one load and one ``UPDATE … FROM``. An unchanged row costs one comparison in SQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import polars as pl
from django.db import connection
from django.utils import timezone

from yanglao.registry import fastwrite, importsql
from yanglao.registry.history import initial_values, latest_sources, text
from yanglao.registry.importscope import RowScope
from yanglao.registry.models import ChangeKind, Conflict, ConflictStatus, ImportBatch, Person, PersonChange

if TYPE_CHECKING:
    from yanglao.registry.imports import ImportResult

CHUNK = 2000  # changed rows compared in Python per round (their people and history read together)


class SetWriter:
    """Writes the checked rows of one import (a frame with ``line`` and the parsed columns)."""

    def __init__(
        self,
        batch: ImportBatch,
        source: str,
        as_of: dt.date,
        actor: Any,
        actor_name: str,
        synthetic: bool,
        result: ImportResult,
        rows: RowScope | None = None,
    ) -> None:
        self.batch, self.source, self.as_of = batch, source, as_of
        self.actor = actor if hasattr(actor, "role") else None
        self.actor_name, self.synthetic, self.result = actor_name, synthetic, result
        self.rows = rows or RowScope()
        self.batches: dict[int, tuple[str, dt.date]] = {}

    def write(self, frame: pl.DataFrame) -> list[Any]:
        """Write ``frame``; returns the rows' scope errors (RowError, with whose row they are)."""
        if frame.height == 0:
            return []
        columns = [c for c in frame.columns if c not in ("line", "id_number")]
        stage = importsql.Stage(columns)
        try:
            stage.load(frame)
            stage.match()
            errors = stage.scope_errors(self.rows)
            self.result.unchanged += stage.unchanged()
            self.result.created += stage.insert_new(self.batch.pk, self.synthetic)
            changed = stage.changed()
            if changed:
                self.update(frame, changed, columns, stage)
        finally:
            stage.drop()
        return errors

    def update(
        self, frame: pl.DataFrame, changed: list[tuple[int, int]], columns: list[str], stage: importsql.Stage
    ) -> None:
        person_of = dict(changed)
        records = frame.filter(pl.col("line").is_in(list(person_of))).sort("line").to_dicts()
        updated: list[Person] = []
        touched: set[str] = set()
        for start in range(0, len(records), CHUNK):
            part = records[start : start + CHUNK]
            persons = Person.objects.in_bulk([person_of[r["line"]] for r in part])
            pairs = [(r, persons[person_of[r["line"]]]) for r in part]
            more, fields = self.compare(pairs)
            updated.extend(more)
            touched |= fields
        if updated:
            names = [c for c in columns if c in touched]
            stage.update_people(updated, names)
        self.result.updated += len(updated)

    def _change(self, person_id: int, kind: str, changes: dict[str, list[str | None]]) -> dict[str, Any]:
        return {
            "person_id": person_id,
            "kind": kind,
            "source": self.source,
            "batch_id": self.batch.pk,
            "actor_id": self.actor.pk if self.actor is not None else None,
            "actor_name": self.actor_name,
            "as_of": self.as_of,
            "changes": changes,
        }

    def _creations(
        self, persons: Iterable[Person], change_rows: Sequence[Mapping[str, Any]]
    ) -> list[dict[str, Any]]:
        """The creation events of imported records (see :func:`history.creation_event`) as change rows."""
        later: dict[int, list[dict[str, Any]]] = {}
        for row in change_rows:
            later.setdefault(row["person_id"], []).append(row["changes"])
        created = [(p, p.created_batch_id) for p in persons if p.created_batch_id is not None]
        missing = {batch for _, batch in created} - self.batches.keys()
        for pk, batch_source, batch_as_of in ImportBatch.objects.filter(pk__in=missing).values_list(
            "pk", "source", "as_of"
        ):
            self.batches[pk] = (batch_source, batch_as_of)
        out = []
        for person, batch in created:
            batch_source, batch_as_of = self.batches[batch]
            values = initial_values(person, later.get(person.pk, []))
            out.append(
                {"person_id": person.pk, "source": batch_source, "as_of": batch_as_of, "changes": values}
            )
        return out

    def compare(self, pairs: list[tuple[dict[str, Any], Person]]) -> tuple[list[Person], set[str]]:
        """Rows that differ from their person's values: each field updated, or kept in a conflict when
        another source set it on the same or a later data date. Writes the change events and conflicts;
        returns the people changed (their new values set) and the fields touched."""
        people = [p for _, p in pairs]
        change_rows = list(
            PersonChange.objects.filter(person__in=people)
            .order_by("id")
            .values("person_id", "source", "as_of", "changes")
        )
        sources = latest_sources([*self._creations(people, change_rows), *change_rows])
        open_conflicts = {
            (c.person_id, c.field, c.proposed_value, c.proposed_source)
            for c in Conflict.objects.filter(person__in=people, status=ConflictStatus.OPEN)
        }
        updated: list[Person] = []
        changes: list[dict[str, Any]] = []
        conflicts: list[Conflict] = []
        touched: set[str] = set()
        for record, person in pairs:
            diff: dict[str, list[str | None]] = {}
            for name, value in record.items():
                if name in ("line", "id_number") or value is None:
                    continue
                current = getattr(person, name)
                if current == value or (current in (None, "") and value in (None, "")):
                    continue
                last = sources.get(person.pk, {}).get(name)
                if last is not None and last[0] != self.source and last[1] >= self.as_of:
                    key = (person.pk, name, text(value), self.source)
                    conflict = Conflict(
                        person=person,
                        field=name,
                        current_value=text(current),
                        current_source=last[0],
                        current_as_of=last[1],
                        proposed_value=text(value),
                        proposed_source=self.source,
                        proposed_as_of=self.as_of,
                        batch=self.batch,
                    )
                    self.result.conflicts.append(conflict.as_dict())
                    if key not in open_conflicts:
                        open_conflicts.add(key)
                        conflicts.append(conflict)
                    continue
                diff[name] = [text(current) or None, text(value)]
                setattr(person, name, value)
            if diff:
                updated.append(person)
                touched.update(diff)
                changes.append(self._change(person.pk, ChangeKind.FEED, diff))
            else:
                self.result.unchanged += 1
        for change, pk in zip(changes, fastwrite.allocate_ids(PersonChange, len(changes)), strict=True):
            change["id"] = pk
        fastwrite.insert(PersonChange, changes)
        Conflict.objects.bulk_create(conflicts, batch_size=1000)
        return updated, touched


def now_param() -> Any:
    """The current time as the database takes it in a raw statement."""
    now = timezone.now()
    if connection.vendor == "postgresql":
        return now
    return timezone.make_naive(now, dt.UTC).isoformat(" ")
