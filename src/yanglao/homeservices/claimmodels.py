"""A provider's monthly claim and its lines (matched by the core against the plans and check-ins), and
the settlement roll per provider and month (prepare → review → approve → export, docs/home-services.md).

Nothing is paid twice: a claim line's number is unique per provider (a second import of the same line
is a row error), and a settled line is tied to one roll (:class:`SettledLine`, one-to-one)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ClaimState(models.TextChoices):
    RECEIVED = "received", "已接收"
    MATCHED = "matched", "已核对"
    SETTLED = "settled", "已结算"


class Claim(models.Model):
    provider = models.ForeignKey("homeservices.Provider", on_delete=models.PROTECT, related_name="claims")
    month = models.DateField("申报月份")  # the first day
    catalog = models.CharField("服务目录", max_length=12)
    state = models.CharField("状态", max_length=12, choices=ClaimState.choices, default=ClaimState.RECEIVED)
    source = models.CharField("来源", max_length=200)  # the file's name or 网页填报
    received_at = models.DateTimeField("接收时间")
    received_by = models.CharField("接收人", max_length=150)
    matched_at = models.DateTimeField("核对时间", null=True, blank=True)
    summary = models.JSONField("核对结果", default=dict)

    class Meta:
        verbose_name = "服务结算申报"
        verbose_name_plural = "服务结算申报"

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class LineStatus(models.TextChoices):
    NEW = "new", "待核对"
    PAYABLE = "payable", "可结算"
    HELD = "held", "暂缓"


class ReviewResult(models.TextChoices):
    NONE = "", "未抽查"
    ACCEPTED = "accepted", "抽查通过"
    REJECTED = "rejected", "抽查不通过"


class ClaimLine(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="lines")
    provider = models.ForeignKey("homeservices.Provider", on_delete=models.PROTECT, related_name="+")
    claim_line = models.CharField("明细号", max_length=40)
    row = models.PositiveIntegerField("行号")
    person = models.ForeignKey(
        "registry.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    id_number = models.CharField("公民身份号码", max_length=18)
    service = models.CharField("服务项目", max_length=40)
    date = models.DateField("服务日期")
    units = models.DecimalField("数量", max_digits=8, decimal_places=2)
    amount = models.DecimalField("金额", max_digits=10, decimal_places=2)
    status = models.CharField("核对结果", max_length=8, choices=LineStatus.choices, default=LineStatus.NEW)
    reasons = models.JSONField("暂缓原因", default=list)
    category = models.CharField("对象类别", max_length=12, blank=True, default="")
    subsidy = models.DecimalField("补贴", max_digits=10, decimal_places=2, default=0)
    copay = models.DecimalField("个人自付", max_digits=10, decimal_places=2, default=0)
    by_level = models.JSONField("补贴按资金层级", default=dict)
    sampled = models.BooleanField("抽查", default=False)
    review = models.CharField("抽查结果", max_length=10, choices=ReviewResult.choices, blank=True, default="")

    class Meta:
        verbose_name = "申报明细"
        verbose_name_plural = "申报明细"
        constraints = [models.UniqueConstraint(fields=["provider", "claim_line"], name="hs_claim_line_once")]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class ClaimError(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="errors")
    line = models.PositiveIntegerField("行号")
    field = models.CharField("列", max_length=40)
    reason = models.CharField("原因", max_length=300)

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class SettlementState(models.TextChoices):
    PREPARED = "prepared", "已生成"
    REVIEWED = "reviewed", "已审核"
    APPROVED = "approved", "已审批"
    EXPORTED = "exported", "已导出"


class Settlement(models.Model):
    """结算表: what one provider is paid for one month, split by funding level, with the co-payments."""

    provider = models.ForeignKey(
        "homeservices.Provider", on_delete=models.PROTECT, related_name="settlements"
    )
    month = models.DateField("结算月份")
    state = models.CharField(
        "状态", max_length=12, choices=SettlementState.choices, default=SettlementState.PREPARED
    )
    totals = models.JSONField("合计", default=dict)
    rejection_rate = models.DecimalField("抽查不通过率", max_digits=6, decimal_places=4, default=0)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    prepared_at = models.DateTimeField("生成时间")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField("审批时间", null=True, blank=True)
    exported_at = models.DateTimeField("导出时间", null=True, blank=True)

    class Meta:
        verbose_name = "服务结算表"
        verbose_name_plural = "服务结算表"
        constraints = [models.UniqueConstraint(fields=["provider", "month"], name="hs_settlement_once")]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class SettledLine(models.Model):
    settlement = models.ForeignKey(Settlement, on_delete=models.CASCADE, related_name="lines")
    line = models.OneToOneField(ClaimLine, on_delete=models.PROTECT, related_name="settled")
    subsidy = models.DecimalField("结算补贴", max_digits=10, decimal_places=2)
    copay = models.DecimalField("个人自付", max_digits=10, decimal_places=2)

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"
