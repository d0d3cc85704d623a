"""The entitlement engine: a catalogue evaluated over a whole population, embedded (Polars) or on
Spark, with the one-person evaluator (:func:`yanglao.core.catalog.evaluate`) as the reference.

Public API (see :mod:`yanglao.core.engine.api` and docs/engine.md)::

    entitle_frame(catalog, persons, on, options=None) -> polars.DataFrame   # the one bulk entry point
    entitle_spark(catalog, persons, on, options=None) -> pyspark.sql.DataFrame
    entitle_file(catalog_code, on, input_path, output_path, engine="embedded", explain=False) -> Summary
    read_persons(path) -> (polars.DataFrame, [RowError])

The names are imported on first use (PEP 562), so that ``yanglao entitle --help`` and the other
commands that import a submodule (``yanglao.core.engine.cli``) do not pay for Polars.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from yanglao.core.engine.api import (
        OUTPUT_SCHEMA,
        PERSON_SCHEMA,
        EngineDisagreement,
        entitle_file,
        entitle_frame,
        entitle_spark,
    )
    from yanglao.core.engine.frames import read_persons
    from yanglao.core.engine.small import Summary

_WHERE = {
    "OUTPUT_SCHEMA": "api",
    "PERSON_SCHEMA": "api",
    "EngineDisagreement": "api",
    "Summary": "small",
    "entitle_file": "api",
    "entitle_frame": "api",
    "entitle_spark": "api",
    "read_persons": "frames",
}

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


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{_WHERE[name]}"), name)
    globals()[name] = value
    return value
