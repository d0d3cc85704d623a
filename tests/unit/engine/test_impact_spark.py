"""The impact of a draft on Spark gives the embedded engine's figures and lists (issue 13, province)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

from yanglao.core.catalog.impact import impact
from yanglao.core.catalog.impactspark import impact_spark
from yanglao.core.catalog.loader import load_catalog
from yanglao.core.catalog.model import ParamValue
from yanglao.core.engine.bench import persons_query

ON = dt.date(2025, 3, 1)


def test_spark_and_embedded_agree(spark: Any) -> None:
    before = load_catalog("410721")
    old = before.parameters["gaoling_jintie_80_89"]
    value = ParamValue(dt.date(2025, 1, 1), Decimal(80), "测试草稿")
    after = dataclasses.replace(
        before,
        parameters={**before.parameters, old.name: dataclasses.replace(old, values=(*old.values, value))},
    )
    persons = persons_query(400, seed=3).collect()
    embedded = impact(before, after, persons, ON)
    distributed = impact_spark(before, after, [persons], ON)
    assert embedded.to_dict()["total"]["changed"] > 0
    assert distributed.to_dict() == embedded.to_dict()
    order = ["no", "id_number"]
    assert distributed.ids.sort(order).equals(embedded.ids.sort(order))
