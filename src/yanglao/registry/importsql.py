"""The SQL of an import (:mod:`yanglao.registry.importwriter`): one staging table of checked rows, the
same statements on PostgreSQL and SQLite.

- ``imp_stage``: the file's valid rows (``line`` as key, the parsed columns);
- ``imp_match``: for each row naming a registered person, the person and whether any value of the row
  differs from the registry's (an empty cell never differs: it means "not known");
- the uploader's scope in three queries (docs/import.md, "Who may import what");
- the new people in one ``INSERT … SELECT`` (on PostgreSQL a large first load drops the table's
  secondary indexes and builds them again afterwards, in the same transaction);
- the changed people's new values in ``imp_update`` and one ``UPDATE … FROM``.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Sequence
from typing import Any

import polars as pl
from django.db import connection
from django.utils import timezone

from yanglao.core.records_io import RowError
from yanglao.registry.importscope import MOVE_REFUSED, OUT_OF_SCOPE, RowScope
from yanglao.registry.models import Person

TABLE = Person._meta.db_table
LOAD_CHUNK = 200_000
# A load of at least this many new people, and more than the table holds, rebuilds the indexes after it.
REBUILD_INDEXES_AT = 100_000
DEFAULT_TEXT = (
    "name",
    "phone",
    "address",
    "emergency_contact_name",
    "emergency_contact_phone",
    "emergency_contact_relation",
    "spouse_id_number",
)


def _now() -> Any:
    now = timezone.now()
    return now if connection.vendor == "postgresql" else timezone.make_naive(now, dt.UTC).isoformat(" ")


def now_value() -> str:
    """The current time as text each database reads into its timestamp column."""
    now = timezone.now()
    if connection.vendor == "postgresql":
        return now.isoformat()
    return timezone.make_naive(now, dt.UTC).isoformat(" ")


def _db_type(name: str) -> str:
    return str(Person._meta.get_field(name).db_type(connection))


def load(table: str, columns: Sequence[str], frame: pl.DataFrame) -> None:
    """Rows of ``frame`` (those columns, in order) into ``table``: COPY or executemany."""
    names = ", ".join(f'"{c}"' for c in columns)
    with connection.cursor() as cursor:
        for start in range(0, frame.height, LOAD_CHUNK):
            part = frame.slice(start, LOAD_CHUNK).select(columns)
            if connection.vendor == "postgresql":
                buffer = io.BytesIO()
                part.write_csv(buffer, include_header=False, null_value="")
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN (FORMAT csv)") as copy:
                    copy.write(buffer.getvalue())
            else:
                part = part.with_columns(
                    [pl.col(c).dt.to_string("%Y-%m-%d") for c, t in part.schema.items() if t == pl.Date]
                    + [pl.col(c).cast(pl.Int8) for c, t in part.schema.items() if t == pl.Boolean]
                )
                marks = ", ".join("?" for _ in columns)
                cursor.connection.executemany(
                    f"INSERT INTO {table} ({names}) VALUES ({marks})", part.iter_rows()
                )


class Stage:
    """The staging tables of one import (dropped at the end)."""

    def __init__(self, columns: Sequence[str]) -> None:
        self.columns = list(columns)
        self.pg = connection.vendor == "postgresql"

    def _exec(self, sql: str, params: Sequence[Any] = ()) -> Any:
        with connection.cursor() as cursor:
            cursor.execute(sql, list(params))
            return cursor.rowcount

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(sql, list(params))
            return list(cursor.fetchall())

    def drop(self) -> None:
        for table in ("imp_stage", "imp_match", "imp_bad", "imp_update"):
            self._exec(f"DROP TABLE IF EXISTS {table}")

    def load(self, frame: pl.DataFrame) -> None:
        self.drop()
        cols = ", ".join(f'"{c}" {_db_type(c)}' for c in self.columns)
        self._exec(
            f"CREATE TEMP TABLE imp_stage (line integer PRIMARY KEY, id_number varchar(18) NOT NULL, {cols})"
        )
        self._exec(
            "CREATE TEMP TABLE imp_match (line integer PRIMARY KEY, person_id bigint NOT NULL, changed integer NOT NULL)"
        )
        load("imp_stage", ["line", "id_number", *self.columns], frame)
        if self.pg:
            self._exec("ANALYZE imp_stage")

    def match(self) -> None:
        """Which rows name a registered person, and whether they change anything."""
        differ = (
            " OR ".join(
                f'(s."{c}" IS NOT NULL AND (p."{c}" IS NULL OR s."{c}" <> p."{c}"))' for c in self.columns
            )
            or "1 = 0"
        )
        self._exec(
            "INSERT INTO imp_match (line, person_id, changed) "
            f"SELECT s.line, p.id, CASE WHEN {differ} THEN 1 ELSE 0 END "
            f"FROM imp_stage s JOIN {TABLE} p ON p.id_number = s.id_number"
        )

    def scope_errors(self, rows: RowScope) -> list[RowError]:
        """The rows reaching outside the uploader's scope, as errors; those rows leave the stage."""
        scope = rows.scope
        if scope is None or scope.prefix == "":
            return []
        prefix = scope.prefix

        def covers(expr: str) -> tuple[str, list[Any]]:
            if prefix is None:
                return "1 = 0", []
            return f"({expr} IS NOT NULL AND substr({expr}, 1, {len(prefix)}) = %s)", [prefix]

        has = {c: c in self.columns for c in ("residence_region", "hukou_region")}
        found: list[tuple[int, str, str, str, str | None]] = []
        # new people: every region the row gives inside the scope, and at least one given
        given = [f's."{c}"' for c in has if has[c]]
        if given:
            parts, params = [], []
            for c in given:
                sql, p = covers(c)
                parts.append(f"({c} IS NULL OR {sql})")
                params += p
            inside = f"({' OR '.join(f'{c} IS NOT NULL' for c in given)}) AND " + " AND ".join(parts)
        else:
            inside, params = "1 = 0", []
        for line, ident, name in self._rows(
            "SELECT s.line, s.id_number, s.name FROM imp_stage s "
            f"WHERE NOT EXISTS (SELECT 1 FROM imp_match m WHERE m.line = s.line) AND NOT ({inside})"
            if "name" in self.columns
            else "SELECT s.line, s.id_number, NULL FROM imp_stage s "
            f"WHERE NOT EXISTS (SELECT 1 FROM imp_match m WHERE m.line = s.line) AND NOT ({inside})",
            params,
        ):
            found.append((line, "id_number", OUT_OF_SCOPE, ident, name))
        # registered people outside the scope
        res, res_p = covers('p."residence_region"')
        huk, huk_p = covers('p."hukou_region"')
        name_col = "s.name" if "name" in self.columns else "NULL"
        outside = self._rows(
            f"SELECT s.line, s.id_number, {name_col} FROM imp_match m JOIN imp_stage s ON s.line = m.line "
            f"JOIN {TABLE} p ON p.id = m.person_id WHERE NOT ({res} OR {huk})",
            res_p + huk_p,
        )
        rows.refused_existing += len(outside)
        found += [(line, "id_number", OUT_OF_SCOPE, ident, name) for line, ident, name in outside]
        # moves: a region changed by a user who does not see both the old and the new place
        cases, params = [], []
        for c in ("residence_region", "hukou_region"):
            if not has[c]:
                continue
            new, new_p = covers(f's."{c}"')
            old, old_p = covers(f'p."{c}"')
            cases.append(
                f'WHEN s."{c}" IS NOT NULL AND (p."{c}" IS NULL OR s."{c}" <> p."{c}") AND '
                f"(NOT {new} OR (p.\"{c}\" IS NOT NULL AND p.\"{c}\" <> '' AND NOT {old})) THEN '{c}'"
            )
            params += new_p + old_p
        if cases:
            seen, seen_p = f"({res} OR {huk})", res_p + huk_p
            for line, ident, name, field in self._rows(
                f"SELECT * FROM (SELECT s.line, s.id_number, {name_col}, CASE {' '.join(cases)} END AS moved "
                f"FROM imp_match m JOIN imp_stage s ON s.line = m.line JOIN {TABLE} p ON p.id = m.person_id "
                f"WHERE {seen}) t WHERE moved IS NOT NULL",
                params + seen_p,
            ):
                found.append((line, field, MOVE_REFUSED, ident, name))
        if not found:
            return []
        self._exec("CREATE TEMP TABLE imp_bad (line integer PRIMARY KEY)")
        with connection.cursor() as cursor:
            cursor.executemany("INSERT INTO imp_bad (line) VALUES (%s)", [(f[0],) for f in found])
        for table in ("imp_stage", "imp_match"):
            self._exec(f"DELETE FROM {table} WHERE line IN (SELECT line FROM imp_bad)")
        found.sort(key=lambda f: f[0])
        return [
            RowError(line, field, reason).of_row(ident, name) for line, field, reason, ident, name in found
        ]

    def unchanged(self) -> int:
        return int(self._rows("SELECT count(*) FROM imp_match WHERE changed = 0")[0][0])

    def changed(self) -> list[tuple[int, int]]:
        """(line, person) of the rows that differ from their person."""
        return [
            (int(a), int(b))
            for a, b in self._rows("SELECT line, person_id FROM imp_match WHERE changed = 1 ORDER BY line")
        ]

    def insert_new(self, batch_id: int, synthetic: bool) -> int:
        """The rows naming nobody registered, as new people created by the batch."""
        new = "FROM imp_stage s WHERE NOT EXISTS (SELECT 1 FROM imp_match m WHERE m.line = s.line)"
        count = int(self._rows(f"SELECT count(*) {new}")[0][0])
        if count == 0:
            return 0
        targets, values = ["id_number"], ["s.id_number"]
        for c in self.columns:
            targets.append(c)
            values.append(f"COALESCE(s.\"{c}\", '')" if c in DEFAULT_TEXT else f's."{c}"')
        for c in DEFAULT_TEXT:
            if c not in self.columns:
                targets.append(c)
                values.append("''")
        targets += ["synthetic", "created_batch_id", "created_at", "updated_at"]
        values += ["%s", "%s", "%s", "%s"]
        now = _now()
        rebuild = self._drop_indexes(count)
        names = ", ".join(f'"{t}"' for t in targets)
        self._exec(
            f"INSERT INTO {TABLE} ({names}) SELECT {', '.join(values)} {new} ORDER BY s.line",
            [synthetic, batch_id, now, now],
        )
        if rebuild:  # the inserts' deferred foreign-key checks first: an index is not built with them pending
            self._exec("SET CONSTRAINTS ALL IMMEDIATE")
            self._exec("SET CONSTRAINTS ALL DEFERRED")
        for statement in rebuild:
            self._exec(statement)
        return count

    def _drop_indexes(self, count: int) -> list[str]:
        """On PostgreSQL, before a load of ``count`` new people that is large and more than the table
        holds: drop the secondary indexes (not the key, not the ID number's uniqueness) and return the
        statements that build them again. Index builds sort once; a million inserts into ten indexes
        cost several times more."""
        if not self.pg or count < REBUILD_INDEXES_AT:
            return []
        if int(self._rows(f"SELECT count(*) FROM {TABLE}")[0][0]) > count:
            return []
        indexes = self._rows(
            "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
            "WHERE x.indrelid = %s::regclass AND NOT x.indisunique AND NOT x.indisprimary",
            [TABLE],
        )
        for name, _ in indexes:
            self._exec(f'DROP INDEX "{name}"')
        return [definition for _, definition in indexes]

    def current(self, columns: Sequence[str]) -> pl.DataFrame:
        """The registry's values (``<column>__cur``, an empty text as null) of the people whose rows
        differ, with ``line``, ``person_id`` and ``created_batch_id``."""
        cols = ", ".join(f'p."{c}"' for c in columns)
        rows = self._rows(
            f"SELECT m.line, m.person_id, p.created_batch_id, {cols} FROM imp_match m "
            f"JOIN {TABLE} p ON p.id = m.person_id WHERE m.changed = 1"
        )
        schema: dict[str, Any] = {"line": pl.Int64, "person_id": pl.Int64, "created_batch_id": pl.Int64}
        # (both drivers give dates and booleans as Python values: Django registers SQLite's converters)
        schema |= {f"{c}__cur": _polars_type(c) for c in columns}
        frame = pl.DataFrame(rows, schema=schema, orient="row")
        fixes = [
            pl.when(pl.col(f"{c}__cur") == "").then(None).otherwise(pl.col(f"{c}__cur")).alias(f"{c}__cur")
            for c in columns
            if _polars_type(c) == pl.String
        ]
        return frame.with_columns(fixes) if fixes else frame

    def events(self) -> dict[int, list[tuple[str, dt.date, dict[str, Any]]]]:
        """The change events of the people whose rows differ, oldest first: (source, data date, changes)."""
        out: dict[int, list[tuple[str, dt.date, dict[str, Any]]]] = {}
        for pid, source, as_of, changes in self._rows(
            "SELECT c.person_id, c.source, c.as_of, c.changes FROM registry_personchange c "
            "JOIN imp_match m ON m.person_id = c.person_id WHERE m.changed = 1 ORDER BY c.id"
        ):
            if isinstance(as_of, str):
                as_of = dt.date.fromisoformat(as_of)
            out.setdefault(pid, []).append(
                (source, as_of, json.loads(changes) if isinstance(changes, str) else changes)
            )
        return out

    def open_conflicts(self, source: str) -> set[tuple[int, str, str]]:
        """(person, field, proposed value) of the open conflicts ``source`` proposed to these people."""
        rows = self._rows(
            "SELECT c.person_id, c.field, c.proposed_value FROM registry_conflict c "
            "JOIN imp_match m ON m.person_id = c.person_id WHERE m.changed = 1 AND c.status = 'open' "
            "AND c.proposed_source = %s",
            [source],
        )
        return {(int(p), str(f), str(v)) for p, f, v in rows}

    def update_people(self, values: pl.DataFrame, names: list[str]) -> None:
        """The changed people's new values (``values``: ``person_id`` and ``names``, null where a field
        keeps its value) in one load and one UPDATE."""
        cols = ", ".join(f'"{c}" {_db_type(c)}' for c in names)
        self._exec(f"CREATE TEMP TABLE imp_update (person_id bigint PRIMARY KEY, {cols})")
        load("imp_update", ["person_id", *names], values)
        sets = ", ".join(f'"{c}" = COALESCE(imp_update."{c}", {TABLE}."{c}")' for c in names)
        self._exec(
            f"UPDATE {TABLE} SET {sets}, updated_at = %s FROM imp_update WHERE {TABLE}.id = imp_update.person_id",
            [_now()],
        )


def _polars_type(name: str) -> Any:
    from yanglao.registry.importcheck import dtype

    return dtype(name)
