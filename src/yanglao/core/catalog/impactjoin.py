"""The two versions' rows of one batch joined on (ID number, item) and summed per item and township: the
figures the impact of a draft adds over every batch (:mod:`.impact`; :mod:`.impactdelta` computes the
same figures faster and checks against :func:`combine`)."""

from __future__ import annotations

import polars as pl

UNKNOWN = "未知"
# Per (item, township): counts of people and sums of fen by period, before (b) and after (a).
COUNTS = ("people_b", "people_a", "gaining", "losing", "changed", "unpriced_b", "unpriced_a")
SUMS = ("month_b", "year_b", "once_b", "month_a", "year_a", "once_a")


def township_expr() -> pl.Expr:
    """The township (乡镇, the first 9 digits of a 12-digit code) of 常住地, else 户籍; a shorter code
    as it is; ``未知`` without either."""
    region = pl.coalesce("residence_region", "hukou_region")
    return (
        pl.when(region.str.len_chars() >= 9)
        .then(region.str.slice(0, 9))
        .otherwise(region)
        .fill_null(UNKNOWN)
        .alias("township")
    )


def _granted(rows: pl.DataFrame, side: str) -> pl.LazyFrame:
    """``id_number, no, fen_<side>, period_<side>, got_<side>`` from the engine's output."""
    return rows.lazy().select(
        "id_number",
        pl.col("no").cast(pl.Int64),
        (pl.col("amount") * 100).cast(pl.Int64).alias(f"fen_{side}"),
        pl.col("period").alias(f"period_{side}"),
        pl.lit(True).alias(f"got_{side}"),
    )


def period_sums(side: str) -> list[pl.Expr]:
    fen, period = pl.col(f"fen_{side}"), pl.col(f"period_{side}")
    return [
        pl.when(period == name).then(fen).otherwise(0).sum().alias(f"{name}_{side}")
        for name in ("month", "year", "once")
    ]


def change_flags(joined: pl.LazyFrame) -> pl.LazyFrame:
    """The rows of both versions joined (``got_b``/``got_a``, ``fen_*``, ``period_*``, ``township``) →
    with ``is_gaining``, ``is_losing`` and ``is_changed`` (an amount or its period differs)."""
    return joined.with_columns(
        pl.col("got_b").fill_null(False),
        pl.col("got_a").fill_null(False),
        pl.col("township").fill_null(UNKNOWN),
    ).with_columns(
        (pl.col("got_a") & ~pl.col("got_b")).alias("is_gaining"),
        (pl.col("got_b") & ~pl.col("got_a")).alias("is_losing"),
        (
            pl.col("got_a")
            & pl.col("got_b")
            & (
                pl.col("fen_a").ne_missing(pl.col("fen_b"))
                | pl.col("period_a").ne_missing(pl.col("period_b"))
            )
        ).alias("is_changed"),
    )


def item_sums() -> list[pl.Expr]:
    """The sums per item and township of joined rows (flags from :func:`change_flags`): people before
    and after, gaining, losing, changed, granted without a price, and the amounts by period."""
    return [
        pl.col("got_b").sum().alias("people_b"),
        pl.col("got_a").sum().alias("people_a"),
        pl.col("is_gaining").sum().alias("gaining"),
        pl.col("is_losing").sum().alias("losing"),
        pl.col("is_changed").sum().alias("changed"),
        (pl.col("got_b") & pl.col("fen_b").is_null()).sum().alias("unpriced_b"),
        (pl.col("got_a") & pl.col("fen_a").is_null()).sum().alias("unpriced_a"),
        *period_sums("b"),
        *period_sums("a"),
    ]


def combine(
    before: pl.DataFrame, after: pl.DataFrame, towns: pl.LazyFrame
) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, int]]:
    """The engine's rows for one batch under each version → (sums per item and township, the ID
    numbers gaining or losing an item with their township, counts of distinct persons)."""
    joined = (
        _granted(before, "b")
        .join(_granted(after, "a"), on=["id_number", "no"], how="full", coalesce=True)
        .join(towns, on="id_number", how="left")
        .pipe(change_flags)
        .collect()
    )
    sums = joined.group_by("no", "township").agg(*item_sums())
    moved = joined.filter(pl.col("is_gaining") | pl.col("is_losing")).select(
        "no",
        "id_number",
        pl.when(pl.col("is_gaining")).then(pl.lit("gaining")).otherwise(pl.lit("losing")).alias("change"),
        "township",
    )
    ident = pl.col("id_number")
    counts = joined.select(
        ident.filter(pl.col("got_b")).n_unique().alias("people_b"),
        ident.filter(pl.col("got_a")).n_unique().alias("people_a"),
        ident.filter(pl.col("is_gaining")).n_unique().alias("gaining"),
        ident.filter(pl.col("is_losing")).n_unique().alias("losing"),
        ident.filter(pl.col("is_changed")).n_unique().alias("changed"),
        ident.filter(pl.col("is_gaining") | pl.col("is_losing") | pl.col("is_changed"))
        .n_unique()
        .alias("affected"),
    ).row(0, named=True)
    return sums, moved, {k: int(v) for k, v in counts.items()}
