"""The 15-minute service circle: which villages have a community-level facility within a distance.

Straight-line (haversine) distance between the village's point and the facility's point, both WGS-84.
A facility without coordinates still covers its own village (it stands in it). Set-based: facilities are
put in grid cells at least ``metres`` wide and each village is joined with the 3×3 cells around its own,
so the work grows with the number of near pairs, not villages × facilities.
"""

from __future__ import annotations

import math

import polars as pl

from yanglao.core.facilities.geo import METRES_PER_DEGREE, haversine_expr


def covered_villages(villages: pl.DataFrame, facilities: pl.DataFrame, metres: float) -> pl.DataFrame:
    """The ``code`` of every village within ``metres`` of a facility (or with an unlocated one in it)."""
    own = facilities.filter(pl.col("lon").is_null() | pl.col("lat").is_null()).select(code="region")
    located_f = facilities.filter(pl.col("lon").is_not_null() & pl.col("lat").is_not_null()).select(
        flon="lon", flat="lat"
    )
    located_v = villages.filter(pl.col("lon").is_not_null() & pl.col("lat").is_not_null()).select(
        "code", "lon", "lat"
    )
    near = _near(located_v, located_f, metres)
    return (
        pl.concat([own.cast({"code": pl.String}), near])
        .unique()
        .join(villages.select("code"), on="code", how="semi")
    )


def _near(villages: pl.DataFrame, facilities: pl.DataFrame, metres: float) -> pl.DataFrame:
    if villages.is_empty() or facilities.is_empty() or metres <= 0:
        return pl.DataFrame({"code": []}, schema={"code": pl.String})
    max_lat = max(abs(float(villages["lat"].max())), abs(float(villages["lat"].min())),  # type: ignore[arg-type]
                  abs(float(facilities["flat"].max())), abs(float(facilities["flat"].min())))  # type: ignore[arg-type]  # fmt: skip
    cell_lat = metres / METRES_PER_DEGREE
    cell_lon = metres / (METRES_PER_DEGREE * max(math.cos(math.radians(min(max_lat, 85.0))), 0.01))
    cells = facilities.with_columns(
        cx=(pl.col("flon") / cell_lon).floor().cast(pl.Int64),
        cy=(pl.col("flat") / cell_lat).floor().cast(pl.Int64),
    )
    offsets = pl.DataFrame({"dx": [-1, -1, -1, 0, 0, 0, 1, 1, 1], "dy": [-1, 0, 1] * 3})
    probes = (
        villages.with_columns(
            vx=(pl.col("lon") / cell_lon).floor().cast(pl.Int64),
            vy=(pl.col("lat") / cell_lat).floor().cast(pl.Int64),
        )
        .join(offsets, how="cross")
        .with_columns(cx=pl.col("vx") + pl.col("dx"), cy=pl.col("vy") + pl.col("dy"))
        .select("code", "lon", "lat", "cx", "cy")
    )
    return (
        probes.lazy()
        .join(cells.lazy(), on=["cx", "cy"], how="inner")
        .filter(haversine_expr("lon", "lat", "flon", "flat") <= metres)
        .select("code")
        .unique()
        .collect()
    )
