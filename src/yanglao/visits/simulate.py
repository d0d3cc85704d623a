"""A month of plausible visits for the demo, so that the rates page has something to show.

Synthetic and marked so (``Visitor.synthetic``, ``Visit.synthetic``). Running it again for the same
month replaces that month's synthetic visits. The shares below are demo choices, not statistics:
- visitors: one 网格员 per 40 targets of a village (at least one), one 村（居）两委委员 and one
  党员干部 ("分片包干") where a village has more than 15 targets, one 民政协理员 per township, a
  志愿者 in every third village; two good neighbours ("1+2") for a third of the weekly-tier targets;
- visits: each target is visited in the month with probability ``coverage`` (weekly-tier targets every
  5-8 days, one week in 25 skipped); modes 上门 80%, 电话 15%, 视频 5%; a few findings open
  follow-ups (urgent ≈ 0.3%, assessment ≈ 1%, home adaptation ≈ 1%, entitlement not received ≈ 0.5%).
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from yanglao.accounts.models import Role, User
from yanglao.audit.log import audit
from yanglao.audit.models import Action
from yanglao.core.synthetic_names import synthetic_name
from yanglao.core.visits.schedule import month_bounds
from yanglao.regions.models import Level, Region
from yanglao.visits.actions import (
    do_auto_assign,
    do_make_plans,
    do_refresh_targets,
    region_prefix,
    township_of,
)
from yanglao.visits.models import (
    Assignment,
    AssignmentRole,
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
    Hazard,
    Need,
    Target,
    Visit,
    VisitMode,
    Visitor,
    VisitorKind,
)

ACTOR = "演示数据"
PER_GRID_WORKER = 40
MODES = ((VisitMode.HOME, 0.80), (VisitMode.PHONE, 0.15), (VisitMode.VIDEO, 0.05))
HEALTH = (
    "精神状态良好，行动自如，饮食正常",
    "精神尚可，血压偏高，按时服药",
    "腿脚不便，室内活动需扶行",
    "情绪稳定，能正常交流，生活基本自理",
    "近期感冒已好转，饮食起居正常",
    "听力下降，交流需大声，身体状况平稳",
)
FAMILY = ("子女每周电话联系", "子女在外务工，每月回家一次", "配偶照顾，子女常来看望", "亲属偶尔探望", "")


@dataclass
class Result:
    targets: int
    visitors: int
    visits: int
    followups: int


def _name(rng: random.Random) -> str:
    return synthetic_name(rng, rng.random() < 0.5, 0.3, lengths=(1, 2))


def _pick(rng: random.Random, table: tuple[tuple[Any, float], ...]) -> Any:
    roll = rng.random()
    for value, weight in table:
        roll -= weight
        if roll <= 0:
            return value
    return table[-1][0]


def ensure_visitors(prefix: str, rng: random.Random) -> int:
    """Synthetic visitors for every village with targets that has none yet; links visitor users."""
    counts: dict[str, int] = defaultdict(int)
    weekly: dict[str, list[int]] = defaultdict(list)
    for person_id, village, days in Target.objects.filter(
        active=True, village__startswith=prefix
    ).values_list("person_id", "village", "interval_days"):
        counts[village] += 1
        if 0 < days <= 7:
            weekly[village].append(person_id)
    staffed = set(
        Visitor.objects.filter(village__code__startswith=prefix).values_list("village_id", flat=True)
    )
    known = set(
        Region.objects.filter(code__in=list(counts), level=Level.VILLAGE).values_list("code", flat=True)
    )
    new: list[Visitor] = []
    townships_done: set[str] = set()
    for index, village in enumerate(sorted(known - staffed)):
        n = counts[village]
        kinds = [VisitorKind.GRID] * max(1, math.ceil(n / PER_GRID_WORKER))
        if n > 15:
            kinds += [VisitorKind.COMMITTEE, VisitorKind.PARTY]
        if village[:9] not in townships_done:
            kinds.append(VisitorKind.ASSISTANT)
            townships_done.add(village[:9])
        if index % 3 == 0:
            kinds.append(VisitorKind.VOLUNTEER)
        for kind in kinds:
            new.append(Visitor(name=_name(rng), kind=kind, village_id=village, phone="", synthetic=True))
    Visitor.objects.bulk_create(new, batch_size=2000)
    for user in User.objects.filter(role=Role.VISITOR, region__code__startswith=prefix, visitor__isnull=True):
        if user.region is not None and user.region.level == Level.VILLAGE:
            Visitor.objects.create(
                name=user.display_name or user.username,
                kind=VisitorKind.GRID,
                village=user.region,
                user=user,
                synthetic=True,
            )
    _neighbours(prefix, weekly, known, rng)
    return len(new)


def _neighbours(prefix: str, weekly: dict[str, list[int]], known: set[str], rng: random.Random) -> None:
    """The "1+2" model: two good neighbours for a third of the weekly-tier targets."""
    paired = set(
        Assignment.objects.filter(
            role=AssignmentRole.NEIGHBOUR, ended_at__isnull=True, visitor__village__code__startswith=prefix
        ).values_list("person_id", flat=True)
    )
    pairs: list[tuple[int, Visitor]] = []
    for village, persons in weekly.items():
        if village not in known:
            continue
        for person_id in persons:
            if person_id in paired or rng.random() > 1 / 3:
                continue
            for _ in range(2):
                pairs.append(
                    (
                        person_id,
                        Visitor(
                            name=_name(rng), kind=VisitorKind.NEIGHBOUR, village_id=village, synthetic=True
                        ),
                    )
                )
    Visitor.objects.bulk_create([v for _, v in pairs], batch_size=2000)
    Assignment.objects.bulk_create(
        [
            Assignment(person_id=pid, visitor=v, role=AssignmentRole.NEIGHBOUR, manual=True)
            for pid, v in pairs
        ],
        batch_size=2000,
    )


def _visit_days(rng: random.Random, start: dt.date, until: dt.date, weekly: bool) -> list[dt.date]:
    span = (until - start).days
    if not weekly:
        days = [start + dt.timedelta(days=rng.randrange(span + 1))]
        if rng.random() < 0.08 and span > 10:
            days.append(start + dt.timedelta(days=rng.randrange(span + 1)))
        return sorted(set(days))
    out: list[dt.date] = []
    day = start + dt.timedelta(days=rng.randrange(min(7, span + 1)))
    while day <= until:
        if rng.random() > 0.04:  # now and then a week is missed
            out.append(day)
        day += dt.timedelta(days=rng.choice((5, 6, 7, 7, 7, 7, 8)))
    return out or [start + dt.timedelta(days=rng.randrange(span + 1))]


@transaction.atomic
def simulate_month(
    region: str, year: int, month: int, coverage: float, today: dt.date, seed: int = 2026
) -> Result:
    rng = random.Random(f"{seed}-{region}-{year}-{month}")
    prefix = region_prefix(region)
    start, end = month_bounds(year, month)
    until = min(end, today)
    if until < start:
        raise ValueError("所选月份尚未开始")
    do_refresh_targets(ACTOR, region, start)
    visitors = ensure_visitors(prefix, rng)
    do_auto_assign(ACTOR, region)
    do_make_plans(ACTOR, region, year, month)
    FollowUp.objects.filter(
        visit__synthetic=True,
        visit__visited_on__gte=start,
        visit__visited_on__lte=end,
        person__visit_target__village__startswith=prefix,
    ).delete()
    Visit.objects.filter(
        synthetic=True,
        visited_on__gte=start,
        visited_on__lte=end,
        person__visit_target__village__startswith=prefix,
    ).delete()
    helpers: dict[int, list[int]] = defaultdict(list)
    for pid, vid, role in Assignment.objects.filter(
        ended_at__isnull=True, visitor__village__code__startswith=prefix
    ).values_list("person_id", "visitor_id", "role"):
        helpers[pid].insert(0, vid) if role == AssignmentRole.PRIMARY else helpers[pid].append(vid)
    tz = timezone.get_current_timezone()
    now = timezone.now()
    visits: list[Visit] = []
    targets = list(
        Target.objects.filter(active=True, village__startswith=prefix).values_list(
            "person_id", "village", "interval_days"
        )
    )
    for pid, _village, days in targets:
        if rng.random() > coverage:
            continue
        for day in _visit_days(rng, start, until, 0 < days <= 7):
            at = dt.datetime.combine(day, dt.time(8, 30), tzinfo=tz) + dt.timedelta(
                minutes=rng.randrange(9 * 60)
            )
            at = min(at, now)  # today's visits so far, never later than now
            team: list[int | None] = list(helpers.get(pid, ())) or [None]
            visitor = team[0] if rng.random() < 0.85 or len(team) == 1 else rng.choice(team[1:])
            hazards = [rng.choice(Hazard.values)] if rng.random() < 0.05 else []
            needs = rng.sample(Need.values, rng.choice((1, 2))) if rng.random() < 0.2 else []
            visits.append(
                Visit(
                    person_id=pid,
                    visitor_id=visitor,
                    mode=_pick(rng, MODES),
                    visited_at=at,
                    visited_on=day,
                    health=rng.choice(HEALTH),
                    hazards=hazards,
                    family_support=rng.choice(FAMILY),
                    needs=needs,
                    hazard_note="已提醒家属尽快处理" if hazards else "",
                    synthetic=True,
                )
            )
    Visit.objects.bulk_create(visits, batch_size=5000)
    followups = _followups(rng, visits, until, {pid: village for pid, village, _ in targets})
    audit(
        ACTOR,
        Action.CREATE,
        object_type="visits",
        object_id=region,
        summary=f"演示：模拟 {start:%Y-%m} 探访 {len(visits)} 次，跟进事项 {followups} 件",
        detail={"month": f"{start:%Y-%m}", "visits": len(visits), "coverage": coverage},
    )
    return Result(len(targets), visitors, len(visits), followups)


def _followups(rng: random.Random, visits: list[Visit], until: dt.date, villages: dict[int, str]) -> int:
    kinds = (
        (FollowUpKind.URGENT, 0.003),
        (FollowUpKind.ASSESSMENT, 0.01),
        (FollowUpKind.ADAPTATION, 0.01),
        (FollowUpKind.ENTITLEMENT, 0.005),
    )
    townships: dict[str, Region | None] = {}
    rows: list[FollowUp] = []
    for visit in visits:
        for kind, share in kinds:
            if rng.random() >= share:
                continue
            village = villages.get(visit.person_id, "")
            if village not in townships:
                townships[village] = township_of(village)
            closed = rng.random() < 0.6 and visit.visited_on < until - dt.timedelta(days=3)
            opened = visit.visited_at
            rows.append(
                FollowUp(
                    person_id=visit.person_id,
                    visit_id=visit.pk,
                    kind=kind,
                    detail={
                        "urgent": "老人摔倒后行动困难，独自在家",
                        "assessment": "近期行动能力明显下降",
                        "adaptation": "卫生间无扶手，地面湿滑",
                        "entitlement": "称未收到本年度补贴",
                    }[kind],
                    entitlement="高龄津贴" if kind == FollowUpKind.ENTITLEMENT else "",
                    township=townships[village],
                    opened_at=opened,
                    due_at=opened + dt.timedelta(hours=24) if kind == FollowUpKind.URGENT else None,
                    status=FollowUpStatus.CLOSED if closed else FollowUpStatus.OPEN,
                    closed_at=opened + dt.timedelta(hours=rng.randrange(2, 72)) if closed else None,
                    resolution="已上门处理" if closed else "",
                )
            )
    FollowUp.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
