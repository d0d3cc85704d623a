"""Ability assessments (老年人能力评估) of registered people, and the decisions that relied on them.

An :class:`Assessment` is either a GB/T 42195-2022 assessment filled in on the form (a draft until it
is signed; signing computes the result with the core and freezes it) or a result imported from the
older MZ/T 039-2013 scale, which keeps its own 0-3 level and is never mapped onto 0-4. A :class:`Use`
records which result a decision (a subsidy, an admission, a visit tier) relied on.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from yanglao.core.assessment import (
    AssessmentRecord,
    LegacyLevel,
    LegacyResult,
    Reason,
    instrument,
)


class Scale(models.TextChoices):
    GBT_42195 = "GB/T 42195-2022", "GB/T 42195-2022《老年人能力评估规范》"
    MZT_039 = "MZ/T 039-2013", "MZ/T 039-2013《老年人能力评估》"


class ReasonChoice(models.TextChoices):
    """A.1.3 评估原因, the values of :class:`yanglao.core.assessment.Reason`."""

    FIRST = Reason.FIRST.value, Reason.FIRST.label
    ROUTINE = Reason.ROUTINE.value, Reason.ROUTINE.label
    IMMEDIATE = Reason.IMMEDIATE.value, Reason.IMMEDIATE.label
    REVIEW = Reason.REVIEW.value, Reason.REVIEW.label
    OTHER = Reason.OTHER.value, Reason.OTHER.label


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    SIGNED = "signed", "已签署"


class Assessment(models.Model):
    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="assessments", verbose_name="老年人"
    )
    number = models.CharField("评估编号", max_length=40, unique=True)
    scale = models.CharField("评估标准", max_length=20, choices=Scale.choices, default=Scale.GBT_42195)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    # A.1
    reference_date = models.DateField("评估基准日期", null=True, blank=True)
    reason = models.CharField("评估原因", max_length=16, choices=ReasonChoice.choices, blank=True)
    reason_detail = models.CharField("评估原因说明", max_length=100, blank=True)
    # A.3
    informant_name = models.CharField("信息提供者姓名", max_length=64, blank=True)
    informant_relation = models.CharField("信息提供者与老年人的关系", max_length=24, blank=True)
    informant_relation_detail = models.CharField("关系说明", max_length=64, blank=True)
    contact_name = models.CharField("联系人姓名", max_length=64, blank=True)
    contact_phone = models.CharField("联系人电话", max_length=20, blank=True)
    place = models.CharField("评估地点", max_length=200, blank=True)
    # Annex A answers not kept in columns: {field key: value, f"{key}_detail": text, "medications": [...]}
    answers = models.JSONField("基本信息（附录A其他项目）", default=dict, blank=True)
    # Annex B and the facts behind the change grounds
    items = models.JSONField("评估项目得分", default=dict, blank=True)  # {"B.1.1": 0-4, …}
    coma = models.BooleanField("昏迷", null=True, blank=True)  # None: not answered yet
    diagnoses = models.JSONField("疾病诊断（ICD-10）", default=list, blank=True)
    risk_events = models.JSONField("近30天内照护风险事件", default=dict, blank=True)  # {"fall": 0-3, …}
    # Annex C, computed by the core when signed
    total = models.SmallIntegerField("总分", null=True, blank=True)
    indicators = models.JSONField("一级指标得分", default=dict, blank=True)
    initial_level = models.SmallIntegerField("初步等级", null=True, blank=True)
    final_level = models.SmallIntegerField("最终等级", null=True, blank=True)
    ground_keys = models.JSONField("等级变更依据（代码）", default=list, blank=True)
    grounds = models.JSONField("等级变更依据", default=list, blank=True)
    # MZ/T 039-2013 results: their own level 0-3, never a GB/T 42195 level
    legacy_level = models.SmallIntegerField("MZ/T 039-2013等级", null=True, blank=True)
    legacy_source = models.CharField("导入来源", max_length=100, blank=True)
    # C.6
    assessor_1 = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="评估员一（用户）",
    )
    assessor_1_name = models.CharField("评估员一", max_length=64, blank=True)
    assessor_2 = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="评估员二（用户）",
    )
    assessor_2_name = models.CharField("评估员二", max_length=64, blank=True)
    validity_months = models.PositiveSmallIntegerField("有效期（月）", null=True, blank=True)
    valid_until = models.DateField("有效期至", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="创建人",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    signed_at = models.DateTimeField("签署（导入）时间", null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="签署人",
    )

    class Meta:
        verbose_name = "老年人能力评估"
        verbose_name_plural = "老年人能力评估"
        ordering = ["-reference_date", "-signed_at", "-id"]
        indexes = [
            models.Index(fields=["person", "status", "reference_date"]),
            models.Index(fields=["status", "valid_until"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(final_level__isnull=True)
                | models.Q(final_level__gte=0, final_level__lte=4),
                name="assessment_final_level_0_4",
            ),
            models.CheckConstraint(
                condition=models.Q(legacy_level__isnull=True)
                | models.Q(legacy_level__gte=0, legacy_level__lte=3, scale="MZ/T 039-2013"),
                name="assessment_legacy_level_0_3_on_its_scale",
            ),
            models.CheckConstraint(
                condition=~models.Q(scale="MZ/T 039-2013") | models.Q(final_level__isnull=True),
                name="assessment_legacy_has_no_gbt_level",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}（{self.get_status_display()}）"

    @property
    def is_signed(self) -> bool:
        return self.status == Status.SIGNED

    @property
    def is_legacy(self) -> bool:
        return self.scale == Scale.MZT_039

    def is_valid_on(self, on: dt.date) -> bool:
        """Made no later than ``on`` and not expired on ``on`` (supersession not considered)."""
        return (
            self.is_signed
            and self.reference_date is not None
            and self.valid_until is not None
            and self.reference_date <= on <= self.valid_until
        )

    def as_record(self) -> AssessmentRecord | LegacyResult:
        """This signed result as the core sees it (for supersession and the one current result)."""
        if not self.is_signed or self.reference_date is None:
            raise ValueError(f"{self.number} is not a result yet")
        if self.is_legacy:
            if self.legacy_level is None:
                raise ValueError(f"{self.number}: an MZ/T 039-2013 result without its level")
            return LegacyResult(self.number, self.reference_date, LegacyLevel.from_grade(self.legacy_level))
        if self.final_level is None:
            raise ValueError(f"{self.number}: a signed result without its level")
        return AssessmentRecord(self.number, self.reference_date, Reason(self.reason), self.final_level)

    def level_display(self) -> str:
        """The result as people read it, on its own scale: 中度失能 / 重度失能（MZ/T 039-2013，3级）."""
        if self.is_legacy and self.legacy_level is not None:
            return LegacyResult(
                self.number, self.reference_date or dt.date.min, LegacyLevel.from_grade(self.legacy_level)
            ).display()
        if self.final_level is None:
            return "未完成"
        return instrument().level(self.final_level).name

    def assessor_names(self) -> list[str]:
        return [n for n in (self.assessor_1_name, self.assessor_2_name) if n]


class Use(models.Model):
    """Which result a decision relied on (the results are recognised by every department)."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, related_name="uses", verbose_name="所依据的评估结果"
    )
    purpose = models.CharField("用途", max_length=64)  # 护理补贴 / 入住 / 探访分级 …
    object_type = models.CharField("业务对象类型", max_length=32, blank=True)
    object_id = models.CharField("业务对象", max_length=64, blank=True)
    at = models.DateTimeField("时间", auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="操作人",
    )
    by_name = models.CharField("操作人", max_length=150, blank=True)

    class Meta:
        verbose_name = "评估结果使用记录"
        verbose_name_plural = "评估结果使用记录"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.purpose}：{self.assessment.number}"


