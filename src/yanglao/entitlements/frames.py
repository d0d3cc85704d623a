"""The registry as a Polars frame for the engine: one SQL query, no per-person ORM objects."""

from __future__ import annotations

from typing import Any

import polars as pl
from django.db import connection
from django.db.models import QuerySet

from yanglao.core.engine.api import PERSON_SCHEMA
from yanglao.core.engine.frames import id_birth, id_sex
from yanglao.registry.models import Person

FRAME_SCHEMA: dict[str, Any] = {"pk": pl.Int64, **PERSON_SCHEMA}


def person_frame(persons: QuerySet[Person]) -> pl.DataFrame:
    """``pk`` and the person-record columns (:data:`PERSON_SCHEMA`) of ``persons``, in one query;
    sex and birth date derived from the ID number when empty, 常住地 from 户籍 (like ``derive_defaults``)."""
    sql, params = persons.order_by().values_list(*FRAME_SCHEMA).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[Any] = cursor.fetchall()
    # Both drivers return typed values (Django registers SQLite converters for dates and booleans).
    frame = pl.DataFrame(rows, schema=FRAME_SCHEMA, orient="row")
    ident = pl.col("id_number")
    return frame.with_columns(
        pl.coalesce("birth_date", id_birth(ident)).alias("birth_date"),
        pl.coalesce("sex", id_sex(ident)).alias("sex"),
        pl.coalesce("residence_region", "hukou_region").alias("residence_region"),
    )
