"""Reading the queue: the estimated wait from the homes' turnover, the public (anonymised) queue."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet

from yanglao.carehomes.models import Application, AppStatus, Residence
from yanglao.core.admissions.explain import months_before
from yanglao.facilities.models import Facility, FacilityKind


@dataclass(frozen=True)
class Wait:
    place: str
    per_month: float  # admissions per month over the last 12 months
    months: float | None  # estimated months until the applicant's turn; None: no admissions to go by


def public_homes(code: str) -> QuerySet[Facility]:
    return Facility.objects.filter(kind=FacilityKind.PUBLIC_HOME, region__code__startswith=code).order_by(
        "name"
    )


def turnover(code: str, on: dt.date) -> dict[int, int]:
    """Admissions of the last 12 months per public home of county ``code`` (facility pk → count)."""
    since = months_before(on, 12)
    rows = (
        Residence.objects.filter(
            facility__kind=FacilityKind.PUBLIC_HOME,
            facility__region__code__startswith=code,
            admitted_on__gt=since,
            admitted_on__lte=on,
        )
        .values("facility_id")
        .annotate(n=Count("id"))
    )
    return {r["facility_id"]: r["n"] for r in rows}


def waits(app: Application, on: dt.date) -> list[Wait]:
    """The estimated wait of ``app`` overall and per preferred home (or per public home): its position ÷
    the admissions per month of the last 12 months."""
    counts = turnover(app.rules, on)
    position = app.position
    homes = list(app.preferred.all()) or list(public_homes(app.rules))

    def one(place: str, admitted: int) -> Wait:
        per = admitted / 12
        months = None if position is None or per == 0 else round(position / per, 1)
        return Wait(place, round(per, 2), months)

    out = [one("全部公办养老机构", sum(counts.values()))]
    out += [one(f.name, counts.get(f.pk, 0)) for f in homes]
    return out


def queue(code: str) -> QuerySet[Application]:
    """The county's queue in order (eligible, waiting or offered, with a position)."""
    return Application.objects.filter(
        rules=code, status__in=(AppStatus.WAITING, AppStatus.OFFERED), position__isnull=False
    ).order_by("position")


def public_name(name: str) -> str:
    """王秀英 → 王*英, 欧阳小明 → 欧**明, 张三 → 张*: the first and (from three characters) the last."""
    if len(name) <= 2:
        return name[:1] + "*" * (len(name) - 1)
    return name[0] + "*" * (len(name) - 2) + name[-1]


def public_rows(apps: Any) -> list[dict[str, Any]]:
    """The public queue's rows: a masked name, the class, the application month, the position — no ID
    number, no health data, no address."""
    return [
        {
            "position": a["position"],
            "name": public_name(a["person__name"]),
            "class_name": a["class_name"],
            "month": f"{a['applied_on'].year}年{a['applied_on'].month}月",
        }
        for a in apps.values("position", "person__name", "class_name", "applied_on")
    ]


def lookup(number: str, tail: str) -> Application | None:
    """An application by its number and the last 4 characters of the ID number; None on any mismatch
    (one answer for a wrong number and wrong digits)."""
    number, tail = number.strip().upper(), tail.strip().upper()
    if len(tail) != 4:
        return None
    app = Application.objects.filter(number=number).select_related("person").first()
    if app is None or app.person.id_number[-4:].upper() != tail:
        return None
    return app
