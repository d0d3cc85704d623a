"""The last figures computed for each (kind, region, date), kept in the database: when the data change,
a page answers with them at once, marked as not yet recomputed, while a background job recomputes
(:mod:`yanglao.stats.fresh`; docs/operations.md, "统计缓存")."""

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class Snapshot(models.Model):
    """One kind of figures (``dashboard``, ``bulletin``, ``entitlements``) of one region on one date, as
    computed last: the version of the data it was computed from and when."""

    kind = models.CharField("类型", max_length=32)
    region = models.CharField("区划代码", max_length=12)
    on = models.DateField("统计日期")
    version = models.CharField("数据版本", max_length=32)
    computed_at = models.DateTimeField("计算时间")
    # When a page last asked for it without finding it in the file cache: a write recomputes the
    # snapshots asked for lately (stats.fresh.RECENT), not every date anyone ever opened.
    asked_at = models.DateTimeField("最近查看时间")
    value = models.JSONField("数字", encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = "统计快照"
        verbose_name_plural = "统计快照"
        constraints = [models.UniqueConstraint(fields=["kind", "region", "on"], name="stats_snapshot_once")]
        indexes = [models.Index(fields=["asked_at"], name="stats_snapshot_asked")]

    def __str__(self) -> str:
        return f"{self.kind} {self.region} {self.on}"
