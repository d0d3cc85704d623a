"""What a month's institution settlement pays each public home for each resident: the items whose payee is
the institution, with amounts from the county's catalogue parameters (:mod:`yanglao.core.catalog`).

- 集中供养 basic living (特困人员基本生活标准, paid to the home that supports the person): the local 低保
  standard × the catalogue's minimum multiple (``dibao_standard`` × ``tekun_basic_living_multiple``);
- 医养护理经费 (卧龙区 item 11): ``integrated_care_funding_amount`` for each 特困 supported by a 敬老院 that
  offers medical care (服务项目 “助医”: our reading of “实施医养一体化服务的敬老院”).

Per resident and day: a month's amount × the days resident ÷ the days of the month, to the cent. A death
ends the days on the death date (nothing from the day after); a discharge or transfer on the day before
(the new home counts the transfer day)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q

from yanglao.carehomes.models import EndReason, Residence
from yanglao.core.catalog.model import Catalog
from yanglao.core.catalog.source import catalog_on
from yanglao.core.payments import Month
from yanglao.facilities.models import FacilityKind, Service

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Due:
    residence: Residence
    item: str
    item_name: str
    days: int
    amount: Decimal
    basis: str


def _param(catalog: Catalog, name: str, on: dt.date) -> Decimal | None:
    parameter = catalog.parameters.get(name)
    value = parameter.value_on(on) if parameter else None
    return None if value is None else Decimal(value.value)


def monthly_items(catalog: Catalog, on: dt.date, integrated: bool) -> list[tuple[str, str, Decimal, str]]:
    """(item, name, monthly amount, basis) the home is paid for one 集中供养 特困 resident."""
    out = []
    dibao = _param(catalog, "dibao_standard", on)
    multiple = _param(catalog, "tekun_basic_living_multiple", on)
    if dibao is not None and multiple is not None:
        amount = (dibao * multiple).quantize(CENT, ROUND_HALF_UP)
        basis = f"低保标准 {dibao} 元 × {multiple} 倍（清单参数 dibao_standard、tekun_basic_living_multiple）"
        out.append(("tekun_basic_living", "特困人员集中供养基本生活费", amount, basis))
    care = _param(catalog, "integrated_care_funding_amount", on)
    if care is not None and integrated:
        basis = f"{care} 元/人/月（清单参数 integrated_care_funding_amount）"
        out.append(("integrated_care_funding", "敬老院医养护理经费", care, basis))
    return out


def days_in(residence: Residence, month: Month) -> int:
    start = max(residence.admitted_on, month.first)
    end = month.last
    if residence.ended_on is not None:
        last_day = residence.ended_on
        if residence.end_reason != EndReason.DEATH:
            last_day -= dt.timedelta(days=1)
        end = min(end, last_day)
    death = residence.person.death_date
    if death is not None:
        end = min(end, death)
    return max(0, (end - start).days + 1)


def dues(county: str, catalog_code: str, month: Month) -> list[Due]:
    catalog = catalog_on(catalog_code, month.last)
    length = (month.last - month.first).days + 1
    homes = Residence.objects.filter(
        facility__kind=FacilityKind.PUBLIC_HOME,
        facility__region__code__startswith=county,
        admitted_on__lte=month.last,
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=month.first))
    out: list[Due] = []
    for r in homes.select_related("person", "facility").order_by("facility__name", "person_id", "id"):
        if not (r.centralized or r.person.tekun == "centralized"):
            continue
        days = days_in(r, month)
        if days == 0:
            continue
        integrated = Service.MEDICAL in (r.facility.services or [])
        for item, name, monthly, basis in monthly_items(catalog, month.last, integrated):
            amount = (monthly * days / length).quantize(CENT, ROUND_HALF_UP)
            text = f"{basis}；在院 {days}/{length} 天" if days < length else basis
            out.append(Due(r, item, name, days, amount, text[:300]))
    return out
