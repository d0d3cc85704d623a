"""The embedded impact run, fast: the version in force evaluated once in full, the draft only for the
items it changes (:func:`changed_items`), persons keyed by their row number (an integer join, not one
on ID-number strings). The figures are those of the plain two-pass join (:func:`.impactjoin.combine`);
``tests/unit/catalog/test_impact_budget.py`` checks that the two agree.

An item is *unchanged* on a date when its benefits have the same rules, amounts and periods, every
parameter they read has the same value on the date, every option they read the same default, and it
belongs to the same 择高 group (an item in a group with a changed item counts as changed too): the
engine then gives every person the same answer for it under both versions.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import polars as pl

from yanglao.core.catalog.impactjoin import UNKNOWN, change_flags, item_sums, township_expr
from yanglao.core.catalog.model import Catalog, Item
from yanglao.core.catalog.rules import fields_used, options_used, params_used

KEY = "id_number"  # the engine carries this column through: here it holds the row number as text


def _groups_of(catalog: Catalog) -> dict[str, frozenset[str]]:
    return {code: frozenset(g.members) for g in catalog.exclusive_groups for code in g.members}


def _signature(catalog: Catalog, item: Item, on: dt.date) -> Any:
    if not item.in_force(on):
        return None
    groups = _groups_of(catalog)
    parts = []
    for b in item.benefits:
        trees = [t for t in (b.rule, b.amount) if t is not None]
        params = sorted({p for t in trees for p in params_used(t)})
        values = []
        for name in params:
            param = catalog.parameters.get(name)
            value = param.value_on(on) if param is not None else None
            values.append((name, None if value is None else value.value))
        options = sorted({o for t in trees for o in options_used(t)})
        chosen = [(o, catalog.options[o].default if o in catalog.options else None) for o in options]
        parts.append((b.code, b.rule, b.amount, b.period, tuple(values), tuple(chosen), groups.get(b.code)))
    return (item.code, item.has_parts, tuple(parts))


def changed_items(before: Catalog, after: Catalog, on: dt.date) -> set[int]:
    """The numbers of the items whose answer for some person may differ between the two versions."""
    old = {int(i.no): i for i in before.items}
    new = {int(i.no): i for i in after.items}
    changed = {
        n
        for n in set(old) | set(new)
        if n not in old or n not in new or _signature(before, old[n], on) != _signature(after, new[n], on)
    }
    members: list[set[int]] = []
    for catalog in (before, after):
        item_of = {b.code: int(i.no) for i in catalog.items for b in i.benefits}
        members += [{item_of[c] for c in g.members if c in item_of} for g in catalog.exclusive_groups]
    grew = True
    while grew:
        grew = False
        for group in members:
            if group & changed and not group <= changed:
                changed |= group
                grew = True
    return changed


def reduced(catalog: Catalog, numbers: set[int]) -> Catalog:
    """The list with only the items ``numbers`` (and the 择高 groups among them)."""
    items = tuple(i for i in catalog.items if int(i.no) in numbers)
    codes = {b.code for i in items for b in i.benefits}
    groups = tuple(g for g in catalog.exclusive_groups if set(g.members) <= codes)
    options = {
        name: dataclasses.replace(o, items=tuple(n for n in o.items if int(n) in numbers))
        for name, o in catalog.options.items()
    }
    return dataclasses.replace(catalog, items=items, exclusive_groups=groups, options=options)


def uses_id_number(*catalogs: Catalog) -> bool:
    """Whether a rule or amount reads the ID number itself (then rows cannot be keyed by number)."""
    for catalog in catalogs:
        for item in catalog.items:
            for b in item.benefits:
                for tree in (b.rule, b.amount):
                    if tree is not None and "id_number" in fields_used(tree):
                        return True
    return False


def _rows(granted: pl.LazyFrame, side: str) -> pl.LazyFrame:
    return granted.select(
        (pl.col(KEY).cast(pl.Int64) * 1024 + pl.col("no")).alias("key"),
        (pl.col("amount") * 100).cast(pl.Int64).alias(f"fen_{side}"),
        pl.col("period").alias(f"period_{side}"),
        pl.lit(True).alias(f"got_{side}"),
    )


def batch_figures(
    before: Catalog,
    draft: Catalog | None,
    changed: set[int],
    frame: pl.DataFrame,
    on: dt.date,
) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, int]]:
    """(sums per item and township, moved IDs, distinct-person counts) of one batch, as
    :func:`.impactjoin.combine` gives them; ``draft`` is :func:`reduced` to ``changed`` (None: no item)."""
    from yanglao.core.engine.api import entitle_frame

    people = frame.select(
        pl.int_range(pl.len(), dtype=pl.Int64).alias("row"), pl.col("id_number"), township_expr()
    ).with_columns(pl.col("township").fill_null(UNKNOWN))
    keyed = frame.with_columns(pl.int_range(pl.len(), dtype=pl.Int64).cast(pl.String).alias(KEY))
    whole = entitle_frame(before, keyed, on)
    in_draft = pl.col("no").is_in(list(changed))
    rows = whole.get_column(KEY).cast(pl.Int64)
    kept = ~whole.get_column("no").is_in(list(changed))
    same = whole.lazy().filter(~in_draft).with_columns(pl.col(KEY).cast(pl.Int64).alias("row"))
    towns = people.lazy().select("row", "township")
    # unchanged items: the same on both sides; simple sums per (item, township, period), then spread
    by_period = (
        same.select("row", "no", (pl.col("amount") * 100).cast(pl.Int64).alias("fen"), "period")
        .join(towns, on="row", how="left")
        .group_by("no", "township", "period")
        .agg(pl.len().alias("n"), pl.col("fen").sum().alias("fen"), pl.col("fen").null_count().alias("nulls"))
        .collect()
    )
    per = [
        pl.when(pl.col("period") == p).then(pl.col("fen")).otherwise(0).sum()
        for p in ("month", "year", "once")
    ]
    same_sums = (
        by_period.lazy()
        .group_by("no", "township")
        .agg(
            pl.col("n").sum().alias("people_b"),
            pl.col("n").sum().alias("people_a"),
            pl.lit(0).alias("gaining"),
            pl.lit(0).alias("losing"),
            pl.lit(0).alias("changed"),
            pl.col("nulls").sum().alias("unpriced_b"),
            pl.col("nulls").sum().alias("unpriced_a"),
            *[e.alias(f"{p}_b") for e, p in zip(per, ("month", "year", "once"), strict=True)],
            *[e.alias(f"{p}_a") for e, p in zip(per, ("month", "year", "once"), strict=True)],
        )
    )
    after_rows = entitle_frame(draft, keyed, on) if draft is not None else whole.head(0)
    joined = (
        _rows(whole.lazy().filter(in_draft), "b")
        .join(_rows(after_rows.lazy(), "a"), on="key", how="full", coalesce=True)
        .with_columns((pl.col("key") // 1024).alias("row"), (pl.col("key") % 1024).alias("no"))
        .join(towns, on="row", how="left")
        .pipe(change_flags)
        .collect()
    )
    delta_sums = joined.lazy().group_by("no", "township").agg(*item_sums())
    columns = ["no", "township", "people_b", "people_a", "gaining", "losing", "changed", "unpriced_b",
               "unpriced_a", "month_b", "year_b", "once_b", "month_a", "year_a", "once_a"]  # fmt: skip
    sums = pl.concat(
        [
            s.select(pl.col(c).cast(pl.String if c == "township" else pl.Int64) for c in columns)
            for s in (same_sums, delta_sums)
        ]
    ).collect()
    moved = (
        joined.filter(pl.col("is_gaining") | pl.col("is_losing"))
        .join(people.select("row", "id_number"), on="row", how="left")
        .select(
            "no",
            "id_number",
            pl.when(pl.col("is_gaining")).then(pl.lit("gaining")).otherwise(pl.lit("losing")).alias("change"),
            "township",
        )
    )
    flags = joined.select(
        pl.col("row").filter(pl.col("is_gaining")).n_unique().alias("gaining"),
        pl.col("row").filter(pl.col("is_losing")).n_unique().alias("losing"),
        pl.col("row").filter(pl.col("is_changed")).n_unique().alias("changed"),
        pl.col("row")
        .filter(pl.col("is_gaining") | pl.col("is_losing") | pl.col("is_changed"))
        .n_unique()
        .alias("affected"),
    ).row(0, named=True)
    counts = {
        "people_b": rows.n_unique(),
        "people_a": pl.concat([rows.filter(kept), after_rows.get_column(KEY).cast(pl.Int64)]).n_unique(),
        **{k: int(v) for k, v in flags.items()},
    }
    return sums, moved, counts
