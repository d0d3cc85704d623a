"""The assessments list (评估列表): every assessment of the user's people, filtered by township,
village, level, state and date range, paged, each row with the person's masked ID number."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from yanglao.accounts.scope import scope_of
from yanglao.assessments.models import Assessment, Scale, Status
from yanglao.core.assessment import instrument
from yanglao.regions.models import Level, Region
from yanglao.registry.models import Person

PAGE = 50
LEGACY = "legacy"


@dataclass
class Filters:
    township: str = ""
    village: str = ""
    level: str = ""
    state: str = ""
    since: dt.date | None = None
    until: dt.date | None = None
    problems: list[str] = field(default_factory=list)

    def query(self) -> dict[str, str]:
        """The chosen filters as the page's query (for the pager and the form)."""
        out = {"township": self.township, "village": self.village, "level": self.level, "state": self.state}
        out["since"] = self.since.isoformat() if self.since else ""
        out["until"] = self.until.isoformat() if self.until else ""
        return {k: v for k, v in out.items() if v}


def level_choices() -> list[tuple[str, str]]:
    return [(str(lv.level), f"{lv.level} {lv.name}") for lv in instrument().levels] + [
        (LEGACY, "MZ/T 039-2013 旧标准结果")
    ]


def townships_of(user: Any) -> list[Region]:
    """The townships inside the user's scope (the township itself for a township user)."""
    scope = scope_of(user)
    if scope.nothing:
        return []
    qs = Region.objects.filter(level=Level.TOWNSHIP)
    if scope.prefix:
        qs = qs.filter(Q(code__startswith=scope.prefix) | Q(code=getattr(user, "region_id", "")))
    return list(qs.order_by("code"))


def villages_of(township: Region | None, user: Any) -> list[Region]:
    if township is None:
        return []
    scope = scope_of(user)
    return [
        r
        for r in Region.objects.filter(parent=township, level=Level.VILLAGE).order_by("code")
        if scope.covers(r.code) or scope.prefix == township.prefix
    ]


def _date(raw: str, label: str, problems: list[str]) -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        problems.append(f"{label}应为 YYYY-MM-DD，实际为“{raw}”")
        return None


def read_filters(get: Any, townships: list[Region]) -> tuple[Filters, Region | None]:
    f = Filters()
    codes = {t.code: t for t in townships}
    township = codes.get(get.get("township", ""))
    if township is None and len(townships) == 1:  # a township user: its villages offered at once
        only = townships[0]
        village = get.get("village", "")
        f.village = village if village.startswith(only.prefix) and len(village) == 12 else ""
        township = only
    elif township is not None:
        f.township = township.code
        village = get.get("village", "")
        if village.startswith(township.prefix) and len(village) == 12:
            f.village = village
    if get.get("level", "") in dict(level_choices()):
        f.level = get["level"]
    if get.get("state", "") in Status.values:
        f.state = get["state"]
    f.since = _date(get.get("since", ""), "评估日期自", f.problems)
    f.until = _date(get.get("until", ""), "评估日期至", f.problems)
    return f, township


def filtered(persons: QuerySet[Person], f: Filters) -> QuerySet[Assessment]:
    qs = Assessment.objects.filter(person__in=persons)
    if f.village:
        qs = qs.filter(person__residence_region=f.village)
    elif f.township:
        qs = qs.filter(person__residence_region__startswith=f.township[:9])
    if f.level == LEGACY:
        qs = qs.filter(scale=Scale.MZT_039)
    elif f.level:
        qs = qs.filter(final_level=int(f.level))
    if f.state:
        qs = qs.filter(status=f.state)
    if f.since:
        qs = qs.filter(reference_date__gte=f.since)
    if f.until:
        qs = qs.filter(reference_date__lte=f.until)
    return qs.select_related("person").order_by("-reference_date", "-updated_at", "-pk")
