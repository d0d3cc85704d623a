"""The network page per county or township (the checks, the townships or villages, missing and late
reports) and the offline map (Leaflet without any tile layer: the generated outlines shipped with the
package as GeoJSON, the facilities as markers coloured by kind, the villages outside the service circle)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse

from yanglao.audit.log import audit
from yanglao.audit.models import Action
from yanglao.core.facilities.capacity import status_of
from yanglao.core.facilities.geo import to_wgs84
from yanglao.facilities.access import scoped_facilities
from yanglao.facilities.actions import report_due_day
from yanglao.facilities.models import CapacityReport, Facility, FacilityKind, Status
from yanglao.facilities.views import common
from yanglao.facilities.views.checks import failing_codes, region_checks
from yanglao.regions import geo
from yanglao.regions.models import Level, Region

# Marker colours by kind (the legend shows them); tiers by outline weight.
KIND_COLOURS = {
    "public_home": "#b4232c",
    "private_home": "#d97706",
    "county_centre": "#7f1d1d",
    "special_care": "#9f1239",
    "glory_home": "#6b21a8",
    "regional_centre": "#0b69a3",
    "day_care": "#0f766e",
    "community_station": "#2f7d32",
    "mutual_aid": "#65a30d",
    "village_station": "#15803d",
    "neighbour_aid": "#4d7c0f",
    "meal_point": "#a16207",
}
# Village-level markers first, institutions last (on top where they share a seat).
DRAW_ORDER = {
    "public_home": 3,
    "private_home": 3,
    "county_centre": 3,
    "special_care": 3,
    "glory_home": 3,
    "regional_centre": 2,
}
REPORTING_KINDS = ("public_home", "private_home", "mutual_aid", "community_station", "day_care")


def _region(request: HttpRequest, code: str | None) -> Region | None:
    common.require_network(request)
    if code:
        return common.region_in_scope(request, code)
    return common.home_region(request)


def report_status(facilities: list[Facility], today: dt.date) -> dict[str, Any]:
    """Last month's reports of the facilities with beds: missing (window closed), late, pending."""
    months = common.last_months(today, 1)
    month = months[0]
    due_day = report_due_day()
    expected = [f for f in facilities if f.beds and f.kind in REPORTING_KINDS and f.status == Status.OPEN]
    filed = {
        r.facility_id: r
        for r in CapacityReport.objects.filter(facility__in=expected, month=month, current=True)
    }
    rows: dict[str, list[Facility]] = defaultdict(list)
    for f in expected:
        report = filed.get(f.pk)
        state = status_of(month, report.filed_at.date() if report else None, today, due_day)
        if report is not None and report.late:
            state = "late"
        rows[state].append(f)
    return {
        "month": month,
        "expected": len(expected),
        "missing": rows["missing"],
        "late": rows["late"],
        "pending": rows["pending"],
    }


