"""Writes of the payments app: prepare, review, approve, export. Each runs in one transaction with its
audit event; a refusal raises :class:`RollError` (or :class:`~yanglao.payments.models.RollLocked`) with
a message for the user and changes nothing.

``actor`` is the acting user, or a label string for the command line (``"命令行"``). A roll prepared
from the command line has no preparing user, so any entitled caseworker may review it.
"""

from __future__ import annotations

import time
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from yanglao.audit.log import audit
from yanglao.audit.models import Action
from yanglao.core.catalog import CatalogError
from yanglao.core.catalog.source import catalog_on
from yanglao.core.idnumber import mask_id_number, mask_name
from yanglao.core.payments import Month, compute_roll, digest, totals
from yanglao.payments import claims, exports, holds
from yanglao.payments.access import ROLL_LEVELS, can_approve, can_work, within
from yanglao.payments.build import gather, skipped_json, store, township_names
from yanglao.payments.models import LOCKED_STATES, FundHold, HoldSource, PaymentRoll, RollLocked, RollState
from yanglao.regions.models import Region
from yanglao.regions.tree import prefix_of


class RollError(ValueError):
    """A refused action, with the reason in the user's words."""


class RollExists(RollError):
    """The roll asked to be prepared anew exists already (a second identical request)."""

    def __init__(self, roll: PaymentRoll) -> None:
        when = timezone.localtime(roll.prepared_at)
        super().__init__(
            f"{roll.label}已存在（{roll.get_state_display()}，{roll.prepared_by_name} 于 {when:%Y-%m-%d %H:%M} "
            "生成），未重复生成；如需重新生成，请在该发放表页面点击“重新生成”"
        )
        self.roll = roll


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) is not None and hasattr(actor, "role") else None


def _name(actor: Any) -> str:
    user = _user(actor)
    if user is not None:
        return str(user.display_name or user.username)
    return str(actor)


def _audit(
    actor: Any, action: str, roll: PaymentRoll, summary: str, request: HttpRequest | None, **detail: Any
) -> None:
    audit(
        actor,
        action,
        request=request,
        object_type="payroll",
        object_id=str(roll.pk),
        summary=f"{roll.month_text} {roll.region.name} 清单 {roll.catalog}：{summary}"[:300],
        detail={"roll": roll.pk, **detail},
    )


def _check_prepare(actor: Any, catalog_code: str, month: Month, region: Region) -> None:
    user = _user(actor)
    if user is not None and not (can_work(user) and within(user, region)):
        raise RollError("当前用户无权为该区划生成发放表")
    if region.level not in ROLL_LEVELS:
        raise RollError(f"发放区划须为旗县或乡镇（街道），{region.name}（{region.code}）不是")
    if not region.code.startswith(prefix_of(catalog_code)):
        raise RollError(f"清单 {catalog_code} 不适用于 {region.name}（{region.code}）")
    latest = Month.of(timezone.localdate()).shift(1)
    if month > latest:
        raise RollError(f"不能为 {month} 生成发放表：最多提前生成下一个月（{latest}）")


def _check_overlap(catalog_code: str, month: Month, region: Region) -> None:
    """A county roll and a roll of one of its townships for the same month would pay the same people:
    refused (checked under the list's lock, so two such requests at the same moment cannot both pass)."""
    overlapping = (
        PaymentRoll.objects.filter(catalog=catalog_code, month=month.first)
        .exclude(region=region)
        .select_related("region")
    )
    for other in overlapping:
        if other.region.code.startswith(region.prefix) or region.code.startswith(other.region.prefix):
            raise RollError(
                f"{month} 已有{other.region.name}的发放表（清单 {catalog_code}），与{region.name}重叠；"
                "同一月份同一地方只能有一张发放表，以免重复发放"
            )


