"""Figures of the care homes for the dashboard and the bulletin: plain dicts with Chinese labels.

- :func:`centralized_rate` — 集中供养率 (集中供养 特困 who cannot look after themselves ÷ all such 特困)
  against the target (a dated parameter with its reference);
- :func:`placement_worklist` — 应收尽收: 特困 who cannot look after themselves, want placement, not placed;
- :func:`queue_figures` — waiting times, offers, declines, deaths and withdrawals while waiting;
- :func:`occupancy` — occupancy of the public homes.
"""

from __future__ import annotations

import datetime as dt
from statistics import median
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet

from yanglao.carehomes import params
from yanglao.carehomes.models import Application, AppStatus, Offer, OfferState, Residence, ResidenceState
from yanglao.carehomes.queries import public_homes
from yanglao.core.stats.indicators import definition
from yanglao.registry.models import Person
from yanglao.registry.ruleq import rule_q


def _tekun_unable(on: dt.date) -> Q:
    """生活不能自理的特困人员: the statistics' named definition ``tekun_unable`` (core/stats/indicators.yaml)."""
    return rule_q(definition("tekun_unable").rule, on, vendor=connection.vendor)


def _alive(code: str, on: dt.date) -> QuerySet[Person]:
    return Person.objects.filter(
        Q(residence_region__startswith=code) | Q(hukou_region__startswith=code),
        Q(death_date__isnull=True) | Q(death_date__gt=on),
    )


def centralized_rate(code: str, on: dt.date) -> dict[str, Any]:
    unable = _alive(code, on).filter(_tekun_unable(on))
    total = unable.count()
    central = unable.filter(tekun="centralized").count()
    rate = round(100 * central / total, 1) if total else None
    out: dict[str, Any] = {
        "label": "生活不能自理特困人员集中供养率",
        "集中供养": central,
        "生活不能自理特困人员": total,
        "集中供养率（%）": rate,
    }
    target = params.parameters()["centralized_rate_target"]
    if code == "152223" and (value := target.value_on(on)) is not None:
        out["目标（%）"] = float(value.value)
        out["目标依据"] = value.reference
        out["达标"] = rate is not None and rate >= float(value.value)
    return out


def placement_worklist(code: str, on: dt.date) -> QuerySet[Person]:
    """特困 who cannot look after themselves, want placement (an application in the queue or an applicant
    of 入住意愿) and are not placed (no open residence)."""
    placed = Residence.objects.exclude(state=ResidenceState.ENDED).values("person_id")
    wanting = Application.objects.filter(
        status__in=(AppStatus.WAITING, AppStatus.OFFERED), wants_placement=True
    ).values("person_id")
    return (
        _alive(code, on)
        .filter(_tekun_unable(on), pk__in=wanting)
        .exclude(pk__in=placed)
        .order_by("residence_region", "id")
    )


def queue_figures(code: str, on: dt.date) -> dict[str, Any]:
    apps = Application.objects.filter(rules=code)
    waiting = apps.filter(status__in=(AppStatus.WAITING, AppStatus.OFFERED))
    admitted = apps.filter(status=AppStatus.RESIDENT).values_list("applied_on", "status_on")
    days = [(s - a).days for a, s in admitted]
    offers = Offer.objects.filter(application__rules=code)
    return {
        "label": "公办养老机构轮候",
        "轮候人数": waiting.filter(position__isnull=False).count(),
        "已入住": len(days),
        "入住前平均等待（天）": round(sum(days) / len(days), 1) if days else None,
        "入住前等待中位数（天）": median(days) if days else None,
        "入住通知": offers.count(),
        "申请人放弃": offers.filter(state=OfferState.DECLINED).count(),
        "逾期未答复": offers.filter(state=OfferState.EXPIRED).count(),
        "机构拒收": offers.filter(state=OfferState.REFUSED).count(),
        "轮候期间去世": apps.filter(status=AppStatus.DIED).count(),
        "撤回申请": apps.filter(status=AppStatus.WITHDRAWN).count(),
    }


def occupancy(code: str) -> list[dict[str, Any]]:
    out = []
    for home in public_homes(code):
        residents = Residence.objects.filter(facility=home).exclude(state=ResidenceState.ENDED).count()
        out.append(
            {
                "养老机构": home.name,
                "床位": home.beds,
                "护理型床位": home.nursing_beds,
                "在院人数": residents,
                "入住率（%）": round(100 * residents / home.beds, 1) if home.beds else None,
            }
        )
    return out
