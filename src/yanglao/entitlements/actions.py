"""Writes of the entitlements app. Each action runs in one transaction together with its audit event."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from yanglao.audit.log import audit
from yanglao.audit.models import Action
from yanglao.core.catalog import evaluate
from yanglao.core.idnumber import mask_id_number
from yanglao.entitlements import catalogs
from yanglao.entitlements.explain import record_of
from yanglao.entitlements.models import (
    LIVE_STATES,
    Enrolment,
    EnrolmentSource,
    EnrolmentStatus,
    Finding,
    FindingKind,
    FindingState,
)

# API tokens live in yanglao.entitlements.tokens; importable from here as before.
from yanglao.entitlements.tokens import do_create_token as do_create_token
from yanglao.entitlements.tokens import token_digest as token_digest
from yanglao.regions.models import Region
from yanglao.registry.models import Person

if TYPE_CHECKING:
    from yanglao.entitlements.discovery import Candidate

CHUNK = 2000


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) is not None and hasattr(actor, "role") else None


# --- discovery -------------------------------------------------------------------------------------


@dataclass
class Outcome:
    region: str
    on: dt.date
    persons: int
    found: dict[str, int]
    created: int = 0
    reopened: int = 0
    closed: int = 0
    closed_reasons: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "region": self.region,
            "date": self.on.isoformat(),
            "persons": self.persons,
            "found": self.found,
            "created": self.created,
            "reopened": self.reopened,
            "closed": self.closed,
            "closed_reasons": self.closed_reasons,
            "seconds": round(self.seconds, 3),
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
        }


def _fields(c: Candidate) -> dict[str, Any]:
    return {
        "kind": c.kind,
        "person_id": c.person_pk,
        "township": c.township,
        "summary": c.summary[:300],
        "catalog": c.catalog,
        "item_no": c.item_no,
        "item_code": c.item_code,
        "item_name": c.item_name[:200],
        "amount": c.amount,
        "period": c.period,
        "reason_kind": c.reason_kind,
        "reason": c.reason,
        "due_on": c.due_on,
        "enrolment_id": c.enrolment_id,
        "detail": c.detail,
    }


UPDATED = (
    "summary",
    "amount",
    "period",
    "reason_kind",
    "reason",
    "due_on",
    "detail",
    "township",
    "last_seen_on",
)


@transaction.atomic
def do_discover(
    region: Region,
    on: dt.date,
    *,
    within: int | None = None,
    actor: Any = "命令行",
    request: HttpRequest | None = None,
) -> Outcome:
    """Run discovery for ``region`` on ``on`` and keep the findings: new ones are created, ones found
    again are updated (a closed one reopens), live ones no longer found close with the data's reason."""
    # The scan reads the registry into Polars frames: imported here, not with the web server's views.
    from yanglao.entitlements.discovery import WITHIN_DAYS, closing_reason, counts, scan

    started = time.perf_counter()
    result = scan(region, on, WITHIN_DAYS if within is None else within)
    outcome = Outcome(
        region.code, on, result.persons.height, counts(result.candidates), timings=result.timings
    )
    mark = time.perf_counter()
    existing = {f.key: f for f in Finding.objects.filter(township__startswith=region.prefix)}
    wanted = {c.key: c for c in result.candidates}
    new = [
        Finding(key=key, found_on=on, last_seen_on=on, **_fields(c))
        for key, c in wanted.items()
        if key not in existing
    ]
    Finding.objects.bulk_create(new, batch_size=CHUNK)
    outcome.created = len(new)
    changed: list[Finding] = []
    reopened: list[Finding] = []
    for key, finding in existing.items():
        c = wanted.get(key)
        if c is None:
            continue
        values = _fields(c)
        dirty = finding.last_seen_on != on or any(
            getattr(finding, n) != values[n] for n in UPDATED if n in values
        )
        for name in UPDATED:
            if name in values:
                setattr(finding, name, values[name])
        finding.last_seen_on = on
        if finding.state == FindingState.CLOSED:
            finding.state = FindingState.OPEN
            finding.note = f"{on} 重新发现（曾关闭：{finding.closed_reason}）"[:300]
            finding.closed_reason = ""
            finding.closed_at = None
            reopened.append(finding)
        elif dirty:
            changed.append(finding)
    Finding.objects.bulk_update(changed, UPDATED, batch_size=CHUNK)
    Finding.objects.bulk_update(
        reopened, [*UPDATED, "state", "note", "closed_reason", "closed_at"], batch_size=CHUNK
    )
    outcome.reopened = len(reopened)
    now = timezone.now()
    gone = [f for key, f in existing.items() if key not in wanted and f.state in LIVE_STATES]
    for finding in gone:
        finding.state = FindingState.CLOSED
        finding.closed_reason = closing_reason(finding, result)[:300]
        finding.closed_at = now
        outcome.closed_reasons[finding.closed_reason] = (
            outcome.closed_reasons.get(finding.closed_reason, 0) + 1
        )
    Finding.objects.bulk_update(gone, ["state", "closed_reason", "closed_at"], batch_size=CHUNK)
    outcome.closed = len(gone)
    outcome.timings["save"] = time.perf_counter() - mark
    outcome.seconds = time.perf_counter() - started
    found = "，".join(f"{FindingKind(k).label} {n}" for k, n in outcome.found.items())
    audit(
        actor,
        Action.CREATE,
        request=request,
        object_type="discovery",
        object_id=region.code,
        summary=f"服务找人 {region.name} {on}：{found}；新增 {outcome.created}，重新发现 {outcome.reopened}，"
        f"自动关闭 {outcome.closed}",
        detail={**outcome.as_dict(), "closed_ids": [f.pk for f in gone][:1000]},
    )
    return outcome


