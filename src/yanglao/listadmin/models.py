"""A jurisdiction's own versions of its service list (清单动态调整).

Each version is a complete list in the shipped format (its files' texts in ``files``), drafted from the
version in force, checked, approved by someone other than its editors and published from an effective
date. The states run 草稿 → 审核 → 批准 → 发布; a version sent back returns to 草稿. Every step keeps who
and when here, and is audited (object type ``list_version``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class State(models.TextChoices):
    DRAFT = "draft", "草稿"
    REVIEW = "review", "审核"
    APPROVED = "approved", "批准"
    PUBLISHED = "published", "发布"
    WITHDRAWN = "withdrawn", "作废"


OPEN_STATES = (State.DRAFT, State.REVIEW, State.APPROVED)


def _user() -> Any:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )


class ListVersion(models.Model):
    code = models.CharField("清单代码", max_length=6, db_index=True)
    seq = models.PositiveIntegerField("序号")
    version = models.CharField("版本", max_length=40)
    base_version = models.CharField("起草所依据的版本", max_length=40)
    state = models.CharField("状态", max_length=12, choices=State.choices, default=State.DRAFT)
    effective_from = models.DateField("生效日期", null=True, blank=True)
    files = models.JSONField("清单文件", default=dict)
    # The files of the version it was drafted from, as they were then: what the bureau changed is the
    # difference from these (a later program upgrade of the shipped list does not show as its change).
    base_files = models.JSONField("底稿文件", default=dict)
    revision = models.PositiveIntegerField("修订号", default=1)
    summary = models.CharField("调整说明", max_length=300, blank=True)
    justification = models.TextField("低于上级清单的理由", blank=True)
    references = models.JSONField("地方选项的依据", default=dict)
    editors = models.JSONField("编辑人", default=list)
    checks = models.JSONField("检查结果", default=dict)
    history = models.JSONField("调整记录", default=list)
    digest = models.CharField("发布时文件的摘要", max_length=64, blank=True)
    created_by = _user()
    created_at = models.DateTimeField("起草时间")
    updated_at = models.DateTimeField("最后保存时间")
    submitted_by = _user()
    submitted_at = models.DateTimeField("提交审核时间", null=True, blank=True)
    approved_by = _user()
    approved_at = models.DateTimeField("批准时间", null=True, blank=True)
    published_by = _user()
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    returned_reason = models.CharField("退回理由", max_length=300, blank=True)

    class Meta:
        verbose_name = "清单版本"
        constraints = [
            models.UniqueConstraint(fields=["code", "seq"], name="listversion_code_seq"),
            models.UniqueConstraint(fields=["code", "version"], name="listversion_code_version"),
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(state__in=["draft", "review", "approved"]),
                name="listversion_one_open",
            ),
        ]
        indexes = [models.Index(fields=["code", "state", "effective_from"], name="listversion_in_force")]

    def __str__(self) -> str:
        return f"{self.code} {self.version}（{self.get_state_display()}）"
