"""Providers, their contracts, workers and volunteers; service plans with their history; orders and the
check-ins of the worker's phone page (docs/home-services.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ProviderKind(models.TextChoices):
    HOUSEKEEPING = "housekeeping", "家政企业"
    PROPERTY = "property", "物业企业"
    SOCIAL = "social", "社会组织"
    INSTITUTION = "institution", "养老机构"
    MEDICAL = "medical", "医疗机构"


class Provider(models.Model):
    """A service organisation; it may be a facility of the registry or an organisation of its own."""

    code = models.CharField("机构编码", max_length=32, unique=True)  # the claims file's ``provider``
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=16, choices=ProviderKind.choices)
    facility = models.ForeignKey(
        "facilities.Facility", verbose_name="对应设施", null=True, blank=True, on_delete=models.PROTECT
    )
    region = models.ForeignKey("regions.Region", verbose_name="所在区划", on_delete=models.PROTECT)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True, default="")
    phone = models.CharField("联系电话", max_length=20, blank=True, default="")
    capacity = models.PositiveIntegerField("每月可服务人数", default=0)
    vetted = models.BooleanField("适老化改造入围", default=False)
    bank_account = models.CharField("收款账号", max_length=32, blank=True, default="")
    bank_name = models.CharField("开户行", max_length=64, blank=True, default="")
    synthetic = models.BooleanField("合成数据", default=False)

    class Meta:
        verbose_name = "服务机构"
        verbose_name_plural = "服务机构"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Contract(models.Model):
    """政府购买服务合同: the period, the services with their unit prices, the jurisdiction."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="contracts")
    number = models.CharField("合同编号", max_length=40)
    catalog = models.CharField("服务目录", max_length=12)
    region = models.ForeignKey("regions.Region", verbose_name="服务区域", on_delete=models.PROTECT)
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")
    prices = models.JSONField("服务及单价", default=dict)  # {service code: "yuan per unit"}

    class Meta:
        verbose_name = "服务合同"
        verbose_name_plural = "服务合同"

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class CarerLevel(models.TextChoices):
    NONE = "", "无"
    L5 = "5", "养老护理员五级（初级工）"
    L4 = "4", "养老护理员四级（中级工）"
    L3 = "3", "养老护理员三级（高级工）"
    L2 = "2", "养老护理员二级（技师）"
    L1 = "1", "养老护理员一级（高级技师）"


class Worker(models.Model):
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="workers")
    code = models.CharField("工号", max_length=32)
    name = models.CharField("姓名", max_length=64)
    phone = models.CharField("联系电话", max_length=20, blank=True, default="")
    carer_level = models.CharField(
        "养老护理员等级", max_length=2, choices=CarerLevel.choices, blank=True, default=""
    )
    health_certificate_until = models.DateField("健康证有效期至", null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    active = models.BooleanField("在岗", default=True)

    class Meta:
        verbose_name = "服务人员"
        verbose_name_plural = "服务人员"
        constraints = [models.UniqueConstraint(fields=["provider", "code"], name="hs_worker_code")]

    def __str__(self) -> str:
        return self.name


class Training(models.Model):
    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="trainings")
    title = models.CharField("培训内容", max_length=100)
    on = models.DateField("培训日期")
    hours = models.DecimalField("学时", max_digits=5, decimal_places=1)

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class Team(models.TextChoices):
    PARTY = "party", "党员先锋服务队"
    VOLUNTEER = "volunteer", "志愿服务队"
    HEALTH = "health", "健康卫士服务队"
    NEIGHBOUR = "neighbour", "邻里互助（1+2）服务队"
    BUSINESS = "business", "商企联盟服务队"


