"""The demo's facility network (synthetic, seeded): the baseline's institutions exactly as counted, plus
township centres, village stations (a share of villages still without one), meal points, residential
projects (some not compliant), staff with training records and 12 months of capacity reports.

扎赉特旗's baseline (seed 003, 扎政办发〔2023〕16号 一): 13 institutions / 897 beds (4 public 敬老院 428 beds,
9 private 469); 2 互助幸福院 370 beds; 3 社区养老服务站 40; 2 日间照料中心 30; 36 village stations (2023).
Everything else is made up so that every planning check has something to find; see docs/facility-pages.md.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from yanglao.facilities.models import (
    CapacityReport,
    ChangeKind,
    Facility,
    FacilityChange,
    FacilityKind,
    LicenceKind,
    Operator,
    ResidentialProject,
    SkillLevel,
    StaffMember,
    StaffRole,
    Status,
    Tier,
    TrainingRecord,
)
from yanglao.regions import geo
from yanglao.regions.models import Level, Region

SOURCE = "演示数据"
K = FacilityKind
EXCLUDED_WORDS = ("戒毒", "监狱", "管理局")
# The baseline paragraph: (kind, beds of each, share of 护理型 beds of each).
BASELINE: tuple[tuple[str, tuple[int, ...], tuple[float, ...]], ...] = (
    (K.PUBLIC_HOME, (132, 108, 96, 92), (0.62, 0.55, 0.5, 0.45)),
    (
        K.PRIVATE_HOME,
        (88, 72, 60, 55, 50, 45, 40, 31, 28),
        (0.75, 0.7, 0.62, 0.4, 0.3, 0.5, 0.65, 0.35, 0.25),
    ),
    (K.MUTUAL_AID, (200, 170), (0.0, 0.0)),
    (K.COMMUNITY_STATION, (16, 12, 12), (0.0, 0.0, 0.0)),
    (K.DAY_CARE, (18, 12), (0.0, 0.0)),
)
VILLAGE_STATIONS = 36  # 扎赉特旗 2023
PRIVATE_NAMES = (
    "颐养院",
    "康养中心",
    "老年公寓",
    "福寿园",
    "康乐养老院",
    "安康护理院",
    "夕阳红养老院",
    "幸福苑",
    "慈孝养老院",
)
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁宝包白乌韩"
GIVEN = "秀英桂兰玉珍淑华凤芝海军建国志强丽娟春梅红霞宏伟金花巴特尔图雅额尔敦其木格"
BED_KINDS = (K.PUBLIC_HOME, K.PRIVATE_HOME, K.MUTUAL_AID, K.COMMUNITY_STATION, K.DAY_CARE)
REPORT_MONTHS = 12
# Two public homes stopped taking residents two months ago (the welfare centre for a fire-safety
# refit, the 公建民营 home while its operator is re-tendered): still registered, so the baseline's
# 13 institutions / 897 beds stand, but their beds are not 集中供养 capacity now, which the check finds.
SUSPENDED_HOMES = (0, 3)
SUSPENDED_MONTHS = 2
DUE_DAY = 5  # reports filed after this day of the next month are late (FACILITY_REPORT_DUE_DAY default)


@dataclass
class Plan:
    """Where the network goes: the township list, the seat and the villages of each township."""

    county: Region
    townships: list[Region]
    villages: dict[str, list[Region]]
    rng: random.Random
    on: dt.date

    @property
    def seat(self) -> Region:
        return self.townships[0]

    def point(self, region: Region, jitter_m: float = 250.0) -> tuple[float | None, float | None]:
        """The region's generated point, moved up to ``jitter_m`` metres (None without geography)."""
        at = geo.point_of(region.code)
        if at is None:
            return None, None
        d = jitter_m / 111_000
        return (
            round(at[0] + self.rng.uniform(-d, d) * 1.45, 6),
            round(at[1] + self.rng.uniform(-d, d), 6),
        )


