"""The demo's year of supervision in a county (扎赉特旗 by default): inspection plans (annual, 双随机, a
winter fire-safety campaign), quarterly inspections of the institutions and some of the community
facilities against the county's checklist, the hazards they found (most cleared in time, some late, a few
overdue now), ratings (self-assessments and the bureau's), and complaints through every channel with one
facility complained about repeatedly. Everything is drawn from a generator seeded by the county code, so
a rebuild gives the same year; the computations (scores, deadlines, levels) are the real ones.

Run after the facility network (it supervises the facilities already there)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from yanglao.audit.log import audit
from yanglao.audit.models import Action
from yanglao.facilities.models import COMMUNITY_KINDS, Facility, Status
from yanglao.regions.models import Region
from yanglao.supervision import rules
from yanglao.supervision.actions import draw, township_of
from yanglao.supervision.models import (
    Complaint,
    Finding,
    Hazard,
    Inspection,
    InspectionPlan,
    Rating,
)

INSPECTORS = ["包红梅", "王建国", "李志强", "乌云其其格", "张丽", "赵海军", "宝音", "刘芳"]
SUBJECTS = [
    ("饭菜质量差、不热", "老人反映冬季饭菜端到房间已凉"),
    ("夜间无人值守", "家属夜间探望时未见护理员"),
    ("收费不透明", "入住时收取押金未出具收据"),
    ("房间取暖不足", "房间温度偏低，老人感冒"),
    ("护理员态度差", "护理员对失能老人言语粗暴"),
    ("探视时间限制过严", "家属反映周末无法探视"),
    ("补贴发放疑问", "老人询问护理补贴为何停发"),
]


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=rules.SHANGHAI)


def _status(rng: random.Random, opened: dt.datetime, due: dt.datetime, now: dt.datetime) -> dict[str, Any]:
    """A hazard's fate: cleared in time (most), cleared late (some), still open (recent ones, a few overdue)."""
    age = now - opened
    if age < dt.timedelta(days=25) and rng.random() < 0.6:
        if rng.random() < 0.4:
            return {
                "status": "submitted",
                "rectified_at": opened + (now - opened) / 2,
                "rectification": "已整改，待复查",
            }
        return {"status": "open"}
    late = rng.random() < 0.15
    span = (due - opened) * (1 + rng.random() if late else rng.uniform(0.3, 0.95))
    cleared = min(opened + span, now - dt.timedelta(hours=1))
    return {
        "status": "cleared",
        "cleared_at": cleared,
        "rectified_at": cleared - dt.timedelta(hours=2),
        "rectification": "已按要求整改，复查通过",
    }


def _inspect(
    rng: random.Random, facility: Facility, when: dt.datetime, plan: InspectionPlan | None, now: dt.datetime
) -> tuple[Inspection, list[Hazard]]:
    checklist = rules.checklist_for(str(facility.region_id), when.astimezone(rules.SHANGHAI).date())
    failed = {i.code for i in checklist.indicators if rng.random() < (0.004 if i.suspend else 0.05)}
    score = rules.inspection_score(checklist, failed)
    team = "、".join(sorted(rng.sample(INSPECTORS, 2)))
    inspection = Inspection.objects.create(
        plan=plan,
        facility=facility,
        checklist=checklist.code,
        inspectors=team,
        inspected_at=when,
        score=score.score,
        deductions=score.deductions,
        suspend=score.suspend,
        note="",
        recorded_at=when,
    )
    hazards = []
    for indicator in score.failed:
        finding = Finding.objects.create(
            inspection=inspection,
            code=indicator.code,
            category=indicator.category_name,
            item=indicator.item,
            basis=indicator.basis,
            deduction=indicator.deduction,
        )
        due = rules.hazard_deadline(indicator.level, when)
        hazards.append(
            Hazard(
                facility=facility,
                township=township_of(facility),
                source="inspection",
                finding=finding,
                title=indicator.item,
                level=indicator.level,
                opened_at=when,
                due_at=due,
                **_status(rng, when, due, now),
            )
        )
    return inspection, hazards


def _scores(rng: random.Random, quality: float) -> dict[str, int]:
    return {
        str(i["code"]): max(
            0, min(int(i["max"]), round(int(i["max"]) * (quality + rng.uniform(-0.08, 0.05))))
        )
        for _, i in rules.rating_items()
    }


