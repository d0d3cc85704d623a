"""The same checks on Polars and on Spark give identical findings: on the planted month and on a
generated noisy month (every check finds something there)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.unit.fraud.helpers import planted_frames
from yanglao.core.supervision import api, generate, planted
from yanglao.core.supervision.checks import CHECKS
from yanglao.core.supervision.params import load


def test_polars_and_spark_agree_on_planted_and_generated_months(spark: Any, tmp_path: Path) -> None:
    settings = load(planted.MONTH)
    frames = planted_frames(tmp_path)
    embedded = api.run_polars(settings, frames)
    assert embedded.height >= len(planted.EXPECTED)
    assert api.run_spark(spark, settings, frames).equals(embedded)

    noisy = generate.month(4000, 3000, 1500, planted.MONTH, seed=5)
    embedded = api.run_polars(settings, noisy)
    assert set(embedded["check"]) == {c.name for c in CHECKS}
    distributed = api.run_spark(spark, settings, noisy)
    assert distributed.height == embedded.height
    assert distributed.equals(embedded)
