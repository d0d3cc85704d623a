"""The three workflows the documents name: 家庭养老床位, 适老化改造, 助餐 (docs/home-services.md)."""

from __future__ import annotations

from django.db import models


class BedState(models.TextChoices):
    SETUP = "setup", "建床中"
    ACTIVE = "active", "服务中"
    CLOSED = "closed", "已撤床"


class HomeBed(models.Model):
    """家庭养老床位: set up (assessment, adaptation, devices), then the monthly minimum services."""

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="home_beds")
    provider = models.ForeignKey("homeservices.Provider", on_delete=models.PROTECT, related_name="home_beds")
    state = models.CharField("状态", max_length=8, choices=BedState.choices, default=BedState.SETUP)
    assessed_on = models.DateField("能力评估日期", null=True, blank=True)
    ability_level = models.SmallIntegerField("能力等级", null=True, blank=True)
    adapted_on = models.DateField("适老化改造完成日期", null=True, blank=True)
    devices = models.JSONField("智能设备", default=list)  # [{"kind": "紧急呼叫器", "serial": "…"}]
    minimum_visits = models.PositiveSmallIntegerField("每月最少上门次数", default=4)
    opened_on = models.DateField("建床日期", null=True, blank=True)
    closed_on = models.DateField("撤床日期", null=True, blank=True)
    close_reason = models.CharField("撤床原因", max_length=40, blank=True, default="")

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class AdaptationState(models.TextChoices):
    APPLIED = "applied", "已申请"
    ASSESSED = "assessed", "已评估"
    WORKS = "works", "施工中"
    ACCEPTED = "accepted", "已验收"
    SUBSIDISED = "subsidised", "已核定补助"
    REJECTED = "rejected", "不予改造"


class Adaptation(models.Model):
    """居家适老化改造: application → home assessment against the item list → works by a vetted provider →
    acceptance with before/after photos → the subsidy within the caps."""

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="adaptations")
    provider = models.ForeignKey(
        "homeservices.Provider", null=True, blank=True, on_delete=models.PROTECT, related_name="adaptations"
    )
    state = models.CharField(
        "状态", max_length=12, choices=AdaptationState.choices, default=AdaptationState.APPLIED
    )
    applied_on = models.DateField("申请日期")
    assessed_on = models.DateField("评估日期", null=True, blank=True)
    started_on = models.DateField("开工日期", null=True, blank=True)
    accepted_on = models.DateField("验收日期", null=True, blank=True)
    subsidy = models.DecimalField("补助金额", max_digits=10, decimal_places=2, default=0)
    copay = models.DecimalField("个人承担", max_digits=10, decimal_places=2, default=0)
    note = models.CharField("说明", max_length=200, blank=True, default="")

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class AdaptationItem(models.Model):
    adaptation = models.ForeignKey(Adaptation, on_delete=models.CASCADE, related_name="items")
    code = models.CharField("改造项目", max_length=40)
    quantity = models.PositiveSmallIntegerField("数量", default=1)
    price = models.DecimalField("实际单价", max_digits=10, decimal_places=2, null=True, blank=True)

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class AdaptationPhoto(models.Model):
    adaptation = models.ForeignKey(Adaptation, on_delete=models.CASCADE, related_name="photos")
    stage = models.CharField("阶段", max_length=8, choices=[("before", "改造前"), ("after", "改造后")])
    data = models.BinaryField("照片")  # metadata removed on receipt

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class MealRecord(models.Model):
    """Meals served to one person on one day at one meal point (facility kind ``meal_point``)."""

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="meals")
    point = models.ForeignKey("facilities.Facility", on_delete=models.PROTECT, related_name="meals")
    date = models.DateField("就餐日期")
    meals = models.PositiveSmallIntegerField("餐数")
    price = models.DecimalField("每餐价格", max_digits=6, decimal_places=2)
    category = models.CharField("对象类别", max_length=12, blank=True, default="")
    subsidy = models.DecimalField("补贴", max_digits=8, decimal_places=2, default=0)
    held = models.CharField("暂缓原因", max_length=200, blank=True, default="")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "point", "date"], name="hs_meal_once")]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"
