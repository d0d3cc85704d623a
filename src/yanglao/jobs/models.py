"""Background work whose state lives in the database: any server process can start it, poll it, and a
restarted server still finds it (docs/import.md, "后台任务")."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class JobState(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "进行中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class Job(models.Model):
    """One piece of background work: its kind, who asked for it, its progress and its outcome."""

    kind = models.CharField("类型", max_length=32)
    state = models.CharField("状态", max_length=16, choices=JobState.choices, default=JobState.QUEUED)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", null=True, blank=True, on_delete=models.SET_NULL
    )
    params = models.JSONField("参数", default=dict, blank=True)
    done = models.PositiveIntegerField("已处理", default=0)
    total = models.PositiveIntegerField("总数", default=0)
    result = models.JSONField("结果", default=dict, blank=True)
    error = models.CharField("错误", max_length=500, blank=True)
    pid = models.PositiveIntegerField("进程号", null=True, blank=True)
    host = models.CharField("主机", max_length=255, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    # Renewed by the worker while it runs: a running job whose heartbeat stopped lost its worker, on
    # whichever machine it ran (yanglao.jobs.runner.check).
    heartbeat_at = models.DateTimeField("心跳时间", null=True, blank=True)

    class Meta:
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}（{self.get_state_display()}）"

    @property
    def finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)

    def as_progress(self) -> dict[str, Any]:
        return {"done": self.done, "total": self.total, "finished": self.finished, "state": self.state}
