"""Fund-fraud holds on a roll's lines before approval, one mechanism for every roll with lines.

The checks live in the supervision app (which imports this app's models), so they are loaded lazily by
dotted path (:data:`CHECKS`): the arrows keep pointing from supervision to payments. :func:`screen` runs
the checks when a roll is reviewed and records a :class:`FundHold` per (line, check): a second screening
adds no duplicates and keeps what was released; a hold the checks no longer find (the line is gone, the
roll was prepared again without it) is removed. :func:`refusal` is the message approval gives while holds
are open; :func:`release` records a release (who, when, why). The callers check the actor and audit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.utils import timezone
from django.utils.module_loading import import_string

from yanglao.payments.models import FundHold, HoldSource

CHECKS: dict[str, str] = {
    HoldSource.PAYROLL: "yanglao.supervision.fraud.holds_for_roll",
    HoldSource.CAREHOME: "yanglao.supervision.fraud.holds_for_care_home_settlement",
    HoldSource.SERVICE: "yanglao.homeservices.settlement.fraud_holds",
}
# source → the model of the roll's lines (``app_label.Model``), whose ``person_id`` a hold names
LINES: dict[str, str] = {
    HoldSource.PAYROLL: "payments.PaymentLine",
    HoldSource.CAREHOME: "carehomes.SettlementLine",
    HoldSource.SERVICE: "homeservices.ClaimLine",
}


def _persons(source: str, lines: set[int]) -> dict[int, int]:
    """Line id → person id of the roll's lines."""
    model = apps.get_model(LINES[source])
    return dict(model.objects.filter(pk__in=lines).values_list("pk", "person_id"))


def screen(source: str, roll: Any) -> list[FundHold]:
    """Run the checks on ``roll`` and record its holds; the roll's holds after screening, in line order."""
    check: Callable[[Any], list[Any]] = import_string(CHECKS[source])
    found = check(roll)
    persons = _persons(source, {h.line for h in found})
    existing = {(h.line_ref, h.rule): h for h in FundHold.objects.filter(source=source, roll_ref=roll.pk)}
    now, keep = timezone.now(), set()
    for h in found:
        key = (h.line, h.check)
        keep.add(key)
        old = existing.get(key)
        if old is None:
            FundHold.objects.create(
                source=source, roll_ref=roll.pk, line_ref=h.line, seq=h.seq, person_id=persons[h.line],
                rule=h.check, title=h.title, reason=h.reason[:500], created_at=now,
            )  # fmt: skip
        elif (old.seq, old.title, old.reason) != (h.seq, h.title, h.reason[:500]):
            old.seq, old.title, old.reason = h.seq, h.title, h.reason[:500]
            old.save(update_fields=["seq", "title", "reason"])
    stale = [h.pk for key, h in existing.items() if key not in keep]
    FundHold.objects.filter(pk__in=stale).delete()
    return list(holds_of(source, roll.pk))


def forget(source: str, roll_pk: int) -> None:
    """The roll was prepared again: its lines are new (new ids), so its holds, released or not, are gone
    (the releases stay in the audit trail); the next review screens the new lines."""
    FundHold.objects.filter(source=source, roll_ref=roll_pk).delete()


def holds_of(source: str, roll_pk: int) -> Any:
    return FundHold.objects.filter(source=source, roll_ref=roll_pk).select_related("person")


def open_holds(source: str, roll_pk: int) -> Any:
    return holds_of(source, roll_pk).filter(released_at__isnull=True)


def refusal(source: str, roll_pk: int) -> str | None:
    """The reason approval is refused while holds are open, or ``None``."""
    held = list(open_holds(source, roll_pk).order_by("seq", "rule"))
    if not held:
        return None
    lines = len({h.line_ref for h in held})
    first = held[0]
    return (
        f"有 {lines} 行被基金监管规则暂停发放，不能审批（第一条：第 {first.seq} 行，{first.title}：{first.reason}）；"
        "请核实后由生成人以外的旗县民政经办人员填写理由释放，或剔除这些行后重新生成"
    )


def release(hold: FundHold, user: Any, name: str, reason: str) -> FundHold:
    """Mark ``hold`` released (the caller checked the user and writes the audit event)."""
    reason = reason.strip()
    if not reason:
        raise ValueError("请填写释放理由")
    if hold.released:
        raise ValueError(
            f"第 {hold.seq} 行的“{hold.title}”已于 {timezone.localtime(hold.released_at):%Y-%m-%d %H:%M} 释放"
        )
    hold.released_by, hold.released_by_name = user, name
    hold.released_at, hold.release_reason = timezone.now(), reason[:500]
    hold.save(update_fields=["released_by", "released_by_name", "released_at", "release_reason"])
    return hold
