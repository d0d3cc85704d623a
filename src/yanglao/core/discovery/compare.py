"""The comparisons of 服务找人, as Polars frames (no database, no per-person Python loop).

Frames (column: type):

- ``granted``: what the engine grants — ``id_number, catalog, code, name, amount, period`` (one row
  per person, list and granted item; :func:`yanglao.core.engine.api.entitle_frame` plus ``catalog``).
- ``received``: active enrolments on the date — ``enrolment_id, id_number, catalog, item_code,
  codes`` (``codes``: the benefit codes the enrolment pays; the item's own code and all its parts'
  when the enrolment names the item).
- ``scope``: ``catalog, code`` pairs (the items of each list that are compared).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

import polars as pl

from yanglao.core.catalog.model import Catalog

KEY = ["id_number", "catalog", "code"]


def scope_frame(codes: Mapping[str, Iterable[str]]) -> pl.DataFrame:
    """``{catalog: codes}`` as a ``catalog, code`` frame."""
    rows = [(catalog, code) for catalog, values in codes.items() for code in sorted(values)]
    return pl.DataFrame(rows, schema={"catalog": pl.String, "code": pl.String}, orient="row")


def missed(
    granted: pl.DataFrame, received: pl.DataFrame, tracked: Mapping[str, Iterable[str]]
) -> pl.DataFrame:
    """Granted tracked items the person receives under no enrolment (any list, same item code)."""
    paid = received.select("id_number", pl.col("item_code").alias("code")).unique()
    return (
        granted.join(scope_frame(tracked), on=["catalog", "code"], how="semi")
        .join(paid, on=["id_number", "code"], how="anti")
        .sort(KEY)
    )


def not_entitled(
    received: pl.DataFrame, granted: pl.DataFrame, compared: Mapping[str, Iterable[str]]
) -> pl.DataFrame:
    """Active enrolments (of a compared item) whose list, evaluated for the person, does not grant it."""
    scope = scope_frame(compared).rename({"code": "item_code"})
    have = granted.select("id_number", "catalog", pl.col("code").alias("item_code")).unique()
    return (
        received.join(scope, on=["catalog", "item_code"], how="semi")
        .join(have, on=["id_number", "catalog", "item_code"], how="anti")
        .sort("id_number", "catalog", "item_code", "enrolment_id")
    )


def group_members(catalog: Catalog) -> list[tuple[str, str, str]]:
    """``(catalog, group name, benefit code)`` for every member of every 择高 group, those the applicant
    chooses from included: only one member of either kind may be paid."""
    groups = (*catalog.exclusive_groups, *catalog.choice_groups)
    return [(catalog.code, group.name, code) for group in groups for code in group.members]


def double_paid(received: pl.DataFrame, groups: list[tuple[str, str, str]]) -> pl.DataFrame:
    """Persons paid two or more members of one 择高 group: ``id_number, catalog, group, codes,
    enrolment_ids``."""
    members = pl.DataFrame(
        groups, schema={"catalog": pl.String, "group": pl.String, "code": pl.String}, orient="row"
    )
    paid = received.select("enrolment_id", "id_number", "catalog", pl.col("codes").alias("code")).explode(
        "code"
    )
    return (
        paid.join(members, on=["catalog", "code"], how="inner")
        .group_by("id_number", "catalog", "group")
        .agg(
            pl.col("code").unique().sort().alias("codes"),
            pl.col("enrolment_id").unique().sort().alias("enrolment_ids"),
        )
        .filter(pl.col("codes").list.len() >= 2)
        .sort("id_number", "catalog", "group")
    )


def _birthday(birth: pl.Expr, age: int) -> pl.Expr:
    """The day a person born on ``birth`` turns ``age`` (29 February: 1 March in a common year)."""
    year = birth.dt.year().cast(pl.Int32) + age
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    feb29 = (birth.dt.month() == 2) & (birth.dt.day() == 29)
    month = pl.when(feb29 & ~leap).then(3).otherwise(birth.dt.month().cast(pl.Int32))
    day = pl.when(feb29 & ~leap).then(1).otherwise(birth.dt.day().cast(pl.Int32))
    return pl.date(year, month, day)


def upcoming_birthdays(persons: pl.DataFrame, on: dt.date, within: int, ages: Iterable[int]) -> pl.DataFrame:
    """``id_number, due_on, age``: persons alive on ``due_on`` who turn one of ``ages`` after ``on``
    and at the latest ``within`` days after it."""
    until = on + dt.timedelta(days=within)
    frames = [
        persons.lazy()
        .filter(pl.col("birth_date").is_not_null())
        .select(
            "id_number",
            _birthday(pl.col("birth_date"), age).alias("due_on"),
            pl.lit(age, pl.Int32).alias("age"),
            "death_date",
        )
        for age in ages
    ]
    if not frames:
        return pl.DataFrame(schema={"id_number": pl.String, "due_on": pl.Date, "age": pl.Int32})
    return (
        pl.concat(frames)
        .filter(
            (pl.col("due_on") > on)
            & (pl.col("due_on") <= until)
            & (pl.col("death_date").is_null() | (pl.col("death_date") > pl.col("due_on")))
        )
        .select("id_number", "due_on", "age")
        .sort("due_on", "id_number")
        .collect()
    )


def granted_changes(
    before: pl.DataFrame, after: pl.DataFrame, tracked: Mapping[str, Iterable[str]]
) -> pl.DataFrame:
    """Tracked items gained, lost or changed in amount between two evaluations of the same persons:
    ``id_number, catalog, code, name, amount_before, amount_after, period, change`` (gained / lost /
    changed)."""
    scope = scope_frame(tracked)
    cols = ["id_number", "catalog", "code", "name", "amount", "period"]
    left = (
        before.select(cols)
        .join(scope, on=["catalog", "code"], how="semi")
        .with_columns(pl.lit(True).alias("b"))
    )
    right = (
        after.select(cols)
        .join(scope, on=["catalog", "code"], how="semi")
        .with_columns(pl.lit(True).alias("a"))
    )
    was, now = pl.col("b").fill_null(False), pl.col("a").fill_null(False)
    change = (
        pl.when(was & ~now)
        .then(pl.lit("lost"))
        .when(~was & now)
        .then(pl.lit("gained"))
        .when(~pl.col("amount").eq_missing(pl.col("amount_after")))
        .then(pl.lit("changed"))
    )
    return (
        left.join(right, on=KEY, how="full", coalesce=True, suffix="_after")
        .with_columns(change.alias("change"))
        .filter(pl.col("change").is_not_null())
        .select(
            "id_number",
            "catalog",
            "code",
            pl.coalesce("name_after", "name").alias("name"),
            pl.col("amount").alias("amount_before"),
            "amount_after",
            pl.coalesce("period_after", "period").alias("period"),
            "change",
        )
        .sort(KEY)
    )
