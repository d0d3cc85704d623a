"""The entitlement engine: a catalogue evaluated over a whole population, embedded (Polars) or on
Spark, with the one-person evaluator (:func:`yanglao.core.catalog.evaluate`) as the reference.

Public API (see :mod:`yanglao.core.engine.api` and docs/engine.md)::

    entitle_frame(catalog, persons, on, options=None) -> polars.DataFrame
    entitle_spark(catalog, persons, on, options=None) -> pyspark.sql.DataFrame
    entitle_file(catalog_code, on, input_path, output_path, engine="embedded", explain=False) -> Summary
    read_persons(path) -> (polars.DataFrame, [RowError])
"""

from __future__ import annotations

from yanglao.core.engine.api import (
    OUTPUT_SCHEMA,
    PERSON_SCHEMA,
    EngineDisagreement,
    Summary,
    entitle_file,
    entitle_frame,
    entitle_spark,
)
from yanglao.core.engine.frames import read_persons

__all__ = [
    "OUTPUT_SCHEMA",
    "PERSON_SCHEMA",
    "EngineDisagreement",
    "Summary",
    "entitle_file",
    "entitle_frame",
    "entitle_spark",
    "read_persons",
]
