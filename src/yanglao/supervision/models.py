"""综合监管: inspection plans and inspections with their findings, hazards and their rectification
(动态清零), ratings (等级评定), complaints, and the evidence files attached to any of them."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class PlanKind(models.TextChoices):
    ANNUAL = "annual", "年度检查计划"
    RANDOM = "random", "双随机抽查"
    CAMPAIGN = "campaign", "专项检查"


class InspectionPlan(models.Model):
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=16, choices=PlanKind.choices)
    region = models.ForeignKey("regions.Region", verbose_name="区划", on_delete=models.PROTECT)
    year = models.PositiveIntegerField("年度")
    seed = models.CharField("随机种子", max_length=64, blank=True, default="")
    # The draw, recorded: {"facilities": [pk, …], "inspectors": [name, …], "pool": n, "seed": s}
    draw = models.JSONField("抽取结果", default=dict, blank=True)
    note = models.CharField("说明", max_length=200, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField("制定时间")

    class Meta:
        verbose_name = "检查计划"
        ordering = ["-year", "-created_at"]

    def __str__(self) -> str:
        return str(self.name)


class Inspection(models.Model):
    plan = models.ForeignKey(InspectionPlan, null=True, blank=True, on_delete=models.SET_NULL)
    facility = models.ForeignKey(
        "facilities.Facility", on_delete=models.PROTECT, related_name="inspections", verbose_name="机构"
    )
    checklist = models.CharField("检查指标库", max_length=16)
    inspectors = models.CharField("检查人员", max_length=200)
    inspected_at = models.DateTimeField("检查时间")
    score = models.PositiveIntegerField("得分")
    deductions = models.PositiveIntegerField("扣分")
    suspend = models.BooleanField("责令暂停服务", default=False)
    note = models.TextField("检查意见", blank=True, default="")
    reinspects = models.ForeignKey(
        "Hazard", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="复查隐患"
    )
    client_id = models.UUIDField("客户端编号", unique=True, null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    recorded_at = models.DateTimeField("记录时间")

    class Meta:
        verbose_name = "监管检查"
        ordering = ["-inspected_at"]

    def __str__(self) -> str:
        return f"{self.facility} {self.inspected_at:%Y-%m-%d}"


class Finding(models.Model):
    """One failed indicator of an inspection."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    code = models.CharField("指标", max_length=16)
    category = models.CharField("类别", max_length=32)
    item = models.CharField("检查内容", max_length=200)
    basis = models.CharField("依据", max_length=200)
    deduction = models.PositiveIntegerField("扣分")
    note = models.CharField("问题描述", max_length=300, blank=True, default="")

    def __str__(self) -> str:
        return str(self.item)


class Level(models.TextChoices):
    MAJOR = "major", "重大"
    HIGH = "high", "较大"
    MEDIUM = "medium", "一般"
    LOW = "low", "轻微"


class HazardSource(models.TextChoices):
    INSPECTION = "inspection", "检查发现"
    COMPLAINT = "complaint", "投诉转办"
    REPORT = "report", "报告"


class HazardStatus(models.TextChoices):
    OPEN = "open", "待整改"
    SUBMITTED = "submitted", "已提交整改待复查"
    CLEARED = "cleared", "已清零"


class Hazard(models.Model):
    facility = models.ForeignKey(
        "facilities.Facility", on_delete=models.PROTECT, related_name="hazards", verbose_name="机构"
    )
    township = models.CharField("乡镇（苏木）", max_length=12)  # the facility's township code, for the board
    source = models.CharField("来源", max_length=16, choices=HazardSource.choices)
    finding = models.ForeignKey(Finding, null=True, blank=True, on_delete=models.SET_NULL)
    complaint = models.ForeignKey("Complaint", null=True, blank=True, on_delete=models.SET_NULL)
    title = models.CharField("隐患", max_length=200)
    level = models.CharField("风险等级", max_length=8, choices=Level.choices)
    opened_at = models.DateTimeField("发现时间")
    due_at = models.DateTimeField("整改时限")
    status = models.CharField("状态", max_length=16, choices=HazardStatus.choices, default=HazardStatus.OPEN)
    rectification = models.TextField("整改情况", blank=True, default="")
    rectified_at = models.DateTimeField("提交整改时间", null=True, blank=True)
    cleared_at = models.DateTimeField("清零时间", null=True, blank=True)
    history = models.JSONField("办理记录", default=list, blank=True)

    class Meta:
        verbose_name = "安全隐患"
        ordering = ["due_at"]

    def __str__(self) -> str:
        return str(self.title)


class RatingKind(models.TextChoices):
    SELF = "self", "机构自评"
    BUREAU = "bureau", "民政部门评定"


