"""The impact of a draft (:mod:`.impact`) on Spark, for a province: the same figures as the embedded
engine, the two versions evaluated by ``entitle_spark``, joined and summed by Spark; only the sums
and the moved ID numbers come back."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import polars as pl

from yanglao.core.catalog.impact import COUNTS, SUMS, UNKNOWN, ImpactReport, build_report
from yanglao.core.catalog.model import Catalog


def _granted(rows: Any, side: str) -> Any:
    from pyspark.sql import functions as F

    return rows.select(
        "id_number",
        F.col("no").cast("long").alias("no"),
        (F.col("amount") * 100).cast("long").alias(f"fen_{side}"),
        F.col("period").alias(f"period_{side}"),
        F.lit(True).alias(f"got_{side}"),
    )


def spark_sums(
    before: Catalog, after: Catalog, persons: Any, on: dt.date
) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, int]]:
    """(sums per item and township, moved IDs, distinct-person counts) from a Spark person frame."""
    from pyspark.sql import functions as F

    from yanglao.core.engine.api import entitle_spark

    region = F.coalesce(F.col("residence_region"), F.col("hukou_region"))
    towns = persons.select(
        "id_number",
        F.coalesce(
            F.when(F.length(region) >= 9, F.substring(region, 1, 9)).otherwise(region), F.lit(UNKNOWN)
        ).alias("township"),
    )
    b = _granted(entitle_spark(before, persons, on), "b")
    a = _granted(entitle_spark(after, persons, on), "a")
    joined = (
        b.join(a, on=["id_number", "no"], how="full")
        .join(towns, on="id_number", how="left")
        .select(
            "id_number",
            "no",
            F.coalesce("township", F.lit(UNKNOWN)).alias("township"),
            F.coalesce("got_b", F.lit(False)).alias("got_b"),
            F.coalesce("got_a", F.lit(False)).alias("got_a"),
            "fen_b",
            "fen_a",
            "period_b",
            "period_a",
        )
    )
    gaining = F.col("got_a") & ~F.col("got_b")
    losing = F.col("got_b") & ~F.col("got_a")
    changed = (
        F.col("got_a")
        & F.col("got_b")
        & (~F.col("fen_a").eqNullSafe(F.col("fen_b")) | ~F.col("period_a").eqNullSafe(F.col("period_b")))
    )
    joined = joined.select(
        "*", gaining.alias("is_gaining"), losing.alias("is_losing"), changed.alias("is_changed")
    )
    joined.cache()

    def count(flag: Any) -> Any:
        return F.sum(F.when(flag, 1).otherwise(0))

    def period_sum(side: str, name: str) -> Any:
        return F.sum(F.when(F.col(f"period_{side}") == name, F.col(f"fen_{side}")).otherwise(0)).alias(
            f"{name}_{side}"
        )

    aggregates = [
        count(F.col("got_b")).alias("people_b"),
        count(F.col("got_a")).alias("people_a"),
        count(F.col("is_gaining")).alias("gaining"),
        count(F.col("is_losing")).alias("losing"),
        count(F.col("is_changed")).alias("changed"),
        count(F.col("got_b") & F.col("fen_b").isNull()).alias("unpriced_b"),
        count(F.col("got_a") & F.col("fen_a").isNull()).alias("unpriced_a"),
        *(period_sum(side, name) for side in ("b", "a") for name in ("month", "year", "once")),
    ]
    rows = joined.groupBy("no", "township").agg(*aggregates).collect()
    schema = {"no": pl.Int64, "township": pl.String, **dict.fromkeys((*COUNTS, *SUMS), pl.Int64)}
    sums = pl.DataFrame([r.asDict() for r in rows], schema=schema) if rows else pl.DataFrame(schema=schema)
    moved_rows = (
        joined.filter(F.col("is_gaining") | F.col("is_losing"))
        .select(
            "no",
            "id_number",
            F.when(F.col("is_gaining"), F.lit("gaining")).otherwise(F.lit("losing")).alias("change"),
            "township",
        )
        .collect()
    )
    id_schema = {"no": pl.Int64, "id_number": pl.String, "change": pl.String, "township": pl.String}
    moved = pl.DataFrame([r.asDict() for r in moved_rows], schema=id_schema)
    ident = F.col("id_number")
    anyflag = F.col("is_gaining") | F.col("is_losing") | F.col("is_changed")
    totals = joined.agg(
        F.countDistinct(F.when(F.col("got_b"), ident)).alias("people_b"),
        F.countDistinct(F.when(F.col("got_a"), ident)).alias("people_a"),
        F.countDistinct(F.when(F.col("is_gaining"), ident)).alias("gaining"),
        F.countDistinct(F.when(F.col("is_losing"), ident)).alias("losing"),
        F.countDistinct(F.when(F.col("is_changed"), ident)).alias("changed"),
        F.countDistinct(F.when(anyflag, ident)).alias("affected"),
    ).collect()[0]
    joined.unpersist()
    return sums, moved, {k: int(v or 0) for k, v in totals.asDict().items()}


def impact_spark(
    before: Catalog,
    after: Catalog,
    batches: Iterable[pl.DataFrame],
    on: dt.date,
) -> ImpactReport:
    """Validated persons go to Spark through Parquet (as a cluster job would read them)."""
    from yanglao.core.engine import spark_backend
    from yanglao.core.engine.api import PERSON_SCHEMA, spark_session

    with tempfile.TemporaryDirectory(prefix="yanglao-impact-") as tmp:
        folder = Path(tmp)
        pl.DataFrame(schema=PERSON_SCHEMA).write_parquet(folder / "part-empty.parquet")
        persons = 0
        for n, batch in enumerate(batches):
            columns = [
                pl.col(c).cast(t) if c in batch.columns else pl.lit(None, t).alias(c)
                for c, t in PERSON_SCHEMA.items()
            ]
            batch.select(columns).write_parquet(folder / f"part-{n:05d}.parquet")
            persons += batch.height
        spark = spark_session()
        frame = spark.read.schema(spark_backend.PERSON_DDL).parquet(str(folder))
        sums, moved, totals = spark_sums(before, after, frame, on)
    report = build_report(before, after, on, sums, moved, totals)
    report.persons = persons
    return report
