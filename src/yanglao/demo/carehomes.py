"""The demo's public care homes (公办养老机构): residents in the county's public 敬老院 as many as their last
capacity report shows in use (护理型 beds for the 失能), a queue of applications ranked by the admissions
core, offers (one declined, one expired, one refused by the home with its reason), deaths and withdrawals
while waiting. Run after the facilities network and the population are built."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db.models import Q

from yanglao.carehomes import actions
from yanglao.carehomes.models import Application, AppStatus, OfferState, Residence, VacancySource
from yanglao.core.admissions import list_rules
from yanglao.facilities.models import Facility, FacilityKind, Status
from yanglao.facilities.reportmodels import CapacityReport
from yanglao.regions.models import Region
from yanglao.registry.models import Person

QUEUE = 120  # waiting applications at most


def _in_use(home: Facility) -> tuple[int, int]:
    """(residents, of them in 护理型 beds) from the home's latest current capacity report."""
    report = CapacityReport.objects.filter(facility=home, current=True).order_by("-month").first()
    if report is None:
        return min(home.occupied_beds, home.beds), 0
    total = min(report.general_in_use + report.nursing_in_use, home.beds)
    return total, min(report.nursing_in_use, home.nursing_beds, total)


def _disabled(p: Person) -> bool:
    return (p.ability_level or 0) >= 1 or bool(p.self_care_unable)


def _residents(
    homes: list[Facility], people: list[Person], rng: random.Random, on: dt.date
) -> list[Residence]:
    """集中供养 特困 first (they live in a home), then others; the 失能 in 护理型 beds."""
    central = [p for p in people if p.tekun == "centralized"]
    others = [p for p in people if p.tekun in (None, "none") and (p.dibao or (p.ability_level or 0) >= 2)]
    rng.shuffle(others)
    pool = central + others
    used: set[int] = set()
    out: list[Residence] = []
    for home in homes:
        total, nursing = _in_use(home)
        want = [("nursing", nursing), ("general", total - nursing)]
        for bed, count in want:
            for p in pool:
                if count == 0:
                    break
                if p.pk in used or (bed == "nursing") != _disabled(p):
                    continue
                used.add(p.pk)
                count -= 1
                days = rng.randrange(1, 365) if rng.random() < 0.3 else rng.randrange(365, 6 * 365)
                out.append(
                    Residence(
                        person=p,
                        facility=home,
                        nursing=bed == "nursing",
                        admitted_on=on - dt.timedelta(days=days),
                        events=[
                            {
                                "on": str(on - dt.timedelta(days=days)),
                                "what": "入住",
                                "note": home.name,
                                "by": "演示",
                            }
                        ],
                    )
                )
    return out


def _number(code: str, day: dt.date, seq: int) -> str:
    return f"RZ{code}{day.year}{seq:05d}"


