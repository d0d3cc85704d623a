"""The person figures as SQL aggregates: one scan of the registry per question, whatever its size.

Every indicator of :mod:`yanglao.core.stats.indicators` (its condition in the catalogue rule language,
compiled by the rule language's database backend :mod:`yanglao.registry.ruleq`) becomes a filtered
``COUNT`` of one ``SELECT``; the breakdown by township (or village) is the same ``SELECT`` grouped by the
leading digits of the 户籍 code. Ages are birth-date comparisons (:func:`yanglao.core.stats.ages.born_by`).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from itertools import accumulate
from typing import Any

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr

from yanglao.core.stats.ages import born_by
from yanglao.core.stats.indicators import PERSON_INDICATORS
from yanglao.registry.models import Person
from yanglao.registry.ruleq import rule_q


def living_q(on: dt.date) -> Q:
    return Q(death_date__isnull=True) | Q(death_date__gt=on)


def aged_q(on: dt.date, years: int) -> Q:
    return Q(birth_date__lte=born_by(on, years))


def base_q(prefix: str, on: dt.date, *, by: str = "hukou_region") -> Q:
    """Living on ``on``, 60+ on ``on``, ``by`` (户籍 or 常住地) inside the region."""
    return living_q(on) & aged_q(on, 60) & Q(**{f"{by}__startswith": prefix})


def _aggregates(on: dt.date) -> dict[str, Any]:
    # Aliases are prefixed: an alias equal to a field name ("dibao") would shadow the field.
    return {
        f"n_{ind.key}": Count("pk", filter=rule_q(ind.cond, on, vendor=connection.vendor))
        for ind in PERSON_INDICATORS
    }


def _unprefixed(row: dict[str, Any]) -> dict[str, int]:
    return {k[2:]: int(v or 0) for k, v in row.items() if k.startswith("n_")}


def person_counts(prefix: str, on: dt.date, persons: QuerySet[Person] | None = None) -> dict[str, int]:
    """Every person indicator for the region (one query)."""
    qs = (persons if persons is not None else Person.objects.all()).filter(base_q(prefix, on))
    return _unprefixed(qs.aggregate(**_aggregates(on)))


def person_counts_by(
    prefix: str, on: dt.date, digits: int, persons: QuerySet[Person] | None = None
) -> dict[str, dict[str, int]]:
    """Every person indicator per unit: the first ``digits`` digits of the 户籍 code (one query)."""
    qs = (persons if persons is not None else Person.objects.all()).filter(base_q(prefix, on))
    rows = qs.annotate(unit=Substr("hukou_region", 1, digits)).values("unit").annotate(**_aggregates(on))
    out: dict[str, dict[str, int]] = {}
    for row in rows.order_by("unit"):
        values: dict[str, Any] = dict(row)
        out[str(values["unit"] or "")] = _unprefixed(values)
    return out


def counts_with_residence(
    prefix: str, on: dt.date, digits: int, persons: QuerySet[Person] | None = None
) -> tuple[dict[str, dict[str, int]], dict[str, int]]:
    """:func:`person_counts_by` and :func:`residence_counts` in one scan of the registry.

    The people 60+ registered (户籍) or living (常住) in the region, grouped by the first ``digits``
    digits of the 户籍 code: the groups inside the region are :func:`person_counts_by`'s units (their
    people are those registered here); the others hold the people who live here registered elsewhere,
    who count only in the residence figures."""
    qs = (persons if persons is not None else Person.objects.all()).filter(
        living_q(on)
        & aged_q(on, 60)
        & (Q(hukou_region__startswith=prefix) | Q(residence_region__startswith=prefix))
    )
    here_r = Q(residence_region__startswith=prefix)
    unknown_r = Q(residence_region__isnull=True) | Q(residence_region="")
    rows = (
        qs.annotate(unit=Substr("hukou_region", 1, digits))
        .values("unit")
        .annotate(
            **_aggregates(on),
            r_all=Count("pk"),
            r_resident=Count("pk", filter=here_r),
            r_unknown=Count("pk", filter=unknown_r),
        )
    )
    units: dict[str, dict[str, int]] = {}
    residence = dict.fromkeys(
        (
            "hukou",
            "resident",
            "both",
            "hukou_living_elsewhere",
            "residence_unknown",
            "resident_hukou_elsewhere",
        ),
        0,
    )
    for row in rows.order_by("unit"):
        values: dict[str, Any] = dict(row)
        unit = str(values["unit"] or "")
        n, resident, unknown = (int(values[k] or 0) for k in ("r_all", "r_resident", "r_unknown"))
        residence["resident"] += resident
        if not unit.startswith(prefix):  # registered elsewhere, living here
            residence["resident_hukou_elsewhere"] += resident
            continue
        units[unit] = _unprefixed(values)
        residence["hukou"] += n
        residence["both"] += resident
        residence["residence_unknown"] += unknown
        residence["hukou_living_elsewhere"] += n - resident - unknown
    return units, residence


def residence_counts(prefix: str, on: dt.date, persons: QuerySet[Person] | None = None) -> dict[str, int]:
    """户籍 and 常住: people 60+ registered here, living here, and the two kinds of 人户分离."""
    qs = (persons if persons is not None else Person.objects.all()).filter(living_q(on) & aged_q(on, 60))
    here_h = Q(hukou_region__startswith=prefix)
    here_r = Q(residence_region__startswith=prefix)
    unknown_r = Q(residence_region__isnull=True) | Q(residence_region="")
    row = qs.filter(here_h | here_r).aggregate(
        hukou=Count("pk", filter=here_h),
        resident=Count("pk", filter=here_r),
        both=Count("pk", filter=here_h & here_r),
        hukou_living_elsewhere=Count("pk", filter=here_h & ~here_r & ~unknown_r),
        residence_unknown=Count("pk", filter=here_h & unknown_r),
        resident_hukou_elsewhere=Count("pk", filter=here_r & ~here_h),
    )
    return {k: int(v or 0) for k, v in row.items()}


def population_trend(
    prefix: str, months: list[dt.date], persons: QuerySet[Person] | None = None
) -> list[dict[str, Any]]:
    """People 60+ and 80+ (户籍 here, living) at each month end, from birth and death dates.

    One query grouped by (birth date, death date) — a few thousand groups, not one row a person —
    then a cumulative count per month end."""
    qs = (persons if persons is not None else Person.objects.all()).filter(
        hukou_region__startswith=prefix, birth_date__lte=born_by(months[-1], 60)
    )
    groups: list[tuple[dt.date, dt.date | None, int]] = list(
        qs.values_list("birth_date", "death_date").annotate(n=Count("pk")).order_by()
    )
    never_died = sorted((b, n) for b, d, n in groups if d is None)
    births = [b for b, _ in never_died]
    cumulative = list(accumulate(n for _, n in never_died))
    died = [(b, d, n) for b, d, n in groups if d is not None]

    def alive_aged(day: dt.date, years: int) -> int:
        cut = born_by(day, years)
        k = bisect_right(births, cut)
        return (cumulative[k - 1] if k else 0) + sum(n for b, d, n in died if b <= cut and d > day)

    return [
        {
            "month": f"{day:%Y-%m}",
            "date": day.isoformat(),
            "population_60_plus": alive_aged(day, 60),
            "population_80_plus": alive_aged(day, 80),
        }
        for day in months
    ]
