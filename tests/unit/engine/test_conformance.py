"""One rule, three executions, one answer: generated populations evaluated by the one-person evaluator
(the reference), the Polars engine and the Spark engine, on every list under ``catalogs/`` and on a
synthetic list using the constructs the real lists do not; the granted items and their amounts, to
the fen, must be identical."""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.unit.engine import synthetic
from tests.unit.engine.engine_population import (
    catalog_regions,
    explain_difference,
    granted_rows,
    population,
    random_population,
    reference,
)
from yanglao.core.catalog.loader import list_codes, load_catalog
from yanglao.core.catalog.model import Catalog
from yanglao.core.engine import entitle_frame, entitle_spark
from yanglao.core.engine.frames import persons_from_records
from yanglao.core.engine.spark_backend import PERSON_DDL
from yanglao.core.person import FIELD_NAMES

CODES = [*list_codes(), synthetic.CODE]
SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]


@pytest.fixture(scope="module")
def catalogs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Catalog]:
    root = synthetic.write(tmp_path_factory.mktemp("catalogs"))
    out = {code: load_catalog(code) for code in list_codes()}
    out[synthetic.CODE] = load_catalog(synthetic.CODE, root)
    return out


@pytest.fixture(scope="module")
def regions(catalogs: dict[str, Catalog]) -> list[str]:
    return catalog_regions(catalogs.values())


def _polars(catalog: Catalog, case: dict[str, Any]) -> set[Any]:
    frame = persons_from_records(case["records"])
    return granted_rows(entitle_frame(catalog, frame, case["on"], case["options"]).iter_rows(named=True))


@pytest.mark.parametrize("code", CODES)
@settings(max_examples=20, deadline=None, suppress_health_check=SLOW)
@given(data=st.data())
def test_polars_grants_what_the_reference_grants(
    code: str, data: st.DataObject, catalogs: dict[str, Catalog], regions: list[str]
) -> None:
    catalog = catalogs[code]
    case = data.draw(population(catalog, regions, (1, 30)), label="population")

    want = reference(catalog, case["records"], case["on"], case["options"])
    got = _polars(catalog, case)

    assert got == want, explain_difference(want, got, case["records"])


@pytest.mark.spark
@pytest.mark.parametrize("code", CODES)
@settings(max_examples=1, deadline=None, suppress_health_check=SLOW)
@given(seed=st.integers(0, 2**64))
def test_spark_and_polars_grant_what_the_reference_grants(
    code: str, seed: int, catalogs: dict[str, Catalog], regions: list[str], spark: Any
) -> None:
    catalog = catalogs[code]
    case = random_population(random.Random(seed), catalog, regions, 300)
    rows = [tuple(record.get(f) for f in FIELD_NAMES) for record in case["records"]]
    persons = spark.createDataFrame(rows, schema=PERSON_DDL)

    want = reference(catalog, case["records"], case["on"], case["options"])
    got_spark = granted_rows(
        row.asDict() for row in entitle_spark(catalog, persons, case["on"], case["options"]).collect()
    )
    got_polars = _polars(catalog, case)

    assert got_spark == want, explain_difference(want, got_spark, case["records"])
    assert got_polars == want, explain_difference(want, got_polars, case["records"])
