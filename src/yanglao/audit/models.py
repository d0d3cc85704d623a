"""The append-only audit log of every view, search, export and change of personal data.

Each event carries the SHA-256 of the previous event's hash and its own content (:mod:`yanglao.audit.chain`),
so a changed, deleted or inserted event breaks the chain; :class:`AuditChain` keeps the chain's head (its
last hash and the number of events), so emptying the table is seen too."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class Action(models.TextChoices):
    LOGIN = "login", "登录"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOGOUT = "logout", "退出"
    VIEW = "view", "查看"
    SEARCH = "search", "查询"
    REVEAL = "reveal", "查看完整信息"
    EXPORT = "export", "导出"
    CHANGE = "change", "修改"
    CREATE = "create", "新增"
    IMPORT = "import", "导入"
    RESOLVE = "resolve", "处理冲突"
    DENIED = "denied", "越权访问被拒绝"


class AppendOnlyQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("审计日志只能追加，不能修改")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("审计日志只能追加，不能删除")


class AuditEvent(models.Model):
    # Set before the event is hashed (not auto_now_add, which would set it after).
    at = models.DateTimeField("时间", default=timezone.now, editable=False, db_index=True)
    user = models.ForeignKey(
        # PROTECT: the log is append-only, so a user who has acted is deactivated, never deleted.
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    username = models.CharField("用户名", max_length=150, blank=True)
    role = models.CharField("角色", max_length=32, blank=True)
    address = models.CharField("来源地址", max_length=64, blank=True)
    action = models.CharField("操作", max_length=16, choices=Action.choices, db_index=True)
    object_type = models.CharField("对象类型", max_length=32, blank=True)
    object_id = models.CharField("对象", max_length=64, blank=True, db_index=True)
    summary = models.CharField("摘要", max_length=300, blank=True)
    detail = models.JSONField("详情", default=dict, blank=True)
    # Who may read the event: an auditor sees the events of users and of persons in their region.
    actor_region = models.CharField("用户所属区划", max_length=12, blank=True)
    object_region = models.CharField("对象常住地", max_length=12, blank=True)
    object_hukou_region = models.CharField("对象户籍地", max_length=12, blank=True)
    hash = models.CharField("链哈希", max_length=64, blank=True, editable=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "审计事件"
        verbose_name_plural = "审计日志"
        ordering = ["-at", "-id"]
        # The regions are read by prefix (an auditor's scope, ``LIKE '152223%'``): one pattern index
        # each, which serves equality too (on PostgreSQL; elsewhere a plain index). Every logged look
        # at a person writes a row, so each index more is paid on every request (migration 0005).
        indexes = [
            models.Index(fields=[f], name=f"audit_{short}_prefix", opclasses=["varchar_pattern_ops"])
            for f, short in (
                ("actor_region", "actor"),
                ("object_region", "obj_res"),
                ("object_hukou_region", "obj_huk"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.get_action_display()} {self.summary}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("审计日志只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("审计日志只能追加，不能删除")


class AuditChain(models.Model):
    """The head of the hash chain, one row: the last event's id and hash and the number of events.
    Writers lock this row, so two writers never fork the chain."""

    last_id = models.BigIntegerField("最后事件", default=0)
    hash = models.CharField("链头哈希", max_length=64, blank=True)
    count = models.BigIntegerField("事件数", default=0)

    class Meta:
        verbose_name = "审计链头"
        verbose_name_plural = "审计链头"

    def __str__(self) -> str:
        return f"{self.count} 条，至第 {self.last_id} 号：{self.hash[:12]}"
