"""The settlement roll of one provider and month (结算表): prepare → review → approve → export, by
different people (maker-checker, like the payment rolls of ``payments/actions.py``).

Preparing takes the provider's payable lines of the month's matched claims that no roll holds: a
sampled line rejected by the reviewer is not paid, an accepted one is paid in full, and the sample's
rejection rate is applied to the lines nobody reviewed (their subsidy reduced by that share). The
totals split the subsidy by funding level, with the co-payments beside it."""

from __future__ import annotations

import datetime as dt
import io
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.module_loading import import_string

from yanglao.accounts.scope import may
from yanglao.audit.log import audit
from yanglao.audit.models import Action
from yanglao.core.catalog.model import LEVELS
from yanglao.core.exports import csv_writer, workbook, workbook_bytes
from yanglao.core.idnumber import mask_id_number, mask_name
from yanglao.core.payments.totals import money
from yanglao.homeservices.claimmodels import (
    ClaimLine,
    ClaimState,
    LineStatus,
    ReviewResult,
    SettledLine,
    Settlement,
)
from yanglao.homeservices.claimmodels import SettlementState as S
from yanglao.homeservices.claims import FUND_HOLD
from yanglao.homeservices.models import Provider
from yanglao.payments import holds
from yanglao.payments.exports import BANK_HEADER
from yanglao.payments.models import FundHold, HoldSource

CENT = Decimal("0.01")
# state → (the next state, the verb it needs, the words)
NEXT = {
    S.PREPARED: (S.REVIEWED, "services.claim", "审核"),
    S.REVIEWED: (S.APPROVED, "payments.approve", "审批"),
}


class SettlementError(ValueError):
    """A step the roll refuses (the message in Chinese)."""


def _audit(
    actor: Any, roll: Settlement, summary: str, request: HttpRequest | None, action: str = Action.CHANGE
) -> None:
    audit(actor, action, request=request, object_type="service_settlement", object_id=str(roll.pk),
          summary=f"{roll.provider.name} {roll.month:%Y-%m} 结算表：{summary}")  # fmt: skip


def _lines(provider: Provider, month: dt.date) -> list[ClaimLine]:
    return list(
        ClaimLine.objects.filter(
            provider=provider, claim__month=month, claim__state=ClaimState.MATCHED, status=LineStatus.PAYABLE,
            settled__isnull=True,
        ).select_related("person")
    )  # fmt: skip


@transaction.atomic
def do_prepare(
    actor: Any, provider: Provider, month: dt.date, *, request: HttpRequest | None = None
) -> Settlement:
    if not may(actor, "services.claim"):
        raise SettlementError("当前用户不能生成结算表")
    month = month.replace(day=1)
    if Settlement.objects.filter(provider=provider, month=month).exists():
        raise SettlementError(f"{provider.name} {month:%Y-%m} 的结算表已生成")
    lines = _lines(provider, month)
    if not lines:
        raise SettlementError("没有已核对、可结算的申报明细")
    reviewed = [x for x in lines if x.sampled and x.review]
    if any(x.sampled and not x.review for x in lines):
        raise SettlementError("抽查样本尚未全部核查，不能生成结算表")
    rejected = sum(1 for x in reviewed if x.review == ReviewResult.REJECTED)
    rate = (Decimal(rejected) / len(reviewed)).quantize(Decimal("0.0001")) if reviewed else Decimal(0)
    roll = Settlement.objects.create(
        provider=provider, month=month, rejection_rate=rate, prepared_by=actor, prepared_at=timezone.now()
    )
    settled = _settle(roll, lines, rejected)
    _audit(
        actor, roll, f"生成（{len(settled)} 行，补贴 {roll.totals['subsidy']} 元）", request, Action.CREATE
    )
    return roll


