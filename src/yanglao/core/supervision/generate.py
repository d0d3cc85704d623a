"""Generated months for the conformance test and the benchmark: a population, payment lines, home-service
lines and residents, with every check's case occurring at a known rate (deterministic from the seed)."""

from __future__ import annotations

import datetime as dt

import polars as pl

ITEMS = [
    "gaoling_jintie",
    "service_subsidy",
    "tekun_dispersed",
    "tekun_centralized",
    "tekun_basic_living",
    "dibao",
    "care_subsidy",
]
COUNTIES = ["152223", "152221", "152222", "152224"]
SERVICES = ["meal_help", "bath_help", "cleaning_help", "medical_help"]


def _draw(seed: int, salt: int, modulo: int) -> pl.Expr:
    """A pseudo-random integer 0 … modulo-1 per row, from the row index, the seed and a salt."""
    return (
        (pl.int_range(pl.len(), dtype=pl.UInt64) * 2654435761 + seed * 97 + salt).hash(seed) % modulo
    ).cast(pl.Int64)


def _rows(n: int) -> pl.DataFrame:
    return pl.select(pl.int_range(n, dtype=pl.Int64).alias("r"))


def _id(number: pl.Expr) -> pl.Expr:
    return pl.lit("15222319") + number.cast(pl.String).str.zfill(10)


def persons(n: int, seed: int = 1) -> pl.DataFrame:
    i = pl.int_range(n, dtype=pl.Int64)
    return (
        pl.select(i.alias("i"))
        .with_columns(
            id_number=_id(pl.col("i")),
            death_date=pl.when(pl.col("i") % 211 == 7).then(pl.lit(dt.date(2025, 11, 3))).otherwise(None),
            tekun=pl.when(pl.col("i") % 53 == 1)
            .then(pl.lit("dispersed"))
            .when(pl.col("i") % 53 == 2)
            .then(pl.lit("centralized"))
            .otherwise(pl.lit("none")),
            household=pl.when(pl.col("i") % 5 != 0).then(pl.lit("H") + (pl.col("i") // 3).cast(pl.String)),
            spouse_id_number=pl.when(pl.col("i") % 5 == 0).then(_id(pl.col("i") + 5)),
        )
        .drop("i")
    )


def payments(n: int, people: int, month: dt.date, seed: int = 1) -> pl.DataFrame:
    who = _draw(seed, 1, people)
    shared = _draw(seed, 2, 1000) == 0
    return _rows(n).select(
        line=pl.int_range(2, n + 2, dtype=pl.Int64),
        id_number=_id(who),
        item=pl.lit(pl.Series(ITEMS)).gather(_draw(seed, 3, len(ITEMS))),
        county=pl.when(_draw(seed, 4, 100) == 0)
        .then(pl.lit(pl.Series(COUNTIES)).gather(_draw(seed, 5, len(COUNTIES))))
        .otherwise(pl.lit("152223")),
        month=pl.lit(month),
        amount_fen=(_draw(seed, 6, 600) + 50) * 100,
        # one's own account, except one line in a thousand paid to one of a few shared accounts
        account=pl.when(shared)
        .then(pl.lit("6217S") + _draw(seed, 7, max(1, n // 5000)).cast(pl.String))
        .otherwise(pl.lit("6217") + who.cast(pl.String)),
        payee=pl.when(_draw(seed, 8, 50) == 0).then(pl.lit("institution")).otherwise(pl.lit(None, pl.String)),
    )


def services(n: int, people: int, month: dt.date, seed: int = 1) -> pl.DataFrame:
    return _rows(n).select(
        line=pl.int_range(2, n + 2, dtype=pl.Int64),
        id_number=_id(_draw(seed, 11, people)),
        service=pl.lit(pl.Series(SERVICES)).gather(_draw(seed, 12, len(SERVICES))),
        date=pl.lit(month) + pl.duration(days=_draw(seed, 13, 28)),
        provider=pl.lit("P") + _draw(seed, 14, 40).cast(pl.String),
    )


def residents(people: int, every: int = 40) -> pl.DataFrame:
    i = pl.int_range(0, people, every, dtype=pl.Int64)
    return pl.select(i.alias("i")).select(
        line=pl.int_range(2, pl.len() + 2, dtype=pl.Int64),
        id_number=_id(pl.col("i")),
        facility=pl.lit("F") + (pl.col("i") % 13).cast(pl.String),
        start=pl.lit(dt.date(2024, 1, 1)),
        end=pl.when(pl.col("i") % 3 == 0).then(pl.lit(dt.date(2026, 12, 31))).otherwise(None).cast(pl.Date),
        days_absent=(pl.col("i") % 37).cast(pl.Int64),
    )


def month(
    people: int, payment_lines: int, service_lines: int, on: dt.date, seed: int = 1
) -> dict[str, pl.DataFrame | None]:
    return {
        "persons": persons(people, seed),
        "payments": payments(payment_lines, people, on, seed),
        "services": services(service_lines, people, on, seed),
        "residents": residents(people),
    }
