"""Writes of the visits app. Each action runs in one transaction together with its audit event."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max, Q
from django.http import HttpRequest
from django.utils import timezone

from yanglao.audit.log import audit
from yanglao.audit.models import Action
from yanglao.core.idnumber import mask_id_number
from yanglao.core.visits.assign import Case, Helper, balance
from yanglao.core.visits.schedule import month_bounds, plan_due_dates
from yanglao.core.visits.targets import evaluate_target
from yanglao.regions.models import Region
from yanglao.regions.tree import prefix_of
from yanglao.registry.models import RECORD_FIELDS, Person
from yanglao.visits.models import (
    CASELOAD_KINDS,
    NEIGHBOURS_PER_PERSON,
    Assignment,
    AssignmentRole,
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
    PlanEntry,
    Target,
    Visit,
    Visitor,
    VisitorKind,
)
from yanglao.visits.rules import param, rules_cache

BATCH = 2000
UPDATE_BATCH = 200  # bulk_update writes one CASE per field and row: small batches stay fast


def region_prefix(code: str) -> str:
    region = Region.objects.filter(code=code).first()
    return region.prefix if region is not None else prefix_of(code)


def village_of(residence: str | None, hukou: str | None) -> str:
    """Where a person is visited: the 12-digit 常住地, else the 12-digit 户籍地, else whatever is known."""
    for code in (residence, hukou):
        if code and len(code) == 12:
            return code
    return residence or hukou or ""


def _actor(request: HttpRequest | None, actor: Any) -> Any:
    return request.user if request is not None else actor


# --- targets -------------------------------------------------------------------------------------


def _person_rows(prefix: str) -> Iterator[dict[str, Any]]:
    scope = Q(residence_region__startswith=prefix) | Q(hukou_region__startswith=prefix)
    yield from (
        Person.objects.filter(scope).values("id", "id_number", *RECORD_FIELDS).iterator(chunk_size=5000)
    )


@transaction.atomic
def do_refresh_targets(
    actor: Any, region: str, on: dt.date, *, request: HttpRequest | None = None
) -> dict[str, int]:
    """Evaluate every person of ``region`` on ``on`` and store who is a target, in which tier, why."""
    prefix = region_prefix(region)
    existing = {t.person_id: t for t in Target.objects.filter(person__in=_scope_persons(prefix))}
    cache = rules_cache()
    new: list[Target] = []
    changed: list[Target] = []
    seen: set[int] = set()
    for row in _person_rows(prefix):
        home = row["residence_region"] or row["hukou_region"]
        rules = cache.for_region(home)
        target = evaluate_target(row, rules, on)
        if target is None:
            continue
        seen.add(row["id"])
        values = {
            "village": village_of(row["residence_region"], row["hukou_region"]),
            "groups": list(target.groups),
            "reasons": list(target.reasons),
            "tier": target.tier,
            "tier_label": target.tier_label,
            "interval_days": target.interval.days,
            "interval_months": target.interval.months,
            "rules": rules.code,
            "active": True,
        }
        stored = existing.get(row["id"])
        if stored is None:
            new.append(Target(person_id=row["id"], since=on, evaluated_on=on, **values))
            continue
        if all(getattr(stored, name) == value for name, value in values.items()):
            continue  # unchanged: only its evaluation date moves (one UPDATE below)
        if not stored.active:
            stored.since = on
        for name, value in values.items():
            setattr(stored, name, value)
        changed.append(stored)
    ended = [t for pid, t in existing.items() if pid not in seen and t.active]
    for gone in ended:
        gone.active = False
    Target.objects.bulk_create(new, batch_size=BATCH)
    fields = ["village", "groups", "reasons", "tier", "tier_label", "interval_days", "interval_months"]
    Target.objects.bulk_update(
        changed + ended, [*fields, "rules", "active", "since"], batch_size=UPDATE_BATCH
    )
    Target.objects.filter(person__in=_scope_persons(prefix)).update(evaluated_on=on)
    counts = {"targets": len(seen), "new": len(new), "ended": len(ended)}
    audit(
        _actor(request, actor),
        Action.CHANGE,
        request=request,
        object_type="visits",
        object_id=region,
        summary=f"更新探访对象（{on}）：{len(seen)} 人，新增 {len(new)}，不再是对象 {len(ended)}",
        detail=counts,
    )
    return counts


def _scope_persons(prefix: str) -> Any:
    return Person.objects.filter(
        Q(residence_region__startswith=prefix) | Q(hukou_region__startswith=prefix)
    ).values("pk")


# --- assignment ----------------------------------------------------------------------------------


@transaction.atomic
def do_auto_assign(actor: Any, region: str, *, request: HttpRequest | None = None) -> dict[str, int]:
    """Balanced automatic assignment of every active target of ``region`` to a visitor of their village.

    Manual assignments are kept; assignments of people who are no longer targets end."""
    prefix = region_prefix(region)
    now = timezone.now()
    targets = list(
        Target.objects.filter(active=True, village__startswith=prefix).values_list(
            "person_id", "village", "interval_days"
        )
    )
    helpers = [
        Helper(v.pk, v.village_id, v.capacity)
        for v in Visitor.objects.filter(
            active=True, kind__in=CASELOAD_KINDS, village__code__startswith=prefix
        )
    ]
    current = {
        a.person_id: a
        for a in Assignment.objects.filter(
            Q(visitor__village__code__startswith=prefix)
            | Q(person__visit_target__village__startswith=prefix),
            role=AssignmentRole.PRIMARY,
            ended_at__isnull=True,
        )
    }
    cases = [
        Case(
            pid,
            village,
            0 < days <= 7,
            current[pid].visitor_id if pid in current else None,
            current[pid].manual if pid in current else False,
        )
        for pid, village, days in targets
    ]
    result = balance(cases, helpers)
    target_ids = {pid for pid, _, _ in targets}
    ending = [a.pk for pid, a in current.items() if pid not in target_ids or result.get(pid) != a.visitor_id]
    Assignment.objects.filter(pk__in=ending).update(ended_at=now)
    created = [
        Assignment(person_id=pid, visitor_id=visitor, role=AssignmentRole.PRIMARY, started_at=now)
        for pid, visitor in result.items()
        if visitor is not None and (pid not in current or current[pid].visitor_id != visitor)
    ]
    Assignment.objects.bulk_create(created, batch_size=BATCH)
    counts = {
        "targets": len(targets),
        "assigned": sum(1 for v in result.values() if v is not None),
        "unassigned": sum(1 for v in result.values() if v is None),
        "changed": len(created),
        "ended": len(ending),
    }
    audit(
        _actor(request, actor),
        Action.CHANGE,
        request=request,
        object_type="visits",
        object_id=region,
        summary=f"自动分配探访人员：{counts['assigned']} 人已分配，{counts['unassigned']} 人所在村无探访人员，变更 {counts['changed']}",
        detail=counts,
    )
    return counts


@transaction.atomic
def do_assign(request: HttpRequest, person: Person, visitor: Visitor, note: str) -> Assignment:
    """A manual override: ``visitor`` becomes the person's primary visitor (kept by automatic runs)."""
    now = timezone.now()
    Assignment.objects.filter(person=person, role=AssignmentRole.PRIMARY, ended_at__isnull=True).update(
        ended_at=now
    )
    assignment = Assignment.objects.create(
        person=person,
        visitor=visitor,
        role=AssignmentRole.PRIMARY,
        manual=True,
        note=note[:200],
        assigned_by=request.user if request.user.is_authenticated else None,
        started_at=now,
    )
    audit(
        request.user,
        Action.CHANGE,
        request=request,
        object_type="person",
        object_id=mask_id_number(person.id_number),
        summary=f"人工指定探访人员：{visitor}（{note}）"[:300],
        detail={"person": person.pk, "visitor": visitor.pk, "assignment": assignment.pk},
    )
    return assignment


