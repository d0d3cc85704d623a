"""The list a person's 户籍 finds (core/catalog/source.py, issue 12): a 征求意见稿 the bureau has not
adopted and a list not in force on the day are passed over for the level above; a named list is
evaluated whatever its status and dates, and says what it is; a 2024 list grants nothing in 2020."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator

import polars as pl
import pytest

from yanglao.core.catalog import source
from yanglao.core.catalog.evaluate import evaluate
from yanglao.core.catalog.loader import load_catalog
from yanglao.core.catalog.model import Catalog
from yanglao.core.engine.api import PERSON_SCHEMA, entitle_frame

ON = dt.date(2026, 6, 17)
ZHUMADIAN = ["411700", "410000"]  # the lists of a 驿城区 (411702) person, nearest first
ADOPTED_FROM = dt.date(2026, 7, 1)


@pytest.fixture
def restore() -> Iterator[None]:
    before = source.current()
    yield
    source.register(before)


def test_a_shipped_draft_is_passed_over_for_the_province() -> None:
    assert load_catalog("411700").is_draft
    assert load_catalog("410400").is_draft
    assert not source.found_by_hukou("411700", ON)
    assert not source.found_by_hukou("410400", ON)
    assert source.found_by_hukou("410000", ON)
    found = source.list_by_hukou(ZHUMADIAN, ON)
    assert found.code == "410000"
    assert [(p.code, p.reason) for p in found.passed] == [("411700", "draft")]
    assert found.words == "《驻马店市基本养老服务清单》是征求意见稿，尚未经本局采用发布，按上级清单（410000）"
    assert source.list_by_hukou(["152223"], ON) == source.HukouList("152223")  # an issued list: itself


def test_a_draft_without_a_list_above_gives_a_clear_answer() -> None:
    found = source.list_by_hukou(["411700"], ON)
    assert found.code is None
    assert found.words.startswith("本地清单尚未发布施行：《驻马店市基本养老服务清单》是征求意见稿")


def test_the_bureau_adopting_a_draft_is_the_source_saying_so_from_its_date(restore: None) -> None:
    """What listadmin registers: a published version of a draft is returned as adopted from its date."""

    def published(code: str, on: dt.date | None = None) -> Catalog:
        catalog = load_catalog(code)
        if code == "411700" and on is not None and on >= ADOPTED_FROM:
            return dataclasses.replace(catalog, status="adopted", version="2026-1")
        return catalog

    source.register(published)
    assert source.list_by_hukou(ZHUMADIAN, ADOPTED_FROM - dt.timedelta(days=1)).code == "410000"
    assert source.list_by_hukou(ZHUMADIAN, ADOPTED_FROM) == source.HukouList("411700")
    person = {"birth_date": dt.date(1940, 1, 1), "hukou_region": "411702"}
    notes = evaluate(source.catalog_on("411700", ADOPTED_FROM), person, ADOPTED_FROM).notes
    assert notes == ("本清单是征求意见稿（本局已决定采用）",)
    source.unregister()
    assert source.list_by_hukou(ZHUMADIAN, ADOPTED_FROM).code == "410000"


def test_a_list_is_found_by_hukou_only_between_its_effective_and_end_dates(restore: None) -> None:
    xinxiang = ["410721", "410000"]
    assert load_catalog("410721").effective_from == dt.date(2024, 6, 1)
    before = source.list_by_hukou(xinxiang, dt.date(2024, 5, 31))
    assert before.code == "410000"
    assert [(p.code, p.reason) for p in before.passed] == [("410721", "not_yet")]
    assert "自 2024-06-01 起施行" in before.words
    assert source.list_by_hukou(xinxiang, dt.date(2024, 6, 1)).code == "410721"
    in_2020 = source.list_by_hukou(xinxiang, dt.date(2020, 1, 1))  # the province's from 2023-01-01
    assert in_2020.code is None
    assert in_2020.words.startswith("本地清单尚未发布施行")

    def ended(code: str, on: dt.date | None = None) -> Catalog:
        catalog = load_catalog(code)
        return (
            dataclasses.replace(catalog, effective_to=dt.date(2025, 12, 31)) if code == "410721" else catalog
        )

    source.register(ended)
    after = source.list_by_hukou(xinxiang, dt.date(2026, 1, 1))
    assert (after.code, after.passed[0].reason) == ("410000", "ended")
    assert "已于 2025-12-31 终止" in after.words
    assert source.list_by_hukou(["410721"], dt.date(2026, 1, 1)).words.startswith("本地清单已终止")


def _frame(person: dict[str, object]) -> pl.DataFrame:
    return pl.DataFrame([{name: person.get(name) for name in PERSON_SCHEMA}], schema=PERSON_SCHEMA)


@pytest.mark.parametrize("code", ["410721", "411303"])
def test_a_2024_list_grants_nothing_in_2020_named_or_not(code: str) -> None:
    catalog = load_catalog(code)
    assert catalog.effective_from is not None
    assert catalog.effective_from.year == 2024
    person = {
        "id_number": "x",
        "birth_date": dt.date(1930, 1, 1),
        "hukou_region": code,
        "residence_region": code,
        "dibao": True,
    }
    early, start = dt.date(2020, 1, 1), catalog.effective_from
    decision = evaluate(catalog, person, early)
    assert decision.items == ()
    assert f"本清单自 {start} 起施行，{early} 尚未施行，不享受其中任何待遇" in decision.notes
    assert entitle_frame(catalog, _frame(person), early).height == 0  # the bulk engine too
    assert evaluate(catalog, person, start).granted()
    assert entitle_frame(catalog, _frame(person), start).height > 0
