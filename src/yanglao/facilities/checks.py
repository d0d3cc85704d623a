"""The network and planning checks of a region: aggregate the registry into the core's frames
(:mod:`yanglao.core.facilities.checks`) and run them with the jurisdiction's parameters.

People are read only as counts (aggregate queries: people aged 60+ by village and ability level; 特困
people who cannot look after themselves), never as records. Village points come from
``yanglao.regions.geo.village_points(county_code)`` when that module exists, or from ``points``.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Mapping
from typing import Any

import polars as pl
from django.db.models import Count, Q

from yanglao.core.facilities.checks import CheckResult, Inputs, run_checks
from yanglao.core.facilities.geo import to_wgs84
from yanglao.core.facilities.params import NetworkRules, rules_for
from yanglao.facilities.models import Facility, ResidentialProject
from yanglao.regions.models import Level, Region
from yanglao.registry.models import Person

Points = Mapping[str, tuple[float, float]]


class NoRules(LookupError):
    """No parameter file covers the region."""


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def village_points(county_code: str) -> dict[str, tuple[float, float]]:
    """The villages' points from the geography module ("network"'s), empty until it exists."""
    try:
        geo = importlib.import_module("yanglao.regions.geo")
    except ImportError:
        return {}
    found = getattr(geo, "village_points", None)
    return dict(found(county_code)) if callable(found) else {}


def _frame(rows: list[dict[str, Any]], schema: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)


def facility_frame(region: Region) -> pl.DataFrame:
    rows = []
    for f in Facility.objects.filter(region__code__startswith=region.prefix).values(
        "id", "name", "kind", "region_id", "beds", "nursing_beds", "lon", "lat", "coordinate_system", "status"
    ):
        lon, lat = f["lon"], f["lat"]
        if lon is not None and lat is not None:
            lon, lat = to_wgs84(lon, lat, f["coordinate_system"])
        rows.append(
            {
                "id": f["id"],
                "name": f["name"],
                "kind": f["kind"],
                "region": f["region_id"],
                "beds": f["beds"],
                "nursing_beds": f["nursing_beds"],
                "lon": lon,
                "lat": lat,
                "status": f["status"],
            }
        )
    schema = {
        "id": pl.Int64,
        "name": pl.String,
        "kind": pl.String,
        "region": pl.String,
        "beds": pl.Int64,
        "nursing_beds": pl.Int64,
        "lon": pl.Float64,
        "lat": pl.Float64,
        "status": pl.String,
    }
    return _frame(rows, schema)


def elders_frame(region: Region, on: dt.date) -> pl.DataFrame:
    """People aged 60+ on ``on``, alive, living in ``region``: counts by village and ability level."""
    alive = Q(death_date__isnull=True) | Q(death_date__gt=on)
    rows = (
        Person.objects.filter(alive, residence_region__startswith=region.prefix)
        .filter(birth_date__lte=years_before(on, 60))
        .values("residence_region", "ability_level")
        .annotate(people=Count("pk"))
        .order_by()
    )
    data = [
        {"village": r["residence_region"], "level": r["ability_level"], "people": r["people"]} for r in rows
    ]
    return _frame(data, {"village": pl.String, "level": pl.Int64, "people": pl.Int64})


def tekun_unable(region: Region, on: dt.date) -> int:
    """特困 people (分散 or 集中供养) who cannot look after themselves (半护理、全护理, or 经认定生活不能自理)."""
    alive = Q(death_date__isnull=True) | Q(death_date__gt=on)
    return (
        Person.objects.filter(alive, residence_region__startswith=region.prefix)
        .filter(tekun__in=("dispersed", "centralized"))
        .filter(Q(tekun_care__in=("half", "full")) | Q(self_care_unable=True))
        .count()
    )


def project_frame(region: Region) -> pl.DataFrame:
    rows = [
        {
            "name": p.name,
            "region": p.region_id,
            "households": p.households,
            "area_kind": p.area_kind,
            "required_area": float(p.required_area) if p.required_area is not None else None,
            "delivered_area": float(p.delivered_area),
            "site_count": p.site_count,
            "phases": p.phases,
            "delivery_phase": p.delivery_phase,
            "first_phase_handover": p.first_phase_handover,
            "handover_date": p.handover_date,
        }
        for p in ResidentialProject.objects.filter(region__code__startswith=region.prefix)
    ]
    schema = {
        "name": pl.String,
        "region": pl.String,
        "households": pl.Int64,
        "area_kind": pl.String,
        "required_area": pl.Float64,
        "delivered_area": pl.Float64,
        "site_count": pl.Int64,
        "phases": pl.Int64,
        "delivery_phase": pl.Int64,
        "first_phase_handover": pl.Date,
        "handover_date": pl.Date,
    }
    return _frame(rows, schema)


def places(region: Region, level: str, points: Points | None = None) -> pl.DataFrame:
    rows = []
    for r in Region.objects.filter(code__startswith=region.prefix, level=level).order_by("code"):
        point = (points or {}).get(r.code)
        rows.append(
            {
                "code": r.code,
                "name": r.name,
                "lon": point[0] if point else None,
                "lat": point[1] if point else None,
            }
        )
    return _frame(rows, {"code": pl.String, "name": pl.String, "lon": pl.Float64, "lat": pl.Float64})


def gather(region: Region, on: dt.date, points: Points | None = None) -> Inputs:
    county = region if region.level == Level.COUNTY else Region.objects.filter(code=region.code[:6]).first()
    if points is None:
        points = village_points(region.code[:6])
    return Inputs(
        on=on,
        county_code=region.code,
        county_name=region.name if county is None or county == region else f"{county.name}{region.name}",
        townships=places(region, Level.TOWNSHIP).select("code", "name")
        if region.level != Level.TOWNSHIP
        else pl.DataFrame({"code": [region.code], "name": [region.name]}),
        villages=places(region, Level.VILLAGE, points),
        facilities=facility_frame(region),
        elders=elders_frame(region, on),
        tekun_unable=tekun_unable(region, on),
        projects=project_frame(region),
    )


def rules_of(region: Region) -> NetworkRules:
    rules = rules_for(region.code)
    if rules is None:
        raise NoRules(f"没有覆盖 {region.name}（{region.code}）的设施网络参数文件")
    return rules


def network_checks(region: Region, on: dt.date, points: Points | None = None) -> list[CheckResult]:
    """Every check for ``region`` on ``on`` (a county, or one township)."""
    return run_checks(gather(region, on, points), rules_of(region))
