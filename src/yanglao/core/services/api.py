"""Entry points of the three-way match: on Polars frames, on Spark DataFrames, and file to file."""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl

from yanglao.core.catalog.model import LEVELS
from yanglao.core.engine.frames import read_persons
from yanglao.core.records_io.base import RowError
from yanglao.core.services import files
from yanglao.core.services.catalog import ServiceCatalog, load_services
from yanglao.core.services.match import LEVEL_COLUMNS, MatchSettings, match
from yanglao.core.services.ops import PolarsOps, SparkOps
from yanglao.core.services.reasons import REASONS

INVALID_ROW = "invalid_row"
ALL_REASONS = {**REASONS, INVALID_ROW: "该行有错误（见出错报告），未核对"}


def _catalog(catalog: ServiceCatalog | str) -> ServiceCatalog:
    return load_services(catalog) if isinstance(catalog, str) else catalog


def settings_for(
    month: dt.date, sample_share: Decimal | float | str = "0.05", options: Mapping[str, bool] | None = None
) -> MatchSettings:
    share = Decimal(str(sample_share))
    if not 0 <= share <= 1:
        raise ValueError("抽查比例应在 0 到 1 之间")
    return MatchSettings(month.replace(day=1), share, options)


def match_frame(
    catalog: ServiceCatalog | str,
    month: dt.date,
    claims: pl.DataFrame,
    plans: pl.DataFrame,
    checkins: pl.DataFrame,
    persons: pl.DataFrame | None = None,
    stays: pl.DataFrame | None = None,
    settled: pl.DataFrame | None = None,
    sample_share: Decimal | float | str = "0.05",
    options: Mapping[str, bool] | None = None,
) -> pl.DataFrame:
    """The match on the embedded engine: one row per claim line (see :func:`match.match`)."""
    lazy = {
        name: None if frame is None else frame.lazy()
        for name, frame in {"persons": persons, "stays": stays, "settled": settled}.items()
    }
    result = match(
        PolarsOps(),
        _catalog(catalog),
        settings_for(month, sample_share, options),
        claims.lazy(),
        plans.lazy(),
        checkins.lazy(),
        **lazy,
    )
    frame: pl.DataFrame = result.collect()
    return frame


def match_spark(
    spark: Any,
    catalog: ServiceCatalog | str,
    month: dt.date,
    claims: Any,
    plans: Any,
    checkins: Any,
    persons: Any = None,
    stays: Any = None,
    settled: Any = None,
    sample_share: Decimal | float | str = "0.05",
    options: Mapping[str, bool] | None = None,
) -> Any:
    """The same match on Spark DataFrames (lazy; the same columns as :func:`match_frame`)."""
    return match(
        SparkOps(spark),
        _catalog(catalog),
        settings_for(month, sample_share, options),
        claims,
        plans,
        checkins,
        persons=persons,
        stays=stays,
        settled=settled,
    )


def to_lines(result: pl.DataFrame, rejected: pl.DataFrame | None = None) -> pl.DataFrame:
    """The output rows: ``claim_line, status, reasons, subsidy, copay, subsidy_by_level, review, category``
    (yuan as numbers), the rejected rows held as ``invalid_row``, in file order."""
    reasons = pl.concat_list([pl.when(pl.col(r)).then(pl.lit(r)) for r in REASONS]).list.drop_nulls()
    levels = pl.struct([(pl.col(LEVEL_COLUMNS[lv]) / 100).alias(lv) for lv in LEVELS])
    out = result.select(
        "row",
        "claim_line",
        "status",
        reasons.alias("reasons"),
        (pl.col("subsidy_fen") / 100).alias("subsidy"),
        (pl.col("copay_fen") / 100).alias("copay"),
        levels.alias("subsidy_by_level"),
        "review",
        "category",
    )
    if rejected is not None and rejected.height:
        bad = rejected.select(
            "row",
            "claim_line",
            status=pl.lit("held"),
            reasons=pl.lit([INVALID_ROW], pl.List(pl.String)),
            subsidy=pl.lit(0.0),
            copay=pl.lit(0.0),
            subsidy_by_level=pl.struct([pl.lit(0.0).alias(lv) for lv in LEVELS]),
            review=pl.lit(False),
            category=pl.lit(None, pl.String),
        )
        out = pl.concat([out, bad], how="vertical_relaxed").sort("row")
    return out.drop("row")


@dataclass
class Summary:
    lines: int = 0
    payable: int = 0
    held: int = 0
    review: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    subsidy: Decimal = Decimal(0)
    copay: Decimal = Decimal(0)
    subsidy_by_level: dict[str, Decimal] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "lines": self.lines,
            "payable": self.payable,
            "held": self.held,
            "review": self.review,
            "reasons": dict(self.reasons),
            "subsidy": str(self.subsidy),
            "copay": str(self.copay),
            "subsidy_by_level": {k: str(v) for k, v in self.subsidy_by_level.items()},
            "errors": len(self.errors),
            "seconds": round(self.seconds, 3),
        }