def prepare_roll(
    actor: Any,
    catalog_code: str,
    month: Month,
    region: Region,
    *,
    request: HttpRequest | None = None,
    backpay_months: int | None = None,
    new_only: bool = False,
) -> PaymentRoll:
    """Prepare (or prepare again) the roll of ``catalog_code``, ``month`` and ``region``; with
    ``new_only`` an existing roll is left as it is (:class:`RollExists`)."""
    started = time.perf_counter()
    try:
        catalog = catalog_on(catalog_code, month.last)  # the version in force in the roll's month
    except (CatalogError, FileNotFoundError, KeyError) as exc:
        raise RollError(f"清单 {catalog_code} 无法读取：{exc}") from None
    _check_prepare(actor, catalog_code, month, region)
    with transaction.atomic():
        claims.hold(catalog_code)
        _check_overlap(catalog_code, month, region)
        roll = (
            PaymentRoll.objects.select_for_update()
            .filter(catalog=catalog_code, month=month.first, region=region)
            .first()
        )
        if roll is not None and roll.locked:
            raise RollLocked(
                f"{month} {region.name}的发放表{roll.get_state_display()}，已锁定，不能重新生成；"
                "如有遗漏，将在下月发放表中补发或追回"
            )
        if roll is not None and new_only:
            raise RollExists(roll)
        inputs = gather(catalog, month, region, exclude=roll.pk if roll else None)
        result = compute_roll(
            catalog, month, inputs.payees, inputs.enrolments, inputs.history, backpay_months
        )
        claims.take_claimed(result, catalog_code, roll.pk if roll else None)
        ids = {key: p.id_number for key, p in inputs.payees.items()}
        summary = totals(result.lines, township_names(sorted({x.township for x in result.lines})))
        now, again = timezone.now(), roll is not None
        if roll is None:
            roll = PaymentRoll(catalog=catalog_code, month=month.first, region=region, prepare_count=0)
        roll.state = RollState.PREPARED
        roll.evaluation_day = result.evaluation_day
        roll.backpay_months = result.backpay_months
        roll.prepared_by = _user(actor)
        roll.prepared_by_name = _name(actor)
        roll.prepared_at = now
        roll.prepare_count += 1
        roll.reviewed_by = roll.approved_by = None
        roll.reviewed_at = roll.approved_at = None
        roll.totals = summary
        roll.skipped = skipped_json(result, inputs.payees)
        roll.digest = digest(result.lines, ids)
        roll.save()
        store(roll, result, inputs.payees)
        holds.forget(HoldSource.PAYROLL, roll.pk)
        claims.release(roll)
        claims.claim(roll, (claims.line_key(x) for x in result.lines))
        seconds = round(time.perf_counter() - started, 2)
        _audit(
            actor,
            Action.CHANGE if again else Action.CREATE,
            roll,
            f"{'重新生成' if again else '生成'}发放表：{summary['lines']} 行，{summary['persons']} 人，"
            f"合计 {summary['amount']} 元，未列入 {len(result.skipped)} 条",
            request,
            lines=summary["lines"],
            amount=summary["amount"],
            digest=roll.digest,
            seconds=seconds,
        )
    return roll


def _check_actor(actor: Any, roll: PaymentRoll, *, approve: bool = False) -> Any:
    user = _user(actor)
    if user is None:
        raise RollError("审核、审批须由登录用户进行")
    allowed = can_approve(user) if approve else can_work(user)
    if not (allowed and within(user, roll.region)):
        raise RollError("只有旗县民政经办人员可以审批发放表" if approve else "当前用户无权审核该发放表")
    if roll.prepared_by_id is not None and roll.prepared_by_id == user.pk:
        raise RollError(f"{'审批' if approve else '审核'}人不能是生成人（{roll.prepared_by_name}）")
    if approve and roll.reviewed_by_id == user.pk:
        raise RollError(f"审批人不能是审核人（{_name(user)}）：生成、审核、审批须由三个不同的人进行")
    return user


@transaction.atomic
def review_roll(actor: Any, roll: PaymentRoll, *, request: HttpRequest | None = None) -> PaymentRoll:
    roll = PaymentRoll.objects.select_for_update().select_related("region").get(pk=roll.pk)
    user = _check_actor(actor, roll)
    if roll.state != RollState.PREPARED:
        raise RollError(f"发放表当前为“{roll.get_state_display()}”，只有“已生成”的发放表可以审核")
    roll.state, roll.reviewed_by, roll.reviewed_at = RollState.REVIEWED, user, timezone.now()
    roll.save(update_fields=["state", "reviewed_by", "reviewed_at"])
    held = holds.screen(HoldSource.PAYROLL, roll)
    open_lines = len({h.line_ref for h in held if not h.released})
    _audit(
        actor,
        Action.CHANGE,
        roll,
        f"审核通过（合计 {roll.totals.get('amount')} 元）"
        + (f"；基金监管规则暂停发放 {open_lines} 行" if open_lines else ""),
        request,
        state="reviewed",
        holds=open_lines,
    )
    return roll


