"""The demo's home and community services in 扎赉特旗 (synthetic, seeded): providers with contracts,
workers, training and 助老联盟 volunteers; plans for older people who qualify; last month's orders and
check-ins (some late, some missed); each provider's claim for last month with a few anomalies planted
(a line without a check-in, one above the price cap, a duplicate, a person the registry does not know)
and matched by the core; meals at the meal points with one double claim; home-care beds and home
adaptations at different steps. Run after the facilities network and the population are built."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone

from yanglao.core.idnumber import make_id_number
from yanglao.facilities.models import Facility, FacilityKind
from yanglao.homeservices.claimmodels import Claim, ClaimLine
from yanglao.homeservices.claims import do_match_claim
from yanglao.homeservices.delivery import make_orders, mark_missed
from yanglao.homeservices.flows import (
    FlowError,
    do_apply_adaptation,
    do_assess_adaptation,
    do_bed_setup_step,
    do_open_bed,
    do_record_meals,
    do_settle_meals,
    do_setup_bed,
    do_start_works,
)
from yanglao.homeservices.models import (
    CheckIn,
    Confirmation,
    Contract,
    Order,
    Plan,
    Provider,
    ProviderKind,
    Team,
    Training,
    Volunteer,
    VolunteerAssessment,
    Worker,
)
from yanglao.homeservices.plans import PlanError, do_create_plan
from yanglao.regions.models import Region
from yanglao.registry.models import Person

ACTOR = "演示数据"
CATALOG = "152223"
PRICES = {
    "cleaning_aid": "35", "bath_aid": "40", "mobility_aid": "30", "medical_aid": "45",
    "emergency_aid": "50", "home_care_bed": "500", "meal_aid": "12",
}  # fmt: skip
PROVIDERS = (
    ("ZLT-JZ01", "扎赉特旗安康家政服务有限公司", ProviderKind.HOUSEKEEPING),
    ("ZLT-WY01", "音德尔镇物业服务中心", ProviderKind.PROPERTY),
    ("ZLT-SZ01", "扎赉特旗爱心助老协会", ProviderKind.SOCIAL),
    ("ZLT-JG01", "扎赉特旗社会福利中心", ProviderKind.INSTITUTION),
    ("ZLT-YL01", "扎赉特旗蒙医医院居家医疗服务站", ProviderKind.MEDICAL),
)
SERVICES = ("cleaning_aid", "bath_aid", "mobility_aid", "medical_aid")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = "桂兰秀英玉梅凤琴淑珍国华建军志强海燕丽娟"
PLANS = 240


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)


def _providers(county: Region, rng: random.Random, on: dt.date) -> list[Provider]:
    townships = list(
        Region.objects.filter(code__startswith=county.code[:6], level="township").order_by("code")
    )
    homes = list(
        Facility.objects.filter(
            region__code__startswith=county.code[:6],
            kind__in=(FacilityKind.PUBLIC_HOME, FacilityKind.REGIONAL_CENTRE),
        )[:1]
    )
    out = []
    for i, (code, name, kind) in enumerate(PROVIDERS):
        region = townships[i % len(townships)] if townships else county
        p = Provider.objects.create(
            code=code, name=name, kind=kind, region=region, capacity=rng.choice((60, 80, 120)),
            facility=homes[0] if kind == ProviderKind.INSTITUTION and homes else None,
            vetted=kind in (ProviderKind.HOUSEKEEPING, ProviderKind.SOCIAL), synthetic=True,
            bank_account=f"62284800{rng.randrange(10**10, 10**11)}", bank_name="中国农业银行扎赉特旗支行",
        )  # fmt: skip
        Contract.objects.create(
            provider=p, number=f"ZZB-{on.year}-{i + 1:03d}", catalog=CATALOG, region=county,
            start=on.replace(year=on.year - 1, month=1, day=1), end=on.replace(month=12, day=31), prices=PRICES,
        )  # fmt: skip
        for k in range(rng.randint(4, 7)):
            worker = Worker.objects.create(
                provider=p, code=f"{code}-{k + 1:02d}", name=_name(rng), carer_level=rng.choice("5443"),
                health_certificate_until=on + dt.timedelta(days=rng.randint(-20, 300)),
            )  # fmt: skip
            Training.objects.create(
                worker=worker,
                title="失能老年人照护技能培训",
                on=on - dt.timedelta(days=rng.randint(30, 200)),
                hours=Decimal(16),
            )
        out.append(p)
    return out


def _volunteers(county: Region, rng: random.Random, on: dt.date) -> int:
    villages = list(Region.objects.filter(code__startswith=county.code[:6], level="village")[:40]) or [county]
    quarter = dt.date(on.year, 3 * ((on.month - 1) // 3) + 1, 1)
    last = (quarter - dt.timedelta(days=1)).replace(day=1)
    last = dt.date(last.year, 3 * ((last.month - 1) // 3) + 1, 1)
    n = 0
    for team in Team:
        for _ in range(rng.randint(4, 8)):
            v = Volunteer.objects.create(
                name=_name(rng),
                team=team,
                region=rng.choice(villages),
                joined_on=on - dt.timedelta(days=rng.randint(100, 700)),
            )
            score = rng.randint(55, 98)
            VolunteerAssessment.objects.create(
                volunteer=v, quarter=last, services=rng.randint(2, 30), score=score,
                result="优秀" if score >= 90 else "合格" if score >= 60 else "不合格",
            )  # fmt: skip
            n += 1
    return n


def _people(county: Region, on: dt.date) -> list[Person]:
    born = on.replace(year=on.year - 60)
    qs = Person.objects.filter(
        Q(residence_region__startswith=county.code[:6]) | Q(hukou_region__startswith=county.code[:6]),
        death_date__isnull=True, birth_date__lte=born,
    ).order_by("id_number")  # fmt: skip
    poor = list(qs.filter(Q(tekun__isnull=False) | Q(dibao=True))[:PLANS])
    return poor + list(qs.exclude(pk__in=[p.pk for p in poor])[: max(0, PLANS - len(poor))])


def _plans(people: list[Person], providers: list[Provider], rng: random.Random, month: dt.date) -> list[Plan]:
    plans = []
    for person in people:
        service = rng.choice(SERVICES)
        chosen = (
            rng.choice(providers) if rng.random() < 0.4 else None
        )  # the elder's choice, else the system's
        try:
            plans.append(do_create_plan(
                ACTOR, person, catalog=CATALOG, service=service, start=month - dt.timedelta(days=rng.randint(30, 200)),
                units_per_month=Decimal(rng.choice((2, 4, 6, 8)) if service != "medical_aid" else rng.choice((1, 2))),
                provider=chosen,
            ))  # fmt: skip
        except PlanError:
            continue
    return plans


def _deliver(plans: list[Plan], rng: random.Random, month: dt.date, now: dt.datetime) -> tuple[int, int]:
    """Check-ins for most of last month's orders (some late); the rest become missed."""
    checkins = []
    tz = timezone.get_current_timezone()
    for plan in plans:
        for order in make_orders(plan, month, hour=rng.choice((8, 9, 10, 14, 15))):
            if rng.random() < 0.06:
                continue  # missed
            workers = list(plan.provider.workers.all())
            late = rng.random() < 0.08
            start = order.due + dt.timedelta(minutes=rng.randint(45, 120) if late else rng.randint(-10, 20))
            hours = (
                float(order.units) if plan.service in ("cleaning_aid", "bath_aid", "mobility_aid") else 0.75
            )
            checkins.append(CheckIn(
                uid=f"demo-{order.pk}", order=order, provider=plan.provider, worker=rng.choice(workers),
                person=plan.person, service=plan.service, start=start, end=start + dt.timedelta(hours=hours),
                done="按计划完成服务", confirmation=Confirmation.CODE, confirmed=True, late=late,
                recorded_by=ACTOR, received_at=start.astimezone(tz) + dt.timedelta(hours=2),
            ))  # fmt: skip
    CheckIn.objects.bulk_create(checkins)
    Order.objects.filter(checkins__isnull=False).update(state="done")
    return len(checkins), mark_missed(now)


