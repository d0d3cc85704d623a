"""A generated month of home services in the file interface's shape: persons, plans, check-ins and
claims that match, and (``plant=True``) one planted anomaly of every reason with the reasons each
planted line must be held for. Used by the benchmark, the tests and the conformance test.

The clean month: every person (60–95 years old, 扎赉特旗 ID numbers) has a meal plan (20 meals) and a
cleaning plan (4 visits of 2 hours) with one provider; every claim line has its check-in, and as many
check-ins again are visits nobody claims (助急 calls). Workers visit at most six people a day, one
after the other, so nobody is in two places at once.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

import polars as pl

from yanglao.core.idnumber import make_id_number

REGION = "152223"
MEALS, CLEANING_VISITS, CLEANING_HOURS = 20, 4, 2
MEAL_PRICE, HOUR_PRICE = 12, 40
SLOTS = 6  # visits per worker and day
_TS = "%Y-%m-%d %H:%M"
CATEGORY_MIX = ["tekun", "dibao", "dibao_edge", "fp_special", "other"]
CATEGORY_WEIGHTS = [0.1, 0.3, 0.1, 0.05, 0.45]


@dataclass
class Month:
    month: dt.date
    persons: pl.DataFrame
    plans: pl.DataFrame
    claims: pl.DataFrame
    checkins: pl.DataFrame
    stays: pl.DataFrame
    settled: pl.DataFrame
    expected: dict[str, list[set[str]]] = field(default_factory=dict)  # planted line → reasons per occurrence


def _ids(n: int, rng: random.Random, start: int = 0) -> list[str]:
    low, high = dt.date(1931, 1, 1).toordinal(), dt.date(1966, 1, 1).toordinal()
    births = [rng.randrange(low, high) for _ in range(n)]
    return [
        make_id_number(REGION, dt.date.fromordinal(int(b)), (start + i) % 999 + 1)
        for i, b in enumerate(births)
    ]


def _month_end(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def generate(persons: int, month: dt.date, seed: int = 1, providers: int = 20, plant: bool = False) -> Month:
    rng = random.Random(seed)
    days = _month_end(month).day
    ids = _ids(persons, rng)
    # unique ID numbers even when the sequence repeats (birth date and sequence collide rarely)
    people = pl.DataFrame({"id_number": ids}).unique(maintain_order=True)
    n = people.height
    people = people.with_columns(
        person=pl.int_range(n, dtype=pl.Int64),
        provider=(pl.int_range(n, dtype=pl.Int64) % providers)
        .cast(pl.String)
        .str.pad_start(3, "0")
        .str.replace(r"^", "P"),
        meal_offset=pl.Series([rng.randrange(days) for _ in range(n)], dtype=pl.Int64),
        clean_offset=pl.Series([rng.randrange(7) for _ in range(n)], dtype=pl.Int64),
        category=pl.Series(rng.choices(CATEGORY_MIX, weights=CATEGORY_WEIGHTS, k=n)),
    )
    first, last = month.isoformat(), _month_end(month).isoformat()
    plans = pl.concat(
        [
            people.select(
                "id_number",
                service=pl.lit("meal_aid"),
                units_per_month=pl.lit(str(MEALS)),
                provider="provider",
            ),
            people.select(
                "id_number",
                service=pl.lit("cleaning_aid"),
                units_per_month=pl.lit(str(CLEANING_VISITS * CLEANING_HOURS)),
                provider="provider",
            ),
        ]
    ).with_columns(start=pl.lit(first), end=pl.lit(last))
    meals = people.join(pl.DataFrame({"k": list(range(MEALS))}, schema={"k": pl.Int64}), how="cross").select(
        "id_number",
        "provider",
        service=pl.lit("meal_aid"),
        day=(pl.col("meal_offset") + pl.col("k")) % days + 1,
        units=pl.lit(1),
        minutes=pl.lit(30),
        amount=pl.lit(MEAL_PRICE),
    )
    cleaning = people.join(
        pl.DataFrame({"k": list(range(CLEANING_VISITS))}, schema={"k": pl.Int64}), how="cross"
    ).select(
        "id_number",
        "provider",
        service=pl.lit("cleaning_aid"),
        day=pl.col("clean_offset") + 7 * pl.col("k") + 1,
        units=pl.lit(CLEANING_HOURS),
        minutes=pl.lit(60 * CLEANING_HOURS),
        amount=pl.lit(HOUR_PRICE * CLEANING_HOURS),
    )
    visits = pl.concat([meals, cleaning]).with_columns(claimed=pl.lit(True))
    unclaimed = visits.select(
        "id_number",
        "provider",
        service=pl.lit("emergency_aid"),
        day="day",
        units=pl.lit(1),
        minutes=pl.lit(20),
        amount=pl.lit(0),
        claimed=pl.lit(False),
    )
    allv = pl.concat([visits, unclaimed]).with_columns(
        shuffle=pl.int_range(visits.height * 2, dtype=pl.Int64, eager=True).shuffle(seed=seed)
    )
    allv = allv.sort("day", "shuffle").with_columns(i=pl.int_range(pl.len(), dtype=pl.Int64).over("day"))
    base = pl.lit(dt.datetime(month.year, month.month, 1, 7, 0))
    allv = allv.with_columns(
        worker=pl.format("W{}", (pl.col("i") // SLOTS).cast(pl.String).str.pad_start(6, "0")),
        start=base + pl.duration(days=pl.col("day") - 1, minutes=(pl.col("i") % SLOTS) * 130),
    ).with_columns(end=pl.col("start") + pl.duration(minutes=pl.col("minutes")))
    checkins = allv.select(
        "provider",
        "worker",
        "id_number",
        "service",
        start=pl.col("start").dt.strftime(_TS),
        end=pl.col("end").dt.strftime(_TS),
    )
    claimed = allv.filter("claimed").sort("id_number", "service", "day")
    claims = claimed.select(
        claim_line=pl.format("C{}", pl.int_range(pl.len()).cast(pl.String).str.pad_start(8, "0")),
        provider="provider",
        id_number="id_number",
        service="service",
        date=(pl.lit(month) + pl.duration(days=pl.col("day") - 1)).cast(pl.Date).cast(pl.String),
        units=pl.col("units").cast(pl.String),
        amount=pl.col("amount").cast(pl.String),
    )
    cat = pl.col("category")
    person_rows = people.select(
        "id_number",
        hukou_region=pl.lit(REGION),
        tekun=pl.when(cat == "tekun").then(pl.lit("dispersed")).otherwise(pl.lit("none")),
        dibao=(cat == "dibao"),
        dibao_edge=(cat == "dibao_edge"),
        fp_special=pl.when(cat == "fp_special").then(pl.lit("bereaved")).otherwise(pl.lit("none")),
        death_date=pl.lit(None, pl.String),
    )
    out = Month(
        month,
        person_rows,
        plans,
        claims,
        checkins.sort("start", "worker"),
        pl.DataFrame(
            schema={"id_number": pl.String, "kind": pl.String, "start": pl.String, "end": pl.String}
        ),
        pl.DataFrame(schema={"claim_line": pl.String}),
    )
    if plant:
        from yanglao.core.services.planted import plant_anomalies

        plant_anomalies(out, rng)
    return out
