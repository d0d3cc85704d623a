from __future__ import annotations

from django.db import models


class DemoBuild(models.Model):
    """A demo jurisdiction that was built: a second ``yanglao demo`` reuses it."""

    region_code = models.CharField("区划代码", max_length=12, unique=True)
    reference_date = models.DateField("数据基准日")
    persons = models.PositiveIntegerField("人数")
    facilities = models.PositiveIntegerField("设施数")
    source = models.CharField("基准数据来源", max_length=200)
    built_at = models.DateTimeField("生成时间", auto_now_add=True)

    class Meta:
        verbose_name = "演示数据"
        verbose_name_plural = "演示数据"

    def __str__(self) -> str:
        return self.region_code
