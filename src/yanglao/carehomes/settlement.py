"""The institution settlement's state machine: prepare → review → approve → export, maker-checker (the
preparer, the reviewer and the approver three different people, as the person rolls of
``payments/actions.py``). A prepared roll may be prepared again; an approved one is locked."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from yanglao.accounts.scope import may, scope_of
from yanglao.audit.log import audit
from yanglao.audit.models import Action
from yanglao.carehomes.models import SettlementLine, SettlementRoll, SettlementState
from yanglao.carehomes.settle import dues
from yanglao.core.catalog.loader import list_codes
from yanglao.core.exports import workbook, workbook_bytes
from yanglao.core.idnumber import mask_id_number, mask_name
from yanglao.core.payments import Month
from yanglao.core.payments.totals import money
from yanglao.payments import holds
from yanglao.payments.models import FundHold, HoldSource


class SettlementError(ValueError):
    """A refused step, in the user's words."""


def _audit(user: Any, roll: SettlementRoll, summary: str) -> None:
    audit(
        user,
        Action.CHANGE,
        object_type="settlement",
        object_id=str(roll.pk),
        summary=f"{roll.month:%Y年%m月} 机构结算表（{roll.county}）：{summary}",
        detail={"settlement": roll.pk},
    )


def _check(user: Any, county: str) -> None:
    if not may(user, "payments.work") or not scope_of(user).covers(county):
        raise SettlementError("当前用户无权办理该旗县的机构结算")


@transaction.atomic
def prepare(user: Any, county: str, month: Month) -> SettlementRoll:
    _check(user, county)
    if county not in list_codes():
        raise SettlementError(f"{county} 没有基本养老服务清单，无法计算机构结算金额")
    roll = SettlementRoll.objects.select_for_update().filter(county=county, month=month.first).first()
    if roll is not None and roll.state != SettlementState.PREPARED:
        raise SettlementError(f"该月机构结算表{roll.get_state_display()}，已锁定，不能重新生成")
    now = timezone.now()
    if roll is None:
        roll = SettlementRoll.objects.create(
            county=county, catalog=county, month=month.first, prepared_by=user, prepared_at=now
        )
    else:
        roll.lines.all().delete()
        holds.forget(HoldSource.CAREHOME, roll.pk)
        roll.prepared_by, roll.prepared_at = user, now
    lines = [
        SettlementLine(
            roll=roll,
            facility=d.residence.facility,
            person=d.residence.person,
            item=d.item,
            item_name=d.item_name,
            days=d.days,
            amount=d.amount,
            basis=d.basis,
        )
        for d in dues(county, roll.catalog, month)
    ]
    SettlementLine.objects.bulk_create(lines)
    by_home: dict[str, Decimal] = {}
    for line in lines:
        by_home[line.facility.name] = by_home.get(line.facility.name, Decimal(0)) + line.amount
    roll.totals = {
        "lines": len(lines),
        "persons": len({line.person_id for line in lines}),
        "amount": money(sum((line.amount for line in lines), Decimal(0))),
        "homes": {name: money(v) for name, v in sorted(by_home.items())},
    }
    roll.save()
    _audit(user, roll, f"生成，{len(lines)} 行，合计 {roll.totals['amount']} 元")
    return roll


def _checker(user: Any, roll: SettlementRoll, approve: bool) -> None:
    _check(user, roll.county)
    if approve and not may(user, "payments.approve"):
        raise SettlementError("当前用户不能审批结算表")
    if roll.prepared_by_id == user.pk:
        raise SettlementError("审核、审批人不能是生成人：生成、审核、审批须由三个不同的人进行")
    if approve and roll.reviewed_by_id == user.pk:
        raise SettlementError("审批人不能是审核人：生成、审核、审批须由三个不同的人进行")


@transaction.atomic
def review(user: Any, roll: SettlementRoll) -> None:
    roll = SettlementRoll.objects.select_for_update().get(pk=roll.pk)
    _checker(user, roll, approve=False)
    if roll.state != SettlementState.PREPARED:
        raise SettlementError(f"结算表当前为“{roll.get_state_display()}”，只有“已生成”的可以审核")
    roll.state, roll.reviewed_by, roll.reviewed_at = SettlementState.REVIEWED, user, timezone.now()
    roll.save(update_fields=["state", "reviewed_by", "reviewed_at"])
    held = {h.line_ref for h in holds.screen(HoldSource.CAREHOME, roll) if not h.released}
    _audit(user, roll, "审核" + (f"；基金监管规则暂停结算 {len(held)} 行" if held else ""))