@transaction.atomic
def do_add_neighbour(
    actor: Any, person: Person, visitor: Visitor, *, request: HttpRequest | None = None
) -> Assignment:
    """Attach a good neighbour to an elder (the "1+2" model: at most two per elder)."""
    if visitor.kind != VisitorKind.NEIGHBOUR:
        raise ValueError("只有“邻里互助（1+2）”类别的人员可以作为邻里结对")
    current = Assignment.objects.filter(person=person, role=AssignmentRole.NEIGHBOUR, ended_at__isnull=True)
    if current.count() >= NEIGHBOURS_PER_PERSON:
        raise ValueError(f"每位老年人最多结对 {NEIGHBOURS_PER_PERSON} 户邻里")
    assignment = Assignment.objects.create(
        person=person, visitor=visitor, role=AssignmentRole.NEIGHBOUR, manual=True
    )
    audit(
        _actor(request, actor),
        Action.CHANGE,
        request=request,
        object_type="person",
        object_id=mask_id_number(person.id_number),
        summary=f"邻里结对（1+2）：{visitor}",
        detail={"person": person.pk, "visitor": visitor.pk},
    )
    return assignment


# --- monthly plans -------------------------------------------------------------------------------


@transaction.atomic
def do_make_plans(
    actor: Any, region: str, year: int, month: int, *, request: HttpRequest | None = None
) -> int:
    """The month's plan for ``region``: for each assigned target, the dates their visits are due by."""
    prefix = region_prefix(region)
    start, end = month_bounds(year, month)
    # Joins, not ``__in`` sub-queries: SQLite plans ``target IN (SELECT … LIKE …)`` badly.
    in_region = {"person__visit_target__active": True, "person__visit_target__village__startswith": prefix}
    targets = {t.person_id: t for t in Target.objects.filter(active=True, village__startswith=prefix)}
    primaries = dict(
        Assignment.objects.filter(
            role=AssignmentRole.PRIMARY, ended_at__isnull=True, **in_region
        ).values_list("person_id", "visitor_id")
    )
    last = dict(
        Visit.objects.filter(visited_on__lt=start, **in_region)
        .values("person_id")
        .annotate(last=Max("visited_on"))
        .values_list("person_id", "last")
    )
    PlanEntry.objects.filter(month=start, person__visit_target__village__startswith=prefix).delete()
    entries = [
        PlanEntry(month=start, visitor_id=visitor, person_id=pid, due_on=due, tier=targets[pid].tier)
        for pid, visitor in primaries.items()
        for due in plan_due_dates(last.get(pid), targets[pid].interval, start, end)
    ]
    PlanEntry.objects.bulk_create(entries, batch_size=BATCH)
    audit(
        _actor(request, actor),
        Action.CREATE,
        request=request,
        object_type="visits",
        object_id=region,
        summary=f"生成 {start:%Y-%m} 月度探访计划：{len(primaries)} 人，{len(entries)} 次",
        detail={"month": f"{start:%Y-%m}", "persons": len(primaries), "entries": len(entries)},
    )
    return len(entries)