def _plan(county: Region, on: dt.date) -> Plan:
    townships = [
        t
        for t in Region.objects.filter(code__startswith=county.prefix, level=Level.TOWNSHIP).order_by("code")
        if not any(word in t.name for word in EXCLUDED_WORDS)
    ]
    villages: dict[str, list[Region]] = {t.code: [] for t in townships}
    for v in Region.objects.filter(code__startswith=county.prefix, level=Level.VILLAGE).order_by("code"):
        villages.setdefault(v.code[:9] + "000", []).append(v)
    return Plan(county, townships or [county], villages, random.Random(f"network-{county.code}"), on)


def _communities(plan: Plan, township: Region) -> list[Region]:
    return [v for v in plan.villages.get(township.code, []) if int(v.code[9:]) < 200]


def _rural(plan: Plan, township: Region) -> list[Region]:
    return [v for v in plan.villages.get(township.code, []) if int(v.code[9:]) >= 200]


def _facility(plan: Plan, kind: str, name: str, region: Region, **fields: Any) -> Facility:
    rng = plan.rng
    lon, lat = plan.point(region)
    opened = plan.on - dt.timedelta(days=rng.randrange(400, 5000))
    values: dict[str, Any] = {
        "tier": Tier.VILLAGE if region.level == Level.VILLAGE else Tier.TOWNSHIP,
        "operator": Operator.PUBLIC,
        "address": f"{region.full_name()}",
        "lon": lon,
        "lat": lat,
        "opened_on": opened,
        "status": Status.OPEN,
        "synthetic": True,
        "phone": f"0482-{rng.randrange(6000000, 6999999)}",
    }
    values.update(fields)
    return Facility(name=name, kind=kind, region=region, **values)


