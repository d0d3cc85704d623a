"""All the indicators of one region on one date, as one JSON-able dict (the command, the dashboard,
the bulletin and open data all read it)."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from django.db.models import QuerySet

from yanglao.core.stats.ages import AGE_BANDS, month_ends
from yanglao.core.stats.indicators import ABILITY_NAMES, PERSON_INDICATORS
from yanglao.core.stats.rank import percent
from yanglao.regions.models import PREFIX_LENGTH, Level, Region
from yanglao.registry.models import Person
from yanglao.stats import figures, sources
from yanglao.stats.cache import data_version, keep, peek
from yanglao.stats.fresh import Answer, answer

CHILD_DIGITS = {Level.PROVINCE: 4, Level.PREFECTURE: 6, Level.COUNTY: 9, Level.TOWNSHIP: 12}
CHILD_LEVEL = {
    Level.PROVINCE: Level.PREFECTURE,
    Level.PREFECTURE: Level.COUNTY,
    Level.COUNTY: Level.TOWNSHIP,
    Level.TOWNSHIP: Level.VILLAGE,
}
UNIT_KEYS = (
    "population_60_plus",
    "population_65_plus",
    "population_80_plus",
    "alone_tekun_disabled",
    "living_alone",
    "dibao",
    "tekun_dispersed",
    "tekun_centralized",
    "disabled",
    "assessed_65_plus",
)


def prefix_of(region: Region) -> str:
    return region.code[: PREFIX_LENGTH[Level(region.level)]]


def unit_code(prefix: str) -> str:
    """The region code of a code prefix: 15 → 150000, 1522 → 152200, 152223100 → 152223100000."""
    return {2: prefix + "0000", 4: prefix + "00", 9: prefix + "000"}.get(len(prefix), prefix)


def band_key(label_key: str) -> str:
    return label_key.replace("_plus", "+").replace("_", "-")


def _person_sections(c: dict[str, int]) -> dict[str, Any]:
    return {
        "population_65_plus": c["population_65_plus"],
        "age_bands": {band_key(b.key): c[f"age_{b.key}"] for b in AGE_BANDS},
        "sex": {"male": c["sex_male"], "female": c["sex_female"]},
        "special_groups": {
            "living_alone": c["living_alone"],
            "living_empty_nest": c["living_empty_nest"],
            "living_left_behind": c["living_left_behind"],
            "dibao": c["dibao"],
            "dibao_edge": c["dibao_edge"],
            "spending_hardship": c["spending_hardship"],
            "tekun_dispersed": c["tekun_dispersed"],
            "tekun_centralized": c["tekun_centralized"],
            "fp_special": {
                "total": c["fp_special"],
                "bereaved": c["fp_bereaved"],
                "disabled_child": c["fp_disabled_child"],
            },
            "youfu": {
                "total": c["youfu"],
                "by_category": {
                    k.removeprefix("contribution_"): v for k, v in c.items() if k.startswith("contribution_")
                },
            },
        },
        "disability": {
            "certificate_holders": c["disability_any"],
            "by_grade": {str(g): c[f"disability_{g}"] for g in (1, 2, 3, 4)},
            "by_category": {
                k.removeprefix("disability_cat_"): v for k, v in c.items() if k.startswith("disability_cat_")
            },
        },
        "ability": {
            "disabled": c["disabled"],
            "assessed": c["assessed"],
            "assessed_65_plus": c["assessed_65_plus"],
            "assessment_coverage_65_plus_percent": percent(c["assessed_65_plus"], c["population_65_plus"]),
            "by_level": {str(level): c[f"ability_{level}"] for level in range(len(ABILITY_NAMES))},
        },
    }


def _units(
    region: Region,
    prefix: str,
    digits: int,
    counts: dict[str, dict[str, int]],
    on: dt.date,
    findings: dict[str, dict[str, int]] | None = None,
    visit_units: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """``visit_units``: the units of ``sources.visits(prefix, on, digits)`` (read once by the caller)."""
    facilities = sources.facilities_by(prefix, digits, on)
    visit_units = visit_units or {}
    child_level = CHILD_LEVEL[Level(region.level)]
    children = {
        r.code: r for r in Region.objects.filter(code__startswith=prefix, level=child_level).order_by("code")
    }
    keys = sorted({*counts, *facilities, *visit_units})
    out = []
    for key in keys:
        code = unit_code(key)
        c = counts.get(key, {})
        f = facilities.get(key, {})
        row: dict[str, Any] = {
            "code": code,
            "name": children[code].name if code in children else "（区划未细化）",
            **{k: c.get(k, 0) for k in UNIT_KEYS},
            "assessment_coverage_65_plus_percent": percent(
                c.get("assessed_65_plus", 0), c.get("population_65_plus", 0)
            ),
            "institutions": f.get("institutions", 0),
            "institution_beds": f.get("institution_beds", 0),
            "facilities": f.get("facilities", 0),
            "beds": f.get("beds", 0),
        }
        if findings is not None and Level(region.level) != Level.TOWNSHIP:
            # Findings belong to townships: a township's villages have none of their own.
            d = findings.get(key, {"open": 0, "closed": 0, "missed_open_people": 0})
            row["findings_open"] = d["open"]
            row["findings_closed"] = d["closed"]
            row["missed_open_people"] = d["missed_open_people"]
            row["missed_percent"] = percent(d["missed_open_people"], c.get("population_60_plus", 0))
        v = visit_units.get(key)
        if v is not None:
            row["visit_targets"] = v["targets"]
            row["visit_rate_percent"] = v["rate_percent"]
            row["visits_overdue"] = v["overdue"]
        out.append(row)
    return out


def region_stats(
    region: Region,
    on: dt.date,
    *,
    persons: QuerySet[Person] | None = None,
    entitlements: bool = True,
) -> dict[str, Any]:
    """Every indicator of the region on ``on``."""
    prefix = prefix_of(region)
    level = Level(region.level)
    digits = CHILD_DIGITS.get(level)
    # The entitlement engine runs in a worker thread (Polars, no database) while the SQL runs here.
    pending = _start_entitlements(region, prefix, on) if entitlements else None
    # The indicators per unit and the 户籍/常住 figures: one scan of the registry.
    by_unit, residence = figures.counts_with_residence(prefix, on, digits or len(prefix), persons)
    c = {ind.key: sum(u.get(ind.key, 0) for u in by_unit.values()) for ind in PERSON_INDICATORS}
    if digits is None:
        by_unit = {}
    fac = sources.facilities(prefix, on)
    out: dict[str, Any] = {
        "region": {
            "code": region.code,
            "name": region.name,
            "full_name": region.full_name(),
            "level": region.level,
        },
        "date": on.isoformat(),
        "population_60_plus": c["population_60_plus"],
        "population_80_plus": c["population_80_plus"],
        "alone_tekun_disabled": c["alone_tekun_disabled"],
        "institutions": fac["institutions"],
        "institution_beds": fac["institution_beds"],
        **_person_sections(c),
        "hukou_residence": residence,
        "facilities": fac,
    }
    assessments = sources.assessments(region.code, on)
    if assessments is not None:
        out["assessments"] = assessments
    visits = sources.visits(prefix, on, digits)  # per unit too (for the units below): read once
    visit_units: dict[str, Any] = {}
    if visits is not None:
        visit_units = visits.pop("units", None) or {}
        out["visits"] = visits
    if pending is not None:
        out["entitlements"] = pending.result()
    found = sources.discovery(prefix, digits)
    missed_units: dict[str, Any] = {}
    if found is not None:
        missed_units = found.pop("units", {})
        out["discovery"] = found
    if digits is not None:
        out["unit_level"] = CHILD_LEVEL[level].value
        out["units"] = _units(
            region, prefix, digits, by_unit, on, missed_units if found else None, visit_units
        )
    return out


def trends(region: Region, on: dt.date, months: int = 24) -> dict[str, Any]:
    ends = month_ends(on, months)
    prefix = prefix_of(region)
    out: dict[str, Any] = {"population": figures.population_trend(prefix, ends)}
    visits = sources.visit_trend(prefix, ends[-12:])
    if visits is not None:
        out["visits"] = visits
    return out


def _start_entitlements(region: Region, prefix: str, on: dt.date) -> Future[dict[str, Any]] | None:
    version = data_version()
    found = peek("entitlements", region.code, on, version)
    if found is not None:
        done: Future[dict[str, Any]] = Future()
        done.set_result(found)
        return done
    source = sources.entitlement_input(prefix, on)
    if source is None:
        return None
    code, frame = source

    def run() -> dict[str, Any]:
        summary = sources.entitlement_summary(code, frame, on)
        keep("entitlements", region.code, on, version, summary)
        return summary

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="stats-entitlements")
    pending = pool.submit(run)
    pool.shutdown(wait=False)
    return pending


def entitlements(region: Region, on: dt.date) -> dict[str, Any] | None:
    """The entitlements section alone (the dashboard loads it after the page)."""
    pending = _start_entitlements(region, prefix_of(region), on)
    return pending.result() if pending is not None else None


def build_dashboard(region: Region, on: dt.date, persons: QuerySet[Person] | None = None) -> dict[str, Any]:
    """The figures of the dashboard (without the entitlement engine), computed now."""
    from yanglao.stats.capabilities import section_figures

    return {
        "stats": region_stats(region, on, persons=persons, entitlements=False),
        "trends": trends(region, on, 24),
        "capabilities": section_figures(region, on),
    }


def dashboard_answer(
    region: Region, on: dt.date, persons: QuerySet[Person] | None = None, *, stale_ok: bool = True
) -> Answer:
    """The dashboard's figures, cached until the data change; after a change (``stale_ok``) the last
    ones computed, marked, while a job recomputes them (:mod:`yanglao.stats.fresh`)."""
    return answer("dashboard", region, on, lambda: build_dashboard(region, on, persons), stale_ok=stale_ok)


def dashboard_stats(region: Region, on: dt.date, persons: QuerySet[Person] | None = None) -> dict[str, Any]:
    """The figures of the dashboard from the current data (cached until the data change)."""
    return dict(dashboard_answer(region, on, persons, stale_ok=False).value)


def build_entitlements(region: Region, on: dt.date) -> dict[str, Any] | None:
    return entitlements(region, on)


def entitlements_answer(region: Region, on: dt.date) -> Answer:
    """The entitlements section (the dashboard loads it after the page); after a change of the data
    the last one computed while a job recomputes it."""
    return answer("entitlements-section", region, on, lambda: entitlements(region, on), stale_ok=True)


def cached_value(kind: str, region: Region, on: dt.date, build: Any) -> Any:
    from yanglao.stats.cache import cached

    return cached(kind, region.code, on, build)
