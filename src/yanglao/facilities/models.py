"""Care facilities of the three-tier network (县、乡、村) with their beds."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class FacilityKind(models.TextChoices):
    PUBLIC_HOME = "public_home", "公办养老机构（敬老院）"
    PRIVATE_HOME = "private_home", "社会办养老机构"
    MUTUAL_AID = "mutual_aid", "农村互助幸福院"
    COMMUNITY_STATION = "community_station", "社区养老服务站"
    DAY_CARE = "day_care", "社区日间照料中心"
    REGIONAL_CENTRE = "regional_centre", "区域养老服务中心"


INSTITUTION_KINDS = (FacilityKind.PUBLIC_HOME, FacilityKind.PRIVATE_HOME)


class Facility(models.Model):
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=24, choices=FacilityKind.choices)
    region = models.ForeignKey("regions.Region", verbose_name="所在区划", on_delete=models.PROTECT)
    beds = models.PositiveIntegerField("床位数", default=0)
    nursing_beds = models.PositiveIntegerField("护理型床位数", default=0)
    occupied_beds = models.PositiveIntegerField("在住人数", default=0)
    synthetic = models.BooleanField("合成数据", default=False)

    class Meta:
        verbose_name = "养老服务设施"
        verbose_name_plural = "养老服务设施"
        ordering = ["region_id", "kind", "name"]

    def __str__(self) -> str:
        return self.name


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