def _settle(roll: Settlement, lines: list[ClaimLine], rejected: int) -> list[SettledLine]:
    """The roll's settled lines and totals from ``lines`` at the roll's rejection rate."""
    rate = roll.rejection_rate
    by_level = dict.fromkeys(LEVELS, Decimal(0))
    subsidy = copay = withheld = Decimal(0)
    settled: list[SettledLine] = []
    for x in lines:
        if x.review == ReviewResult.REJECTED:
            continue
        keep = Decimal(1) if x.review == ReviewResult.ACCEPTED else 1 - rate
        paid = (x.subsidy * keep).quantize(CENT, ROUND_HALF_UP)
        withheld += x.subsidy - paid
        for lv, amount in x.by_level.items():
            by_level[lv] += (Decimal(amount) * keep).quantize(CENT, ROUND_HALF_UP)
        subsidy, copay = subsidy + paid, copay + x.copay
        settled.append(SettledLine(settlement=roll, line=x, subsidy=paid, copay=x.copay))
    SettledLine.objects.bulk_create(settled)
    drift = subsidy - sum(by_level.values())  # rounding per level: the remainder to the last level used
    last = [lv for lv in LEVELS if by_level[lv]][-1:] or [LEVELS[-1]]
    by_level[last[0]] += drift
    roll.totals = {
        "lines": len(settled), "rejected": rejected, "subsidy": money(subsidy), "copay": money(copay),
        "withheld": money(withheld), "by_level": {lv: money(v) for lv, v in by_level.items() if v},
    }  # fmt: skip
    roll.save(update_fields=["totals"])
    return settled


def fraud_holds(roll: Settlement) -> list[Any]:
    """The roll's claim lines the fund-fraud checks hold (``payments/holds.py`` CHECKS, the one hold
    mechanism of every roll): ``Hold.line`` is the claim line's id, ``seq`` its row in the claim."""
    check = import_string("yanglao.supervision.fraud.holds_for_service_settlement")
    found: list[Any] = check([s.line for s in roll.lines.select_related("line")], roll.month)
    return found


@transaction.atomic
def do_release_hold(
    actor: Any, roll: Settlement, hold_pk: int, reason: str, *, request: HttpRequest | None = None
) -> FundHold:
    """Release one held line with a reason: someone who may approve and did not prepare the roll."""
    roll = Settlement.objects.select_for_update().select_related("provider").get(pk=roll.pk)
    _may_resolve(actor, roll)
    hold: FundHold | None = holds.open_holds(HoldSource.SERVICE, roll.pk).filter(pk=hold_pk).first()
    if hold is None:
        raise SettlementError("该暂停结算记录不存在或已释放")
    try:
        holds.release(hold, actor, str(getattr(actor, "display_name", "") or actor.username), reason)
    except ValueError as exc:
        raise SettlementError(str(exc)) from None
    who = f"{mask_name(hold.person.name)}（{mask_id_number(hold.person.id_number)}）"
    _audit(actor, roll, f"释放第 {hold.seq} 行 {who}“{hold.title}”：{hold.release_reason}"[:250], request)
    return hold


@transaction.atomic
def do_exclude_held(actor: Any, roll: Settlement, *, request: HttpRequest | None = None) -> int:
    """Take the lines with open holds out of the roll (their claim lines become held, reason
    ``fund_hold``, never settled by a later roll); the totals are made again; the number taken out."""
    roll = Settlement.objects.select_for_update().select_related("provider").get(pk=roll.pk)
    _may_resolve(actor, roll)
    held = {h.line_ref for h in holds.open_holds(HoldSource.SERVICE, roll.pk)}
    if not held:
        raise SettlementError("没有暂停结算的行")
    lines = [s.line for s in roll.lines.select_related("line") if s.line_id not in held]
    roll.lines.all().delete()
    for x in ClaimLine.objects.filter(pk__in=held):
        x.status, x.reasons = LineStatus.HELD, [*x.reasons, FUND_HOLD]
        x.save(update_fields=["status", "reasons"])
    _settle(roll, lines, int(roll.totals.get("rejected", 0)))
    holds.open_holds(HoldSource.SERVICE, roll.pk).delete()  # the lines are gone; the audit trail keeps them
    _audit(
        actor,
        roll,
        f"剔除基金监管规则暂停的 {len(held)} 行（补贴合计改为 {roll.totals['subsidy']} 元）",
        request,
    )
    return len(held)


def _may_resolve(actor: Any, roll: Settlement) -> None:
    if not may(actor, "payments.approve"):
        raise SettlementError("只有旗县民政经办人员可以处理暂停结算的行")
    if roll.prepared_by_id == actor.pk:
        raise SettlementError("处理人不能是生成人")
    if roll.state not in (S.PREPARED, S.REVIEWED):
        raise SettlementError("结算表已审批，已锁定")


