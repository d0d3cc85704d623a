"""The fraud-check suite shares the engine suite's local Spark session (skipped without PySpark or Java,
failing under ``CI=true``)."""

from __future__ import annotations

from tests.unit.engine.conftest import spark  # noqa: F401