@transaction.atomic
def approve(user: Any, roll: SettlementRoll) -> None:
    roll = SettlementRoll.objects.select_for_update().get(pk=roll.pk)
    _checker(user, roll, approve=True)
    if roll.state != SettlementState.REVIEWED:
        raise SettlementError(f"结算表当前为“{roll.get_state_display()}”，须先审核再审批")
    refused = holds.refusal(HoldSource.CAREHOME, roll.pk)
    if refused:
        raise SettlementError(refused)
    roll.state, roll.approved_by, roll.approved_at = SettlementState.APPROVED, user, timezone.now()
    roll.save(update_fields=["state", "approved_by", "approved_at"])
    _audit(user, roll, "审批")


@transaction.atomic
def release(user: Any, roll: SettlementRoll, hold_pk: int, reason: str) -> FundHold:
    """Release one held line with a reason: a county caseworker (``payments.approve``) who did not
    prepare the settlement; audited as a change on the settlement (person masked, the check named)."""
    roll = SettlementRoll.objects.select_for_update().get(pk=roll.pk)
    _check(user, roll.county)
    if not may(user, "payments.approve"):
        raise SettlementError("只有旗县民政经办人员可以释放暂停结算的行")
    if roll.prepared_by_id == user.pk:
        raise SettlementError("释放人不能是生成人")
    if roll.state not in (SettlementState.PREPARED, SettlementState.REVIEWED):
        raise SettlementError("结算表已审批，已锁定")
    hold: FundHold | None = holds.open_holds(HoldSource.CAREHOME, roll.pk).filter(pk=hold_pk).first()
    if hold is None:
        raise SettlementError("该暂停结算记录不存在或已释放")
    try:
        holds.release(hold, user, str(getattr(user, "display_name", "") or user.username), reason)
    except ValueError as exc:
        raise SettlementError(str(exc)) from None
    who = f"{mask_name(hold.person.name)}（{mask_id_number(hold.person.id_number)}）"
    audit(
        user,
        Action.CHANGE,
        object_type="settlement",
        object_id=str(roll.pk),
        summary=f"{roll.month:%Y年%m月} 机构结算表（{roll.county}）：释放 {who}“{hold.title}”：{hold.release_reason}"[
            :300
        ],
        detail={"settlement": roll.pk, "hold": hold.pk, "line": hold.line_ref, "check": hold.rule},
    )
    return hold


@transaction.atomic
def export(user: Any, roll: SettlementRoll) -> bytes:
    """The XLSX (through ``core/exports``); the first export of an approved roll marks it exported."""
    roll = SettlementRoll.objects.select_for_update().get(pk=roll.pk)
    _check(user, roll.county)
    if roll.state not in (SettlementState.APPROVED, SettlementState.EXPORTED):
        raise SettlementError("结算表须审批后才能导出")
    if roll.state == SettlementState.APPROVED:
        roll.state, roll.exported_by, roll.exported_at = SettlementState.EXPORTED, user, timezone.now()
        roll.save(update_fields=["state", "exported_by", "exported_at"])
    book = workbook()
    sheet = book.active
    sheet.title = "机构结算"
    sheet.append(["养老机构", "姓名", "公民身份号码", "项目", "在院天数", "金额（元）", "计算依据"])
    for line in roll.lines.select_related("facility", "person"):
        sheet.append(
            [
                line.facility.name,
                line.person.name,
                line.person.id_number,
                line.item_name,
                line.days,
                float(line.amount),
                line.basis,
            ]
        )
    sheet.append(["合计", "", "", "", "", float(Decimal(roll.totals.get("amount", "0"))), ""])
    audit(
        user,
        Action.EXPORT,
        object_type="settlement",
        object_id=str(roll.pk),
        summary=f"导出 {roll.month:%Y年%m月} 机构结算表（{roll.county}）",
    )
    return workbook_bytes(book)
