"""Every write to the facility registry, each in one transaction with its audit event and, for a facility's
fields, its change event (field history and source, :mod:`yanglao.facilities.history`).

``actor`` is a user (held to the user's scope and role), a command-line label (``"命令行"``) or None
(the system, e.g. the demo)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from yanglao.accounts.models import Role
from yanglao.accounts.scope import may, scope_of
from yanglao.audit.log import audit
from yanglao.audit.models import Action
from yanglao.core.facilities import capacity
from yanglao.core.facilities.fileformat import CHOICES, COUNTS, SERVICES
from yanglao.facilities.access import facility_of
from yanglao.facilities.models import (
    TRACKED_FIELDS,
    CapacityReport,
    ChangeKind,
    Facility,
    FacilityChange,
    FacilityImport,
    ResidentialProject,
    StaffMember,
    TrainingRecord,
)
from yanglao.regions.models import Region


class FacilityRefused(PermissionError):
    """The actor may not do this (role or scope): the views answer 403/404, the commands an error."""


class FacilityInvalid(ValueError):
    """The values break a rule; ``errors`` are (field, reason) pairs in the users' words."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("；".join(f"{f}：{r}" for f, r in errors))
        self.errors = errors


def user_of(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) is not None and hasattr(actor, "role") else None


def actor_name(actor: Any) -> str:
    user = user_of(actor)
    if user is not None:
        return str(user.username)
    return actor if isinstance(actor, str) else "system"


def ensure(actor: Any, verb: str, region_code: str | None) -> None:
    """A user actor must hold ``verb`` and cover ``region_code``; the command line and the system may."""
    user = user_of(actor)
    if user is None:
        return
    if not may(user, verb):
        raise FacilityRefused("当前角色不能进行此项操作")
    if region_code is not None and not scope_of(user).covers(region_code):
        raise FacilityRefused("不在您的管辖区域内")


def as_text(value: Any) -> Any:
    """The stored form of a field's value in a change event (JSON: text, numbers, lists)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Region):
        return value.code
    return value


def _current(facility: Facility, name: str) -> Any:
    return facility.region_id if name == "region" else getattr(facility, name)


def check_codes(values: dict[str, Any]) -> list[tuple[str, str]]:
    """The coded fields hold known codes, the counts are whole numbers ≥ 0, the services a set of codes."""
    errors: list[tuple[str, str]] = []
    for name, value in values.items():
        if name in CHOICES and value not in ("", None) and value not in CHOICES[name][0]:
            errors.append((name, f"{CHOICES[name][2]}：“{value}”"))
        if name in COUNTS and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
            errors.append((name, f"应为不小于 0 的整数，实际为“{value}”"))
    unknown = [s for s in values.get("services") or [] if s not in SERVICES]
    if unknown:
        errors.append(("services", f"未知的服务项目：“{unknown[0]}”"))
    return errors


def validate(values: dict[str, Any]) -> list[tuple[str, str]]:
    """Rules across fields of a facility's merged values."""
    errors: list[tuple[str, str]] = []
    beds = values.get("beds") or 0
    for name, label in (("nursing_beds", "护理型床位数"), ("occupied_beds", "在住人数")):
        if (values.get(name) or 0) > beds:
            errors.append((name, f"{label} {values.get(name)} 超过床位数 {beds}"))
    opened, closed = values.get("opened_on"), values.get("closed_on")
    if opened and closed and closed < opened:
        errors.append(("closed_on", f"关停日期 {closed} 早于开业日期 {opened}"))
    return errors


