"""Who sees which region's statistics.

A user sees the statistics of their own region and of every region inside it (a county caseworker
every township and village of the county; a township caseworker only their township and its
villages); the system administrator without a region sees all. A region outside answers 404 like a
region that does not exist, and the attempt is audited. The figures are counted over
:func:`yanglao.registry.access.scoped_persons` of the user (the region lies inside that scope, so the
counts are the region's own).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from yanglao.accounts.scope import deny, may, scope_of
from yanglao.regions.models import Region
from yanglao.registry.access import scoped_persons
from yanglao.registry.models import Person


def home_region(user: Any) -> Region | None:
    """The region a user's statistics start from (None: the administrator without a region)."""
    return user.region if getattr(user, "region_id", None) else None


def may_see(user: Any, region: Region) -> bool:
    return may(user, "stats.read") and scope_of(user).covers(region.code)


def access_region(request: HttpRequest, code: str, *, purpose: str = "查看统计") -> Region:
    region = Region.objects.filter(code=code).first()
    if region is None or not may_see(request.user, region):
        raise deny(
            request,
            exists=region is not None,
            object_type="region",
            object_id=code,
            what=f"{purpose} {region.name if region is not None else code}",
            message="未找到该区划",
        )
    return region


def stats_persons(request: HttpRequest) -> QuerySet[Person]:
    """The people the user's statistics are counted over (their scope)."""
    return scoped_persons(request.user)


def ancestors_in_scope(user: Any, region: Region) -> list[Region]:
    """The path from the user's own region down to ``region`` (for the breadcrumbs)."""
    out: list[Region] = []
    node: Region | None = region
    while node is not None and may_see(user, node):
        out.append(node)
        node = node.parent
    return list(reversed(out))
