"""What people are recorded as receiving (enrolments) and the accounts benefits are paid into.

An enrolment is imported from a paying department's file or created when staff approve an
entitlement; discovery (服务找人) compares enrolments with what the service list grants.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from yanglao.core.masking import mask_account


class EnrolmentSource(models.TextChoices):
    IMPORTED = "imported", "部门数据导入"
    APPROVED = "approved", "经办审批"


class EnrolmentStatus(models.TextChoices):
    ACTIVE = "active", "享受中"
    ENDED = "ended", "已停止"


class Enrolment(models.Model):
    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="enrolments", verbose_name="老年人"
    )
    catalog = models.CharField("清单", max_length=12)
    item_no = models.CharField("清单序号", max_length=8)
    service_code = models.CharField("服务代码", max_length=64, db_index=True)
    name = models.CharField("项目名称", max_length=100)
    amount = models.DecimalField("标准（元）", max_digits=10, decimal_places=2, null=True, blank=True)
    period = models.CharField("周期", max_length=8, blank=True)  # month / year / once
    start = models.DateField("起始日期")
    end = models.DateField("停止日期", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=8, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ACTIVE
    )
    source = models.CharField("来源", max_length=12, choices=EnrolmentSource.choices)
    source_detail = models.CharField(
        "来源说明", max_length=200, blank=True
    )  # file and line, or approval note
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("建立时间", auto_now_add=True)
    ended_reason = models.CharField("停止原因", max_length=200, blank=True)
    # Where the person was when enrolled (户籍, else 常住地): the paying place, kept when the person
    # moves away so that the township that pays still finds the payment.
    region = models.CharField("发放地区划代码", max_length=12, blank=True, db_index=True)
    synthetic = models.BooleanField("合成数据", default=False)

    class Meta:
        verbose_name = "待遇享受记录"
        verbose_name_plural = "待遇享受记录"
        indexes = [models.Index(fields=["person", "service_code", "status"])]

    def __str__(self) -> str:
        return f"{self.person_id} {self.name}"


class PayeeAccount(models.Model):
    """Where a person's cash benefits are paid (sensitive: PIPL art. 28 financial account)."""

    person = models.OneToOneField(
        "registry.Person", on_delete=models.PROTECT, related_name="payee_account", verbose_name="老年人"
    )
    bank = models.CharField("开户银行", max_length=100)
    account_number = models.CharField("账号", max_length=32)
    holder_name = models.CharField("户名", max_length=64)
    synthetic = models.BooleanField("合成数据", default=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "发放账户"
        verbose_name_plural = "发放账户"

    def __str__(self) -> str:
        return f"{self.person_id} {self.bank}"

    @property
    def masked(self) -> str:
        return mask_account(self.account_number)


class PayeeAccountHistory(models.Model):
    """An account a person's benefits were paid into before it was changed: never overwritten silently.

    One row per replaced account, with who replaced it, when and why (a web change names its reason;
    an import names its file and line)."""

    person = models.ForeignKey(
        "registry.Person",
        on_delete=models.PROTECT,
        related_name="payee_account_history",
        verbose_name="老年人",
    )
    bank = models.CharField("开户银行", max_length=100)
    account_number = models.CharField("账号", max_length=32)
    holder_name = models.CharField("户名", max_length=64)
    used_since = models.DateTimeField("启用时间", null=True, blank=True)
    replaced_at = models.DateTimeField("变更时间")
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    replaced_by_name = models.CharField("变更人", max_length=150, blank=True)
    reason = models.CharField("变更原因", max_length=200)

    class Meta:
        verbose_name = "发放账户变更记录"
        verbose_name_plural = "发放账户变更记录"
        ordering = ["-replaced_at", "-id"]

    def __str__(self) -> str:
        return f"{self.person_id} {self.bank} {self.masked}"

    @property
    def masked(self) -> str:
        return mask_account(self.account_number)


class FindingKind(models.TextChoices):
    MISSED = "missed", "漏保：符合条件未享受"
    NOT_ENTITLED = "not_entitled", "错保：不符合条件仍在享受"
    DUE_CHANGE = "due_change", "待遇即将变化"
    ASSESSMENT_EXPIRING = "assessment_expiring", "能力评估即将到期"
    DOUBLE_PAID = "double_paid", "择高项目重复享受"


class FindingState(models.TextChoices):
    OPEN = "open", "待处理"
    CONTACTED = "contacted", "已联系"
    ENROLLED = "enrolled", "已纳入享受"
    STOPPED = "stopped", "已停止发放"
    REJECTED = "rejected", "不予处理"
    CLOSED = "closed", "数据变化自动关闭"


# States a re-run of discovery may still close (nobody has finished working the finding yet).
LIVE_STATES = (FindingState.OPEN, FindingState.CONTACTED)


class Finding(models.Model):
    """One result of 服务找人: a person and what is wrong or about to change, for a township to work.

    ``key`` identifies the situation (kind, person, list, item, and the date or group it concerns): a
    re-run finds the same key and updates the row, so a finding is never duplicated."""

    key = models.CharField("标识", max_length=160, unique=True)
    kind = models.CharField("类型", max_length=24, choices=FindingKind.choices, db_index=True)
    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="findings", verbose_name="老年人"
    )
    township = models.CharField("负责乡镇（街道）代码", max_length=12, db_index=True)
    catalog = models.CharField("清单", max_length=12, blank=True)
    item_no = models.CharField("清单序号", max_length=8, blank=True)
    item_code = models.CharField("项目代码", max_length=64, blank=True)
    item_name = models.CharField("项目名称", max_length=200, blank=True)
    amount = models.DecimalField("标准（元）", max_digits=10, decimal_places=2, null=True, blank=True)
    period = models.CharField("周期", max_length=8, blank=True)
    reason_kind = models.CharField("原因类别", max_length=16, blank=True)  # died / moved / dibao / other
    summary = models.CharField("摘要", max_length=300)
    reason = models.TextField("依据", blank=True)
    due_on = models.DateField("变化日期", null=True, blank=True)
    enrolment = models.ForeignKey(
        Enrolment, null=True, blank=True, on_delete=models.SET_NULL, related_name="findings"
    )
    detail = models.JSONField("详情", default=dict, blank=True)
    state = models.CharField(
        "状态", max_length=12, choices=FindingState.choices, default=FindingState.OPEN, db_index=True
    )
    found_on = models.DateField("发现日期")
    last_seen_on = models.DateField("最近一次发现日期")
    created_at = models.DateTimeField("建立时间", auto_now_add=True)
    worked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    worked_at = models.DateTimeField("处理时间", null=True, blank=True)
    note = models.CharField("处理说明", max_length=300, blank=True)
    closed_reason = models.CharField("关闭原因", max_length=300, blank=True)
    closed_at = models.DateTimeField("关闭时间", null=True, blank=True)

    class Meta:
        verbose_name = "服务找人发现"
        verbose_name_plural = "服务找人发现"
        ordering = ["township", "kind", "-found_on", "id"]
        indexes = [models.Index(fields=["township", "state", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.person_id} {self.item_name}"

    @property
    def live(self) -> bool:
        return self.state in LIVE_STATES


class ApiToken(models.Model):
    """A token a system uses to call the HTTP API as one user (``Authorization: Bearer …``).

    Only the SHA-256 of the token is stored; the token itself is shown once, when it is made. A token
    expires (``expires_at``, set when it is made: ``API_TOKEN_DAYS`` by default); an expired token is
    refused like an unknown one."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens", verbose_name="用户"
    )
    name = models.CharField("用途", max_length=100)
    digest = models.CharField("摘要", max_length=64, unique=True)
    prefix = models.CharField("前缀", max_length=8)
    active = models.BooleanField("有效", default=True)
    created_at = models.DateTimeField("建立时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    expires_at = models.DateTimeField("到期时间")

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"

    def __str__(self) -> str:
        return f"{self.prefix}… {self.name}"