def build_carehomes(county: Region, on: dt.date | None = None) -> dict[str, Any]:
    from django.utils import timezone

    on = on or timezone.localdate()
    code = county.code[:6]
    if code not in list_rules():
        return {"skipped": f"{county.name}没有公办养老机构入住规则"}
    rng = random.Random(int(code) + 15)
    homes = list(
        Facility.objects.filter(
            kind=FacilityKind.PUBLIC_HOME, region__code__startswith=code, status=Status.OPEN
        ).order_by("name")
    )
    alive = Q(death_date__isnull=True) | Q(death_date__gt=on)
    people = list(
        Person.objects.filter(
            Q(residence_region__startswith=code), alive, birth_date__lte=dt.date(on.year - 60, on.month, 1)
        ).order_by("id")
    )
    residences = _residents(homes, people, rng, on)
    Residence.objects.bulk_create(residences)
    placed = {r.person_id for r in residences}
    seq = 0
    apps: list[Application] = []
    for r in residences:
        if (on - r.admitted_on).days < 365:
            seq += 1
            applied = r.admitted_on - dt.timedelta(days=rng.randrange(20, 300))
            apps.append(
                Application(
                    number=_number(code, applied, seq),
                    person=r.person,
                    rules=code,
                    applied_on=applied,
                    status=AppStatus.RESIDENT,
                    status_on=r.admitted_on,
                    needs_nursing=r.nursing,
                )
            )
    since = on - dt.timedelta(days=360)
    candidates = [
        p
        for p in people
        if p.pk not in placed
        and p.ability_assessed_on is not None
        and p.ability_assessed_on >= since
        and p.ability_level is not None
    ]
    priority = [p for p in candidates if p.tekun == "dispersed" or (p.disability_grade or 9) <= 2]
    rest = [p for p in candidates if p not in priority and (p.dibao or (p.ability_level or 0) >= 2)]
    rng.shuffle(priority)
    rng.shuffle(rest)
    waiting = (priority[: QUEUE // 2] + rest)[:QUEUE]
    for i, p in enumerate(waiting):
        seq += 1
        applied = on - dt.timedelta(days=rng.randrange(5, 600))
        status, note = AppStatus.WAITING, ""
        if i % 25 == 7:
            status, note = AppStatus.WITHDRAWN, "家属决定居家照料"
        apps.append(
            Application(
                number=_number(code, applied, seq),
                person=p,
                rules=code,
                applied_on=applied,
                status=status,
                status_on=on,
                status_note=note,
                needs_nursing=actions.needs_nursing(p),
            )
        )
    dead = Person.objects.filter(
        residence_region__startswith=code,
        death_date__lte=on,
        death_date__gt=since,
        ability_level__isnull=False,
    ).order_by("id")[:3]
    for p in dead:
        seq += 1
        applied = (p.death_date or on) - dt.timedelta(days=rng.randrange(60, 300))
        apps.append(
            Application(
                number=_number(code, applied, seq),
                person=p,
                rules=code,
                applied_on=applied,
                status=AppStatus.DIED,
                status_on=p.death_date or on,
                status_note=f"轮候期间去世（{p.death_date}）",
            )
        )
    Application.objects.bulk_create(apps)
    queued = actions.rerank(code, on)
    offers = _offers(homes, residences, on)
    return {
        "residents": len(residences),
        "applications": len(apps),
        "queue": actions.rerank(code, on) if offers else queued,
        "offers": offers,
    }


def _offers(homes: list[Facility], residences: list[Residence], on: dt.date) -> int:
    """Vacancies where beds are free: one offer declined, one expired, one refused with a reason."""
    count = 0
    steps = [
        (OfferState.DECLINED, "家属希望入住离家近的敬老院", 12),
        (OfferState.EXPIRED, "", 20),
        (OfferState.REFUSED, "需要24小时医疗护理，本院暂无医护人员", 6),
    ]
    free = {h.pk: h.beds - sum(r.facility_id == h.pk for r in residences) for h in homes}
    free_nursing = {
        h.pk: h.nursing_beds - sum(r.facility_id == h.pk and r.nursing for r in residences) for h in homes
    }
    while steps:
        home = max(homes, key=lambda h: free[h.pk], default=None)
        if home is None or free[home.pk] < 1:
            break
        free[home.pk] -= 1
        nursing = free_nursing[home.pk] > 0
        free_nursing[home.pk] -= nursing
        state, reason, back = steps.pop(0)
        day = on - dt.timedelta(days=back)
        vacancy = actions.open_vacancy(
            home,
            nursing=nursing,
            source=VacancySource.REPORT,
            on=day,
            note="月度运营情况报告显示空床",
        )
        offer = vacancy.offers.first()
        if offer is None:
            continue
        count += 1
        if state == OfferState.EXPIRED:
            count += actions.expire_due(on)
        else:
            nxt = actions.decide(None, offer, state, reason, day + dt.timedelta(days=2))
            count += nxt is not None
    return count
