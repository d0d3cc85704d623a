"""The three-way match (三方核对): a provider's monthly claim lines against the service plans and the
check-ins, written once over :mod:`yanglao.core.services.ops` and run by Polars or Spark.

Each valid claim line is ``payable`` or ``held`` with its reasons (:data:`REASONS`); payable lines are
split into the subsidy (by funding level) and the elder's co-payment (by category), and a seeded share
of them is flagged for review. Inputs are typed frames (see the ``*_SCHEMA`` mappings; reading files
into them is :mod:`yanglao.core.services.files`). Every figure is an integer: fen, hundredths of a unit,
basis points. The semantics are documented in docs/service-match.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from yanglao.core.catalog.evaluate import resolve_options
from yanglao.core.catalog.model import LEVELS
from yanglao.core.catalog.ruleparse import Names, parse_cond
from yanglao.core.catalog.yamlio import At
from yanglao.core.engine.plan import Lowering
from yanglao.core.engine.polars_backend import AGE
from yanglao.core.services.catalog import CATEGORIES, CATEGORY_RULES, ServiceCatalog
from yanglao.core.services.ops import Frame
from yanglao.core.services.reasons import REASONS

CLAIMS_SCHEMA = {
    "row": "int",
    "claim_line": "str",
    "provider": "str",
    "id_number": "str",
    "service": "str",
    "date": "date",
    "units_c": "int",  # hundredths of a unit
    "amount_fen": "int",
    "sample_key": "int",  # 0 … SAMPLE_SCALE-1, from the claim line and the seed (files.sample_keys)
}
PLANS_SCHEMA = {
    "id_number": "str",
    "service": "str",
    "provider": "str",
    "plan_units_c": "int",
    "start": "date",
    "end": "date",
}
CHECKINS_SCHEMA = {  # start/end are timestamps (minute precision)
    "krow": "int",
    "provider": "str",
    "worker": "str",
    "id_number": "str",
    "service": "str",
}
STAYS_SCHEMA = {"id_number": "str", "kind": "str", "start": "date", "end": "date"}
STAY_KINDS = {"care_home": "养老机构", "hospital": "住院"}
SAMPLE_SCALE = 1_000_000_000
LEVEL_COLUMNS = {level: f"subsidy_l{i}" for i, level in enumerate(LEVELS)}


@dataclass(frozen=True)
class MatchSettings:
    month: dt.date  # the first day of the month
    sample_share: Decimal = Decimal("0.05")
    options: Mapping[str, bool] | None = None


def fen(value: Decimal | None) -> int | None:
    return None if value is None else int((value * 100).to_integral_value())


def service_rows(catalog: ServiceCatalog, on: dt.date) -> list[dict[str, object]]:
    """The catalogue on a date as one row per service, every figure an integer."""
    rows: list[dict[str, object]] = []
    for s in catalog.services_on(on):
        row: dict[str, object] = {
            "service": s.code,
            "known_service": True,
            "price_cap_fen": fen(catalog.value(s.price_cap, on)),
            "cap_units_c": fen(catalog.value(s.cap_units, on)),
            "cap_fen": fen(catalog.value(s.cap_yuan, on)),
        }
        copay = dict(s.copay)
        per_unit = dict(s.subsidy_per_unit)
        for cat in CATEGORIES:
            share = catalog.value(copay[cat], on) if cat in copay else None
            rate = catalog.value(per_unit[cat], on) if cat in per_unit else None
            # A category given neither a share nor a subsidy per unit pays everything itself.
            row[f"copay_bp_{cat}"] = 10000 if share is None else int(share * 10000)
            row[f"rate_fen_{cat}"] = fen(rate)
        shares = dict(s.funding.shares)
        last = max(i for i, level in enumerate(LEVELS) if level in shares)
        for i, level in enumerate(LEVELS):
            row[f"bp_l{i}"] = int(shares.get(level, Decimal(0)) * 10000)
        row["last_level"] = last
        rows.append(row)
    return rows


def service_schema() -> dict[str, str]:
    schema = {
        "service": "str",
        "known_service": "bool",
        "price_cap_fen": "int",
        "cap_units_c": "int",
        "cap_fen": "int",
    }
    for cat in CATEGORIES:
        schema[f"copay_bp_{cat}"] = "int"
        schema[f"rate_fen_{cat}"] = "int"
    for i in range(len(LEVELS)):
        schema[f"bp_l{i}"] = "int"
    schema["last_level"] = "int"
    return schema


def category_rules(catalog: ServiceCatalog) -> dict[str, Any]:
    names = Names(parameters=set(), options=set())
    return {
        cat: parse_cond(rule, At("core/services/catalog.py", f"CATEGORY_RULES.{cat}"), names)
        for cat, rule in CATEGORY_RULES.items()
    }


def match(
    ops: Any,
    catalog: ServiceCatalog,
    settings: MatchSettings,
    claims: Frame,
    plans: Frame,
    checkins: Frame,
    persons: Frame | None = None,
    stays: Frame | None = None,
    settled: Frame | None = None,
) -> Frame:
    """One row per claim line (``row`` order): ``status``, a boolean column per reason, the subsidy (and
    its split by level) and the co-payment in fen, ``review`` and the ``category``."""
    on = settings.month
    col, lit = ops.col, ops.lit
    services = catalog.services_on(on)
    c = ops.join(claims, ops.table(service_rows(catalog, on), service_schema()), ["service"], "left")

    # persons: death, category, eligibility (the catalogue rule language, compiled by the engine)
    if persons is not None:
        chosen = resolve_options(catalog.basic, settings.options)
        lowering = Lowering(on, chosen, catalog.basic)
        p = ops.with_cols(ops.conform_persons(persons), {AGE: ops.age(on)})
        cats = category_rules(catalog)
        columns: dict[str, Any] = {
            "known_person": lit(True),
            "category": ops.chain(
                [(ops.coalesce(ops.cond(lowering.cond(cats[k])), lit(False)), lit(k)) for k in cats],
                lit("other"),
            ),
        }
        for s in services:
            rule = lit(True) if s.rule is None else ops.coalesce(ops.cond(lowering.cond(s.rule)), lit(False))
            columns[f"elig_{s.code}"] = rule
        p = ops.with_cols(p, columns)
        keep = ["id_number", "known_person", "category", "death_date", *[f"elig_{s.code}" for s in services]]
        c = ops.join(c, ops.select(p, keep), ["id_number"], "left")
        elig = ops.chain(
            [(col("service") == lit(s.code), col(f"elig_{s.code}")) for s in services], lit(True)
        )
        c = ops.with_cols(
            c,
            {
                "unknown_person": ops.is_null(col("known_person")),
                "not_eligible": ops.not_null(col("known_person")) & ~ops.coalesce(elig, lit(False)),
                "category": ops.coalesce(col("category"), lit("other")),
                "dead": ops.coalesce(col("death_date") <= col("date"), lit(False)),
            },
        )
    else:
        c = ops.with_cols(
            c,
            {
                "unknown_person": lit(False),
                "not_eligible": lit(False),
                "category": lit("other"),
                "dead": lit(False),
            },
        )

    # care-home and hospital stays: the days strictly between entering and leaving
    keys = ops.select(c, ["row", "id_number", "date"])
    if stays is not None:
        s_in = ops.filter(
            ops.join(keys, ops.rename(stays, {"start": "s_start", "end": "s_end"}), ["id_number"], "inner"),
            (col("s_start") < col("date")) & (ops.is_null(col("s_end")) | (col("date") < col("s_end"))),
        )
        s_agg = ops.agg(
            s_in,
            ["row"],
            {
                "in_care_home": ("max", col("kind") == lit("care_home")),
                "in_hospital": ("max", col("kind") == lit("hospital")),
            },
        )
        c = ops.join(c, s_agg, ["row"], "left")
        c = ops.with_cols(
            c,
            {
                "in_care_home": ops.coalesce(col("in_care_home"), lit(False)),
                "in_hospital": ops.coalesce(col("in_hospital"), lit(False)),
            },
        )
    else:
        c = ops.with_cols(c, {"in_care_home": lit(False), "in_hospital": lit(False)})

    # plans: the largest monthly units of a plan of this provider in force on the day
    p_keys = ops.select(c, ["row", "id_number", "service", "provider", "date"])
    p_in = ops.filter(
        ops.join(
            p_keys,
            ops.rename(plans, {"start": "p_start", "end": "p_end"}),
            ["id_number", "service", "provider"],
            "inner",
        ),
        (col("p_start") <= col("date")) & (ops.is_null(col("p_end")) | (col("date") <= col("p_end"))),
    )
    c = ops.join(c, ops.agg(p_in, ["row"], {"plan_units_c": ("max", col("plan_units_c"))}), ["row"], "left")

    # check-ins: impossible times, one worker in two places, then per provider/person/service/day
    k = ops.with_cols(
        checkins, {"day": ops.day(col("start")), "minutes": ops.minutes(col("start"), col("end"))}
    )
    k = ops.with_cols(k, {"bad0": (col("minutes") <= lit(0)) | (col("minutes") > lit(1440))})
    worker_day = ops.agg(ops.filter(k, ~col("bad0")), ["worker", "day"], {"worked": ("sum", col("minutes"))})
    # only the few worker-days over 24 hours are joined back (a small right side, not 2 M groups)
    over = ops.with_cols(
        ops.select(ops.filter(worker_day, col("worked") > lit(1440)), ["worker", "day"]),
        {"overworked": lit(True)},
    )
    k = ops.join(k, over, ["worker", "day"], "left")
    k = ops.with_cols(k, {"bad": col("bad0") | ops.coalesce(col("overworked"), lit(False))})
    keys = ["provider", "id_number", "service", "day"]
    good = ops.select(ops.filter(k, ~col("bad")), ["krow", "worker", *keys, "start", "end"])
    other = ops.select(
        ops.rename(good, {"krow": "o_row", "id_number": "o_id", "start": "o_start", "end": "o_end"}),
        ["o_row", "worker", "day", "o_id", "o_start", "o_end"],
    )
    clash = ops.filter(
        ops.join(good, other, ["worker", "day"], "inner"),
        (col("o_id") != col("id_number")) & (col("start") < col("o_end")) & (col("o_start") < col("end")),
    )
    # the check-ins in a clash (each once), counted per provider/person/service/day
    clashed = ops.agg(clash, ["krow", *keys], {"clashes": ("count", None)})
    overlaps = ops.agg(clashed, keys, {"n_overlap": ("count", None)})
    per_day = ops.agg(
        k,
        keys,
        {
            "n_checkins": ("count", None),
            "n_bad": ("sum", ops.when(col("bad"), lit(1, "int"), lit(0, "int"))),
        },
    )
    per_day = ops.join(per_day, overlaps, keys, "left")
    c = ops.join(
        c, ops.rename(per_day, {"day": "date"}), ["provider", "id_number", "service", "date"], "left"
    )

    # duplicates: the same claim line twice, the same person/service/day/units again, or settled before
    c = ops.row_number(c, ["claim_line"], "row", "rn_line")
    c = ops.row_number(c, ["id_number", "service", "date", "units_c"], "row", "rn_same")
    if settled is not None:
        done = ops.with_cols(ops.select(settled, ["claim_line"]), {"settled": lit(True)})
        c = ops.join(
            c,
            ops.agg(done, ["claim_line"], {"settled_before": ("max", col("settled"))}),
            ["claim_line"],
            "left",
        )
        settled_before = ops.coalesce(col("settled_before"), lit(False))
    else:
        settled_before = lit(False)

    known = ops.coalesce(col("known_service"), lit(False))
    flags = {
        "unknown_service": ~known,
        "no_plan": ops.is_null(col("plan_units_c")),
        "no_checkin": ops.coalesce(col("n_checkins"), lit(0, "int")) == lit(0, "int"),
        "impossible_time": ops.coalesce(col("n_bad"), lit(0, "int")) > lit(0, "int"),
        "worker_overlap": ops.coalesce(col("n_overlap"), lit(0, "int")) > lit(0, "int"),
        "duplicate": (col("rn_line") > lit(1, "int")) | (col("rn_same") > lit(1, "int")) | settled_before,
        "over_price_cap": known
        & ops.coalesce(
            col("amount_fen") * lit(100, "int") > col("units_c") * col("price_cap_fen"), lit(False)
        ),
    }
    c = ops.with_cols(c, flags)
    first = [r for r in REASONS if r not in ("over_plan", "over_monthly_cap")]
    c = ops.with_cols(
        c,
        {
            "held1": ops.any_of([col(r) for r in first]),
            # a line paid in an earlier run still uses up the plan and the caps
            "consumes": ~ops.any_of([col(r) for r in first]) | settled_before,
        },
    )

    # the month's running totals of the lines not held so far (and those paid before), per person and service
    c = ops.cum_sum(
        c,
        ["id_number", "service"],
        ["date", "row"],
        {
            "cum_units": ops.when(col("consumes"), col("units_c"), lit(0, "int")),
            "cum_fen": ops.when(col("consumes"), col("amount_fen"), lit(0, "int")),
        },
    )
    c = ops.with_cols(
        c,
        {
            "over_plan": ~col("held1") & ops.coalesce(col("cum_units") > col("plan_units_c"), lit(False)),
            "over_monthly_cap": ~col("held1")
            & (
                ops.coalesce(col("cum_units") > col("cap_units_c"), lit(False))
                | ops.coalesce(col("cum_fen") > col("cap_fen"), lit(False))
            ),
        },
    )
    held = col("held1") | col("over_plan") | col("over_monthly_cap")
    c = ops.with_cols(c, {"held": held})

    # the split: a subsidy per unit, or the elder's share of the amount; the subsidy by funding level
    cat = col("category")
    rate = ops.chain([(cat == lit(k), col(f"rate_fen_{k}")) for k in CATEGORIES], lit(None, "int"))
    share = ops.chain([(cat == lit(k), col(f"copay_bp_{k}")) for k in CATEGORIES], lit(10000, "int"))
    amount = col("amount_fen")
    by_rate = ops.least(amount, ops.idiv(col("units_c") * rate + lit(50, "int"), 100))
    by_share = amount - ops.idiv(amount * share + lit(5000, "int"), 10000)
    subsidy = ops.when(col("held"), lit(0, "int"), ops.when(ops.not_null(rate), by_rate, by_share))
    c = ops.with_cols(c, {"subsidy_fen": subsidy})
    c = ops.with_cols(c, {"copay_fen": ops.when(col("held"), lit(0, "int"), amount - col("subsidy_fen"))})
    floors = {i: ops.idiv(col("subsidy_fen") * col(f"bp_l{i}"), 10000) for i in range(len(LEVELS))}
    c = ops.with_cols(c, {f"floor_l{i}": e for i, e in floors.items()})
    rest = col("subsidy_fen") - sum((col(f"floor_l{i}") for i in range(1, len(LEVELS))), col("floor_l0"))
    c = ops.with_cols(
        c,
        {
            LEVEL_COLUMNS[level]: ops.coalesce(
                col(f"floor_l{i}") + ops.when(col("last_level") == lit(i, "int"), rest, lit(0, "int")),
                lit(0, "int"),
            )
            for i, level in enumerate(LEVELS)
        },
    )
    threshold = int(settings.sample_share * SAMPLE_SCALE)
    c = ops.with_cols(
        c,
        {
            "status": ops.when(col("held"), lit("held"), lit("payable")),
            "review": ~col("held") & (col("sample_key") < lit(threshold, "int")),
        },
    )
    out = [
        "row",
        "claim_line",
        "status",
        *REASONS,
        "subsidy_fen",
        "copay_fen",
        *LEVEL_COLUMNS.values(),
        "review",
        "category",
    ]
    return ops.sorted(ops.select(c, out), "row")
