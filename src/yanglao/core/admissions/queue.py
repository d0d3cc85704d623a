"""The ranking, set-based: one Polars query over every application of a jurisdiction.

Each condition of the rules is lowered for the date by the catalogue's planner
(:mod:`yanglao.core.engine.plan`) and compiled by its Polars backend
(:func:`~yanglao.core.engine.polars_backend.cond_expr`), exactly as the entitlement engine does, so the
ranking and the one-person explainer (:mod:`.explain`) share the rule language's semantics (unknown →
false, two-valued ``not``, age on the date).

The order of the queue (docs/admissions.md):

1. the class (1 first);
2. each tie-breaker of the rules in turn (同等条件下优先: those it holds for first);
3. the application date (earlier first);
4. where the documents are silent: the older applicant first (birth date), then the ID number — only so
   that the order is total and does not depend on the order of the input.

A couple applying together (each naming the other as ``partner_id_number``, both in the queue) is
ranked at the better of the two places, at the better of the two classes, on consecutive positions
(the better-placed partner first).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from yanglao.core.admissions.explain import assessment_cutoff
from yanglao.core.admissions.model import Rules
from yanglao.core.engine.plan import Lowering
from yanglao.core.engine.polars_backend import AGE, PERSON_SCHEMA, age_expr, cond_expr

APPLICATION_SCHEMA: dict[str, pl.DataType] = {
    "applied_on": pl.Date(),
    "wants_placement": pl.Boolean(),
    "status": pl.String(),
    "partner_id_number": pl.String(),
}
RESULT_COLUMNS = ("eligible", "own_class", "class", "position", "in_queue", "couple")


def _tie(i: int) -> str:
    return f"__tie{i}"


def conform(frame: pl.LazyFrame) -> pl.LazyFrame:
    """Person and application columns in their types; a missing column is unknown for everybody."""
    names = frame.collect_schema().names()
    wanted = {**PERSON_SCHEMA, **APPLICATION_SCHEMA}
    return frame.with_columns(
        pl.col(name).cast(dtype) if name in names else pl.lit(None, dtype).alias(name)
        for name, dtype in wanted.items()
    )


PARTS = ("__elig", "__assessed", "__assess_rule", "__own_any", AGE)


def decide(rules: Rules, frame: pl.LazyFrame, on: dt.date) -> pl.LazyFrame:
    """Adds ``eligible``, ``own_class``, ``in_queue``, one boolean per tie-breaker (``__tie<i>``) and the
    parts the reasons are built from (:data:`PARTS`: each condition's result, the first class that holds
    whether or not the person is eligible, the age)."""
    low = Lowering(on, {}, rules.catalog)
    alive = pl.col("death_date").is_null() | (pl.col("death_date") > pl.lit(on))
    cutoff = assessment_cutoff(rules, on)
    assessed = pl.lit(False)
    if cutoff is not None:
        when = pl.col("ability_assessed_on")
        assessed = (
            pl.col("ability_level").is_not_null() & (when >= pl.lit(cutoff)) & (when <= pl.lit(on))
        ).fill_null(False)
    own: pl.Expr = pl.lit(None, pl.Int32)
    for rank in range(len(rules.classes), 0, -1):
        holds = cond_expr(low.cond(rules.classes[rank - 1].rule))
        own = pl.when(holds).then(pl.lit(rank, pl.Int32)).otherwise(own)
    eligible = (
        alive
        & pl.col("__elig")
        & pl.col("__assessed")
        & pl.col("__assess_rule")
        & pl.col("wants_placement").fill_null(False)
        & pl.col("__own_any").is_not_null()
    )
    return (
        frame.with_columns(age_expr(on))
        .with_columns(
            own.alias("__own_any"),
            cond_expr(low.cond(rules.eligibility.rule)).alias("__elig"),
            assessed.alias("__assessed"),
            cond_expr(low.cond(rules.assessment.rule)).alias("__assess_rule"),
        )
        .with_columns(eligible.alias("eligible"))
        .with_columns(
            pl.when(pl.col("eligible")).then(pl.col("__own_any")).alias("own_class"),
            (pl.col("eligible") & (pl.col("status").fill_null("waiting") == "waiting")).alias("in_queue"),
            *(cond_expr(low.cond(p.rule)).alias(_tie(i)) for i, p in enumerate(rules.tie_breakers)),
        )
    )


def rank_lazy(rules: Rules, frame: pl.LazyFrame, on: dt.date, *, parts: bool = False) -> pl.LazyFrame:
    """Every application with ``eligible``, ``own_class``, ``class`` (a couple's better class),
    ``position`` (null out of the queue), ``in_queue`` and ``couple``, in the input's row order; with
    ``parts``, also the columns the reasons are built from (:mod:`.reasons`)."""
    decided = decide(rules, conform(frame).with_row_index("__row"), on)
    ties = [_tie(i) for i in range(len(rules.tie_breakers))]
    keys = ["own_class", *ties, "applied_on", "birth_date", "id_number"]
    descending = [False, *([True] * len(ties)), False, False, False]
    queue = (
        decided.filter("in_queue")
        .select("__row", "partner_id_number", *keys)
        .sort(keys, descending=descending, nulls_last=True)
        .with_row_index("__own")
    )
    partners = queue.select(
        pl.col("id_number").alias("__pid"),
        pl.col("partner_id_number").alias("__pp"),
        pl.col("__own").alias("__pown"),
        pl.col("own_class").alias("__pclass"),
    )
    paired = queue.join(partners, left_on="partner_id_number", right_on="__pid", how="left")
    mutual = (pl.col("__pp") == pl.col("id_number")).fill_null(False)
    placed = (
        paired.with_columns(
            mutual.alias("couple"),
            pl.when(mutual).then(pl.min_horizontal("__own", "__pown")).otherwise("__own").alias("__group"),
            pl.when(mutual)
            .then(pl.min_horizontal("own_class", "__pclass"))
            .otherwise("own_class")
            .alias("class"),
        )
        .sort("__group", "__own")
        .with_row_index("position", offset=1)
        .select("__row", pl.col("position").cast(pl.Int64), "class", "couple")
    )
    ranked = (
        decided.join(placed, on="__row", how="left")
        .sort("__row")
        .with_columns(pl.col("couple").fill_null(False), pl.coalesce("class", "own_class").alias("class"))
        .drop("__row")
    )
    return ranked if parts else ranked.drop(*ties, *PARTS)


def rank_frame(rules: Rules, frame: pl.DataFrame, on: dt.date) -> pl.DataFrame:
    """:func:`rank_lazy`, collected."""
    return rank_lazy(rules, frame.lazy(), on).collect()
