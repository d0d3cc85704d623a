"""One rule, three executions, one answer: generated populations evaluated by the one-person evaluator
(the reference), the Polars engine and the Spark engine, on every list under ``catalogs/`` and on a
synthetic list using the constructs the real lists do not; the granted items and their amounts, to
the fen, must be identical.

The whole-list steps (death, 择高, an item's parts) are checked benefit by benefit too: after the plan's
steps, each benefit's granted flag and amount in the backends (``decide``'s ``__g``/``__a`` columns)
must be the evaluator's, which runs the same steps over its own per-benefit decisions
(``core/catalog/wholelist.py``); and the generated populations must reach every step."""

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
from yanglao.core.catalog.decimals import to_fen
from yanglao.core.catalog.evaluate import evaluate
from yanglao.core.catalog.loader import list_codes, load_catalog
from yanglao.core.catalog.model import Catalog
from yanglao.core.engine import entitle_frame, entitle_spark
from yanglao.core.engine import polars_backend as pb
from yanglao.core.engine.frames import persons_from_records
from yanglao.core.engine.plan import Plan, make_plan
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


Benefits = set[tuple[str, str, int | None]]


def reference_benefits(catalog: Catalog, case: dict[str, Any]) -> Benefits:
    """Per person, the benefits (items, or parts of items) the evaluator grants after the whole-list
    steps, with their amounts in fen."""
    out: Benefits = set()
    for record in case["records"]:
        for item in evaluate(catalog, record, case["on"], case["options"]).items:
            for benefit in item.parts or (item,):
                if benefit.granted:
                    fen = None if benefit.amount is None else to_fen(benefit.amount)
                    out.add((record["id_number"], benefit.code, fen))
    return out


def decided_benefits(plan: Plan, rows: Any) -> Benefits:
    """The same from a backend's ``decide`` (its ``__g<i>`` and ``__a<i>`` columns)."""
    return {
        (row["id_number"], b.code, row[b.fen.name])
        for row in rows
        for b in plan.benefits
        if row[b.granted.name]
    }


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


@pytest.mark.parametrize("code", CODES)
@settings(max_examples=10, deadline=None, suppress_health_check=SLOW)
@given(data=st.data())
def test_polars_whole_list_steps_agree_benefit_by_benefit(
    code: str, data: st.DataObject, catalogs: dict[str, Catalog], regions: list[str]
) -> None:
    catalog = catalogs[code]
    case = data.draw(population(catalog, regions, (1, 30)), label="population")
    plan = make_plan(catalog, case["on"], case["options"])
    frame = pb.conform(persons_from_records(case["records"]).lazy())
    got = decided_benefits(plan, pb.decide(plan, frame).collect().iter_rows(named=True))

    assert got == reference_benefits(catalog, case)


def test_the_populations_reach_every_whole_list_step(
    catalogs: dict[str, Catalog], regions: list[str]
) -> None:
    """A conformance suite that never met a death, a 择高 ranking or a sum of parts would prove nothing
    about those steps: the generated people of the lists meet each of them."""
    seen: dict[str, int] = dict.fromkeys(["dead", "择高", "再择高", "choice", "sum", "periods"], 0)
    rng = random.Random(12)
    for code in CODES:
        catalog = catalogs[code]
        for _ in range(2):
            case = random_population(rng, catalog, regions, 300)
            for record in case["records"]:
                decision = evaluate(catalog, record, case["on"], case["options"])
                seen["dead"] += decision.deceased
                for item in decision.items:
                    for benefit in item.parts or (item,):
                        for group in ("择高", "再择高"):
                            seen[group] += benefit.status == "excluded" and f"（{group}，" in benefit.reason
                        seen["choice"] += bool(benefit.choice)
                    granted = [p for p in item.parts if p.granted]
                    seen["sum"] += len(granted) > 1 and item.amount is not None
                    seen["periods"] += len({p.period for p in granted}) > 1 and item.amount is None
    assert all(seen.values()), seen


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

    from yanglao.core.engine import spark_backend

    plan = make_plan(catalog, case["on"], case["options"])
    spark_backend.keep_steps(spark)
    decided = spark_backend.decide(plan, spark_backend.conform(persons))
    assert decided_benefits(plan, (r.asDict() for r in decided.collect())) == reference_benefits(
        catalog, case
    )
