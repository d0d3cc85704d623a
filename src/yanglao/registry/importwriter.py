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
import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import polars as pl

from yanglao.registry import importsql
from yanglao.registry.history import _shown, text
from yanglao.registry.importcheck import dtype
from yanglao.registry.importscope import RowScope
from yanglao.registry.models import ChangeKind, Conflict, ImportBatch, PersonChange

if TYPE_CHECKING:
    from yanglao.registry.imports import ImportResult


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
        stage.load(frame)
        stage.match()
        errors = stage.scope_errors(self.rows)
        self.result.unchanged += stage.unchanged()
        self.result.created += stage.insert_new(self.batch.pk, self.synthetic)
        if stage.changed():
            self.update(frame, columns, stage)
        stage.drop()  # a failed import's transaction is rolled back, its staging tables with it
        return errors

    def update(self, frame: pl.DataFrame, columns: list[str], stage: importsql.Stage) -> None:
        """The rows that differ from their person: each differing field updated, or kept in a conflict
        when another source set it on the same or a later data date (its last source: the person's
        change events, and the batch that created the person where it brought a value)."""
        current = stage.current(columns)
        rows = frame.join(current, on="line")
        differs = [
            pl.when(
                pl.col(c).is_not_null() & (pl.col(f"{c}__cur").is_null() | (pl.col(c) != pl.col(f"{c}__cur")))
            )
            .then(pl.lit(c))
            .otherwise(pl.lit(None, pl.String))
            for c in columns
        ]
        rows = rows.with_columns(pl.concat_list(differs).list.drop_nulls().alias("__diff__"))
        events = stage.events()
        batch_ids = set(rows.get_column("created_batch_id").drop_nulls().to_list()) - self.batches.keys()
        for pk, batch_source, batch_as_of in ImportBatch.objects.filter(pk__in=batch_ids).values_list(
            "pk", "source", "as_of"
        ):
            self.batches[pk] = (batch_source, batch_as_of)
        conflicted = stage.open_conflicts(self.source)
        applied: dict[str, list[Any]] = {c: [] for c in columns}
        updated_ids: list[int] = []
        changes: list[str] = []  # each changed person's {field: [old, new]} as JSON
        changed_ids: list[int] = []
        conflicts: list[Conflict] = []
        for row in rows.iter_rows(named=True):
            pid = row["person_id"]
            diff: dict[str, list[str | None]] = {}
            for name in row["__diff__"]:
                value, current = row[name], row[f"{name}__cur"]
                last = self._last_source(row["created_batch_id"], events.get(pid, ()), name, current)
                if last is not None and last[0] != self.source and last[1] >= self.as_of:
                    proposed = text(value)
                    self.result.conflicts.append(
                        {
                            "id_number": row["id_number"],
                            "field": name,
                            "current": {
                                "value": text(current),
                                "source": last[0],
                                "as_of": last[1].isoformat(),
                            },
                            "proposed": {
                                "value": proposed,
                                "source": self.source,
                                "as_of": self.as_of.isoformat(),
                            },
                        }
                    )
                    if (pid, name, proposed) not in conflicted:
                        conflicted.add((pid, name, proposed))
                        conflicts.append(
                            Conflict(
                                person_id=pid,
                                field=name,
                                current_value=text(current),
                                current_source=last[0],
                                current_as_of=last[1],
                                proposed_value=proposed,
                                proposed_source=self.source,
                                proposed_as_of=self.as_of,
                                batch=self.batch,
                            )
                        )
                    continue
                diff[name] = [text(current) or None, text(value)]
            if diff:
                updated_ids.append(pid)
                for c in columns:
                    applied[c].append(row[c] if c in diff else None)
                changed_ids.append(pid)
                changes.append(json.dumps(diff, ensure_ascii=False))
            else:
                self.result.unchanged += 1
        self._save_changes(changed_ids, changes, stage)
        Conflict.objects.bulk_create(conflicts, batch_size=1000)
        if updated_ids:
            touched = [c for c in columns if any(v is not None for v in applied[c])]
            values = pl.DataFrame(
                {"person_id": updated_ids, **{c: applied[c] for c in touched}},
                schema={"person_id": pl.Int64, **{c: dtype(c) for c in touched}},
            )
            stage.update_people(values, touched)
        self.result.updated += len(updated_ids)

    def _last_source(
        self,
        batch: int | None,
        events: Iterable[tuple[str, dt.date, dict[str, Any]]],
        name: str,
        current: Any,
    ) -> tuple[str, dt.date] | None:
        """The source and data date that last set field ``name`` (:func:`history.latest_sources` for one
        field): the latest data date, the later event winning ties; the creating batch counts where the
        record was created with a value (before the field's first change, or its current value)."""
        last: tuple[str, dt.date] | None = None
        first_old: Any = None
        changed = False
        for source, as_of, pairs in events:
            if name in pairs:
                if not changed:
                    first_old, changed = pairs[name][0], True
                if last is None or as_of >= last[1]:
                    last = (source, as_of)
        if batch is not None:
            created_with = _shown(first_old) if changed else text(current)
            if created_with:
                created = self.batches[batch]
                if last is None or created[1] > last[1]:
                    last = created
        return last

    def _save_changes(self, people: list[int], changes: list[str], stage: importsql.Stage) -> None:
        """One change event per changed person, in one load."""
        if not people:
            return
        n = len(people)
        at = importsql.now_value()
        frame = pl.DataFrame(
            {
                "person_id": people,
                "kind": [str(ChangeKind.FEED)] * n,
                "source": [self.source] * n,
                "batch_id": [self.batch.pk] * n,
                "actor_id": [self.actor.pk if self.actor is not None else None] * n,
                "actor_name": [self.actor_name] * n,
                "as_of": [self.as_of] * n,
                "at": [at] * n,
                "changes": changes,
            },
            schema={
                "person_id": pl.Int64,
                "kind": pl.String,
                "source": pl.String,
                "batch_id": pl.Int64,
                "actor_id": pl.Int64,
                "actor_name": pl.String,
                "as_of": pl.Date,
                "at": pl.String,
                "changes": pl.String,
            },
        )
        importsql.load(PersonChange._meta.db_table, frame.columns, frame)
