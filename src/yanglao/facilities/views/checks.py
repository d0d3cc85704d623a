"""The planning checks as the pages show them: for a region (the network page, the map) and the ones
concerning one facility (its page). The checks themselves are "facilities"'s (``facilities.checks``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest

from yanglao.facilities.models import Facility
from yanglao.regions.models import Region

CHECK_HELP = {
    "service_circle": "直线距离，非步行路线；村（社区）以生成的示意位置计算",
    "beds_per_100": "按乡镇（苏木）计算",
}


def region_checks(region: Region, on: dt.date) -> tuple[list[dict[str, Any]], str]:
    """The checks of ``region`` as dicts (the core's ``as_dict``), and why there are none (no rules)."""
    # the checks' frames (Polars): imported when a page shows checks, not with the URL modules
    from yanglao.facilities.checks import NoRules, network_checks

    try:
        results = network_checks(region, on)
    except NoRules as exc:
        return [], str(exc)
    out = []
    for r in results:
        item = r.as_dict()
        item["help"] = CHECK_HELP.get(r.check, "")
        item["failing_count"] = len(r.failing)
        out.append(item)
    return out, ""


def checks_concerning(request: HttpRequest, facility: Facility, on: dt.date) -> list[dict[str, Any]]:
    """The checks of the facility's township whose failing places are the facility, its village or its
    township, each with those places only."""
    code = facility.region_id
    township_code = code[:9] + "000" if len(code) == 12 else code
    region = Region.objects.filter(code=township_code).first()
    if region is None:
        return []
    checks, _ = region_checks(region, on)
    out = []
    for c in checks:
        mine = [
            place
            for place in c["failing"]
            if place.get("facility") == facility.pk or place.get("code") in (code, township_code)
        ]
        out.append({**c, "failing": mine, "concerns": bool(mine)})
    return out


def failing_codes(checks: list[dict[str, Any]], name: str) -> set[str]:
    for c in checks:
        if c["check"] == name:
            return {str(p.get("code")) for p in c["failing"]}
    return set()