def _claims(
    providers: list[Provider], month: dt.date, rng: random.Random, now: dt.datetime
) -> dict[str, int]:
    tz = timezone.get_current_timezone()
    planted = 0
    held = 0
    for p in providers:
        visits = list(
            CheckIn.objects.filter(
                provider=p,
                start__date__gte=month,
                start__date__lt=(month + dt.timedelta(days=32)).replace(day=1),
            ).select_related("person", "order")
        )
        if not visits:
            continue
        claim = Claim.objects.create(
            provider=p,
            month=month,
            catalog=CATALOG,
            source="演示申报.xlsx",
            received_at=now,
            received_by=ACTOR,
        )
        lines = []
        price = {k: Decimal(v) for k, v in PRICES.items()}
        for i, c in enumerate(visits, start=1):
            units = c.order.units if c.order else Decimal(1)
            lines.append(ClaimLine(
                claim=claim, provider=p, claim_line=f"{p.code}-{month:%Y%m}-{i:05d}", row=i + 1, person=c.person,
                id_number=c.person.id_number, service=c.service, date=c.start.astimezone(tz).date(), units=units,
                amount=units * price[c.service],
            ))  # fmt: skip
        # planted anomalies: a day without a check-in, an amount above the cap, a duplicate, a stranger
        first = lines[0]
        n = len(lines) + 1
        extra = [
            (first.person, first.id_number, first.service, month.replace(day=28), first.units, first.amount),
            (first.person, first.id_number, first.service, first.date, first.units, first.units * 99),
            (first.person, first.id_number, first.service, first.date, first.units, first.amount),
            (
                None,
                make_id_number("152223", dt.date(1941, 5, 5), 900 + len(providers)),
                "cleaning_aid",
                first.date,
                Decimal(2),
                Decimal(70),
            ),
        ]
        for k, (person, ident, service, day, units, amount) in enumerate(extra):
            lines.append(ClaimLine(
                claim=claim, provider=p, claim_line=f"{p.code}-{month:%Y%m}-X{k + 1}", row=n + k + 1, person=person,
                id_number=ident, service=service, date=day, units=units, amount=amount,
            ))  # fmt: skip
        planted += len(extra)
        ClaimLine.objects.bulk_create(lines)
        held += int(do_match_claim(ACTOR, claim)["held"])
    return {"planted": planted, "held": held}