# --- enrolments ------------------------------------------------------------------------------------


class ApprovalError(ValueError):
    pass


@transaction.atomic
def do_approve_entitlement(
    actor: Any,
    person: Person,
    catalog_code: str,
    item_no: str,
    *,
    start: dt.date,
    amount: Decimal | None = None,
    note: str = "",
    request: HttpRequest | None = None,
) -> Enrolment:
    """Staff approve an item for a person: checked against the list on ``start``; the assessment result
    it relies on is recorded when the item depends on the ability level."""
    if catalog_code not in catalogs.available():
        raise ApprovalError(f"没有清单 {catalog_code}")
    cat = catalogs.catalog(catalog_code)
    try:
        item = cat.item(item_no)
    except KeyError:
        raise ApprovalError(f"清单 {catalog_code} 没有第{item_no}项") from None
    decision = evaluate(cat, record_of(person), start)
    granted = next(d for d in decision.items if d.no == item.no)
    if not granted.granted:
        raise ApprovalError(f"{start} 不符合第{item.no}项 {item.name}：{granted.reason}")
    overlapping = Enrolment.objects.filter(
        person=person, catalog=catalog_code, item_no=item.no, status=EnrolmentStatus.ACTIVE
    ).filter(Q(end__isnull=True) | Q(end__gte=start))
    if overlapping.exists():
        raise ApprovalError(f"已在享受第{item.no}项 {item.name}")
    user = _user(actor)
    enrolment = Enrolment.objects.create(
        person=person,
        catalog=catalog_code,
        item_no=item.no,
        service_code=item.code,
        name=item.name[:100],
        amount=amount if amount is not None else granted.amount,
        period=granted.period or "",
        start=start,
        status=EnrolmentStatus.ACTIVE,
        source=EnrolmentSource.APPROVED,
        source_detail=(note or "经办审批")[:200],
        approved_by=user,
        region=person.hukou_region or person.residence_region or "",
    )
    relied = ""
    if catalogs.uses_ability_level(item):
        from yanglao.assessments.actions import do_record_use
        from yanglao.assessments.results import current_assessment

        current = current_assessment(person)
        if current is not None:
            do_record_use(
                current,
                purpose=item.name[:64],
                actor=actor,
                object_type="enrolment",
                object_id=str(enrolment.pk),
                request=request,
            )
            relied = current.number
    audit(
        actor,
        Action.CREATE,
        request=request,
        object_type="enrolment",
        object_id=mask_id_number(person.id_number),
        summary=f"批准享受 第{item.no}项 {item.name}（{catalog_code}），自 {start} 起"
        + (f"，{enrolment.amount} 元" if enrolment.amount is not None else ""),
        detail={"enrolment": enrolment.pk, "person": person.pk, "assessment": relied, "note": note},
    )
    return enrolment