# --- visits and follow-ups -----------------------------------------------------------------------


@dataclass
class FollowUpRequest:
    kind: str
    detail: str = ""
    entitlement: str = ""


@dataclass
class VisitInput:
    mode: str
    visited_at: dt.datetime
    health: str = ""
    hazards: Sequence[str] = ()
    hazard_note: str = ""
    family_support: str = ""
    needs: Sequence[str] = ()
    note: str = ""
    photo: UploadedFile[bytes] | None = None
    client_id: uuid.UUID | None = None
    followups: list[FollowUpRequest] = field(default_factory=list)


def township_of(code: str) -> Region | None:
    if len(code) != 12:
        return None
    return Region.objects.filter(code=code[:9] + "000").first()


def _open_followup(
    request: HttpRequest, person: Person, want: FollowUpRequest, visit: Visit | None, now: dt.datetime
) -> FollowUp:
    village = village_of(person.residence_region, person.hukou_region)
    due = None
    if want.kind == FollowUpKind.URGENT:
        due = now + dt.timedelta(hours=param(village, "urgent_escalation_hours", timezone.localdate()))
    followup = FollowUp.objects.create(
        person=person,
        visit=visit,
        kind=want.kind,
        detail=want.detail,
        entitlement=want.entitlement[:100],
        township=township_of(village),
        due_at=due,
        opened_by=request.user if request.user.is_authenticated else None,
        opened_at=now,
    )
    audit(
        request.user,
        Action.CREATE,
        request=request,
        object_type="person",
        object_id=mask_id_number(person.id_number),
        summary=f"探访跟进：{followup.get_kind_display()}"
        + (f"（{want.entitlement}）" if want.entitlement else "")
        + (f"，时限 {timezone.localtime(due):%m-%d %H:%M}" if due else ""),
        detail={
            "person": person.pk,
            "followup": followup.pk,
            "kind": want.kind,
            "visit": visit.pk if visit else None,
        },
    )
    return followup


