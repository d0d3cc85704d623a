"""The one source every caller reads a list through (core/catalog/source.py): the shipped lists by
default, another source once registered, and a generation that changes when a list in force may."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator

import pytest

from yanglao.core.catalog import source
from yanglao.core.catalog.loader import load_catalog
from yanglao.core.catalog.model import Catalog


@pytest.fixture
def restore() -> Iterator[None]:
    before = source.current()
    yield
    source.register(before)


def test_the_shipped_source_ignores_the_date() -> None:
    assert source.shipped("152223", dt.date(2000, 1, 1)) is load_catalog("152223")


def test_a_registered_source_is_asked_with_the_date_and_the_generation_moves(restore: None) -> None:
    asked: list[tuple[str, dt.date | None]] = []
    later = dataclasses.replace(load_catalog("152223"), version="2026-1")

    def dated(code: str, on: dt.date | None = None) -> Catalog:
        asked.append((code, on))
        return later if on is not None and on >= dt.date(2026, 7, 1) else load_catalog(code)

    forgotten: list[int] = []
    source.on_invalidate(lambda: forgotten.append(source.generation()))
    generation = source.generation()
    source.register(dated)
    assert source.generation() > generation
    assert forgotten
    assert source.catalog_on("152223", dt.date(2026, 6, 30)).version == "2023"
    assert source.catalog_on("152223", dt.date(2026, 7, 1)).version == "2026-1"
    assert source.catalog_on("152223").version == "2023"
    assert asked == [("152223", dt.date(2026, 6, 30)), ("152223", dt.date(2026, 7, 1)), ("152223", None)]
    source.unregister()
    assert source.catalog_on("152223", dt.date(2026, 7, 1)).version == "2023"