@transaction.atomic
def approve_roll(actor: Any, roll: PaymentRoll, *, request: HttpRequest | None = None) -> PaymentRoll:
    """Approve and lock a reviewed roll: under the list's lock, the roll must hold every person × item
    × month of its lines (none is in another roll)."""
    claims.hold(roll.catalog)
    roll = PaymentRoll.objects.select_for_update().select_related("region").get(pk=roll.pk)
    user = _check_actor(actor, roll, approve=True)
    if roll.state != RollState.REVIEWED:
        raise RollError(f"发放表当前为“{roll.get_state_display()}”，须先审核再审批")
    clash = claims.claim_for_approval(roll)
    if clash:
        raise RollError(f"{clash}，不能再次发放；请重新生成本发放表后再审核、审批")
    refused = holds.refusal(HoldSource.PAYROLL, roll.pk)  # raising undoes the claims just taken
    if refused:
        raise RollError(refused)
    roll.state, roll.approved_by, roll.approved_at = RollState.APPROVED, user, timezone.now()
    roll.save(update_fields=["state", "approved_by", "approved_at"])
    _audit(
        actor, Action.CHANGE, roll, f"审批通过，发放表已锁定（合计 {roll.totals.get('amount')} 元）", request,
        state="approved", digest=roll.digest,
    )  # fmt: skip
    return roll


@transaction.atomic
def release_hold(
    actor: Any, roll: PaymentRoll, hold_pk: int, reason: str, *, request: HttpRequest | None = None
) -> FundHold:
    """Release one held line of ``roll`` with a reason: a county caseworker (``payments.approve``) of the
    roll's region who did not prepare it; audited as a change on the roll."""
    roll = PaymentRoll.objects.select_for_update().select_related("region").get(pk=roll.pk)
    user = _user(actor)
    if user is None or not (can_approve(user) and within(user, roll.region)):
        raise RollError("只有旗县民政经办人员可以释放暂停发放的行")
    if roll.prepared_by_id is not None and roll.prepared_by_id == user.pk:
        raise RollError(f"释放人不能是生成人（{roll.prepared_by_name}）")
    if roll.locked:
        raise RollLocked("发放表已审批，已锁定")
    hold: FundHold | None = holds.open_holds(HoldSource.PAYROLL, roll.pk).filter(pk=hold_pk).first()
    if hold is None:
        raise RollError("该暂停发放记录不存在或已释放")
    try:
        holds.release(hold, user, _name(user), reason)
    except ValueError as exc:
        raise RollError(str(exc)) from None
    who = f"{mask_name(hold.person.name)}（{mask_id_number(hold.person.id_number)}）"
    _audit(
        actor, Action.CHANGE, roll, f"释放第 {hold.seq} 行 {who}“{hold.title}”：{hold.release_reason}", request,
        hold=hold.pk, line=hold.line_ref, check=hold.rule, reason=hold.release_reason,
    )  # fmt: skip
    return hold


@transaction.atomic
def export_bank(actor: Any, roll: PaymentRoll, *, request: HttpRequest | None = None) -> bytes:
    """The bank file (UTF-8 CSV with BOM, complete account numbers) of an approved roll; the first
    export moves the roll to “已导出”. Every export is audited."""
    roll = PaymentRoll.objects.select_for_update().select_related("region").get(pk=roll.pk)
    user = _user(actor)
    if user is not None and not (can_work(user) and within(user, roll.region)):
        raise RollError("当前用户无权导出该发放表的银行文件")
    if roll.state not in LOCKED_STATES:
        raise RollError("发放表审批后才能导出银行文件")
    data, rows, amount = exports.bank_csv(roll)
    first = roll.state == RollState.APPROVED
    if first:
        roll.state, roll.exported_by, roll.exported_at = RollState.EXPORTED, user, timezone.now()
        roll.save(update_fields=["state", "exported_by", "exported_at"])
    _audit(
        actor, Action.EXPORT, roll, f"导出银行代发文件（账号完整）：{rows} 户，合计 {amount} 元", request,
        file="bank_csv", rows=rows, amount=str(amount), first=first,
    )  # fmt: skip
    return data


def export_xlsx(actor: Any, roll: PaymentRoll, *, request: HttpRequest | None = None) -> bytes:
    """The roll as a workbook (details with masked ID and account numbers, totals sheets); audited."""
    data = exports.roll_xlsx(roll)
    _audit(
        actor, Action.EXPORT, roll, f"导出发放表 XLSX（账号已遮蔽）：{roll.totals.get('lines', 0)} 行", request,
        file="xlsx",
    )  # fmt: skip
    return data


def file_stem(roll: PaymentRoll) -> str:
    return f"payroll-{roll.catalog}-{roll.region_id}-{roll.month:%Y%m}"
