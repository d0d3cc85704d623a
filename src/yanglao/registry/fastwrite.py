"""Bulk inserts for imports of millions of rows: COPY on PostgreSQL, ``executemany`` on SQLite.

Django's ``bulk_create`` compiles every value through the field machinery; at a million rows that is
most of the time. Here values are converted once per column kind, ids are allocated in advance (the
caller holds the import's write transaction), and rows go to the database in one statement per chunk.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone

Converter = Callable[[Any], Any]


def _identity(value: Any) -> Any:
    return value


def _json_default(value: Any) -> str:
    """History keeps values as interchange text: dates as ISO strings."""
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=_json_default)


def _sqlite_converter(field: models.Field[Any, Any]) -> Converter:
    kind = field.get_internal_type()
    if kind == "JSONField":
        return _json
    if kind == "DateTimeField":
        return lambda v: None if v is None else timezone.make_naive(v, dt.UTC).isoformat(" ")
    if kind == "DateField":
        return lambda v: None if v is None else v.isoformat()
    if kind == "BooleanField":
        return lambda v: None if v is None else int(v)
    return _identity


def _postgres_converter(field: models.Field[Any, Any]) -> Converter:
    if field.get_internal_type() == "JSONField":
        return _json
    return _identity


def columns_of(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return list(model._meta.concrete_fields)


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` fresh primary keys. Safe inside the import's transaction: SQLite holds the write lock
    (transaction_mode IMMEDIATE), PostgreSQL hands out sequence values."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')
        start = int(cursor.fetchone()[0]) + 1
    return list(range(start, start + count))


def insert(model: type[models.Model], objects: Sequence[dict[str, Any]]) -> None:
    """Insert rows given as ``{attname: value}`` (the primary key ``id`` included) in one statement.

    A missing attribute takes the field's default; ``auto_now``/``auto_now_add`` fields take now."""
    if not objects:
        return
    fields = columns_of(model)
    now = timezone.now()
    defaults: list[Any] = []
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            defaults.append(now)
        elif field.has_default():
            defaults.append(field.get_default())
        else:
            defaults.append(None)
    convert = _postgres_converter if connection.vendor == "postgresql" else _sqlite_converter
    plan = [(f.attname, convert(f), d) for f, d in zip(fields, defaults, strict=True)]
    if all(c is _identity for _, c, _ in plan):
        rows = [tuple(obj.get(a, d) for a, _, d in plan) for obj in objects]
    else:
        rows = [tuple(c(obj.get(a, d)) for a, c, d in plan) for obj in objects]
    table = model._meta.db_table
    names = ", ".join(f'"{f.column}"' for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # the psycopg 3 cursor under Django's wrapper
            with raw.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" for _ in fields)
            cursor.connection.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)
