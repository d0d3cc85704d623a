"""The filters of the visits lists: township and village (names, inside the user's scope), follow-ups'
kind and state, and the follow-ups' explicit order.

A filter only narrows the user's scoped query set (``visits.access``): a code outside the scope gives
an empty list, never somebody else's people. Region names come from the public region tree.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.http import QueryDict

from yanglao.accounts.scope import scope_of
from yanglao.regions.models import Level, Region
from yanglao.visits.models import FollowUp, FollowUpKind, FollowUpStatus

CODE = re.compile(r"\d{12}")
OVERDUE = "overdue"
STATES = [
    (FollowUpStatus.OPEN.value, "待处理"),
    (OVERDUE, "已超时"),
    (FollowUpStatus.CLOSED.value, "已办结"),
    ("all", "全部"),
]


def _code(value: str | None) -> str:
    value = (value or "").strip()
    return value if CODE.fullmatch(value) else ""


@dataclass(frozen=True)
class RegionFilter:
    """``?township=…&village=…`` (12-digit codes; anything else is ignored)."""

    township: str = ""
    village: str = ""

    @classmethod
    def of(cls, query: QueryDict) -> RegionFilter:
        township = _code(query.get("township"))
        village = _code(query.get("village"))
        if not township.endswith("000"):
            township = ""
        if village and not township:
            township = village[:9] + "000"
        if village and not village.startswith(township[:9]):
            village = ""  # a village of another township than the one chosen (the township changed)
        return cls(township, village)

    def params(self) -> dict[str, str]:
        return {k: v for k, v in (("township", self.township), ("village", self.village)) if v}

    @property
    def prefix(self) -> str:
        """The code prefix the filter asks for ('' when none)."""
        if self.village:
            return self.village
        return self.township[:9] if self.township else ""


def village_q(code: str, prefix: str = "person__") -> Q:
    """The people visited in village ``code`` (``actions.village_of``: 常住地, else 户籍地)."""
    return Q(**{f"{prefix}residence_region": code}) | (
        Q(**{f"{prefix}hukou_region": code}) & ~Q(**{f"{prefix}residence_region__regex": r"^\d{12}$"})
    )


@dataclass(frozen=True)
class RegionChoices:
    townships: list[tuple[str, str]]
    villages: list[tuple[str, str]]


def region_choices(user: Any, chosen: RegionFilter) -> RegionChoices:
    """The townships of the user's scope, and the villages of the chosen (or the user's only) township."""
    scope = scope_of(user)
    prefix = scope.prefix or ""
    if scope.nothing or len(prefix) >= 12:
        return RegionChoices([], [])
    townships = list(
        Region.objects.filter(level=Level.TOWNSHIP, code__startswith=prefix).values_list("code", "name")
    )
    villages: list[tuple[str, str]] = []
    township = chosen.township or (townships[0][0] if len(townships) == 1 else "")
    if township and scope.covers(township):
        villages = list(
            Region.objects.filter(level=Level.VILLAGE, code__startswith=township[:9]).values_list(
                "code", "name"
            )
        )
    return RegionChoices(townships, villages)


@dataclass(frozen=True)
class FollowUpFilter:
    """The follow-ups asked for: state (待处理, 已超时, 已办结, 全部), kind, township, village."""

    state: str = FollowUpStatus.OPEN.value
    kind: str = ""
    region: RegionFilter = RegionFilter()

    @classmethod
    def of(cls, query: QueryDict) -> FollowUpFilter:
        state = query.get("status", FollowUpStatus.OPEN.value)
        kind = query.get("kind", "")
        return cls(
            state if state in dict(STATES) else FollowUpStatus.OPEN.value,
            kind if kind in FollowUpKind.values else "",
            RegionFilter.of(query),
        )

    def params(self) -> dict[str, str]:
        out = {"status": self.state}
        if self.kind:
            out["kind"] = self.kind
        return out | self.region.params()

    def query(self) -> str:
        return urlencode(self.params())

    def others(self) -> str:
        """The query without the state (the state links keep the other filters)."""
        return urlencode({k: v for k, v in self.params().items() if k != "status"})

    def apply(self, qs: QuerySet[FollowUp], now: dt.datetime) -> QuerySet[FollowUp]:
        if self.state == OVERDUE:
            qs = qs.filter(status=FollowUpStatus.OPEN, due_at__lt=now)
        elif self.state in FollowUpStatus.values:
            qs = qs.filter(status=self.state)
        if self.kind:
            qs = qs.filter(kind=self.kind)
        if self.region.township:
            qs = qs.filter(township_id=self.region.township)
        if self.region.village:
            qs = qs.filter(village_q(self.region.village))
        return ordered(qs, now)


def ordered(qs: QuerySet[FollowUp], now: dt.datetime) -> QuerySet[FollowUp]:
    """Open before closed; among the open, overdue first, then urgent, then by deadline (none last),
    newest first; the closed, latest closed first. Explicit on every database: no NULL order relied on."""
    is_open = Q(status=FollowUpStatus.OPEN)
    rank = Case(
        When(is_open & Q(due_at__lt=now), then=Value(0)),
        When(is_open & Q(kind=FollowUpKind.URGENT), then=Value(1)),
        When(is_open, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    return qs.annotate(rank=rank).order_by(
        "rank",
        F("closed_at").desc(nulls_last=True),
        F("due_at").asc(nulls_last=True),
        "-opened_at",
        "-pk",
    )
