"""Every applicant's reasons, set-based: the one-person explainer's words for a whole file at once.

Each condition of the rules is evaluated by the catalogue's evaluator once per distinct combination of
the values it reads (:class:`~yanglao.core.admissions.explain.CachedCond`), joined back onto the
applications, and the sentences are assembled with Polars string expressions in the order
:meth:`~yanglao.core.admissions.explain.Explainer.explain` and :func:`~yanglao.core.admissions.ranking.
reference_reasons` write them. The tests hold the two to the same words, application by application.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from yanglao.core.admissions.explain import CachedCond, Explainer
from yanglao.core.admissions.model import STATUS_WORDS, Rules
from yanglao.core.engine.polars_backend import AGE, PERSON_SCHEMA
from yanglao.core.person import ABILITY_LEVELS


def _outcomes(frame: pl.DataFrame, cond: CachedCond, prefix: str) -> pl.DataFrame:
    """``frame`` with ``<prefix>ok``, ``<prefix>yes`` (why it holds) and ``<prefix>no`` (why not)."""
    keys = [*([AGE] if cond.uses_age else []), *cond.fields]
    if not keys:  # a condition that reads nothing holds for everybody or for nobody
        outcome = cond({})
        return frame.with_columns(
            pl.lit(outcome.result).alias(f"{prefix}ok"),
            pl.lit(outcome.success).alias(f"{prefix}yes"),
            pl.lit(outcome.failure).alias(f"{prefix}no"),
        )
    wanted = list(dict.fromkeys([*keys, "birth_date"]))
    wanted = [name for name in wanted if name in frame.columns]
    distinct = frame.select(wanted).unique(subset=keys, keep="any", maintain_order=False)
    results = [cond(row) for row in distinct.iter_rows(named=True)]
    table = distinct.select(keys).with_columns(
        pl.Series(f"{prefix}ok", [r.result for r in results], dtype=pl.Boolean),
        pl.Series(f"{prefix}yes", [r.success for r in results], dtype=pl.String),
        pl.Series(f"{prefix}no", [r.failure for r in results], dtype=pl.String),
    )
    return frame.join(table, on=keys, how="left", nulls_equal=True, maintain_order="left")


def _assessment_words(explainer: Explainer) -> pl.Expr:
    rules, on, cutoff = explainer.rules, explainer.on, explainer.cutoff
    months = rules.months(on)
    if cutoff is None or months is None:
        missing = rules.parameters[rules.assessment.valid_months].label
        return pl.lit(f"{missing}在 {on} 没有有效值，无法判断能力评估是否有效")
    level, assessed = pl.col("ability_level"), pl.col("ability_assessed_on")
    label = level.cast(pl.String).replace_strict(dict(ABILITY_LEVELS), default=level.cast(pl.String))
    return (
        pl.when(level.is_null() | assessed.is_null())
        .then(pl.lit(f"没有能力评估结果：入住须有 {months} 个月内的老年人能力评估（{cutoff} 及以后）"))
        .when(assessed > pl.lit(on))
        .then(pl.format(f"能力评估日期 {{}} 晚于排序日期 {on}", assessed))
        .when(assessed < pl.lit(cutoff))
        .then(
            pl.format(
                f"能力评估已过期：{{}} 评估，超过 {months} 个月（须在 {cutoff} 及以后），请重新评估", assessed
            )
        )
        .otherwise(
            pl.format(f"能力评估：{{}}（{{}}级）（{{}} 评估，{months} 个月内有效）", label, level, assessed)
        )
    )


def with_reasons(rules: Rules, ranked: pl.DataFrame, on: dt.date) -> pl.DataFrame:
    """``ranked`` (from ``rank_lazy(…, parts=True)``, with the person columns) plus ``reasons``."""
    explainer = Explainer(rules, on)
    frame = _outcomes(ranked, explainer.eligibility, "__e_")
    frame = _outcomes(frame, explainer.assessment, "__a_")
    for i, cond in enumerate(explainer.classes):
        frame = _outcomes(frame, cond, f"__c{i}_")
    for i, cond in enumerate(explainer.ties):
        frame = _outcomes(frame, cond, f"__t{i}_")
    eligible, own = pl.col("eligible"), pl.col("__own_any")
    name = rules.eligibility.name
    parts: list[pl.Expr] = [
        pl.when(pl.col("__e_ok"))
        .then(pl.lit(f"符合申请条件（{name}）：") + pl.col("__e_yes"))
        .otherwise(pl.lit(f"不符合申请条件（{name}）：") + pl.col("__e_no")),
        _assessment_words(explainer),
        pl.when(~pl.col("__a_ok")).then(pl.lit("能力评估结果不符合入住要求：") + pl.col("__a_no")),
        pl.when(pl.col("wants_placement").fill_null(False))
        .then(pl.lit("本人有入住意愿"))
        .otherwise(pl.lit("本人没有入住意愿（申请表“入住意愿”为否），不进入轮候")),
    ]
    for i, provision in enumerate(rules.classes):
        rank = i + 1
        parts.append(
            pl.when(eligible & (own > rank))
            .then(pl.lit(f"不属于第{rank}类（{provision.name}）：") + pl.col(f"__c{i}_no"))
            .when(eligible & (own == rank))
            .then(
                pl.lit(f"第{rank}类（{provision.name}）：")
                + pl.col(f"__c{i}_yes")
                + pl.lit(f"；依据：{provision.reference}")
            )
        )
    for i, provision in enumerate(rules.tie_breakers):
        parts.append(
            pl.when(eligible & pl.col(f"__t{i}_ok"))
            .then(
                pl.lit(f"同等条件下优先（{provision.name}）：是，")
                + pl.col(f"__t{i}_yes")
                + pl.lit(f"；依据：{provision.reference}")
            )
            .when(eligible)
            .then(pl.lit(f"同等条件下优先（{provision.name}）：否"))
        )
    status = pl.col("status").fill_null("waiting")
    partner, tail = pl.col("partner_id_number"), pl.col("partner_id_number").str.slice(-4)
    parts += [
        pl.when(eligible).then(pl.format("申请日期：{}（同一类别、同等条件下先申请者在前）", "applied_on")),
        pl.when(~eligible & own.is_null() & pl.col("__e_ok")).then(pl.lit("不属于任何轮候类别")),
        pl.when(status != "waiting")
        .then(
            pl.lit("申请状态：")
            + status.replace_strict(STATUS_WORDS, default=status)
            + pl.lit("，不在轮候队列中")
        )
        .when(~eligible)
        .then(pl.lit("不符合入住条件，不在轮候队列中")),
        pl.when(pl.col("couple")).then(
            pl.format(
                "与配偶（公民身份号码后四位 {}）一同申请：按两人中较高的第{}类（{}）和较前的位次排序，位次相连",
                tail,
                "class",
                pl.col("class").replace_strict(
                    {i + 1: p.name for i, p in enumerate(rules.classes)}, default=None, return_dtype=pl.String
                ),
            )
        ),
        pl.when(partner.is_not_null() & pl.col("in_queue") & ~pl.col("couple")).then(
            pl.format("配偶（公民身份号码后四位 {}）{}，本人单独轮候", tail, _partner_gap(frame))
        ),
        pl.when(pl.col("position").is_not_null()).then(
            pl.format(f"轮候位次：第 {{}} 位（{rules.jurisdiction or rules.code}）", "position")
        ),
    ]
    dead = pl.col("death_date").is_not_null() & (pl.col("death_date") <= pl.lit(on))
    reasons = (
        pl.when(dead)
        .then(pl.concat_list([pl.format("已于 {} 去世，不在轮候队列中", "death_date")]))
        .otherwise(pl.concat_list(parts).list.drop_nulls())
    )
    frame = frame.with_columns(_partner_columns(frame)).with_columns(reasons.alias("reasons"))
    helpers = [c for c in frame.columns if c.startswith(("__e_", "__a_", "__c", "__t", "__partner"))]
    return frame.drop(helpers)


def _partner_columns(frame: pl.DataFrame) -> list[pl.Series]:
    """Whether each named partner applied, and whom that partner named."""
    ids = frame.get_column("id_number")
    named = dict(zip(ids.to_list(), frame.get_column("partner_id_number").to_list(), strict=True))
    partners = frame.get_column("partner_id_number").to_list()
    return [
        pl.Series("__partner_applied", [p is not None and p in named for p in partners], dtype=pl.Boolean),
        pl.Series(
            "__partner_named", [named.get(p) if p is not None else None for p in partners], dtype=pl.String
        ),
    ]


def _partner_gap(frame: pl.DataFrame) -> pl.Expr:
    """Why a named partner is not ranked together with this applicant (the reference's words)."""
    del frame
    return (
        pl.when(~pl.col("__partner_applied"))
        .then(pl.lit("没有申请"))
        .when(pl.col("__partner_named").is_null() | (pl.col("__partner_named") != pl.col("id_number")))
        .then(pl.lit("的申请没有填写本人为配偶"))
        .otherwise(pl.lit("不在轮候队列中"))
    )


__all__ = ["PERSON_SCHEMA", "with_reasons"]