class Volunteer(models.Model):
    """A member of 扎赉特旗's 助老联盟 (or another volunteer), with quarterly assessments."""

    name = models.CharField("姓名", max_length=64)
    team = models.CharField("服务队", max_length=16, choices=Team.choices)
    region = models.ForeignKey("regions.Region", verbose_name="所在区划", on_delete=models.PROTECT)
    phone = models.CharField("联系电话", max_length=20, blank=True, default="")
    joined_on = models.DateField("加入日期")

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class VolunteerAssessment(models.Model):
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="assessments")
    quarter = models.DateField("季度")  # the first day of the quarter
    services = models.PositiveIntegerField("服务次数", default=0)
    score = models.PositiveSmallIntegerField("考核得分")
    result = models.CharField("考核结果", max_length=8)  # 优秀 合格 不合格

    class Meta:
        constraints = [models.UniqueConstraint(fields=["volunteer", "quarter"], name="hs_volunteer_quarter")]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class ProviderPost(models.Model):
    """The provider a provider-staff user works for: such a user sees only its orders and people."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="provider_post"
    )
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="posts")

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class PlanSource(models.TextChoices):
    ENTITLEMENT = "entitlement", "服务找人（享受资格）"
    ASSESSMENT = "assessment", "能力评估"
    REQUEST = "request", "本人申请"


class PlanEnd(models.TextChoices):
    EXPIRED = "expired", "到期"
    DIED = "died", "死亡"
    CARE_HOME = "care_home", "入住养老机构"
    MOVED = "moved", "迁出本地"
    CHANGED = "changed", "变更服务机构或数量"
    STOPPED = "stopped", "本人申请停止"


class Plan(models.Model):
    """A service plan (服务授权): one service, so many units a month, one provider, from start to end."""

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="service_plans")
    catalog = models.CharField("服务目录", max_length=12)
    service = models.CharField("服务项目", max_length=40)
    units_per_month = models.DecimalField("每月数量", max_digits=8, decimal_places=2)
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="plans")
    source = models.CharField("来源", max_length=16, choices=PlanSource.choices)
    choice = models.CharField("机构选择依据", max_length=100, blank=True, default="")
    start = models.DateField("开始日期")
    end = models.DateField("结束日期", null=True, blank=True)
    end_reason = models.CharField("终止原因", max_length=16, choices=PlanEnd.choices, blank=True, default="")
    created_at = models.DateTimeField("制定时间", auto_now_add=True)

    class Meta:
        verbose_name = "服务计划"
        verbose_name_plural = "服务计划"
        indexes = [models.Index(fields=["provider", "start"])]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class PlanChange(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField("时间")
    actor_name = models.CharField("操作人", max_length=150)
    what = models.CharField("变更", max_length=200)
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class PlanFinding(models.Model):
    """A plan ended by the registry's change (death, care home, moved): for staff to see."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="findings")
    reason = models.CharField("原因", max_length=16, choices=PlanEnd.choices)
    on = models.DateField("日期")
    found_at = models.DateTimeField("发现时间")
    seen = models.BooleanField("已处理", default=False)

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class OrderState(models.TextChoices):
    SCHEDULED = "scheduled", "待服务"
    DONE = "done", "已服务"
    MISSED = "missed", "未上门"
    CANCELLED = "cancelled", "已取消"


class Order(models.Model):
    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.PROTECT, related_name="orders")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="service_orders")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="orders")
    service = models.CharField("服务项目", max_length=40)
    units = models.DecimalField("数量", max_digits=6, decimal_places=2, default=1)
    due = models.DateTimeField("预约时间")
    worker = models.ForeignKey(Worker, null=True, blank=True, on_delete=models.PROTECT, related_name="orders")
    state = models.CharField("状态", max_length=12, choices=OrderState.choices, default=OrderState.SCHEDULED)
    note = models.CharField("说明", max_length=200, blank=True, default="")

    class Meta:
        verbose_name = "服务工单"
        verbose_name_plural = "服务工单"
        indexes = [models.Index(fields=["provider", "due"])]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class Confirmation(models.TextChoices):
    CODE = "code", "服务确认码"
    SIGNATURE = "signature", "老人签名"


class CheckIn(models.Model):
    """One visit as the worker's phone recorded it (check-in, check-out, what was done, confirmation)."""

    uid = models.CharField("记录标识", max_length=40, unique=True)  # made on the phone: sent twice, kept once
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.PROTECT, related_name="checkins")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="checkins")
    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="checkins")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="service_checkins")
    service = models.CharField("服务项目", max_length=40)
    start = models.DateTimeField("签到时间")
    end = models.DateTimeField("签退时间")
    lat = models.FloatField("纬度", null=True, blank=True)
    lon = models.FloatField("经度", null=True, blank=True)
    done = models.TextField("服务内容", blank=True, default="")
    confirmation = models.CharField("确认方式", max_length=12, choices=Confirmation.choices)
    confirmed = models.BooleanField("老人已确认", default=False)
    signature = models.TextField("签名", blank=True, default="")  # a PNG data URL drawn on the phone
    late = models.BooleanField("迟到", default=False)
    recorded_by = models.CharField("记录人", max_length=150)
    received_at = models.DateTimeField("收到时间")

    class Meta:
        verbose_name = "上门服务记录"
        verbose_name_plural = "上门服务记录"
        indexes = [models.Index(fields=["provider", "start"])]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class CheckInPhoto(models.Model):
    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="photos")
    data = models.BinaryField("照片")  # JPEG, its metadata (location and all EXIF) removed on receipt
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


from yanglao.homeservices.claimmodels import Claim, ClaimError, ClaimLine, SettledLine, Settlement  # noqa: E402,F401
from yanglao.homeservices.flowmodels import (  # noqa: E402,F401
    Adaptation,
    AdaptationItem,
    AdaptationPhoto,
    HomeBed,
    MealRecord,
)