@transaction.atomic
def do_advance(actor: Any, roll: Settlement, *, request: HttpRequest | None = None) -> Settlement:
    """Review a prepared roll, or approve a reviewed one: never by the one who prepared it (maker and
    checker are two people; the approver needs ``payments.approve``); approving settles the claims."""
    roll = Settlement.objects.select_for_update().select_related("provider").get(pk=roll.pk)
    if roll.state not in NEXT:
        raise SettlementError(f"结算表当前为“{roll.get_state_display()}”，不能再审核或审批")
    state, verb, words = NEXT[S(roll.state)]
    if not may(actor, verb):
        raise SettlementError(f"当前用户不能{words}结算表")
    if actor.pk == roll.prepared_by_id:
        raise SettlementError(f"{words}人不能是生成人")
    now = timezone.now()
    if state == S.REVIEWED:
        roll.reviewed_by, roll.reviewed_at = actor, now
    else:
        refused = holds.refusal(HoldSource.SERVICE, roll.pk)
        if refused:
            raise SettlementError(refused)
        roll.approved_by, roll.approved_at = actor, now
        roll.provider.claims.filter(month=roll.month, state=ClaimState.MATCHED).update(
            state=ClaimState.SETTLED
        )
    roll.state = state
    roll.save()
    held = set()
    if state == S.REVIEWED:  # the fund-fraud checks, as for payment rolls and care-home settlements
        held = {h.line_ref for h in holds.screen(HoldSource.SERVICE, roll) if not h.released}
    extra = f"；基金监管规则暂停结算 {len(held)} 行" if held else ""
    _audit(actor, roll, f"{words}通过（补贴 {roll.totals.get('subsidy')} 元）{extra}", request)
    return roll


def _require_approved(roll: Settlement) -> None:
    if roll.state not in (S.APPROVED, S.EXPORTED):
        raise SettlementError("结算表审批后才能导出")


@transaction.atomic
def do_export_bank(actor: Any, roll: Settlement, *, request: HttpRequest | None = None) -> bytes:
    """The bank file (UTF-8 CSV with BOM): one transfer to the provider's account; the first export
    moves the roll to 已导出."""
    roll = Settlement.objects.select_for_update().select_related("provider").get(pk=roll.pk)
    _require_approved(roll)
    if not roll.provider.bank_account:
        raise SettlementError(f"{roll.provider.name}没有收款账号")
    buffer = io.StringIO()
    writer = csv_writer(buffer, lineterminator="\r\n")
    writer.writerow(BANK_HEADER)
    writer.writerow([1, roll.provider.name, roll.provider.bank_account, roll.provider.bank_name,
                     roll.totals["subsidy"], f"{roll.month:%Y年%m月}居家养老服务结算"])  # fmt: skip
    if roll.state == S.APPROVED:
        roll.state, roll.exported_at = S.EXPORTED, timezone.now()
        roll.save(update_fields=["state", "exported_at"])
    _audit(actor, roll, f"导出银行文件（{roll.totals['subsidy']} 元）", request, Action.EXPORT)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def do_export_xlsx(actor: Any, roll: Settlement, *, request: HttpRequest | None = None) -> bytes:
    """The roll as a workbook: its lines (ID numbers masked) and the totals by funding level."""
    book = workbook()
    sheet = book.active
    sheet.title = "结算明细"
    sheet.append(
        [
            "明细号",
            "姓名",
            "公民身份号码",
            "服务项目",
            "服务日期",
            "数量",
            "申报金额",
            "对象类别",
            "结算补贴",
            "个人自付",
            "抽查",
        ]
    )
    for s in roll.lines.select_related("line__person").order_by("line__date", "line__claim_line"):
        x = s.line
        sheet.append([x.claim_line, x.person.name if x.person else "", mask_id_number(x.id_number), x.service,
                      x.date, float(x.units), float(x.amount), x.category, float(s.subsidy), float(s.copay),
                      x.get_review_display() if x.sampled else ""])  # fmt: skip
    totals = book.create_sheet("合计")
    totals.append(["服务机构", roll.provider.name])
    totals.append(["结算月份", f"{roll.month:%Y-%m}"])
    totals.append(["状态", roll.get_state_display()])
    for key, label in (
        ("lines", "结算行数"),
        ("subsidy", "补贴合计"),
        ("copay", "个人自付合计"),
        ("withheld", "按抽查不通过率核减"),
    ):
        totals.append([label, roll.totals.get(key)])
    for lv, amount in roll.totals.get("by_level", {}).items():
        totals.append([f"其中{lv}级资金", amount])
    _audit(actor, roll, "导出 XLSX", request, Action.EXPORT)
    return workbook_bytes(book)
