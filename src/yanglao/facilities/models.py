"""The facility network (县级兜底、乡镇枢纽、村级载体): facilities with their beds, services and staff, every
field's history and source, the facility import's batches, the monthly capacity reports and the registry
of residential projects that must provide elderly-care rooms (配建)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class FacilityKind(models.TextChoices):
    PUBLIC_HOME = "public_home", "公办养老机构（敬老院）"
    PRIVATE_HOME = "private_home", "社会办养老机构"
    MUTUAL_AID = "mutual_aid", "农村互助幸福院"
    COMMUNITY_STATION = "community_station", "社区养老服务站"
    DAY_CARE = "day_care", "社区日间照料中心"
    REGIONAL_CENTRE = "regional_centre", "区域养老服务中心"
    VILLAGE_STATION = "village_station", "村级养老服务站"
    NEIGHBOUR_AID = "neighbour_aid", "邻里互助点"
    MEAL_POINT = "meal_point", "老年食堂（助餐点）"
    GLORY_HOME = "glory_home", "光荣院"
    SPECIAL_CARE = "special_care", "特困人员供养服务设施"
    COUNTY_CENTRE = "county_centre", "县级失能照护服务机构"


# Institutions (养老机构) in the sense of the baseline's "13 institutions / 897 beds".
INSTITUTION_KINDS = (FacilityKind.PUBLIC_HOME, FacilityKind.PRIVATE_HOME)
# Public institutions whose beds count as 集中供养 capacity for 特困 people.
PUBLIC_CARE_KINDS = (
    FacilityKind.PUBLIC_HOME,
    FacilityKind.SPECIAL_CARE,
    FacilityKind.GLORY_HOME,
    FacilityKind.COUNTY_CENTRE,
)
# Community-level facilities: the places of the 15-minute service circle and of "a station in every village".
COMMUNITY_KINDS = (
    FacilityKind.MUTUAL_AID,
    FacilityKind.COMMUNITY_STATION,
    FacilityKind.DAY_CARE,
    FacilityKind.REGIONAL_CENTRE,
    FacilityKind.VILLAGE_STATION,
    FacilityKind.NEIGHBOUR_AID,
    FacilityKind.MEAL_POINT,
)


class Tier(models.TextChoices):
    COUNTY = "county", "县级"
    TOWNSHIP = "township", "乡镇级"
    VILLAGE = "village", "村（社区）级"


class Operator(models.TextChoices):
    PUBLIC = "public", "公办"
    PUBLIC_PRIVATE = "public_private", "公建民营"
    PRIVATE = "private", "民办"


class Status(models.TextChoices):
    PLANNED = "planned", "筹建中"
    OPEN = "open", "运营中"
    SUSPENDED = "suspended", "暂停服务"
    CLOSED = "closed", "已关停"


class LicenceKind(models.TextChoices):
    LICENCE = "licence", "设立许可"
    FILING = "filing", "备案"


class CoordinateSystem(models.TextChoices):
    WGS84 = "wgs84", "WGS-84"
    GCJ02 = "gcj02", "GCJ-02"


class Service(models.TextChoices):
    """Services a facility offers (a set of these codes)."""

    MEALS = "meals", "助餐"
    BATH = "bath", "助浴"
    CLEANING = "cleaning", "助洁"
    MEDICAL = "medical", "助医"
    EMERGENCY = "emergency", "助急"
    MOBILITY = "mobility", "助行"
    DAY_CARE = "day_care", "日间照料"
    RESIDENTIAL = "residential", "全托（托养）"
    RESPITE = "respite", "短期托养（喘息服务）"
    HOME_VISITS = "home_visits", "居家上门服务"
    REHAB = "rehab", "康复护理"
    CULTURE = "culture", "文化娱乐"


class Facility(models.Model):
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=24, choices=FacilityKind.choices)
    tier = models.CharField("层级", max_length=16, choices=Tier.choices, default=Tier.TOWNSHIP)
    operator = models.CharField("运营方式", max_length=16, choices=Operator.choices, default=Operator.PUBLIC)
    region = models.ForeignKey("regions.Region", verbose_name="所在区划", on_delete=models.PROTECT)
    address = models.CharField("地址", max_length=200, blank=True, default="")
    lon = models.FloatField("经度", null=True, blank=True)
    lat = models.FloatField("纬度", null=True, blank=True)
    coordinate_system = models.CharField(
        "坐标系", max_length=8, choices=CoordinateSystem.choices, default=CoordinateSystem.WGS84
    )
    licence_kind = models.CharField(
        "许可或备案", max_length=8, choices=LicenceKind.choices, blank=True, default=""
    )
    licence_number = models.CharField("许可证号或备案号", max_length=64, blank=True, default="")
    licence_date = models.DateField("许可或备案日期", null=True, blank=True)
    beds = models.PositiveIntegerField("床位数", default=0)
    nursing_beds = models.PositiveIntegerField("护理型床位数", default=0)
    # Kept as a column (the statistics read it); the latest capacity report sets it (actions).
    occupied_beds = models.PositiveIntegerField("在住人数", default=0)
    rooms = models.PositiveIntegerField("房间数", default=0)
    services = models.JSONField("服务项目", default=list, blank=True)  # a list of Service codes
    opened_on = models.DateField("开业日期", null=True, blank=True)
    closed_on = models.DateField("关停日期", null=True, blank=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.OPEN)
    phone = models.CharField("联系电话", max_length=20, blank=True, default="")
    synthetic = models.BooleanField("合成数据", default=False)
    created_at = models.DateTimeField("建档时间", auto_now_add=True, null=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True, null=True)

    class Meta:
        verbose_name = "养老服务设施"
        verbose_name_plural = "养老服务设施"
        ordering = ["region_id", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["licence_number"],
                condition=~Q(licence_number=""),
                name="facility_licence_unique_when_given",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def general_beds(self) -> int:
        """普通床位: the beds that are not 护理型."""
        return max(self.beds - self.nursing_beds, 0)


# The fields whose history and sources are kept (FacilityChange), in the import file's order.
TRACKED_FIELDS: tuple[str, ...] = (
    "name",
    "kind",
    "tier",
    "operator",
    "region",
    "address",
    "lon",
    "lat",
    "coordinate_system",
    "licence_kind",
    "licence_number",
    "licence_date",
    "beds",
    "nursing_beds",
    "rooms",
    "services",
    "opened_on",
    "closed_on",
    "status",
    "phone",
)


class ChangeKind(models.TextChoices):
    CREATE = "create", "建档"
    IMPORT = "import", "文件导入"
    EDIT = "edit", "人工修改"
    REPORT = "report", "月度床位报告"


class FacilityChange(models.Model):
    """One change event of one facility: every field changed with old and new value and its source."""

    facility = models.ForeignKey(
        Facility, on_delete=models.CASCADE, related_name="changes", verbose_name="设施"
    )
    kind = models.CharField("类型", max_length=16, choices=ChangeKind.choices)
    source = models.CharField("来源", max_length=100)
    batch = models.ForeignKey(
        "FacilityImport",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="导入批次",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name="操作人"
    )
    actor_name = models.CharField("操作人", max_length=150, blank=True)
    as_of = models.DateField("数据日期")
    at = models.DateTimeField("记录时间", auto_now_add=True)
    changes = models.JSONField("变更", default=dict)  # {field: [old, new]} as text

    class Meta:
        verbose_name = "设施信息变更"
        verbose_name_plural = "设施信息变更"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.facility_id} {self.kind} {self.source}"


class FacilityImport(models.Model):
    """One facility file imported; its errors are :class:`FacilityImportError` rows."""

    source = models.CharField("数据来源", max_length=100)
    filename = models.CharField("文件名", max_length=255)
    sha256 = models.CharField("文件摘要", max_length=64)
    as_of = models.DateField("数据日期")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    actor_name = models.CharField("操作人", max_length=150, blank=True)
    started_at = models.DateTimeField("开始时间")
    finished_at = models.DateTimeField("完成时间", null=True)
    rows = models.PositiveIntegerField("数据行数", default=0)
    created = models.PositiveIntegerField("新增", default=0)
    updated = models.PositiveIntegerField("更新", default=0)
    unchanged = models.PositiveIntegerField("无变化", default=0)
    error_count = models.PositiveIntegerField("错误", default=0)

    class Meta:
        verbose_name = "设施导入批次"
        verbose_name_plural = "设施导入批次"
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return self.filename


class FacilityImportError(models.Model):
    """One row error of a facility import: its line in the file, the field and the reason."""

    batch = models.ForeignKey(FacilityImport, on_delete=models.CASCADE, related_name="error_rows")
    line = models.PositiveIntegerField("行号")
    field = models.CharField("字段", max_length=100)
    reason = models.CharField("原因", max_length=500)

    class Meta:
        verbose_name = "设施导入错误"
        verbose_name_plural = "设施导入错误"
        ordering = ["batch", "id"]

    def __str__(self) -> str:
        return f"{self.line} {self.field}: {self.reason}"


class StaffRole(models.TextChoices):
    CAREGIVER = "caregiver", "养老护理员"
    MANAGER = "manager", "管理人员"
    MEDICAL = "medical", "医护人员"
    SOCIAL_WORKER = "social_worker", "社会工作者"
    OTHER = "other", "其他工作人员"


class SkillLevel(models.TextChoices):
    """职业技能等级 of 养老护理员 (国家职业技能标准 养老护理员 2019: 五级 to 一级)."""

    NONE = "", "未取得"
    LEVEL5 = "5", "五级/初级工"
    LEVEL4 = "4", "四级/中级工"
    LEVEL3 = "3", "三级/高级工"
    LEVEL2 = "2", "二级/技师"
    LEVEL1 = "1", "一级/高级技师"


class StaffMember(models.Model):
    facility = models.ForeignKey(
        Facility, on_delete=models.CASCADE, related_name="staff", verbose_name="所在设施"
    )
    name = models.CharField("姓名", max_length=64)
    role = models.CharField("岗位", max_length=16, choices=StaffRole.choices)
    skill_level = models.CharField(
        "职业技能等级", max_length=2, choices=SkillLevel.choices, blank=True, default=""
    )
    certificate_number = models.CharField("证书编号", max_length=64, blank=True, default="")
    phone = models.CharField("联系电话", max_length=20, blank=True, default="")
    started_on = models.DateField("入职日期", null=True, blank=True)
    left_on = models.DateField("离职日期", null=True, blank=True)

    class Meta:
        verbose_name = "设施工作人员"
        verbose_name_plural = "设施工作人员"
        ordering = ["facility", "role", "name"]

    def __str__(self) -> str:
        return self.name


class TrainingRecord(models.Model):
    staff = models.ForeignKey(
        StaffMember, on_delete=models.CASCADE, related_name="trainings", verbose_name="工作人员"
    )
    course = models.CharField("培训项目", max_length=200)
    organiser = models.CharField("培训机构", max_length=200, blank=True, default="")
    hours = models.DecimalField("学时", max_digits=6, decimal_places=1, default=0)
    completed_on = models.DateField("完成日期")

    class Meta:
        verbose_name = "培训记录"
        verbose_name_plural = "培训记录"
        ordering = ["staff", "completed_on", "id"]

    def __str__(self) -> str:
        return self.course


class FacilityPost(models.Model):
    """The facility a care-home (or provider) staff user works at: such a user sees only it.

    Kept here rather than on the user so that accounts does not depend on facilities."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="facility_post",
    )
    facility = models.ForeignKey(
        Facility, verbose_name="所在设施", on_delete=models.PROTECT, related_name="posts"
    )

    class Meta:
        verbose_name = "设施工作人员账号"
        verbose_name_plural = "设施工作人员账号"

    def __str__(self) -> str:
        return f"{self.user} @ {self.facility}"


# The capacity report and the residential projects live in their own module (size); imported here so
# Django registers them with this app.
from yanglao.facilities.reportmodels import CapacityReport, ResidentialProject  # noqa: E402

__all__ = [
    "CapacityReport",
    "Facility",
    "FacilityChange",
    "FacilityImport",
    "FacilityImportError",
    "FacilityKind",
    "FacilityPost",
    "ResidentialProject",
    "StaffMember",
    "TrainingRecord",
]