@transaction.atomic
def do_record_visit(request: HttpRequest, person: Person, data: VisitInput) -> tuple[Visit, bool]:
    """Record one visit and open the follow-ups its findings call for. Idempotent by ``client_id``: a
    draft sent twice (the phone retried after a lost connection) is stored once. Returns (visit, created)."""
    if data.client_id is not None:
        existing = Visit.objects.filter(client_id=data.client_id).first()
        if existing is not None:
            if existing.person_id != person.pk:
                raise ValueError("草稿编号已用于另一位老年人")
            return existing, False
    user = request.user if request.user.is_authenticated else None
    visitor = Visitor.objects.filter(user=user).first() if user is not None else None
    visit = Visit(
        person=person,
        visitor=visitor,
        recorded_by=user,
        mode=data.mode,
        visited_at=data.visited_at,
        visited_on=timezone.localdate(data.visited_at),
        health=data.health,
        hazards=list(data.hazards),
        hazard_note=data.hazard_note,
        family_support=data.family_support,
        needs=list(data.needs),
        note=data.note,
        client_id=data.client_id,
    )
    if data.photo is not None:
        visit.photo.save(data.photo.name or "photo.jpg", data.photo, save=False)
    visit.save()
    audit(
        request.user,
        Action.CREATE,
        request=request,
        object_type="person",
        object_id=mask_id_number(person.id_number),
        summary=f"记录探访（{visit.get_mode_display()}，{timezone.localtime(visit.visited_at):%Y-%m-%d %H:%M}）",
        detail={"person": person.pk, "visit": visit.pk, "followups": [f.kind for f in data.followups]},
    )
    now = timezone.now()
    for want in data.followups:
        _open_followup(request, person, want, visit, now)
    return visit, True


@transaction.atomic
def do_close_followup(request: HttpRequest, followup: FollowUp, resolution: str) -> None:
    if followup.status != FollowUpStatus.OPEN:
        raise ValueError("该事项已办结")
    followup.status = FollowUpStatus.CLOSED
    followup.resolution = resolution
    followup.closed_by = request.user if request.user.is_authenticated else None
    followup.closed_at = timezone.now()
    followup.save()
    audit(
        request.user,
        Action.CHANGE,
        request=request,
        object_type="person",
        object_id=mask_id_number(followup.person.id_number),
        summary=f"办结探访跟进：{followup.get_kind_display()}（{resolution}）"[:300],
        detail={
            "followup": followup.pk,
            "late": bool(followup.due_at and followup.closed_at > followup.due_at),
        },
    )