def diff(facility: Facility | None, values: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the values that differ from the facility's (all of them for a new one)."""
    out: dict[str, list[Any]] = {}
    for name, value in values.items():
        if name not in TRACKED_FIELDS and name != "occupied_beds":
            continue
        old = as_text(_current(facility, name)) if facility is not None else None
        new = as_text(value)
        if name == "services":
            old, new = sorted(old or []), sorted(new or [])
            if old == new:
                continue
        if old != new:
            out[name] = [old, new]
    return out


def apply_values(
    facility: Facility | None,
    values: dict[str, Any],
    *,
    actor: Any,
    source: str,
    as_of: dt.date,
    change_kind: str,
    batch: FacilityImport | None = None,
) -> tuple[Facility, str]:
    """Create or update one facility with ``values`` (region as a code) and write its change event.
    Returns the facility and ``"created"``, ``"updated"`` or ``"unchanged"``. The caller has checked the
    values and the scope and audits; runs inside the caller's transaction."""
    if "services" in values:
        values = {**values, "services": sorted(set(values["services"] or []))}
    changes = diff(facility, values)
    if facility is not None and not changes:
        return facility, "unchanged"
    fields = {("region_id" if k == "region" else k): v for k, v in values.items()}
    status = "updated"
    if facility is None:
        facility = Facility.objects.create(**fields)
        status, change_kind = "created", ChangeKind.CREATE
    else:
        for name, value in fields.items():
            setattr(facility, name, value)
        facility.save()
    FacilityChange.objects.create(
        facility=facility,
        kind=change_kind,
        source=source,
        batch=batch,
        actor=user_of(actor),
        actor_name=actor_name(actor),
        as_of=as_of,
        changes=changes,
    )
    return facility, status


def do_save_facility(
    actor: Any,
    values: dict[str, Any],
    *,
    facility: Facility | None = None,
    source: str = "人工录入",
    as_of: dt.date | None = None,
    address: str | None = None,
) -> Facility:
    """Register a facility (``facility`` None) or change some of its fields (the bureau's form)."""
    region = values.get("region", facility.region_id if facility else None)
    ensure(actor, "facilities.write", str(region) if region else None)
    if facility is not None:
        ensure(actor, "facilities.write", facility.region_id)
    merged = (
        {name: _current(facility, name) for name in (*TRACKED_FIELDS, "occupied_beds")} if facility else {}
    )
    merged.update(values)
    unknown = sorted(set(values) - {*TRACKED_FIELDS, "occupied_beds", "synthetic"})
    errors = [(name, "未知字段") for name in unknown] + check_codes(values)
    if not errors:
        errors = validate(merged)
    if facility is None:
        errors += [(name, "必填") for name in ("name", "kind", "region") if not values.get(name)]
    if region and not Region.objects.filter(code=region).exists():
        errors.append(("region", f"区划代码不存在：{region}"))
    licence = values.get("licence_number")
    others = Facility.objects.filter(licence_number=licence)
    if facility is not None:
        others = others.exclude(pk=facility.pk)
    if licence and others.exists():
        errors.append(("licence_number", f"许可证号或备案号已被其他设施使用：{licence}"))
    if errors:
        raise FacilityInvalid(errors)
    with transaction.atomic():
        saved, status = apply_values(
            facility,
            values,
            actor=actor,
            source=source,
            as_of=as_of or timezone.localdate(),
            change_kind=ChangeKind.EDIT,
        )
        if status != "unchanged":
            audit(
                actor,
                Action.CREATE if status == "created" else Action.CHANGE,
                object_type="facility",
                object_id=str(saved.pk),
                summary=f"{'登记' if status == 'created' else '修改'}养老服务设施：{saved.name}",
                detail={"facility": saved.pk, "region": saved.region_id, "fields": sorted(values)},
                address=address,
            )
    return saved


def do_add_staff(
    actor: Any, facility: Facility, values: dict[str, Any], *, address: str | None = None
) -> StaffMember:
    """Add a staff record (养老护理员 with level, manager, medical staff …) to a facility."""
    ensure(actor, "facilities.write", facility.region_id)
    with transaction.atomic():
        staff = StaffMember.objects.create(facility=facility, **values)
        audit(
            actor,
            Action.CREATE,
            object_type="facility_staff",
            object_id=str(staff.pk),
            summary=f"{facility.name}：登记工作人员（{staff.get_role_display()}）",
            detail={"facility": facility.pk, "region": facility.region_id, "staff": staff.pk},
            address=address,
        )
    return staff


def do_end_staff(actor: Any, staff: StaffMember, left_on: dt.date, *, address: str | None = None) -> None:
    ensure(actor, "facilities.write", staff.facility.region_id)
    with transaction.atomic():
        StaffMember.objects.filter(pk=staff.pk).update(left_on=left_on)
        audit(
            actor,
            Action.CHANGE,
            object_type="facility_staff",
            object_id=str(staff.pk),
            summary=f"{staff.facility.name}：工作人员离职 {left_on}",
            detail={
                "facility": staff.facility_id,
                "region": staff.facility.region_id,
                "left_on": str(left_on),
            },
            address=address,
        )


def do_add_training(
    actor: Any, staff: StaffMember, values: dict[str, Any], *, address: str | None = None
) -> TrainingRecord:
    ensure(actor, "facilities.write", staff.facility.region_id)
    with transaction.atomic():
        record = TrainingRecord.objects.create(staff=staff, **values)
        audit(
            actor,
            Action.CREATE,
            object_type="facility_training",
            object_id=str(record.pk),
            summary=f"{staff.facility.name}：登记培训记录 {record.course}",
            detail={"facility": staff.facility_id, "region": staff.facility.region_id, "staff": staff.pk},
            address=address,
        )
    return record


PROJECT_FIELDS = (
    "name",
    "households",
    "area_kind",
    "required_area",
    "delivered_area",
    "site_count",
    "phases",
    "delivery_phase",
    "first_phase_handover",
    "handover_date",
    "facility",
    "synthetic",
)


def do_save_project(
    actor: Any,
    region: str,
    values: dict[str, Any],
    *,
    project: ResidentialProject | None = None,
    address: str | None = None,
) -> ResidentialProject:
    """Register or change a residential project (配建): ``values`` as the model's fields."""
    ensure(actor, "facilities.write", region)
    unknown = set(values) - set(PROJECT_FIELDS)
    if unknown:
        raise FacilityInvalid([(name, "未知字段") for name in sorted(unknown)])
    if not Region.objects.filter(code=region).exists():
        raise FacilityInvalid([("region", f"区划代码不存在：{region}")])
    with transaction.atomic():
        if project is None:
            project = ResidentialProject.objects.create(region_id=region, **values)
            action = Action.CREATE
        else:
            ensure(actor, "facilities.write", project.region_id)
            for name, value in values.items():
                setattr(project, name, value)
            project.region_id = region
            project.save()
            action = Action.CHANGE
        audit(
            actor,
            action,
            object_type="residential_project",
            object_id=str(project.pk),
            summary=f"居住区配建项目：{project.name}",
            detail={"project": project.pk, "region": region, "fields": sorted(values)},
            address=address,
        )
    return project


def is_bureau(actor: Any) -> bool:
    """Whether a report filed by ``actor`` is filed on the facility's behalf (anybody but its own staff)."""
    user = user_of(actor)
    return user is None or user.role != Role.CAREHOME


def do_file_report(
    actor: Any,
    facility: Facility,
    month: dt.date,
    figures: dict[str, Any],
    *,
    reason: str = "",
    filed_at: dt.datetime | None = None,
    due_day: int | None = None,
    address: str | None = None,
) -> CapacityReport:
    """File ``facility``'s capacity report for ``month`` (its first day). Its own staff file it; the bureau
    (county or township staff, the command line) files on its behalf, audited as such. A month already
    reported is replaced only with a ``reason``; the old report stays in the history (``current`` false).
    The facility's ``occupied_beds`` follows its latest month's current report."""
    ensure(actor, "facilities.report", facility.region_id)
    user = user_of(actor)
    if user is not None and user.role == Role.CAREHOME and facility_of(user) != facility:
        raise FacilityRefused("只能填报本机构的月报")
    filed_at = filed_at or timezone.now()
    filed_on = timezone.localdate(filed_at)
    month = capacity.month_start(month)
    values, errors = capacity.check_figures(figures, beds=facility.beds, nursing_beds=facility.nursing_beds)
    if month > capacity.month_start(filed_on):
        errors.append(("month", f"不能填报未来月份（{month:%Y-%m}）"))
    if facility.closed_on and facility.closed_on < month:
        errors.append(("month", f"设施已于 {facility.closed_on} 关停"))
    with transaction.atomic():
        old = (
            CapacityReport.objects.select_for_update()
            .filter(facility=facility, month=month, current=True)
            .first()
        )
        if old is not None and not reason.strip():
            errors.append(("reason", f"{month:%Y年%m月}已有报告：替换须填写原因"))
        if errors:
            raise FacilityInvalid(errors)
        if old is not None:
            CapacityReport.objects.filter(pk=old.pk).update(current=False)
        on_behalf = is_bureau(actor)
        report = CapacityReport.objects.create(
            facility=facility,
            month=month,
            beds=facility.beds,
            nursing_beds=facility.nursing_beds,
            filed_at=filed_at,
            filed_by=user,
            filed_by_name=actor_name(actor),
            on_behalf=on_behalf,
            late=capacity.is_late(month, filed_on, due_day or report_due_day()),
            current=True,
            replaces=old,
            reason=reason.strip()[:500],
            **values,
        )
        latest = CapacityReport.objects.filter(facility=facility, current=True).order_by("-month").first()
        if latest is not None and latest.pk == report.pk and facility.occupied_beds != report.in_use:
            apply_values(
                facility,
                {"occupied_beds": report.in_use},
                actor=actor,
                source=f"月度床位报告 {month:%Y-%m}",
                as_of=filed_on,
                change_kind=ChangeKind.REPORT,
            )
        audit(
            actor,
            Action.CHANGE if old else Action.CREATE,
            object_type="capacity_report",
            object_id=str(report.pk),
            summary=f"{facility.name} {month:%Y年%m月}床位月报"
            + ("（民政部门代报）" if on_behalf else "")
            + ("（替换原报告）" if old else ""),
            detail={
                "facility": facility.pk,
                "region": facility.region_id,
                "month": f"{month:%Y-%m}",
                "on_behalf": on_behalf,
                "replaces": old.pk if old else None,
                "reason": reason.strip()[:500],
            },
            address=address,
        )
    return report


def report_due_day() -> int:
    """The day of the following month a report is due by (setting ``FACILITY_REPORT_DUE_DAY``, default 5)."""
    from django.conf import settings

    return int(getattr(settings, "FACILITY_REPORT_DUE_DAY", capacity.DUE_DAY))
