"""The writes of supervision, each in one transaction with its audit event: plans and their random draw,
inspections (findings become hazards), rectification and re-inspection, ratings, complaints."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest

from yanglao.audit.log import audit
from yanglao.audit.models import Action
from yanglao.facilities.models import Facility
from yanglao.regions.models import Region
from yanglao.supervision import evidence, rules
from yanglao.supervision.models import (
    Complaint,
    ComplaintCounter,
    ComplaintStatus,
    Evidence,
    Finding,
    Hazard,
    HazardSource,
    HazardStatus,
    Inspection,
    InspectionPlan,
    PlanKind,
    Rating,
    Route,
)

Files = Sequence[tuple[str, "UploadedFile[Any]"]]  # (item code or "", file)


def township_of(facility: Facility) -> str:
    """The code of the facility's township (苏木乡镇); the facility's own region when it lies higher (a
    county-level facility registered at the county)."""
    code = str(facility.region_id)
    return code[:9] + "000" if len(code) == 12 else code


def _local(now: dt.datetime) -> dt.date:
    return now.astimezone(rules.SHANGHAI).date()


def checked(files: Files, now: dt.datetime) -> list[tuple[str, UploadedFile[Any], str]]:
    """Every file checked before anything is stored (a bad one: RuleError, nothing stored)."""
    return [(item, f, evidence.check(f, _local(now))[0]) for item, f in files]


def _store(
    files: list[tuple[str, UploadedFile[Any], str]], user: Any, now: dt.datetime, **owner: Any
) -> None:
    for item, upload, kind in files:
        Evidence.objects.create(
            file=upload,
            name=(upload.name or "")[:120],
            content_type=kind,
            size=upload.size or 0,
            item=item,
            uploaded_by=user if getattr(user, "pk", None) else None,
            uploaded_at=now,
            **owner,
        )


def _event(user: Any, what: str, now: dt.datetime, note: str = "") -> dict[str, str]:
    return {"at": now.isoformat(), "by": str(user) if user else "公众", "what": what, "note": note}


# --- plans -----------------------------------------------------------------------------------------


def draw(pool: list[int], inspectors: list[str], count: int, per: int, seed: str) -> dict[str, Any]:
    """双随机: ``count`` facilities of ``pool`` and ``per`` inspectors for each, by a seeded generator (the
    seed recorded, so anybody can redraw and compare)."""
    rng = random.Random(seed)
    chosen = sorted(rng.sample(sorted(pool), min(count, len(pool))))
    teams = {str(pk): sorted(rng.sample(inspectors, min(per, len(inspectors)))) for pk in chosen}
    return {"seed": seed, "pool": len(pool), "facilities": chosen, "teams": teams}


@transaction.atomic
def do_plan(
    request: HttpRequest | None,
    user: Any,
    *,
    name: str,
    kind: str,
    region: Region,
    year: int,
    facilities: list[int],
    inspectors: list[str],
    count: int,
    seed: str,
    now: dt.datetime,
    note: str = "",
) -> InspectionPlan:
    if kind == PlanKind.RANDOM:
        seed = seed or uuid.uuid4().hex[:12]
        result = draw(facilities, inspectors, count, 2, seed)
    else:
        result = {"seed": "", "pool": len(facilities), "facilities": sorted(facilities), "teams": {}}
    plan = InspectionPlan.objects.create(
        name=name,
        kind=kind,
        region=region,
        year=year,
        seed=result["seed"],
        draw=result,
        note=note,
        created_by=user,
        created_at=now,
    )
    audit(
        user,
        Action.CREATE,
        request=request,
        object_type="inspection_plan",
        object_id=str(plan.pk),
        summary=f"制定检查计划：{name}（{len(result['facilities'])} 个机构）",
        detail={"region": region.code},
    )
    return plan


# --- inspections and hazards ----------------------------------------------------------------------


def _open_hazard(
    facility: Facility, *, title: str, level: str, source: str, now: dt.datetime, **more: Any
) -> Hazard:
    return Hazard.objects.create(
        facility=facility,
        township=township_of(facility),
        title=title[:200],
        level=level,
        source=source,
        opened_at=now,
        due_at=rules.hazard_deadline(level, now),
        **more,
    )


@transaction.atomic
def do_inspect(
    request: HttpRequest | None,
    user: Any,
    facility: Facility,
    *,
    failed: dict[str, str],
    inspectors: str,
    inspected_at: dt.datetime,
    note: str,
    files: Files,
    now: dt.datetime,
    client_id: uuid.UUID | None = None,
    plan: InspectionPlan | None = None,
) -> tuple[Inspection, bool]:
    """Record an inspection: its score, one finding per failed item, one hazard per finding. A record sent
    twice (the same client id) is stored once."""
    if client_id is not None:
        earlier = Inspection.objects.filter(client_id=client_id).first()
        if earlier is not None:
            return earlier, False
    checklist = rules.checklist_for(str(facility.region_id), _local(inspected_at))
    score = rules.inspection_score(checklist, set(failed))
    stored = checked(files, now)
    inspection = Inspection.objects.create(
        plan=plan,
        facility=facility,
        checklist=checklist.code,
        inspectors=inspectors[:200],
        inspected_at=inspected_at,
        score=score.score,
        deductions=score.deductions,
        suspend=score.suspend,
        note=note,
        client_id=client_id,
        recorded_by=user,
        recorded_at=now,
    )
    for indicator in score.failed:
        finding = Finding.objects.create(
            inspection=inspection,
            code=indicator.code,
            category=indicator.category_name,
            item=indicator.item,
            basis=indicator.basis,
            deduction=indicator.deduction,
            note=failed[indicator.code][:300],
        )
        _open_hazard(
            facility,
            title=indicator.item,
            level=indicator.level,
            source=HazardSource.INSPECTION,
            now=inspected_at,
            finding=finding,
        )
    _store(stored, user, now, inspection=inspection)
    audit(
        user,
        Action.CREATE,
        request=request,
        object_type="inspection",
        object_id=str(inspection.pk),
        summary=f"监管检查：{facility.name}，得分 {score.score}，问题 {len(score.failed)} 项",
        detail={"region": str(facility.region_id), "facility": facility.pk},
    )
    return inspection, True


@transaction.atomic
def do_report_hazard(
    request: HttpRequest | None, user: Any, facility: Facility, *, title: str, level: str, now: dt.datetime
) -> Hazard:
    hazard = _open_hazard(
        facility,
        title=title,
        level=level,
        source=HazardSource.REPORT,
        now=now,
        history=[_event(user, "报告隐患", now)],
    )
    audit(
        user,
        Action.CREATE,
        request=request,
        object_type="hazard",
        object_id=str(hazard.pk),
        summary=f"报告隐患：{facility.name}：{title}",
        detail={"region": str(facility.region_id)},
    )
    return hazard


def _hazard_change(request: HttpRequest | None, user: Any, hazard: Hazard, summary: str) -> None:
    """A hazard's change saved and audited (its facility's region)."""
    hazard.save()
    audit(
        user,
        Action.CHANGE,
        request=request,
        object_type="hazard",
        object_id=str(hazard.pk),
        summary=summary,
        detail={"region": str(hazard.facility.region_id)},
    )


@transaction.atomic
def do_rectify(
    request: HttpRequest | None, user: Any, hazard: Hazard, *, text: str, files: Files, now: dt.datetime
) -> Hazard:
    if hazard.status == HazardStatus.CLEARED:
        raise rules.RuleError("隐患已清零，无需再提交整改")
    stored = checked(files, now)
    hazard.status, hazard.rectification, hazard.rectified_at = HazardStatus.SUBMITTED, text, now
    hazard.history = [*hazard.history, _event(user, "提交整改", now, text)]
    _hazard_change(request, user, hazard, f"提交隐患整改：{hazard.title}")
    _store(stored, user, now, hazard=hazard)
    return hazard


@transaction.atomic
def do_verify(
    request: HttpRequest | None, user: Any, hazard: Hazard, *, passed: bool, note: str, now: dt.datetime
) -> Hazard:
    """复查: passed → 已清零; not passed → back to 待整改 (the deadline stands: it stays overdue)."""
    if hazard.status == HazardStatus.CLEARED:
        raise rules.RuleError("隐患已清零")
    if passed:
        hazard.status, hazard.cleared_at = HazardStatus.CLEARED, now
    else:
        hazard.status = HazardStatus.OPEN
    hazard.history = [*hazard.history, _event(user, "复查通过，清零" if passed else "复查未通过", now, note)]
    _hazard_change(request, user, hazard, f"隐患复查{'通过' if passed else '未通过'}：{hazard.title}")
    return hazard


# --- ratings ---------------------------------------------------------------------------------------


@transaction.atomic
def do_rate(
    request: HttpRequest | None,
    user: Any,
    facility: Facility,
    *,
    kind: str,
    scores: dict[str, int],
    assessed_on: dt.date,
    assessors: str,
    note: str,
    files: Files,
    now: dt.datetime,
) -> Rating:
    result = rules.rate(scores)
    stored = checked(files, now)
    rating = Rating.objects.create(
        facility=facility,
        kind=kind,
        scores=scores,
        total=result.total,
        level=result.level,
        assessed_on=assessed_on,
        valid_until=rules.valid_until(assessed_on) if kind == "bureau" else None,
        assessors=assessors[:200],
        note=note,
        recorded_by=user,
        recorded_at=now,
    )
    _store(stored, user, now, rating=rating)
    audit(
        user,
        Action.CREATE,
        request=request,
        object_type="rating",
        object_id=str(rating.pk),
        summary=f"等级评定（{rating.get_kind_display()}）：{facility.name} {result.total} 分，{result.level_name}",
        detail={"region": str(facility.region_id)},
    )
    return rating


# --- complaints ------------------------------------------------------------------------------------


def _number(now: dt.datetime) -> str:
    """The next number of the day (``TS`` + date + 4 digits), under the lock of the day's counter row,
    held until the intake commits: concurrent intakes wait for each other instead of counting the same
    rows (a day's first counter starts after the numbers already given that day)."""
    stamp = now.astimezone(rules.SHANGHAI).strftime("%Y%m%d")
    if not ComplaintCounter.objects.filter(day=stamp).exists():
        given = Complaint.objects.filter(number__startswith=f"TS{stamp}").values_list("number", flat=True)
        # get_or_create: of two first intakes of a day, the second's insert fails and it reads the row
        ComplaintCounter.objects.get_or_create(
            day=stamp, defaults={"last": max((int(n[10:]) for n in given if n[10:].isdigit()), default=0)}
        )
    counter = ComplaintCounter.objects.select_for_update().get(day=stamp)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"TS{stamp}{counter.last:04d}"


@transaction.atomic
def do_complaint(
    request: HttpRequest | None,
    user: Any,
    *,
    channel: str,
    region: Region,
    facility: Facility | None,
    route: str,
    department: str,
    subject: str,
    text: str,
    complainant: str,
    phone: str,
    severity: str,
    files: Files,
    now: dt.datetime,
) -> Complaint:
    if facility is not None and not str(facility.region_id).startswith(region.prefix):
        raise rules.RuleError(f"“{facility.name}”不在{region.name}辖区内，不能在此受理")
    if route == Route.FACILITY and facility is None:
        raise rules.RuleError("转机构办理须选择被投诉机构")
    stored = checked(files, now)
    complaint = Complaint.objects.create(
        number=_number(now),
        channel=channel,
        received_at=now,
        region=region,
        facility=facility,
        route=route,
        department=department,
        subject=subject,
        text=text,
        complainant=complainant,
        phone=phone,
        severity=severity,
        reply_due=rules.reply_deadline(severity, now),
        created_by=user,
        history=[_event(user, "受理", now, Route(route).label)],
    )
    _store(stored, user, now, complaint=complaint)
    audit(
        user,
        Action.CREATE,
        request=request,
        object_type="complaint",
        object_id=complaint.number,
        summary=f"受理投诉（{complaint.get_channel_display()}）：{subject}",
        detail={"region": region.code},
    )
    return complaint


def _complaint_change(
    request: HttpRequest | None, user: Any, complaint: Complaint, what: str, note: str
) -> None:
    complaint.save()
    audit(
        user,
        Action.CHANGE,
        request=request,
        object_type="complaint",
        object_id=complaint.number,
        summary=f"投诉{what}：{complaint.subject}",
        detail={"region": str(complaint.region_id)},
    )


@transaction.atomic
def do_reply(
    request: HttpRequest | None, user: Any, complaint: Complaint, *, text: str, now: dt.datetime
) -> None:
    if complaint.status not in (ComplaintStatus.OPEN, ComplaintStatus.REOPENED):
        raise rules.RuleError("该投诉当前不能答复")
    complaint.status, complaint.reply, complaint.replied_at = ComplaintStatus.REPLIED, text, now
    complaint.history = [*complaint.history, _event(user, "答复", now, text)]
    _complaint_change(request, user, complaint, "答复", text)


@transaction.atomic
def do_reopen(
    request: HttpRequest | None, user: Any, complaint: Complaint, *, reason: str, now: dt.datetime
) -> None:
    if complaint.status not in (ComplaintStatus.REPLIED, ComplaintStatus.CLOSED):
        raise rules.RuleError("该投诉尚未答复，不能重新办理")
    complaint.status, complaint.satisfaction = ComplaintStatus.REOPENED, ""
    complaint.reply_due = rules.reply_deadline(complaint.severity, now)
    complaint.history = [*complaint.history, _event(user, "重新办理", now, reason)]
    _complaint_change(request, user, complaint, "重新办理", reason)


@transaction.atomic
def do_close(
    request: HttpRequest | None, user: Any, complaint: Complaint, *, satisfaction: str, now: dt.datetime
) -> None:
    if complaint.status != ComplaintStatus.REPLIED:
        raise rules.RuleError("答复后才能回访办结")
    complaint.status, complaint.satisfaction = ComplaintStatus.CLOSED, satisfaction
    complaint.history = [
        *complaint.history,
        _event(user, "回访办结", now, complaint.get_satisfaction_display()),
    ]
    _complaint_change(request, user, complaint, "办结", satisfaction)


@transaction.atomic
def do_complaint_hazard(
    request: HttpRequest | None, user: Any, complaint: Complaint, *, level: str, now: dt.datetime
) -> Hazard:
    if complaint.facility is None:
        raise rules.RuleError("该投诉未指向机构，不能转为隐患")
    hazard = _open_hazard(
        complaint.facility,
        title=f"投诉 {complaint.number}：{complaint.subject}",
        level=level,
        source=HazardSource.COMPLAINT,
        now=now,
        complaint=complaint,
        history=[_event(user, "投诉转为隐患", now)],
    )
    complaint.history = [*complaint.history, _event(user, "转为隐患", now, hazard.get_level_display())]
    _complaint_change(request, user, complaint, "转为隐患", level)
    return hazard
