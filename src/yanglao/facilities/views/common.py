"""What every facility page asks first: may the user open it, and which facility or region in their scope.

Access goes through the one mechanism: ``require`` (403 for a role that may never), ``scoped_facilities``
(the facilities a user may see: their region's; care-home staff only their own) and ``deny`` (an
out-of-scope facility or region answers 404 like a missing one, audited when it exists).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from yanglao.accounts.scope import deny, require, scope_of
from yanglao.audit.log import audit
from yanglao.audit.models import Action
from yanglao.facilities.access import scoped_facilities
from yanglao.facilities.models import Facility
from yanglao.regions.models import Level, Region

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def facility_in_scope(request: HttpRequest, pk: int, verb: str = "facilities.read") -> Facility:
    """The facility ``pk`` if the user may ``verb`` (else 403) and see it (else audited 404)."""
    require(request, verb)
    facility = scoped_facilities(request.user).select_related("region").filter(pk=pk).first()
    if facility is None:
        exists = Facility.objects.filter(pk=pk).exists()
        raise deny(
            request, exists=exists, object_type="facility", object_id=str(pk), what=f"养老服务设施 {pk}"
        )
    return facility


def require_network(request: HttpRequest) -> None:
    """The network, its checks and the map are for the bureau and the auditors (the verb
    ``facilities.network``: county, township, administrator, auditor); care-home staff, who see only
    their own facility, and visitors get the 403."""
    require(request, "facilities.network")


def region_of_user(request: HttpRequest) -> Region | None:
    region = getattr(request.user, "region", None)
    return region if isinstance(region, Region) else None


def region_in_scope(request: HttpRequest, code: str) -> Region:
    """The region ``code`` if inside the user's scope, else the audited 404."""
    region = Region.objects.filter(code=code).first()
    if region is None or not scope_of(request.user).covers(region.code):
        raise deny(
            request, exists=region is not None, object_type="region", object_id=code, what=f"区划 {code}"
        )
    return region


def home_region(request: HttpRequest) -> Region | None:
    """The region the network pages open on: the user's own, or the first county with facilities."""
    region = region_of_user(request)
    if region is not None:
        return region
    first = Facility.objects.order_by("region_id").values_list("region_id", flat=True).first()
    return Region.objects.filter(code=first[:6]).first() if first else None


def county_of(region: Region) -> Region:
    if region.level in (Level.TOWNSHIP, Level.VILLAGE):
        return Region.objects.get(code=region.code[:6])
    return region


def townships_in_scope(request: HttpRequest) -> list[Region]:
    """The townships the user may pick in a filter: those of their scope (the administrator: those with
    facilities)."""
    scope = scope_of(request.user)
    qs = Region.objects.filter(level=Level.TOWNSHIP).order_by("code")
    if scope.nothing:
        return []
    if scope.everything:
        codes = {c[:9] + "000" for c in Facility.objects.values_list("region_id", flat=True) if len(c) == 12}
        return list(qs.filter(code__in=codes))
    return list(qs.filter(code__startswith=(scope.prefix or "")[:9]))


def visible(request: HttpRequest) -> QuerySet[Facility]:
    require(request, "facilities.read")
    return scoped_facilities(request.user)


def xlsx_download(
    request: HttpRequest, *, data: bytes, filename: str, summary: str, count: int, object_id: str = "list"
) -> HttpResponse:
    """An XLSX download, audited as an export."""
    audit(
        request.user,
        Action.EXPORT,
        request=request,
        object_type="facility",
        object_id=object_id,
        summary=f"导出{summary}，{count} 行"[:300],
    )
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def month_label(month: dt.date) -> str:
    return f"{month:%Y-%m}"


def last_months(today: dt.date, n: int) -> list[dt.date]:
    """The first days of the ``n`` months before ``today``'s month, oldest first."""
    out = []
    index = today.year * 12 + today.month - 1
    for back in range(n, 0, -1):
        i = index - back
        out.append(dt.date(i // 12, i % 12 + 1, 1))
    return out


def today() -> dt.date:
    return timezone.localdate()
