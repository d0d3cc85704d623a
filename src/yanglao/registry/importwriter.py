"""Writing an import's valid rows a chunk at a time (see :mod:`yanglao.registry.imports`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from yanglao.registry import fastwrite
from yanglao.registry.history import initial_values, latest_sources, text
from yanglao.registry.importscope import RowScope
from yanglao.registry.models import ChangeKind, Conflict, ConflictStatus, ImportBatch, Person, PersonChange

if TYPE_CHECKING:
    from yanglao.registry.imports import ImportResult

CHUNK = 2000


class ChunkWriter:
    """Buffers valid records and writes them a chunk at a time (one query per kind per chunk)."""

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
        chunk: int = CHUNK,
    ) -> None:
        self.batch, self.source, self.as_of = batch, source, as_of
        self.actor = actor if hasattr(actor, "role") else None
        self.actor_name, self.synthetic, self.result = actor_name, synthetic, result
        self.rows, self.chunk = rows or RowScope(), chunk
        self.pending: list[tuple[int, dict[str, Any]]] = []
        self.batches: dict[int, tuple[str, dt.date]] = {}

    def add(self, line: int, record: dict[str, Any]) -> None:
        self.pending.append((line, record))
        if len(self.pending) >= self.chunk:
            self.flush()

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

    def flush(self) -> None:
        pending, self.pending = self.pending, []
        if not pending:
            return
        ids = [r["id_number"] for _, r in pending]
        existing = {p.id_number: p for p in Person.objects.filter(id_number__in=ids)}
        records = []
        for line, record in pending:
            error = self.rows.check(line, existing.get(record["id_number"]), record)
            if error is None:
                records.append(record)
            else:
                self.result.add_error(error.of_row(record["id_number"], record.get("name")))
        existing = {i: p for i, p in existing.items() if self.rows.sees(p)}
        change_rows = list(
            PersonChange.objects.filter(person__in=existing.values())
            .order_by("id")
            .values("person_id", "source", "as_of", "changes")
        )
        sources = latest_sources([*self._creations(existing.values(), change_rows), *change_rows])
        open_conflicts = {
            (c.person_id, c.field, c.proposed_value, c.proposed_source)
            for c in Conflict.objects.filter(person__in=existing.values(), status=ConflictStatus.OPEN)
        }
        created: list[dict[str, Any]] = []
        updated: list[Person] = []
        changes: list[dict[str, Any]] = []
        conflicts: list[Conflict] = []
        touched: set[str] = set()
        for record in records:
            person = existing.get(record["id_number"])
            values = {k: v for k, v in record.items() if k != "id_number" and v is not None}
            if person is None:
                created.append(record)
                continue
            diff: dict[str, list[str | None]] = {}
            for name, value in values.items():
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
        if created:
            rows = []
            for record, pk in zip(created, fastwrite.allocate_ids(Person, len(created)), strict=True):
                row = {k: v for k, v in record.items() if v is not None}
                row["id"], row["synthetic"], row["created_batch_id"] = pk, self.synthetic, self.batch.pk
                rows.append(row)
            fastwrite.insert(Person, rows)
        if updated:
            Person.objects.bulk_update(updated, sorted(touched | {"updated_at"}), batch_size=500)
        for change, pk in zip(changes, fastwrite.allocate_ids(PersonChange, len(changes)), strict=True):
            change["id"] = pk
        fastwrite.insert(PersonChange, changes)
        Conflict.objects.bulk_create(conflicts, batch_size=1000)
        self.result.created += len(created)
        self.result.updated += len(updated)
