"""One local Spark session for the engine suite (``local[1]``, one shuffle partition, no UI).

The generated populations are tiny, so whole-stage code generation is switched off: compiling the
generated Java would cost more than running the rows (the command line keeps Spark's defaults).
Without PySpark or a JVM the Spark tests skip, except under ``CI=true``, where they fail.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def require_spark() -> None:
    reason = None
    try:
        import pyspark  # noqa: F401
    except ImportError:
        reason = "PySpark is not installed: pip install pyspark"
    if reason is None and not (shutil.which("java") or os.environ.get("JAVA_HOME")):
        reason = "no Java runtime (java on PATH or JAVA_HOME) for PySpark"
    if reason is not None:
        if in_ci():
            pytest.fail(f"CI=true but {reason}", pytrace=False)
        pytest.skip(reason)


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    require_spark()
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[1]")
        .appName("yanglao-tests")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.default.parallelism", "1")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.codegen.wholeStage", "false")
        .config("spark.sql.codegen.factoryMode", "NO_CODEGEN")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
