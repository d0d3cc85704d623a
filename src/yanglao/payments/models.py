"""Monthly payment rolls (补贴发放表) and their lines.

A roll is one list (清单), one month and one region (a county or a township); its states run
prepared → reviewed → approved → exported. Once approved it is locked: its lines can no longer be
saved, deleted or replaced (the model refuses, whatever the caller), and preparing the month again is
refused. Lines keep what was approved: the person's name and ID number and the payee account as they
were when the roll was prepared.

No one is paid twice: each line's person × service item × month (payment or recovery) is *claimed*
by its roll (:class:`PaymentClaim`), and the database refuses a second claim of the same key by any
roll, county or township. Preparing and approving hold the list's lock (:class:`PaymentLock`), so two
requests at the same moment are worked one after the other (see ``payments/claims.py``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from yanglao.core.masking import mask_account

LOCKED_MESSAGE = "发放表已审批，已锁定，不能修改"


class RollState(models.TextChoices):
    PREPARED = "prepared", "已生成"
    REVIEWED = "reviewed", "已审核"
    APPROVED = "approved", "已审批"
    EXPORTED = "exported", "已导出"


LOCKED_STATES = frozenset({RollState.APPROVED, RollState.EXPORTED})


class LineKind(models.TextChoices):
    REGULAR = "regular", "当月"
    BACKPAY = "backpay", "补发"
    RECOVERY = "recovery", "追回"


class RollLocked(PermissionError):
    """An attempt to change an approved roll."""


class PaymentRoll(models.Model):
    catalog = models.CharField("清单", max_length=12)
    month = models.DateField("发放月份")  # the first day of the month
    region = models.ForeignKey(
        "regions.Region", verbose_name="发放区划", on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField("状态", max_length=12, choices=RollState.choices, default=RollState.PREPARED)
    evaluation_day = models.DateField("计算日期")
    backpay_months = models.PositiveSmallIntegerField("补发最多月数")
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    prepared_by_name = models.CharField("生成人", max_length=150)
    prepared_at = models.DateTimeField("生成时间")
    prepare_count = models.PositiveIntegerField("生成次数", default=1)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField("审批时间", null=True, blank=True)
    exported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    exported_at = models.DateTimeField("首次导出银行文件时间", null=True, blank=True)
    totals = models.JSONField("合计", default=dict)
    skipped = models.JSONField(
        "未列入发放", default=list
    )  # [{person, name, id, item_no, code, month, reason}]
    digest = models.CharField("校验码", max_length=64)

    class Meta:
        verbose_name = "补贴发放表"
        verbose_name_plural = "补贴发放表"
        ordering = ["-month", "region_id", "catalog"]
        constraints = [
            models.UniqueConstraint(fields=["catalog", "month", "region"], name="payments_one_roll_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.region_id} {self.catalog}"

    @property
    def locked(self) -> bool:
        return self.state in LOCKED_STATES

    @property
    def month_text(self) -> str:
        return f"{self.month:%Y-%m}"

    @property
    def label(self) -> str:
        return f"{self.month:%Y年%m月}补贴发放表（{self.region.name}，清单 {self.catalog}）"


class LineQuerySet(models.QuerySet["PaymentLine"]):
    def _guard(self) -> None:
        if self.filter(roll__state__in=LOCKED_STATES).exists():
            raise RollLocked(LOCKED_MESSAGE)

    def update(self, **kwargs: Any) -> int:
        self._guard()
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        self._guard()
        return super().delete()


class PaymentLine(models.Model):
    roll = models.ForeignKey(
        PaymentRoll, on_delete=models.PROTECT, related_name="lines", verbose_name="发放表"
    )
    seq = models.PositiveIntegerField("序号")
    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="payment_lines", verbose_name="老年人"
    )
    name = models.CharField("姓名", max_length=64)
    id_number = models.CharField("公民身份号码", max_length=18)
    place = models.CharField("发放地区划代码", max_length=12, blank=True)
    township = models.CharField("乡镇（街道）代码", max_length=12, blank=True, db_index=True)
    item_no = models.CharField("清单序号", max_length=8)
    service_code = models.CharField("服务代码", max_length=64, db_index=True)
    item_name = models.CharField("项目", max_length=100)
    kind = models.CharField("类别", max_length=12, choices=LineKind.choices)
    service_month = models.DateField("所属月份")
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2)
    funding = models.JSONField("分级承担", default=dict, blank=True)  # {level: "amount"}
    funding_note = models.CharField("承担说明", max_length=300, blank=True)
    note = models.CharField("备注", max_length=300, blank=True)
    bank = models.CharField("开户银行", max_length=100, blank=True)
    account_number = models.CharField("账号", max_length=32, blank=True)
    holder_name = models.CharField("户名", max_length=64, blank=True)

    objects = LineQuerySet.as_manager()

    class Meta:
        verbose_name = "发放明细"
        verbose_name_plural = "发放明细"
        ordering = ["roll", "seq"]
        constraints = [models.UniqueConstraint(fields=["roll", "seq"], name="payments_line_seq")]

    def __str__(self) -> str:
        return f"{self.roll_id}#{self.seq} {self.item_name} {self.amount}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._guard()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        self._guard()
        return super().delete(*args, **kwargs)

    def _guard(self) -> None:
        if PaymentRoll.objects.filter(pk=self.roll_id, state__in=LOCKED_STATES).exists():
            raise RollLocked(LOCKED_MESSAGE)

    @property
    def masked_account(self) -> str:
        return mask_account(self.account_number or "")


class PaymentClaim(models.Model):
    """One person × service item × month, paid (or recovered) by one roll only: the unique constraint
    is what makes paying anyone twice impossible, whatever the timing of the requests."""

    roll = models.ForeignKey(
        PaymentRoll, on_delete=models.CASCADE, related_name="claims", verbose_name="发放表"
    )
    catalog = models.CharField("清单", max_length=12)
    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="+", verbose_name="老年人"
    )
    service_code = models.CharField("服务代码", max_length=64)
    service_month = models.DateField("所属月份")
    recovery = models.BooleanField("追回", default=False)

    class Meta:
        verbose_name = "发放占用"
        verbose_name_plural = "发放占用"
        constraints = [
            models.UniqueConstraint(
                fields=["catalog", "person", "service_code", "service_month", "recovery"],
                name="payments_claim_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.roll_id}: {self.person_id} {self.service_code} {self.service_month:%Y-%m}"


class PaymentLock(models.Model):
    """One row per list, locked (``SELECT … FOR UPDATE``) while a roll of the list is prepared or
    approved."""

    catalog = models.CharField("清单", max_length=12, primary_key=True)

    class Meta:
        verbose_name = "发放表锁"
        verbose_name_plural = "发放表锁"

    def __str__(self) -> str:
        return self.catalog


class HoldSource(models.TextChoices):
    PAYROLL = "payroll", "补贴发放表"
    CAREHOME = "carehome", "机构结算表"
    SERVICE = "service", "居家服务结算表"


class FundHold(models.Model):
    """One line of a roll held by a fund-fraud check before approval (``docs/fraud-checks.md``).

    One mechanism for every roll with lines: ``source`` names the kind of roll (a payment roll, a care-home
    settlement), ``roll_ref`` and ``line_ref`` its roll's and line's ids. A hold is released with a reason
    by someone other than the roll's preparer; approval is refused while any hold of the roll is open."""

    source = models.CharField("表类", max_length=12, choices=HoldSource.choices)
    roll_ref = models.PositiveIntegerField("表编号")
    line_ref = models.PositiveIntegerField("明细编号")
    seq = models.PositiveIntegerField("序号")
    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="+", verbose_name="老年人"
    )
    rule = models.CharField("规则", max_length=40)
    title = models.CharField("规则名称", max_length=100)
    reason = models.CharField("原因", max_length=500)
    created_at = models.DateTimeField("发现时间")
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    released_by_name = models.CharField("释放人", max_length=150, blank=True)
    released_at = models.DateTimeField("释放时间", null=True, blank=True)
    release_reason = models.CharField("释放理由", max_length=500, blank=True)

    class Meta:
        verbose_name = "暂停发放"
        verbose_name_plural = "暂停发放"
        ordering = ["source", "roll_ref", "seq", "rule"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "roll_ref", "line_ref", "rule"], name="payments_hold_once"
            )
        ]
        indexes = [models.Index(fields=["source", "roll_ref"], name="payments_hold_roll")]

    def __str__(self) -> str:
        return f"{self.source}:{self.roll_ref}#{self.seq} {self.rule}"

    @property
    def released(self) -> bool:
        return self.released_at is not None

    @property
    def state_label(self) -> str:
        return "已释放" if self.released else "暂停发放"