def summarise(lines: pl.DataFrame, errors: list[RowError]) -> Summary:
    counts = lines.select(pl.col("reasons").explode()).drop_nulls()["reasons"].value_counts()
    totals = lines.filter(pl.col("status") == "payable")
    summary = Summary(
        lines=lines.height,
        payable=totals.height,
        held=lines.height - totals.height,
        review=int(lines["review"].sum()),
        reasons=Counter(dict(zip(counts["reasons"].to_list(), counts["count"].to_list(), strict=True))),
        errors=errors,
    )
    summary.subsidy, summary.copay = _yuan(totals["subsidy"]), _yuan(totals["copay"])
    levels = totals["subsidy_by_level"].struct.unnest()
    summary.subsidy_by_level = {lv: _yuan(levels[lv]) for lv in LEVELS if levels[lv].sum()}
    return summary


def _yuan(column: pl.Series) -> Decimal:
    """The exact sum of a column of yuan with at most 2 decimals."""
    return Decimal(int((column * 100).round(0).cast(pl.Int64).sum())) / 100


def match_files(
    catalog: ServiceCatalog | str,
    month: dt.date,
    plans: Path,
    claims: Path,
    checkins: Path,
    output: Path,
    persons: Path | None = None,
    stays: Path | None = None,
    settled: Path | None = None,
    sample_share: Decimal | float | str = "0.05",
    seed: int = 0,
    options: Mapping[str, bool] | None = None,
    engine: str = "embedded",
) -> Summary:
    """Reads the files, matches (on the embedded engine, or ``engine="spark"``), writes JSON Lines to ``output`` and the row
    errors to ``<output>.errors.jsonl``; raises :class:`files.InputError` for a file it cannot use."""
    started = time.perf_counter()
    cat = _catalog(catalog)
    month = month.replace(day=1)
    claim_frame, rejected, errors = files.read_claims(claims, month, seed)
    plan_frame, plan_errors = files.read_plans(plans)
    checkin_frame, checkin_errors = files.read_checkins(checkins)
    tagged = (
        [_tag(e, claims) for e in errors]
        + [_tag(e, plans) for e in plan_errors]
        + [_tag(e, checkins) for e in checkin_errors]
    )
    person_frame = stay_frame = settled_frame = None
    if persons is not None:
        person_frame, person_errors = read_persons(persons)
        tagged += [_tag(e, persons) for e in person_errors]
    if stays is not None:
        stay_frame, stay_errors = files.read_stays(stays)
        tagged += [_tag(e, stays) for e in stay_errors]
    if settled is not None:
        settled_frame = files.read_settled(settled)
    inputs = (claim_frame, plan_frame, checkin_frame, person_frame, stay_frame, settled_frame)
    if engine == "spark":
        result = _on_spark(cat, month, inputs, sample_share, options)
    elif engine == "embedded":
        result = match_frame(cat, month, *inputs, sample_share=sample_share, options=options)
    else:
        raise ValueError(f"未知的计算引擎“{engine}”：可用 embedded、spark")
    lines = to_lines(result, rejected)
    lines.write_ndjson(output)
    Path(f"{output}.errors.jsonl").write_text(files.errors_jsonl(tagged), encoding="utf-8")
    summary = summarise(lines, tagged)
    summary.seconds = time.perf_counter() - started
    return summary


def _on_spark(
    catalog: ServiceCatalog,
    month: dt.date,
    inputs: tuple[pl.DataFrame | None, ...],
    sample_share: Decimal | float | str,
    options: Mapping[str, bool] | None,
) -> pl.DataFrame:
    """The checked inputs go to Spark as Parquet (as a cluster job would read them); the result comes
    back in file order."""
    from yanglao.core.engine.api import spark_session

    spark = spark_session()
    with tempfile.TemporaryDirectory(prefix="yanglao-services-") as tmp:
        folder = Path(tmp)
        frames: list[Any] = []
        for i, frame in enumerate(inputs):
            if frame is None:
                frames.append(None)
                continue
            frame.write_parquet(folder / f"in{i}.parquet")
            frames.append(spark.read.parquet(str(folder / f"in{i}.parquet")))
        claims, plans, checkins, persons, stays, settled = frames
        result = match_spark(
            spark, catalog, month, claims, plans, checkins, persons, stays, settled, sample_share, options
        )
        result.write.mode("overwrite").parquet(str(folder / "out"))
        return pl.read_parquet(folder / "out" / "*.parquet").sort("row")


def _tag(error: RowError, path: Path) -> RowError:
    """The error with its file's name before the field (several files are read)."""
    return RowError(error.line, f"{path.name} {error.field}", error.reason)
