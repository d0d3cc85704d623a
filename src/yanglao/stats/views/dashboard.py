"""The leaders' dashboard: one screen per region, with charts, drill-down and trends."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models.functions import Substr
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from yanglao.accounts.current import current_user
from yanglao.regions.models import Level, Region
from yanglao.registry.models import Person
from yanglao.stats import labels
from yanglao.stats.access import access_region, ancestors_in_scope, home_region, may_see, stats_persons
from yanglao.stats.compute import dashboard_answer, entitlements_answer
from yanglao.stats.views.common import date_param


@login_required
def index(request: HttpRequest) -> HttpResponse:
    region = home_region(current_user(request))
    if region is not None:
        return redirect("stats:region", code=region.code)
    codes = Person.objects.annotate(c=Substr("hukou_region", 1, 6)).values_list("c", flat=True).distinct()
    counties = Region.objects.filter(code__in=set(codes), level=Level.COUNTY).order_by("code")
    return render(request, "stats/index.html", {"counties": counties})


def drillable(user: Any, units: list[dict[str, Any]]) -> set[str]:
    """The units a user may open (existing regions inside their scope)."""
    return {r.code for r in Region.objects.filter(code__in=[u["code"] for u in units]) if may_see(user, r)}


def chart_data(
    s: dict[str, Any], trends: dict[str, Any], region: Region, drill: set[str], on: str
) -> dict[str, Any]:
    g = s["special_groups"]
    units = s.get("units", [])
    data: dict[str, Any] = {
        "ages": {
            "labels": [labels.band_label(k) for k in s["age_bands"]],
            "values": list(s["age_bands"].values()),
        },
        "groups": {
            "labels": [labels.SPECIAL[k] for k in labels.SPECIAL] + ["计生特殊家庭", "优抚对象", "失能"],
            "values": [g[k] for k in labels.SPECIAL]
            + [g["fp_special"]["total"], g["youfu"]["total"], s["ability"]["disabled"]],
        },
        "ability": {
            "labels": list(labels.LEVELS.values()),
            "values": list(s["ability"]["by_level"].values()),
        },
        "trend": {
            "months": [r["month"] for r in trends["population"]],
            "p60": [r["population_60_plus"] for r in trends["population"]],
            "p80": [r["population_80_plus"] for r in trends["population"]],
        },
        "units": {
            "names": [u["name"] for u in units],
            "p60": [u["population_60_plus"] for u in units],
            "atd": [u["alone_tekun_disabled"] for u in units],
            "urls": [
                reverse("stats:region", kwargs={"code": u["code"]}) + f"?date={on}"
                if u["code"] in drill
                else ""
                for u in units
            ],
        },
        "facilities": {
            "labels": [
                labels.FACILITY_SHORT.get(r["kind"], r["label"])
                for r in s["facilities"]["by_kind"]
                if r["count"]
            ],
            "beds": [r["beds"] for r in s["facilities"]["by_kind"] if r["count"]],
            "nursing": [r["nursing_beds"] for r in s["facilities"]["by_kind"] if r["count"]],
            "occupied": [r["occupied_beds"] for r in s["facilities"]["by_kind"] if r["count"]],
        },
        "visits": None,
        "entitlements_url": reverse("stats:entitlements", kwargs={"code": region.code}) + f"?date={on}",
    }
    if "visits" in trends:
        data["visits"] = {
            "months": [r["month"] for r in trends["visits"]],
            "rates": [r["rate_percent"] for r in trends["visits"]],
        }
    return data


@login_required
def region_view(request: HttpRequest, code: str) -> HttpResponse:
    user = current_user(request)
    region = access_region(request, code)
    on = date_param(request)
    found = dashboard_answer(region, on, stats_persons(request))
    s, trends = found.value["stats"], found.value["trends"]
    drill = drillable(user, s.get("units", []))
    context = {
        "region": region,
        "on": on,
        "s": s,
        "path": ancestors_in_scope(user, region),
        "units": [{**u, "drill": u["code"] in drill} for u in s.get("units", [])],
        "unit_level": labels.UNIT_LEVEL.get(s.get("unit_level", ""), ""),
        "charts": chart_data(s, trends, region, drill, on.isoformat()),
        "has_children": bool(s.get("units")),
        "capabilities": found.value["capabilities"],
        "stale_note": found.note(),
    }
    return render(request, "stats/dashboard.html", context)


@login_required
def entitlements_json(request: HttpRequest, code: str) -> JsonResponse:
    """The entitlement figures (the engine takes a while on a whole county: loaded after the page)."""
    region = access_region(request, code)
    on = date_param(request)
    found = entitlements_answer(region, on)
    return JsonResponse({"date": on.isoformat(), "entitlements": found.value, "stale_note": found.note()})