class Rating(models.Model):
    facility = models.ForeignKey(
        "facilities.Facility", on_delete=models.PROTECT, related_name="ratings", verbose_name="机构"
    )
    kind = models.CharField("类型", max_length=8, choices=RatingKind.choices)
    standard = models.CharField("标准", max_length=16, default="gbt37276")
    scores = models.JSONField("逐项得分", default=dict)
    total = models.PositiveIntegerField("总分")
    level = models.PositiveSmallIntegerField("等级")  # 0 未达等级, 1…5
    assessed_on = models.DateField("评定日期")
    valid_until = models.DateField("有效期至", null=True, blank=True)
    assessors = models.CharField("评定人员", max_length=200, blank=True, default="")
    note = models.TextField("说明", blank=True, default="")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    recorded_at = models.DateTimeField("记录时间")

    class Meta:
        verbose_name = "等级评定"
        ordering = ["-assessed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.facility} {self.level_name}"

    @property
    def level_name(self) -> str:
        return "未达等级" if not self.level else "一二三四五"[self.level - 1] + "级"


class Channel(models.TextChoices):
    HOTLINE = "12345", "12345热线"
    PHONE = "phone", "来电"
    WALKIN = "walkin", "来访"
    PUBLIC = "public", "网上投诉"


class Route(models.TextChoices):
    FACILITY = "facility", "转机构办理"
    TOWNSHIP = "township", "转乡镇（苏木）办理"
    DEPARTMENT = "department", "转相关部门办理"


class Severity(models.TextChoices):
    URGENT = "urgent", "紧急"
    NORMAL = "normal", "一般"
    GENERAL = "general", "咨询建议"


class ComplaintStatus(models.TextChoices):
    OPEN = "open", "办理中"
    REPLIED = "replied", "已答复"
    REOPENED = "reopened", "重新办理"
    CLOSED = "closed", "已办结"


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASIC = "basic", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"


class Complaint(models.Model):
    number = models.CharField("编号", max_length=24, unique=True)
    channel = models.CharField("渠道", max_length=8, choices=Channel.choices)
    received_at = models.DateTimeField("受理时间")
    region = models.ForeignKey("regions.Region", verbose_name="所属区划", on_delete=models.PROTECT)
    facility = models.ForeignKey(
        "facilities.Facility",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name="被投诉机构",
    )
    route = models.CharField("转办", max_length=12, choices=Route.choices)
    department = models.CharField("承办部门", max_length=60, blank=True, default="")
    subject = models.CharField("事项", max_length=100)
    text = models.TextField("内容")
    complainant = models.CharField("投诉人", max_length=40, blank=True, default="")
    phone = models.CharField("联系电话", max_length=20, blank=True, default="")
    severity = models.CharField("紧急程度", max_length=8, choices=Severity.choices)
    reply_due = models.DateTimeField("答复时限")
    status = models.CharField("状态", max_length=12, choices=ComplaintStatus.choices, default="open")
    reply = models.TextField("答复", blank=True, default="")
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    satisfaction = models.CharField(
        "满意度", max_length=12, choices=Satisfaction.choices, blank=True, default=""
    )
    history = models.JSONField("办理记录", default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        verbose_name = "投诉"
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return str(self.number)


class ComplaintCounter(models.Model):
    """The last complaint number given out on one day (``YYYYMMDD``, Beijing time). An intake locks its
    day's row (``SELECT … FOR UPDATE``) until it commits, so two intakes at once never get one number."""

    day = models.CharField("日期", max_length=8, unique=True)
    last = models.PositiveIntegerField("已编至", default=0)

    class Meta:
        verbose_name = "投诉编号计数"
        verbose_name_plural = "投诉编号计数"

    def __str__(self) -> str:
        return f"{self.day}：{self.last}"


class Evidence(models.Model):
    """A photo or PDF attached to an inspection, a hazard's rectification, a rating item or a complaint."""

    file = models.FileField("文件", upload_to="supervision/%Y/%m/")
    name = models.CharField("文件名", max_length=120)
    content_type = models.CharField("类型", max_length=32)
    size = models.PositiveIntegerField("大小")
    inspection = models.ForeignKey(Inspection, null=True, blank=True, on_delete=models.CASCADE)
    hazard = models.ForeignKey(Hazard, null=True, blank=True, on_delete=models.CASCADE)
    rating = models.ForeignKey(Rating, null=True, blank=True, on_delete=models.CASCADE)
    complaint = models.ForeignKey(Complaint, null=True, blank=True, on_delete=models.CASCADE)
    item = models.CharField("评分项或指标", max_length=16, blank=True, default="")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    uploaded_at = models.DateTimeField("上传时间")

    class Meta:
        verbose_name = "证据材料"

    def __str__(self) -> str:
        return str(self.name)