class AssessorQualification(models.Model):
    """A user's qualification as an assessor (评估员资质): its number, who issued it and when it is valid.

    Only a user holding a qualification valid on an assessment's reference date may be chosen as one
    of its two assessors. A qualification is never deleted: it is ended (``ended_on``, with a reason)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="assessor_qualifications",
        verbose_name="评估员（用户）",
    )
    number = models.CharField("资质证书编号", max_length=64)
    issuer = models.CharField("发证机构", max_length=100)
    valid_from = models.DateField("有效期自")
    valid_until = models.DateField("有效期至", null=True, blank=True)
    ended_on = models.DateField("终止日期", null=True, blank=True)
    ended_reason = models.CharField("终止原因", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="登记人",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    synthetic = models.BooleanField("合成数据", default=False)

    class Meta:
        verbose_name = "评估员资质"
        verbose_name_plural = "评估员资质"
        ordering = ["user__username", "-valid_from", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="assessor_qualification_until_after_from",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.number}"

    def is_valid_on(self, on: dt.date) -> bool:
        """Valid on ``on``: begun, not past its end, not ended (an ended qualification is valid before
        its end date only)."""
        return (
            self.valid_from <= on
            and (self.valid_until is None or on <= self.valid_until)
            and (self.ended_on is None or on < self.ended_on)
        )
