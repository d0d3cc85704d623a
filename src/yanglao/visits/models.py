"""Visits (探访关爱): visitors, targets, assignments, monthly plans, visit records and follow-ups."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from yanglao.core.visits.schedule import Interval


class VisitorKind(models.TextChoices):
    GRID = "grid", "网格员"
    COMMITTEE = "committee", "村（居）两委委员"
    ASSISTANT = "assistant", "民政协理员"
    VOLUNTEER = "volunteer", "志愿者"
    PARTY = "party", "党员干部（分片包干）"
    NEIGHBOUR = "neighbour", "邻里互助（1+2）"


# Kinds that carry a caseload in automatic assignment. Neighbours (the "1+2" model of 扎赉特旗: two
# good neighbours for one elder) are attached to one elder each, by hand.
CASELOAD_KINDS = tuple(k for k in VisitorKind if k != VisitorKind.NEIGHBOUR)
NEIGHBOURS_PER_PERSON = 2


class Visitor(models.Model):
    name = models.CharField("姓名", max_length=64)
    kind = models.CharField("类别", max_length=16, choices=VisitorKind.choices)
    village = models.ForeignKey(
        "regions.Region", verbose_name="所在村（社区）", on_delete=models.PROTECT, related_name="+"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="登录账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="visitor",
    )
    phone = models.CharField("联系电话", max_length=20, blank=True)
    capacity = models.PositiveSmallIntegerField("最多包干人数", null=True, blank=True)
    active = models.BooleanField("在岗", default=True)
    synthetic = models.BooleanField("合成数据", default=False)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "探访人员"
        verbose_name_plural = "探访人员"
        ordering = ["village_id", "kind", "name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_kind_display()}）"


class Target(models.Model):
    """A person's current standing as a visit target (the rules' output, refreshed from the registry)."""

    person = models.OneToOneField(
        "registry.Person", verbose_name="老年人", on_delete=models.CASCADE, related_name="visit_target"
    )
    village = models.CharField("所在村（社区）代码", max_length=12, db_index=True)
    groups = models.JSONField("探访对象类别", default=list)
    reasons = models.JSONField("原因", default=list)
    tier = models.CharField("分级", max_length=24, db_index=True)
    tier_label = models.CharField("分级名称", max_length=32)
    interval_days = models.PositiveSmallIntegerField("探访间隔（天）", default=0)
    interval_months = models.PositiveSmallIntegerField("探访间隔（月）", default=0)
    since = models.DateField("成为探访对象日期")
    evaluated_on = models.DateField("评估日期")
    rules = models.CharField("参数文件", max_length=32, blank=True)
    active = models.BooleanField("当前为探访对象", default=True, db_index=True)

    class Meta:
        verbose_name = "探访对象"
        verbose_name_plural = "探访对象"

    def __str__(self) -> str:
        return f"{self.person_id} {self.tier}"

    @property
    def interval(self) -> Interval:
        return Interval(days=self.interval_days, months=self.interval_months)

    @property
    def weekly(self) -> bool:
        return self.interval_days > 0 and self.interval_days <= 7


class AssignmentRole(models.TextChoices):
    PRIMARY = "primary", "包干责任人"
    NEIGHBOUR = "neighbour", "邻里互助（1+2）"


class Assignment(models.Model):
    """Who visits whom. A person has one current primary visitor and up to two neighbours (1+2)."""

    person = models.ForeignKey(
        "registry.Person", verbose_name="老年人", on_delete=models.CASCADE, related_name="visit_assignments"
    )
    visitor = models.ForeignKey(
        Visitor, verbose_name="探访人员", on_delete=models.PROTECT, related_name="assignments"
    )
    role = models.CharField(
        "角色", max_length=16, choices=AssignmentRole.choices, default=AssignmentRole.PRIMARY
    )
    manual = models.BooleanField("人工指定", default=False)
    note = models.CharField("说明", max_length=200, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField("开始时间", default=timezone.now)
    ended_at = models.DateTimeField("结束时间", null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = "包干关系"
        verbose_name_plural = "包干关系"
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(role="primary", ended_at__isnull=True),
                name="visits_one_current_primary_visitor",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} ← {self.visitor_id}"


class PlanEntry(models.Model):
    """One line of a monthly plan: who visits whom by when."""

    month = models.DateField("月份", db_index=True)  # the first day of the month
    visitor = models.ForeignKey(
        Visitor, verbose_name="探访人员", on_delete=models.CASCADE, related_name="plan_entries"
    )
    person = models.ForeignKey(
        "registry.Person", verbose_name="老年人", on_delete=models.CASCADE, related_name="+"
    )
    due_on = models.DateField("最迟探访日期")
    tier = models.CharField("分级", max_length=24)

    class Meta:
        verbose_name = "月度探访计划"
        verbose_name_plural = "月度探访计划"
        ordering = ["due_on", "visitor_id"]
        # The plan page reads a month in this order, a page at a time.
        indexes = [
            models.Index(fields=["month", "due_on", "visitor", "person"], name="visits_plan_month_order")
        ]
        constraints = [
            models.UniqueConstraint(fields=["month", "person", "due_on"], name="visits_plan_unique_due")
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.person_id} {self.due_on}"


class VisitMode(models.TextChoices):
    HOME = "home", "上门"
    PHONE = "phone", "电话"
    VIDEO = "video", "视频"


class Hazard(models.TextChoices):
    WATER = "water", "用水"
    ELECTRICITY = "electricity", "用电"
    GAS = "gas", "燃气"
    HEATING = "heating", "取暖"
    HOUSE = "house", "房屋"


class Need(models.TextChoices):
    DAILY_CARE = "daily_care", "生活照料"
    REHAB = "rehab", "康复护理"
    EMOTIONAL = "emotional", "精神慰藉"
    ADAPTATION = "adaptation", "适老化改造"


def photo_path(instance: Visit, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"visits/{timezone.localdate():%Y/%m}/{instance.client_id or timezone.now().timestamp()}.{suffix}"


class Visit(models.Model):
    person = models.ForeignKey(
        "registry.Person", verbose_name="老年人", on_delete=models.CASCADE, related_name="visits"
    )
    visitor = models.ForeignKey(
        Visitor,
        verbose_name="探访人员",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="visits",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    mode = models.CharField("探访方式", max_length=8, choices=VisitMode.choices)
    visited_at = models.DateTimeField("探访时间")
    visited_on = models.DateField("探访日期", db_index=True)  # local date of visited_at (for monthly rates)
    health = models.TextField("健康与日常生活", blank=True)
    hazards = models.JSONField("安全隐患", default=list, blank=True)
    hazard_note = models.TextField("安全隐患说明", blank=True)
    family_support = models.TextField("家庭赡养与支持", blank=True)
    needs = models.JSONField("服务需求", default=list, blank=True)
    note = models.TextField("其他情况", blank=True)
    photo = models.FileField("照片", upload_to=photo_path, blank=True)
    client_id = models.UUIDField("草稿编号", null=True, blank=True, unique=True)
    synthetic = models.BooleanField("合成数据", default=False)
    created_at = models.DateTimeField("提交时间", auto_now_add=True)

    class Meta:
        verbose_name = "探访记录"
        verbose_name_plural = "探访记录"
        ordering = ["-visited_at", "-id"]
        indexes = [models.Index(fields=["person", "visited_on"])]

    def __str__(self) -> str:
        return f"{self.person_id} {self.visited_at:%Y-%m-%d} {self.mode}"

    def hazard_labels(self) -> list[str]:
        return [Hazard(h).label for h in self.hazards if h in Hazard.values]

    def need_labels(self) -> list[str]:
        return [Need(n).label for n in self.needs if n in Need.values]


class FollowUpKind(models.TextChoices):
    ASSESSMENT = "assessment", "申请老年人能力评估"
    ADAPTATION = "adaptation", "转介居家适老化改造"
    ENTITLEMENT = "entitlement", "应享待遇未落实（报主动发现）"
    URGENT = "urgent", "紧急情况上报乡镇（街道）"


class FollowUpStatus(models.TextChoices):
    OPEN = "open", "待处理"
    CLOSED = "closed", "已办结"


class FollowUpQuerySet(models.QuerySet["FollowUp"]):
    def open(self) -> FollowUpQuerySet:
        return self.filter(status=FollowUpStatus.OPEN)

    def overdue(self, now: dt.datetime | None = None) -> FollowUpQuerySet:
        return self.open().filter(due_at__lt=now or timezone.now())

    def entitlement_reports(self) -> FollowUpQuerySet:
        """What the discovery work list consumes: open reports of an entitlement not received."""
        return self.open().filter(kind=FollowUpKind.ENTITLEMENT)


class FollowUp(models.Model):
    """An action a visit's findings call for.

    Kinds: request an ability assessment; refer to home adaptation; report an entitlement not received
    (``kind=entitlement``, ``entitlement`` names the benefit in the visitor's words, ``detail`` what was
    found — consumed by the discovery work list through ``FollowUp.objects.entitlement_reports()``);
    urgent escalation to the township (``due_at`` = opened + 24 h by default; overdue when still open
    after it)."""

    person = models.ForeignKey(
        "registry.Person", verbose_name="老年人", on_delete=models.CASCADE, related_name="visit_followups"
    )
    visit = models.ForeignKey(
        Visit,
        verbose_name="探访记录",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="followups",
    )
    kind = models.CharField("类型", max_length=16, choices=FollowUpKind.choices, db_index=True)
    status = models.CharField(
        "状态", max_length=8, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN, db_index=True
    )
    detail = models.TextField("情况说明", blank=True)
    entitlement = models.CharField("未落实的待遇", max_length=100, blank=True)
    township = models.ForeignKey(
        "regions.Region",
        verbose_name="负责乡镇（街道）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_at = models.DateTimeField("办理时限", null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField("发起时间", default=timezone.now)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    resolution = models.TextField("办理结果", blank=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = "探访跟进事项"
        verbose_name_plural = "探访跟进事项"
        ordering = ["status", "due_at", "-opened_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.person_id}"

    @property
    def overdue(self) -> bool:
        return self.status == FollowUpStatus.OPEN and self.due_at is not None and self.due_at < timezone.now()
