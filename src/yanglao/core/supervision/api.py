"""Running the fund-fraud checks on an engine and turning the finding rows into records with reasons.

The Polars path runs the checks on lazy frames; the Spark path hands the same typed frames to Spark
as Parquet (as a cluster job would read them) and runs the same :class:`~.checks.Runner` code there.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import polars as pl

from yanglao.core.masking import mask_account
from yanglao.core.services.ops import PolarsOps, SparkOps
from yanglao.core.supervision.checks import BY_NAME, FINDING, Runner
from yanglao.core.supervision.params import Settings

KINDS = ("persons", "payments", "services", "residents")
_TYPES = {"int": pl.Int64(), "str": pl.String(), "date": pl.Date()}
SCHEMA = {name: _TYPES[kind] for name, kind in FINDING.items()}
ORDER = ["check", "source", "line", "id_number", "item", "county", "account", "facility", "day"]


def _payee(frames: Mapping[str, pl.DataFrame | None]) -> bool:
    payments = frames.get("payments")
    return payments is not None and "payee" in payments.columns


def run_polars(settings: Settings, frames: Mapping[str, pl.DataFrame | None]) -> pl.DataFrame:
    lazy = {k: (None if frames.get(k) is None else frames[k].lazy()) for k in KINDS}  # type: ignore[union-attr]
    parts = [f for _, f in Runner(PolarsOps(), settings, lazy, _payee(frames)).run()]
    if not parts:
        return pl.DataFrame(schema=SCHEMA)
    return pl.concat([f.cast(SCHEMA) for f in pl.collect_all(parts)]).sort(ORDER, nulls_last=True)  # type: ignore[arg-type]


def run_spark(spark: Any, settings: Settings, frames: Mapping[str, pl.DataFrame | None]) -> pl.DataFrame:
    with tempfile.TemporaryDirectory(prefix="yanglao-fraud-") as tmp:
        folder = Path(tmp)
        inputs: dict[str, Any] = {}
        for kind in KINDS:
            frame = frames.get(kind)
            if frame is None:
                inputs[kind] = None
                continue
            frame.write_parquet(folder / f"{kind}.parquet")
            inputs[kind] = spark.read.parquet(str(folder / f"{kind}.parquet"))
        parts = [f for _, f in Runner(SparkOps(spark), settings, inputs, _payee(frames)).run()]
        if not parts:
            return pl.DataFrame(schema=SCHEMA)
        result = parts[0]
        for part in parts[1:]:
            result = result.unionByName(part)
        result.write.mode("overwrite").parquet(str(folder / "out"))
        out = pl.read_parquet(folder / "out" / "*.parquet")
    return out.cast(SCHEMA).select(list(SCHEMA)).sort(ORDER, nulls_last=True)  # type: ignore[arg-type]


def run(
    settings: Settings, frames: Mapping[str, pl.DataFrame | None], engine: str = "polars"
) -> pl.DataFrame:
    if engine == "spark":
        from yanglao.core.engine.api import spark_session

        return run_spark(spark_session(), settings, frames)
    return run_polars(settings, frames)


_FORM = {"C": "集中供养", "D": "分散供养"}


def reason(row: Mapping[str, Any], settings: Settings, counties: Mapping[tuple[str, str], list[str]]) -> str:
    check, item, n, n2 = row["check"], row["item"], row["n"], row["n2"]
    month = f"{settings.month.year}年{settings.month.month}月"
    if check == "paid_after_death":
        return f"{row['day']} 已死亡，{month}仍发放“{item}”"
    if check == "enrolled_twice":
        places = counties.get((row["id_number"], item), [])
        if n2 == 1:
            return f"{month}“{item}”在本县（{row['county']}）发放 {n} 次"
        return f"{month}“{item}”在 {n2} 个县发放 {n} 次（{'、'.join(sorted(places))}）"
    if check == "centralized_and_dispersed":
        if row["other"] == "registered_centralized":
            return f"人员记录为集中供养，{month}却发放分散供养项目“{item}”"
        if row["other"] == "registered_dispersed":
            return f"人员记录为分散供养，{month}却发放集中供养项目“{item}”"
        return f"{month}既发放集中供养又发放分散供养（本行“{item}”）"
    if check == "resident_and_home_service":
        return (
            f"{row['day']} 享受居家服务“{item}”（{row['other']}），当天入住养老机构 {row['facility']}"
            f"（离院 {n} 天）"
        )
    if check == "shared_account":
        return (
            f"账户 {mask_account(str(row['account']))} {month}为 {n} 人收款，分属 {n2} 户（不同户且非配偶）"
        )
    if check == "absent_resident":
        return (
            f"入住 {row['facility']} 的老人离院 {n} 天（超过 {settings.max_absent_days} 天），"
            f"机构仍结算“{item}”"
        )
    raise ValueError(check)


def records(findings: pl.DataFrame, settings: Settings) -> list[dict[str, Any]]:
    """One JSON-ready record per finding: check, id_number, reason, title, then the non-empty details."""
    rows = findings.to_dicts()
    counties: dict[tuple[str, str], list[str]] = {}
    for r in rows:
        if r["check"] == "enrolled_twice":
            places = counties.setdefault((r["id_number"], r["item"]), [])
            if r["county"] not in places:
                places.append(r["county"])
    out = []
    for r in rows:
        record: dict[str, Any] = {
            "check": r["check"],
            "id_number": r["id_number"],
            "reason": reason(r, settings, counties),
            "title": BY_NAME[r["check"]].title,
        }
        for key in ("source", "line", "item", "county", "account", "facility", "day"):
            value = r[key]
            if value is not None:
                record[key] = value.isoformat() if isinstance(value, dt.date) else value
        out.append(record)
    return out