@transaction.atomic
def build_supervision(county: Region) -> dict[str, int]:
    """Build a year of supervision of the county's facilities; returns the counts."""
    now = timezone.now()
    today = now.astimezone(rules.SHANGHAI).date()
    rng = random.Random(f"supervision-{county.code}")
    open_facilities = list(
        Facility.objects.filter(region__code__startswith=county.prefix, status=Status.OPEN).order_by("pk")
    )
    community = [f for f in open_facilities if f.kind in COMMUNITY_KINDS]
    homes = [f for f in open_facilities if f not in community]
    sampled = rng.sample(community, min(len(community), max(len(community) // 4, 1))) if community else []
    year = today.year
    annual = InspectionPlan.objects.create(
        name=f"{year}年度养老机构监管检查计划",
        kind="annual",
        region=county,
        year=year,
        draw={"seed": "", "pool": len(homes), "facilities": [f.pk for f in homes], "teams": {}},
        created_at=now,
    )
    seed = f"{county.code}-{year}-q"
    random_draw = draw([f.pk for f in open_facilities], INSPECTORS, min(6, len(open_facilities)), 2, seed)
    spot = InspectionPlan.objects.create(
        name=f"{year}年“双随机、一公开”抽查",
        kind="random",
        region=county,
        year=year,
        seed=seed,
        draw=random_draw,
        created_at=now - dt.timedelta(days=60),
    )
    campaign = InspectionPlan.objects.create(
        name="冬季消防与燃煤取暖安全专项检查",
        kind="campaign",
        region=county,
        year=year,
        draw={"seed": "", "pool": len(homes), "facilities": [f.pk for f in homes], "teams": {}},
        note="采暖期燃煤取暖、一氧化碳中毒防范",
        created_at=now - dt.timedelta(days=200),
    )
    inspections, hazards = 0, []
    for facility in homes:
        for quarter in range(4):
            day = today - dt.timedelta(days=quarter * 91 + rng.randint(3, 60))
            plan = campaign if quarter == 2 else annual
            _, found = _inspect(rng, facility, _at(day, rng.choice((9, 10, 14, 15))), plan, now)
            inspections += 1
            hazards.extend(found)
    by_pk = {f.pk: f for f in open_facilities}
    for facility in sampled + [by_pk[pk] for pk in random_draw["facilities"] if pk in by_pk]:
        day = today - dt.timedelta(days=rng.randint(5, 300))
        chosen = spot if facility.pk in random_draw["facilities"] else None
        _, found = _inspect(rng, facility, _at(day, 10), chosen, now)
        inspections += 1
        hazards.extend(found)
    # A few overdue hazards now (the board is never all green in a real county): reports from the township.
    for facility, level, days in zip(
        homes[:4], ("major", "high", "medium", "high"), (2, 5, 9, 4), strict=False
    ):
        opened = now - dt.timedelta(days=days)
        hazards.append(
            Hazard(
                facility=facility,
                township=township_of(facility),
                source="report",
                level=level,
                title=rng.choice(
                    ["疏散通道堆放杂物", "灭火器压力不足", "燃煤炉具烟道未清理", "电动车在楼道充电"]
                ),
                opened_at=opened,
                due_at=rules.hazard_deadline(level, opened),
                status="open",
            )
        )
    Hazard.objects.bulk_create(hazards)

    ratings = 0
    for n, facility in enumerate(homes):
        if n % 5 == 4:
            continue  # not yet rated
        quality = rng.uniform(0.62, 0.93)
        assessed = today - dt.timedelta(days=rng.randint(120, 330))
        for kind, on, shift in (("self", assessed - dt.timedelta(days=30), 0.03), ("bureau", assessed, 0.0)):
            scores = _scores(rng, quality + shift)
            result = rules.rate(scores)
            Rating.objects.create(
                facility=facility,
                kind=kind,
                scores=scores,
                total=result.total,
                level=result.level,
                assessed_on=on,
                recorded_at=_at(on, 16),
                valid_until=rules.valid_until(on) if kind == "bureau" else None,
                assessors="旗民政局等级评定组" if kind == "bureau" else "机构自评小组",
            )
            ratings += 1

    complaints = _complaints(rng, county, homes, now)
    audit(
        None,
        Action.CREATE,
        object_type="supervision",
        object_id=county.code,
        summary=f"演示数据：综合监管 {inspections} 次检查、{len(hazards)} 条隐患、{ratings} 次评定、{complaints} 件投诉",
        detail={"region": county.code},
    )
    overdue = sum(1 for h in hazards if h.status != "cleared" and h.due_at < now)
    return {
        "plans": 3,
        "inspections": inspections,
        "hazards": len(hazards),
        "overdue": overdue,
        "ratings": ratings,
        "complaints": complaints,
    }


def _complaints(rng: random.Random, county: Region, homes: list[Facility], now: dt.datetime) -> int:
    if not homes:
        return 0
    channels = ["12345", "12345", "12345", "phone", "walkin", "public"]
    made = 0
    repeated = homes[rng.randrange(len(homes))]
    plan: list[tuple[Facility, int]] = [(repeated, d) for d in (12, 35, 70)]  # 投诉多发 within 90 days
    plan += [(rng.choice(homes), rng.randint(1, 360)) for _ in range(22)]
    for n, (facility, days) in enumerate(sorted(plan, key=lambda p: -p[1])):
        received = now - dt.timedelta(days=days, hours=rng.randint(0, 8))
        subject, text = rng.choice(SUBJECTS)
        severity = (
            "urgent" if subject in ("夜间无人值守", "护理员态度差") else rng.choice(("normal", "general"))
        )
        due = rules.reply_deadline(severity, received)
        replied = received + (due - received) * rng.uniform(0.2, 0.9)
        history = [{"at": received.isoformat(), "by": "旗民政局", "what": "受理", "note": "转机构办理"}]
        fields: dict[str, Any] = {"status": "open"}
        if days > 6 or rng.random() < 0.3:
            history.append(
                {"at": replied.isoformat(), "by": "旗民政局", "what": "答复", "note": "已核实并督促整改"}
            )
            satisfaction = rng.choice(("satisfied", "satisfied", "basic", "unsatisfied"))
            fields = {
                "status": "closed",
                "reply": "已核实并督促整改",
                "replied_at": replied,
                "satisfaction": satisfaction,
            }
            history.append(
                {"at": replied.isoformat(), "by": "旗民政局", "what": "回访办结", "note": satisfaction}
            )
        Complaint.objects.create(
            number=f"TS{received.astimezone(rules.SHANGHAI):%Y%m%d}{9000 + n:04d}",
            channel=rng.choice(channels),
            received_at=received,
            region_id=township_of(facility),
            facility=facility,
            route="facility",
            subject=subject,
            text=text,
            complainant="",
            phone="",
            severity=severity,
            reply_due=due,
            history=history,
            **fields,
        )
        made += 1
    return made