def _unit_rows(
    region: Region, facilities: list[Facility], checks: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """One row per township (county page) or village (township page)."""
    child = Level.TOWNSHIP if region.level == Level.COUNTY else Level.VILLAGE
    digits = 9 if child == Level.TOWNSHIP else 12
    no_centre = failing_codes(checks, "township_centre")
    no_station = failing_codes(checks, "village_station")
    outside = failing_codes(checks, "service_circle")
    low_beds = failing_codes(checks, "beds_per_100")
    by_unit: dict[str, list[Facility]] = defaultdict(list)
    for f in facilities:
        by_unit[f.region_id[:digits]].append(f)
    villages_of: dict[str, set[str]] = defaultdict(set)
    for code in Region.objects.filter(code__startswith=region.prefix, level=Level.VILLAGE).values_list(
        "code", flat=True
    ):
        villages_of[code[:9]].add(code)
    rows = []
    for unit in Region.objects.filter(code__startswith=region.prefix, level=child).order_by("code"):
        mine = by_unit.get(unit.code[:digits], [])
        kinds = Counter(f.kind for f in mine)
        village_codes = villages_of[unit.code[:9]] if child == Level.TOWNSHIP else {unit.code}
        rows.append(
            {
                "code": unit.code,
                "name": unit.name,
                "facilities": len(mine),
                "beds": sum(f.beds for f in mine),
                "centre": kinds.get(FacilityKind.REGIONAL_CENTRE, 0),
                "stations": kinds.get(FacilityKind.VILLAGE_STATION, 0),
                "villages": len(village_codes),
                "no_station": len(village_codes & no_station),
                "outside": len(village_codes & outside),
                "flags": [
                    label
                    for flag, label in (
                        (unit.code in no_centre, "无乡镇养老服务中心"),
                        (unit.code in low_beds, "床位不足"),
                        (child == Level.VILLAGE and unit.code in no_station, "无村级站点"),
                        (child == Level.VILLAGE and unit.code in outside, "在服务圈外"),
                    )
                    if flag
                ],
            }
        )
    return rows


@login_required
def network(request: HttpRequest, code: str | None = None) -> HttpResponse:
    region = _region(request, code)
    today = common.today()
    if region is None:
        return render(request, "facilities/network.html", {"region": None})
    checks, no_rules = region_checks(region, today)
    facilities = list(
        scoped_facilities(request.user)
        .filter(region__code__startswith=region.prefix)
        .exclude(status=Status.CLOSED)
    )
    audit(
        request.user,
        Action.VIEW,
        request=request,
        object_type="region",
        object_id=region.code,
        summary=f"查看养老服务设施网络：{region.name}",
    )
    parent = Region.objects.filter(code=region.code[:6]).first() if region.level == Level.TOWNSHIP else None
    return render(
        request,
        "facilities/network.html",
        {
            "region": region,
            "parent": parent,
            "checks": checks,
            "failed": sum(1 for c in checks if not c["passed"]),
            "no_rules": no_rules,
            "units": _unit_rows(region, facilities, checks)
            if region.level in (Level.COUNTY, Level.TOWNSHIP)
            else [],
            "unit_word": "乡镇（苏木）" if region.level == Level.COUNTY else "村（嘎查、社区）",
            "kinds": Counter(f.get_kind_display() for f in facilities).most_common(),
            "total": len(facilities),
            "reports": report_status(facilities, today),
            "today": today,
            "has_geo": geo.county_geo(region.code[:6]) is not None,
        },
    )


@login_required
def map_page(request: HttpRequest, code: str | None = None) -> HttpResponse:
    region = _region(request, code)
    data_url = reverse("facilities:map-data", args=[region.code]) if region else ""
    return render(
        request,
        "facilities/map.html",
        {
            "region": region,
            "data_url": data_url,
            "legend": [(KIND_COLOURS[k], label) for k, label in FacilityKind.choices],
            "note": geo.NOTE,
        },
    )


def _facility_points(request: HttpRequest, region: Region) -> list[dict[str, Any]]:
    out = []
    qs = (
        scoped_facilities(request.user)
        .filter(region__code__startswith=region.prefix)
        .exclude(status=Status.CLOSED)
    )
    for f in sorted(qs, key=lambda f: (DRAW_ORDER.get(f.kind, 0), f.name)):
        if f.lon is None or f.lat is None:
            continue
        lon, lat = to_wgs84(f.lon, f.lat, f.coordinate_system)
        out.append(
            {
                "id": f.pk,
                "name": f.name,
                "kind": f.kind,
                "label": f.get_kind_display(),
                "colour": KIND_COLOURS.get(f.kind, "#475569"),
                "beds": f.beds,
                "inactive": f.status != Status.OPEN,
                "status": f.get_status_display(),
                "lon": round(lon, 6),
                "lat": round(lat, 6),
                "url": reverse("facilities:detail", args=[f.pk]),
            }
        )
    return out


@login_required
def map_data(request: HttpRequest, code: str) -> HttpResponse:
    region = _region(request, code)
    assert region is not None
    county = common.county_of(region)
    inside = region.prefix if region.level in (Level.TOWNSHIP, Level.VILLAGE) else None
    checks, _ = region_checks(region, common.today())
    outside = failing_codes(checks, "service_circle")
    no_station = failing_codes(checks, "village_station")
    villages = geo.feature_collection(county.code, "village", inside=inside)
    for feature in villages["features"]:
        props = feature["properties"]
        props["outside"] = props["code"] in outside
        props["no_station"] = props["code"] in no_station
    townships = geo.feature_collection(county.code, "township", inside=inside)
    for feature in townships["features"]:
        feature["properties"]["url"] = reverse(
            "facilities:network-region", args=[feature["properties"]["code"]]
        )
    audit(
        request.user,
        Action.VIEW,
        request=request,
        object_type="region",
        object_id=region.code,
        summary=f"查看养老服务设施地图：{region.name}",
    )
    circle = next((c for c in checks if c["check"] == "service_circle"), None)
    return JsonResponse(
        {
            "region": {"code": region.code, "name": region.name},
            "note": geo.NOTE,
            "generated": True,
            "county": geo.feature_collection(county.code, "county") if inside is None else None,
            "townships": townships,
            "villages": villages,
            "facilities": _facility_points(request, region),
            "circle_metres": circle["detail"]["metres"] if circle and "detail" in circle else None,
            "outside": len(outside & {f["properties"]["code"] for f in villages["features"]}),
        }
    )
