"""The monthly capacity report of a facility and the registry of residential projects (配建).

Registered with the facilities app through ``facilities.models`` (which imports this module)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from yanglao.core.person import ABILITY_LEVELS as PERSON_ABILITY_LEVELS

ABILITY_LEVELS = (0, 1, 2, 3, 4)  # GB/T 42195-2022: 能力完好, 轻度, 中度, 重度, 完全失能
ABILITY_LABELS = tuple(label for _, label in PERSON_ABILITY_LEVELS)  # labels from core/person.py only


class CapacityReport(models.Model):
    """What one facility reported for one month (the England Capacity Tracker is the model).

    A month has at most one current report; a replaced one stays (``current`` false) with the reason of its
    replacement on the new one, so the history per facility keeps every version."""

    facility = models.ForeignKey(
        "facilities.Facility",
        on_delete=models.CASCADE,
        related_name="reports",
        verbose_name="设施",
    )
    month = models.DateField("报告月份")  # the first day of the month
    beds = models.PositiveIntegerField("床位数")  # the beds at the time of the report
    nursing_beds = models.PositiveIntegerField("护理型床位数")
    nursing_in_use = models.PositiveIntegerField("护理型床位在用")
    general_in_use = models.PositiveIntegerField("普通床位在用")
    level_0 = models.PositiveIntegerField("能力完好", default=0)
    level_1 = models.PositiveIntegerField("轻度失能", default=0)
    level_2 = models.PositiveIntegerField("中度失能", default=0)
    level_3 = models.PositiveIntegerField("重度失能", default=0)
    level_4 = models.PositiveIntegerField("完全失能", default=0)
    tekun = models.PositiveIntegerField("特困人员", default=0)
    dibao = models.PositiveIntegerField("低保对象", default=0)
    social = models.PositiveIntegerField("社会老人", default=0)
    caregivers_on_duty = models.PositiveIntegerField("在岗养老护理员", default=0)
    staff_on_duty = models.PositiveIntegerField("在岗工作人员（合计）", default=0)
    filed_at = models.DateTimeField("填报时间")
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="填报人",
    )
    filed_by_name = models.CharField("填报人", max_length=150, blank=True)
    on_behalf = models.BooleanField("民政部门代报", default=False)
    late = models.BooleanField("逾期填报", default=False)
    current = models.BooleanField("现行版本", default=True)
    replaces = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="替换的报告",
    )
    reason = models.CharField("替换原因", max_length=500, blank=True)

    class Meta:
        verbose_name = "月度床位报告"
        verbose_name_plural = "月度床位报告"
        ordering = ["facility", "-month", "-filed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "month"],
                condition=Q(current=True),
                name="capacity_report_one_current_per_month",
            )
        ]

    def __str__(self) -> str:
        return f"{self.facility_id} {self.month:%Y-%m}"

    @property
    def in_use(self) -> int:
        return self.nursing_in_use + self.general_in_use

    @property
    def general_beds(self) -> int:
        return max(self.beds - self.nursing_beds, 0)

    @property
    def nursing_vacant(self) -> int:
        return max(self.nursing_beds - self.nursing_in_use, 0)

    @property
    def general_vacant(self) -> int:
        return max(self.general_beds - self.general_in_use, 0)

    @property
    def residents(self) -> int:
        return self.level_0 + self.level_1 + self.level_2 + self.level_3 + self.level_4

    def by_level(self) -> list[int]:
        return [self.level_0, self.level_1, self.level_2, self.level_3, self.level_4]


class AreaKind(models.TextChoices):
    NEW = "new", "新建居住区"
    EXISTING = "existing", "已建成居住区（老城区）"


class ResidentialProject(models.Model):
    """A residential area (小区) or project that must provide elderly-care rooms (配建养老服务用房)."""

    name = models.CharField("项目名称", max_length=100)
    region = models.ForeignKey("regions.Region", verbose_name="所在区划", on_delete=models.PROTECT)
    households = models.PositiveIntegerField("户数")
    area_kind = models.CharField("类别", max_length=16, choices=AreaKind.choices, default=AreaKind.NEW)
    required_area = models.DecimalField(
        "规划要求面积（平方米）", max_digits=9, decimal_places=1, null=True, blank=True
    )
    delivered_area = models.DecimalField("已交付面积（平方米）", max_digits=9, decimal_places=1, default=0)
    site_count = models.PositiveSmallIntegerField("交付用房处数", default=0)
    phases = models.PositiveSmallIntegerField("建设期数", default=1)
    delivery_phase = models.PositiveSmallIntegerField("用房随第几期交付", null=True, blank=True)
    first_phase_handover = models.DateField("首期交付日期", null=True, blank=True)
    handover_date = models.DateField("用房移交日期", null=True, blank=True)
    facility = models.ForeignKey(
        "facilities.Facility",
        verbose_name="用房所设设施",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    synthetic = models.BooleanField("合成数据", default=False)

    class Meta:
        verbose_name = "居住区配建项目"
        verbose_name_plural = "居住区配建项目"
        ordering = ["region_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="residential_project_unique_name")
        ]

    def __str__(self) -> str:
        return self.name