def _baseline(plan: Plan) -> list[Facility]:
    rng, seat = plan.rng, plan.seat
    towns = [t for t in plan.townships if t.name.endswith("镇")] or plan.townships
    homes_at = [seat, *towns[1:4]] if len(towns) > 3 else [seat] * 4
    out: list[Facility] = []
    licence = 0

    def licensed(kind: str) -> dict[str, Any]:
        nonlocal licence
        licence += 1
        return {
            "licence_kind": LicenceKind.FILING if kind == K.PRIVATE_HOME else LicenceKind.LICENCE,
            "licence_number": f"{'备' if kind == K.PRIVATE_HOME else '民养'}{plan.county.code}{licence:04d}",
            "licence_date": plan.on - dt.timedelta(days=rng.randrange(300, 3000)),
        }

    for kind, beds, shares in BASELINE:
        for i, (n, share) in enumerate(zip(beds, shares, strict=True)):
            fields: dict[str, Any] = {"beds": n, "nursing_beds": round(n * share), "rooms": n // 2}
            if kind == K.PUBLIC_HOME:
                where = homes_at[i]
                name = (
                    "扎赉特旗社会福利中心（敬老院）"
                    if i == 0 and plan.county.code == "152223"
                    else f"{where.name}敬老院"
                )
                fields.update(licensed(kind), services=["residential", "meals", "medical", "rehab"])
                fields["tier"] = Tier.COUNTY if i == 0 else Tier.TOWNSHIP
                fields["operator"] = Operator.PUBLIC_PRIVATE if i == 3 else Operator.PUBLIC
                if i in SUSPENDED_HOMES:
                    fields["status"] = Status.SUSPENDED
            elif kind == K.PRIVATE_HOME:
                where = seat if i < 5 else towns[(i - 4) % len(towns)]
                name = (
                    f"{plan.county.name}{PRIVATE_NAMES[i]}"
                    if where == seat
                    else f"{where.name}{PRIVATE_NAMES[i]}"
                )
                fields.update(
                    licensed(kind), services=["residential", "meals", "respite"], operator=Operator.PRIVATE
                )
                fields["tier"] = Tier.COUNTY if where == seat else Tier.TOWNSHIP
            elif kind == K.MUTUAL_AID:
                township = towns[(i + 4) % len(towns)]
                where = (_rural(plan, township) or [township])[0]
                name = f"{where.name}农村互助幸福院"
                fields.update(services=["meals", "culture", "residential"], tier=Tier.VILLAGE)
            elif kind == K.COMMUNITY_STATION:
                where = (_communities(plan, seat) or [seat])[i % max(len(_communities(plan, seat)), 1)]
                name = f"{where.name}养老服务站"
                fields.update(services=["meals", "day_care", "home_visits", "culture"], tier=Tier.VILLAGE)
            else:
                where = (_communities(plan, seat) or [seat])[(i + 4) % max(len(_communities(plan, seat)), 1)]
                name = f"{where.name}日间照料中心"
                fields.update(services=["day_care", "meals", "bath", "rehab"], tier=Tier.VILLAGE)
            out.append(_facility(plan, kind, name, where, **fields))
    return out


def _additions(plan: Plan, taken: set[str]) -> list[Facility]:
    """Township centres (three townships still without one), village stations (36; most villages without
    one), neighbour-aid points, meal points, a planned station and a closed one."""
    rng, out = plan.rng, []
    regular = [t for t in plan.townships if "场" not in t.name]
    without_centre = {t.code for t in regular[-3:]} if len(regular) > 3 else set()
    for t in regular:
        if t.code not in without_centre:
            services = ["day_care", "meals", "home_visits", "respite", "rehab"]
            out.append(_facility(plan, K.REGIONAL_CENTRE, f"{t.name}区域养老服务中心", t, services=services))
    rural = [v for t in plan.townships for v in _rural(plan, t) if v.code not in taken]
    rng.shuffle(rural)
    stations = rural[:VILLAGE_STATIONS] if plan.county.code == "152223" else rural[: len(rural) // 3]
    for v in sorted(stations, key=lambda r: r.code):
        out.append(
            _facility(
                plan,
                K.VILLAGE_STATION,
                f"{v.name}养老服务站",
                v,
                services=["meals", "culture", "home_visits"],
            )
        )
    rest = [v for v in rural if v not in stations]
    for v in sorted(rest[:8], key=lambda r: r.code):
        out.append(
            _facility(plan, K.NEIGHBOUR_AID, f"{v.name}邻里互助点", v, services=["culture", "emergency"])
        )
    communities = [c for t in plan.townships for c in _communities(plan, t)]
    for c in communities[:: max(len(communities) // 6, 1)][:6]:
        out.append(_facility(plan, K.MEAL_POINT, f"{c.name}老年食堂", c, services=["meals"]))
    for v in sorted(rest[8:14], key=lambda r: r.code):
        out.append(_facility(plan, K.MEAL_POINT, f"{v.name}助餐点", v, services=["meals"]))
    if len(rest) > 16:
        out.append(
            _facility(
                plan,
                K.VILLAGE_STATION,
                f"{rest[14].name}养老服务站",
                rest[14],
                status=Status.PLANNED,
                opened_on=None,
            )
        )
        out.append(
            _facility(
                plan,
                K.MEAL_POINT,
                f"{rest[15].name}助餐点",
                rest[15],
                status=Status.CLOSED,
                closed_on=plan.on - dt.timedelta(days=rng.randrange(40, 200)),
            )
        )
    return out


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _staff(plan: Plan, facilities: list[Facility]) -> int:
    rng, staff, trainings = plan.rng, [], []
    for f in facilities:
        if f.kind not in (*BED_KINDS, K.REGIONAL_CENTRE):
            continue
        caregivers = max(1, f.beds // 8) if f.beds else 2
        plan_roles = [(StaffRole.MANAGER, 1), (StaffRole.CAREGIVER, caregivers)]
        if f.beds >= 60:
            plan_roles.append((StaffRole.MEDICAL, 1 + f.beds // 100))
        for role, count in plan_roles:
            for _ in range(count):
                level = ""
                if role == StaffRole.CAREGIVER:
                    level = rng.choices(["", "5", "4", "3", "2"], weights=[30, 35, 22, 10, 3])[0]
                staff.append(
                    StaffMember(
                        facility=f,
                        name=_name(rng),
                        role=role,
                        skill_level=SkillLevel(level),
                        certificate_number=f"Y{rng.randrange(10**9, 10**10)}" if level else "",
                        started_on=plan.on - dt.timedelta(days=rng.randrange(60, 3000)),
                    )
                )
    StaffMember.objects.bulk_create(staff)
    for s in staff:
        if s.role == StaffRole.CAREGIVER and rng.random() < 0.6:
            trainings.append(
                TrainingRecord(
                    staff=s,
                    course=rng.choice(
                        (
                            "养老护理员岗前培训",
                            "失能老年人照护技能培训",
                            "消防安全与应急处置",
                            "老年人能力评估实务",
                        )
                    ),
                    organiser=rng.choice(("旗民政局", "兴安盟民政局", "旗人社局职业技能培训中心")),
                    hours=Decimal(rng.choice((8, 16, 24, 40))),
                    completed_on=plan.on - dt.timedelta(days=rng.randrange(20, 700)),
                )
            )
    TrainingRecord.objects.bulk_create(trainings)
    return len(staff)


def _month(on: dt.date, back: int) -> dt.date:
    index = on.year * 12 + on.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def _split(rng: random.Random, total: int, weights: tuple[float, ...]) -> list[int]:
    parts = [int(total * w) for w in weights]
    for _ in range(total - sum(parts)):
        parts[rng.choices(range(len(weights)), weights=weights)[0]] += 1
    return parts


def _reports(plan: Plan, facilities: list[Facility]) -> int:
    """Twelve months of reports for every facility with beds: two have not yet filed the last month, a few
    filed late, one month was corrected (the old report kept, not current)."""
    rng, rows, tz, now = plan.rng, [], timezone.get_current_timezone(), timezone.now()
    with_beds = [
        f
        for f in facilities
        if f.kind in BED_KINDS and f.beds and f.status in (Status.OPEN, Status.SUSPENDED)
    ]
    missing_last = {f.pk for f in [f for f in with_beds if f.status == Status.OPEN][-2:]}
    for f in with_beds:
        base = 0.86 if f.kind == K.PUBLIC_HOME else 0.55 if f.kind == K.PRIVATE_HOME else 0.45
        for back in range(REPORT_MONTHS, 0, -1):
            if back == 1 and f.pk in missing_last:
                continue
            if f.status == Status.SUSPENDED and back <= SUSPENDED_MONTHS:
                continue
            month = _month(plan.on, back)
            rate = min(0.98, max(0.2, base + (REPORT_MONTHS - back) * 0.006 + rng.uniform(-0.04, 0.04)))
            in_use = round(f.beds * rate)
            nursing_use = min(f.nursing_beds, round(in_use * (0.75 if f.nursing_beds else 0)))
            public = f.kind == K.PUBLIC_HOME
            levels = _split(
                rng, in_use, (0.25, 0.2, 0.2, 0.2, 0.15) if f.nursing_beds else (0.6, 0.3, 0.1, 0, 0)
            )
            groups = _split(rng, in_use, (0.85, 0.05, 0.1) if public else (0.02, 0.18, 0.8))
            day = rng.randrange(2, DUE_DAY + 1) if rng.random() > 0.08 else rng.randrange(DUE_DAY + 1, 26)
            next_month = _month(month, -1)
            filed = dt.datetime.combine(next_month.replace(day=day), dt.time(9 + rng.randrange(8)), tz)
            if filed > now:  # early in the month: last month's report is not filed yet (still in its window)
                continue
            rows.append(
                CapacityReport(
                    facility=f,
                    month=month,
                    beds=f.beds,
                    nursing_beds=f.nursing_beds,
                    nursing_in_use=nursing_use,
                    general_in_use=in_use - nursing_use,
                    **{f"level_{i}": n for i, n in enumerate(levels)},
                    tekun=groups[0],
                    dibao=groups[1],
                    social=groups[2],
                    caregivers_on_duty=max(1, in_use // 9),
                    staff_on_duty=max(2, in_use // 6),
                    filed_at=filed,
                    filed_by_name=f"{f.name}填报员",
                    on_behalf=f.kind in (K.MUTUAL_AID,),
                    late=day > DUE_DAY,
                )
            )
            f.occupied_beds = in_use
    CapacityReport.objects.bulk_create(rows)
    # One correction: the first open public home's report three months back was replaced, with a reason.
    first = next((f for f in with_beds if f.kind == K.PUBLIC_HOME and f.status == Status.OPEN), None)
    if first is not None:
        old = CapacityReport.objects.get(facility=first, month=_month(plan.on, 3), current=True)
        CapacityReport.objects.filter(pk=old.pk).update(current=False)
        new = CapacityReport.objects.get(pk=old.pk)
        new.pk = None
        moved = min(2, old.nursing_in_use, old.level_4, old.tekun)
        new.nursing_in_use -= moved
        new.level_4 -= moved
        new.tekun -= moved
        new.replaces = old
        new.current = True
        new.reason = "更正：月末两名特困老人转入县医院，误计为在住"
        new.filed_at = old.filed_at + dt.timedelta(days=3)
        new.on_behalf = True
        new.filed_by_name = "旗民政局（代报）"
        new.save()
        latest = (
            CapacityReport.objects.filter(facility=first, current=True).order_by("-month").first()
        )  # last month's, or (early in a month, before it is filed) the month before
        first.occupied_beds = latest.in_use if latest else first.occupied_beds
    for f in with_beds:
        if f.status == Status.SUSPENDED:
            f.occupied_beds = 0  # the residents moved to the other homes
    Facility.objects.bulk_update(with_beds, ["occupied_beds"])
    return len(rows)


def _projects(plan: Plan, facilities: list[Facility]) -> int:
    """Residential projects in the seat: two compliant, three not (too small, split, handed over late)."""
    places = _communities(plan, plan.seat) or [plan.seat]
    on = plan.on
    rows = [
        ("阳光嘉园", 620, "new", 350, 360, 1, 2, 1, on - dt.timedelta(days=500), on - dt.timedelta(days=520)),
        (
            "绰尔河畔小区",
            480,
            "new",
            350,
            350,
            1,
            1,
            1,
            on - dt.timedelta(days=300),
            on - dt.timedelta(days=300),
        ),
        ("福泽苑", 900, "new", 150, 150, 1, 2, 1, on - dt.timedelta(days=200), on - dt.timedelta(days=210)),
        (
            "金色家园",
            1400,
            "new",
            280,
            320,
            2,
            3,
            2,
            on - dt.timedelta(days=400),
            on - dt.timedelta(days=100),
        ),
        ("老城区团结小区", 760, "existing", None, 0, 0, 1, None, None, None),
    ]
    objs = []
    for i, (name, households, kind, required, delivered, sites, phases, phase, first, handover) in enumerate(
        rows
    ):
        objs.append(
            ResidentialProject(
                name=name,
                region=places[i % len(places)],
                households=households,
                area_kind=kind,
                required_area=Decimal(required) if required is not None else None,
                delivered_area=Decimal(delivered),
                site_count=sites,
                phases=phases,
                delivery_phase=phase,
                first_phase_handover=first,
                handover_date=handover,
                facility=next((f for f in facilities if f.region_id == places[i % len(places)].code), None),
                synthetic=True,
            )
        )
    ResidentialProject.objects.bulk_create(objs)
    return len(objs)


@transaction.atomic
def build_network(county: Region, on: dt.date | None = None) -> int:
    """Build the county's network; returns the number of facilities."""
    on = on or timezone.localdate()
    plan = _plan(county, on)
    baseline = _baseline(plan)
    Facility.objects.bulk_create(baseline)
    additions = _additions(plan, {f.region_id for f in baseline})
    Facility.objects.bulk_create(additions)
    facilities = baseline + additions
    FacilityChange.objects.bulk_create(
        FacilityChange(
            facility=f, kind=ChangeKind.CREATE, source=SOURCE, actor_name=SOURCE, as_of=on, changes={}
        )
        for f in facilities
    )
    _staff(plan, facilities)
    _reports(plan, facilities)
    _projects(plan, facilities)
    return len(facilities)
