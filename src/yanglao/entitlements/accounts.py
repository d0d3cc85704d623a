"""A person's payee account (发放账户): added, changed with its history kept, revealed on purpose.

An account is never overwritten silently: the account it replaces is kept in
:class:`~yanglao.entitlements.models.PayeeAccountHistory` with who replaced it, when and why, and every
change is audited (the audit trail names the account masked). The full number is shown only by an
explicit, audited reveal to a role that works payments (``payments.work``).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from yanglao.accounts.scope import may
from yanglao.audit.log import audit
from yanglao.audit.models import Action
from yanglao.core.idnumber import mask_id_number
from yanglao.core.masking import mask_account
from yanglao.entitlements.models import PayeeAccount, PayeeAccountHistory
from yanglao.registry.models import Person

ACCOUNT = re.compile(r"^[0-9]{8,32}$")


class AccountError(ValueError):
    """A refused account change: ``field`` names the form field the error stands beside."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) is not None and hasattr(actor, "role") else None


def actor_name(actor: Any) -> str:
    user = _user(actor)
    return str(user if user is not None else actor)[:150]


def may_reveal_account(user: Any) -> bool:
    """Roles that prepare and pay rolls see a full account number (on an audited reveal)."""
    return may(user, "payments.work")


def check_account(bank: str, number: str, holder: str) -> tuple[str, str, str]:
    """The account's three parts, cleaned; :class:`AccountError` beside the first bad field."""
    bank, holder = bank.strip(), holder.strip()
    number = number.replace(" ", "").strip()
    if not bank:
        raise AccountError("bank", "请填写开户银行")
    if len(bank) > 100:
        raise AccountError("bank", "开户银行最多 100 个字")
    if not ACCOUNT.match(number):
        raise AccountError("account_number", "账号应为 8–32 位数字")
    if not holder:
        raise AccountError("holder_name", "请填写户名")
    if len(holder) > 64:
        raise AccountError("holder_name", "户名最多 64 个字")
    return bank, number, holder


def history_of(account: PayeeAccount, actor: Any, reason: str, at: dt.datetime) -> PayeeAccountHistory:
    """The history row that keeps ``account`` as it is now, replaced by ``actor`` at ``at``."""
    return PayeeAccountHistory(
        person_id=account.person_id,
        bank=account.bank,
        account_number=account.account_number,
        holder_name=account.holder_name,
        used_since=account.updated_at,
        replaced_at=at,
        replaced_by=_user(actor),
        replaced_by_name=actor_name(actor),
        reason=reason[:200],
    )


@transaction.atomic
def do_set_account(
    actor: Any,
    person: Person,
    *,
    bank: str,
    account_number: str,
    holder_name: str,
    reason: str = "",
    request: HttpRequest | None = None,
) -> PayeeAccount:
    """Add the person's account, or change it (a reason required; the old account kept in history)."""
    bank, number, holder = check_account(bank, account_number, holder_name)
    reason = reason.strip()
    current = PayeeAccount.objects.select_for_update().filter(person=person).first()
    who = mask_id_number(person.id_number)
    if current is None:
        account = PayeeAccount.objects.create(
            person=person, bank=bank, account_number=number, holder_name=holder
        )
        audit(
            actor,
            Action.CREATE,
            request=request,
            object_type="payee_account",
            object_id=who,
            summary=f"登记发放账户：{bank} {mask_account(number)}" + (f"（{reason}）" if reason else ""),
            detail={"person": person.pk, "reason": reason},
        )
        return account
    if (current.bank, current.account_number, current.holder_name) == (bank, number, holder):
        raise AccountError("account_number", "与现有发放账户相同，未作变更")
    if not reason:
        raise AccountError("reason", "变更发放账户须填写变更原因")
    old = f"{current.bank} {current.masked}"
    history_of(current, actor, reason, timezone.now()).save()
    current.bank, current.account_number, current.holder_name = bank, number, holder
    current.synthetic = False
    current.save(update_fields=["bank", "account_number", "holder_name", "synthetic", "updated_at"])
    audit(
        actor,
        Action.CHANGE,
        request=request,
        object_type="payee_account",
        object_id=who,
        summary=f"变更发放账户：{old} → {bank} {mask_account(number)}（{reason}）",
        detail={"person": person.pk, "reason": reason},
    )
    return current


def do_reveal_account(
    request: HttpRequest, person: Person, account: PayeeAccount | PayeeAccountHistory
) -> str:
    """The full account number for a role that pays, audited; the caller has checked the role."""
    audit(
        request.user,
        Action.VIEW,
        request=request,
        object_type="payee_account",
        object_id=mask_id_number(person.id_number),
        summary=f"查看完整发放账号：{account.bank} {account.masked}",
        detail={"person": person.pk, "reveal": "account_number"},
    )
    return account.account_number
