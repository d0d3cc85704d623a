"""Applications to public care homes (入住申请), vacancies and offers (空床与入住通知), residents (在院人员).

The ranking itself is the admissions core's (:mod:`yanglao.core.admissions`); an application keeps the
last ranking's verdict (eligible, class, position, reasons) so that the queue pages read it without
ranking again. Every write goes through :mod:`yanglao.carehomes.actions`, which ranks the county again.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AppStatus(models.TextChoices):
    WAITING = "waiting", "轮候中"
    OFFERED = "offered", "已发入住通知"
    RESIDENT = "resident", "已入住"
    WITHDRAWN = "withdrawn", "已撤回"
    DIED = "died", "轮候期间去世"


# The core's statuses (waiting/resident/withdrawn): an offered applicant still waits; a dead one is
# out of the queue by the registry's death date whatever the status says.
CORE_STATUS = {
    AppStatus.WAITING: "waiting",
    AppStatus.OFFERED: "waiting",
    AppStatus.RESIDENT: "resident",
    AppStatus.WITHDRAWN: "withdrawn",
    AppStatus.DIED: "withdrawn",
}


class Application(models.Model):
    number = models.CharField("申请编号", max_length=24, unique=True)
    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="care_applications", verbose_name="老年人"
    )
    rules = models.CharField("入住规则", max_length=12, db_index=True)  # the county's rules code
    applied_on = models.DateField("申请日期")
    wants_placement = models.BooleanField("入住意愿", default=True)
    partner = models.ForeignKey(
        "registry.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="一同申请的配偶",
    )
    preferred = models.ManyToManyField(
        "facilities.Facility", blank=True, related_name="+", verbose_name="意向养老机构"
    )
    status = models.CharField("状态", max_length=12, choices=AppStatus.choices, default=AppStatus.WAITING)
    status_on = models.DateField("状态日期")
    status_note = models.CharField("状态说明", max_length=200, blank=True)
    # the last ranking (the admissions core's verdict)
    ranked_on = models.DateField("排序日期", null=True, blank=True)
    eligible = models.BooleanField("符合入住条件", default=False)
    rank_class = models.PositiveSmallIntegerField("优先类别", null=True, blank=True)
    class_name = models.CharField("类别名称", max_length=100, blank=True)
    position = models.PositiveIntegerField("轮候位次", null=True, blank=True, db_index=True)
    reasons = models.JSONField("排序说明", default=list)
    needs_nursing = models.BooleanField("需要护理型床位", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="受理人",
    )
    created_at = models.DateTimeField("受理时间", auto_now_add=True)

    class Meta:
        verbose_name = "入住申请"
        verbose_name_plural = "入住申请"
        ordering = ["rules", "position", "applied_on", "id"]
        indexes = [models.Index(fields=["rules", "status", "position"])]

    def __str__(self) -> str:
        return self.number


class Document(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="documents", verbose_name="入住申请"
    )
    file = models.FileField("文件", upload_to="carehomes/%Y/%m/")
    name = models.CharField("文件名", max_length=120)
    content_type = models.CharField("类型", max_length=32)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="上传人",
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "申请材料"
        verbose_name_plural = "申请材料"

    def __str__(self) -> str:
        return self.name


class VacancySource(models.TextChoices):
    DISCHARGE = "discharge", "出院（离院）"
    DEATH = "death", "在院人员去世"
    TRANSFER = "transfer", "转院"
    REPORT = "report", "机构运营情况报告中的空床"


class Vacancy(models.Model):
    facility = models.ForeignKey(
        "facilities.Facility", on_delete=models.PROTECT, related_name="+", verbose_name="养老机构"
    )
    nursing = models.BooleanField("护理型床位", default=False)
    source = models.CharField("空床来源", max_length=12, choices=VacancySource.choices)
    source_note = models.CharField("来源说明", max_length=200, blank=True)
    opened_on = models.DateField("空床日期")
    filled = models.BooleanField("已入住", default=False)
    closed_on = models.DateField("关闭日期", null=True, blank=True)

    class Meta:
        verbose_name = "空床"
        verbose_name_plural = "空床"
        ordering = ["-opened_on", "-id"]

    def __str__(self) -> str:
        return f"{self.facility_id} {self.opened_on}"


class OfferState(models.TextChoices):
    OPEN = "open", "待答复"
    ACCEPTED = "accepted", "已接受"
    DECLINED = "declined", "申请人放弃"
    EXPIRED = "expired", "逾期未答复"
    REFUSED = "refused", "机构拒收"
    ADMITTED = "admitted", "已入住"


class Offer(models.Model):
    vacancy = models.ForeignKey(Vacancy, on_delete=models.CASCADE, related_name="offers", verbose_name="空床")
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="offers", verbose_name="入住申请"
    )
    position = models.PositiveIntegerField("通知时位次", null=True)
    offered_on = models.DateField("通知日期")
    due_on = models.DateField("答复期限")
    state = models.CharField("状态", max_length=12, choices=OfferState.choices, default=OfferState.OPEN)
    decided_on = models.DateField("答复日期", null=True, blank=True)
    reason = models.CharField("原因", max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="经办人",
    )

    class Meta:
        verbose_name = "入住通知"
        verbose_name_plural = "入住通知"
        ordering = ["-offered_on", "-id"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.state}"


class ResidenceState(models.TextChoices):
    IN = "in", "在院"
    LEAVE = "leave", "请假离院"
    ENDED = "ended", "已离院"


class EndReason(models.TextChoices):
    DISCHARGE = "discharge", "出院"
    TRANSFER = "transfer", "转院"
    DEATH = "death", "去世"


class Residence(models.Model):
    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="residences", verbose_name="老年人"
    )
    facility = models.ForeignKey(
        "facilities.Facility", on_delete=models.PROTECT, related_name="+", verbose_name="养老机构"
    )
    application = models.ForeignKey(
        Application,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="入住申请",
    )
    nursing = models.BooleanField("护理型床位", default=False)
    admitted_on = models.DateField("入住日期")
    state = models.CharField("状态", max_length=8, choices=ResidenceState.choices, default=ResidenceState.IN)
    ended_on = models.DateField("离院日期", null=True, blank=True)
    end_reason = models.CharField("离院原因", max_length=12, choices=EndReason.choices, blank=True)
    centralized = models.BooleanField("入住时由分散供养转为集中供养", default=False)
    events = models.JSONField("变动记录", default=list)  # [{"on", "what", "note", "by"}]

    class Meta:
        verbose_name = "在院人员"
        verbose_name_plural = "在院人员"
        ordering = ["facility_id", "admitted_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=~models.Q(state="ended"), name="carehomes_one_open_residence"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.facility_id} {self.state}"


class SettlementState(models.TextChoices):
    PREPARED = "prepared", "已生成"
    REVIEWED = "reviewed", "已审核"
    APPROVED = "approved", "已审批"
    EXPORTED = "exported", "已导出"


class SettlementRoll(models.Model):
    """A month's institution settlement of a county: the money paid to the public homes for their
    residents (items whose payee is the institution), prepared → reviewed → approved → exported by three
    different people."""

    county = models.CharField("旗县区划代码", max_length=6)
    catalog = models.CharField("清单", max_length=12)
    month = models.DateField("结算月份")  # the first day
    state = models.CharField(
        "状态", max_length=12, choices=SettlementState.choices, default=SettlementState.PREPARED
    )
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="生成人",
    )
    prepared_at = models.DateTimeField("生成时间")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="审核人",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="审批人",
    )
    approved_at = models.DateTimeField("审批时间", null=True, blank=True)
    exported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="导出人",
    )
    exported_at = models.DateTimeField("导出时间", null=True, blank=True)
    totals = models.JSONField("合计", default=dict)

    class Meta:
        verbose_name = "机构结算表"
        verbose_name_plural = "机构结算表"
        ordering = ["-month", "county"]
        constraints = [models.UniqueConstraint(fields=["county", "month"], name="carehomes_one_settlement")]

    def __str__(self) -> str:
        return f"{self.county} {self.month:%Y-%m}"


class SettlementLine(models.Model):
    roll = models.ForeignKey(
        SettlementRoll, on_delete=models.CASCADE, related_name="lines", verbose_name="结算表"
    )
    facility = models.ForeignKey(
        "facilities.Facility", on_delete=models.PROTECT, related_name="+", verbose_name="养老机构"
    )
    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="+", verbose_name="在院人员"
    )
    item = models.CharField("项目", max_length=40)
    item_name = models.CharField("项目名称", max_length=100)
    days = models.PositiveSmallIntegerField("在院天数")
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2)
    basis = models.CharField("计算依据", max_length=300)

    class Meta:
        verbose_name = "机构结算明细"
        verbose_name_plural = "机构结算明细"
        ordering = ["facility_id", "person_id", "item"]

    def __str__(self) -> str:
        return f"{self.roll_id} {self.person_id} {self.item}"