def _meals(county: Region, people: list[Person], rng: random.Random, month: dt.date) -> dict[str, Any]:
    points = list(
        Facility.objects.filter(
            region__code__startswith=county.code[:6], kind=FacilityKind.MEAL_POINT
        ).order_by("pk")[:4]
    )
    if not points or not people:
        return {"meal_points": 0, "meals": 0}
    diners = people[:40]
    days = [month + dt.timedelta(days=d) for d in range(0, 28, 2)]
    for day in days:
        for point in points:
            rows = [
                (p, rng.choice((1, 1, 2)), Decimal(12))
                for k, p in enumerate(diners)
                if k % len(points) == points.index(point)
            ]
            do_record_meals(ACTOR, point, day, rows)
    if len(points) > 1:  # planted: a diner claimed at a second meal point on one day
        do_record_meals(ACTOR, points[1], days[0], [(diners[0], 2, Decimal(12))])
    result = do_settle_meals(ACTOR, CATALOG, month)
    return {
        "meal_points": len(points),
        "meal_doubles": len(result["doubles"]),
        "meal_subsidy": str(result["subsidy"]),
    }


def _flows(people: list[Person], providers: list[Provider], on: dt.date) -> dict[str, int]:
    beds = adaptations = 0
    vetted = [p for p in providers if p.vetted]
    for person in [p for p in people if (p.ability_level or 0) >= 1][:6]:
        try:
            bed = do_setup_bed(ACTOR, person, providers[0], CATALOG, on - dt.timedelta(days=60))
            do_bed_setup_step(
                ACTOR, bed, assessed_on=on - dt.timedelta(days=58), ability_level=person.ability_level
            )
            if beds % 3 != 2:  # one in three still being set up
                do_bed_setup_step(
                    ACTOR,
                    bed,
                    adapted_on=on - dt.timedelta(days=40),
                    devices=[{"kind": "紧急呼叫器", "serial": f"SOS-{person.pk}"}],
                )
                do_open_bed(ACTOR, bed, CATALOG, on - dt.timedelta(days=30))
            beds += 1
        except FlowError:
            continue
    for i, person in enumerate(p for p in people if p.tekun == "dispersed"):
        if adaptations >= 4 or not vetted:
            break
        try:
            a = do_apply_adaptation(ACTOR, person, CATALOG, on - dt.timedelta(days=50))
            if i % 2 == 0:
                do_assess_adaptation(
                    ACTOR, a, CATALOG, {"grab_bar": 3, "shower_chair": 1}, on - dt.timedelta(days=40)
                )
                do_start_works(ACTOR, a, vetted[0], on - dt.timedelta(days=30))
            adaptations += 1
        except FlowError:
            continue
    return {"home_beds": beds, "adaptations": adaptations}


def build_homeservices(county: Region, on: dt.date | None = None, seed: int = 16) -> dict[str, Any]:
    """Build the county's home services; returns what was made (counts and the planted anomalies)."""
    on = on or timezone.localdate()
    rng = random.Random(seed)
    month = (on.replace(day=1) - dt.timedelta(days=1)).replace(day=1)  # last month, complete
    now = timezone.now()
    providers = _providers(county, rng, on)
    volunteers = _volunteers(county, rng, on)
    people = _people(county, on)
    plans = _plans(people, providers, rng, month)
    checkins, missed = _deliver(plans, rng, month, now)
    claims = _claims(providers, month, rng, now)
    return {
        "providers": len(providers), "workers": Worker.objects.filter(provider__in=providers).count(),
        "volunteers": volunteers, "plans": len(plans), "checkins": checkins, "missed": missed, **claims,
        **_meals(county, people, rng, month), **_flows(people, providers, on),
    }  # fmt: skip