@transaction.atomic
def do_end_enrolment(
    actor: Any, enrolment: Enrolment, *, end: dt.date, reason: str, request: HttpRequest | None = None
) -> Enrolment:
    if enrolment.status != EnrolmentStatus.ACTIVE:
        raise ApprovalError("该享受记录已停止")
    if not reason.strip():
        raise ApprovalError("请填写停止原因")
    enrolment.status = EnrolmentStatus.ENDED
    enrolment.end = max(end, enrolment.start)
    enrolment.ended_reason = reason.strip()[:200]
    enrolment.save(update_fields=["status", "end", "ended_reason"])
    audit(
        actor,
        Action.CHANGE,
        request=request,
        object_type="enrolment",
        object_id=mask_id_number(enrolment.person.id_number),
        summary=f"停止享受 第{enrolment.item_no}项 {enrolment.name}，{enrolment.end} 止：{enrolment.ended_reason}",
        detail={"enrolment": enrolment.pk, "person": enrolment.person_id},
    )
    return enrolment


# --- working a finding -----------------------------------------------------------------------------


class WorkError(ValueError):
    pass


ALLOWED: dict[str, tuple[str, ...]] = {
    FindingState.CONTACTED: (FindingState.OPEN,),
    FindingState.ENROLLED: LIVE_STATES,
    FindingState.STOPPED: LIVE_STATES,
    FindingState.REJECTED: LIVE_STATES,
}


@transaction.atomic
def do_work_finding(
    request: HttpRequest,
    finding: Finding,
    action: str,
    *,
    note: str = "",
    start: dt.date | None = None,
    amount: Decimal | None = None,
    end: dt.date | None = None,
    enrolment_id: int | None = None,
) -> Finding:
    """contacted / enrolled (creates the enrolment) / stopped (ends the enrolment paid wrongly) /
    rejected (with a reason). Audited."""
    user = request.user
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if action not in ALLOWED:
        raise WorkError("未知的处理方式")
    if finding.state not in ALLOWED[action]:
        raise WorkError(f"该事项当前状态为“{finding.get_state_display()}”，不能{FindingState(action).label}")
    if action == FindingState.REJECTED and not note.strip():
        raise WorkError("不予处理须填写原因")
    today = timezone.localdate()
    if action == FindingState.ENROLLED:
        if finding.kind != FindingKind.MISSED:
            raise WorkError("只有“符合条件未享受”的事项可以纳入享受")
        try:
            enrolment = do_approve_entitlement(
                user,
                finding.person,
                finding.catalog,
                finding.item_no,
                start=start or today,
                amount=amount,
                note=note or f"服务找人发现 #{finding.pk}",
                request=request,
            )
        except ApprovalError as exc:
            raise WorkError(str(exc)) from None
        finding.enrolment = enrolment
    if action == FindingState.STOPPED:
        target = _stop_target(finding, enrolment_id)
        person = finding.person
        default_end = person.death_date if person.death_date and finding.reason_kind == "died" else today
        try:
            do_end_enrolment(
                user, target, end=end or default_end, reason=note or finding.summary, request=request
            )
        except ApprovalError as exc:
            raise WorkError(str(exc)) from None
    finding.state = action
    finding.worked_by = _user(user)
    finding.worked_at = timezone.now()
    finding.note = note.strip()[:300]
    finding.save(update_fields=["state", "worked_by", "worked_at", "note", "enrolment"])
    audit(
        user,
        Action.CHANGE,
        request=request,
        object_type="finding",
        object_id=str(finding.pk),
        summary=f"服务找人事项 #{finding.pk}（{finding.get_kind_display()}）：{finding.get_state_display()}"
        + (f"，{note.strip()}" if note.strip() else ""),
        detail={"finding": finding.pk, "person": finding.person_id, "state": action},
    )
    return finding


def _stop_target(finding: Finding, enrolment_id: int | None) -> Enrolment:
    if finding.kind == FindingKind.NOT_ENTITLED and finding.enrolment is not None:
        return finding.enrolment
    if finding.kind == FindingKind.DOUBLE_PAID:
        allowed = [int(i) for i in finding.detail.get("enrolments", [])]
        if enrolment_id is None or enrolment_id not in allowed:
            raise WorkError("请选择要停止的一项享受记录")
        return Enrolment.objects.get(pk=enrolment_id, person=finding.person)
    raise WorkError("该事项没有可停止的享受记录")
