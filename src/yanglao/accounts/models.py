"""Users, their role and their region (the scope of every record they may see)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "系统管理员"
    COUNTY = "county_caseworker", "县级民政经办人员"
    TOWNSHIP = "township_caseworker", "乡镇民政经办人员"
    VISITOR = "visitor", "村（社区）探访员（网格员）"
    CAREHOME = "carehome_staff", "养老机构工作人员"
    AUDITOR = "auditor", "审计员"


# Roles that may reveal a full ID number or phone number (each reveal is audited).
REVEAL_ID_ROLES = frozenset({Role.COUNTY, Role.TOWNSHIP})
REVEAL_PHONE_ROLES = frozenset({Role.COUNTY, Role.TOWNSHIP, Role.VISITOR, Role.CAREHOME})
# Roles that see sensitive personal information (health, 特困/低保 status) unmasked on a person's page.
SENSITIVE_ROLES = frozenset({Role.COUNTY, Role.TOWNSHIP, Role.VISITOR})
# Roles that may change people's records.
WRITE_ROLES = frozenset({Role.COUNTY, Role.TOWNSHIP})


class User(AbstractUser):
    role = models.CharField("角色", max_length=32, choices=Role.choices, default=Role.VISITOR)
    region = models.ForeignKey(
        "regions.Region", verbose_name="所属区划", null=True, blank=True, on_delete=models.PROTECT
    )
    display_name = models.CharField("姓名", max_length=64, blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def can_write(self) -> bool:
        return self.role in WRITE_ROLES

    @property
    def sees_sensitive(self) -> bool:
        return self.role in SENSITIVE_ROLES

    @property
    def can_import(self) -> bool:
        return self.role in WRITE_ROLES

    @property
    def can_audit(self) -> bool:
        return self.role in (Role.AUDITOR, Role.ADMIN)

    @property
    def can_reveal_id(self) -> bool:
        return self.role in REVEAL_ID_ROLES

    @property
    def can_reveal_phone(self) -> bool:
        return self.role in REVEAL_PHONE_ROLES


class LoginFailure(models.Model):
    """Login attempts per username (5 failures lock it for 15 minutes) and per client address
    (``ip:<address>``, 20 failures within 15 minutes lock it): see ``accounts/lockout.py``."""

    username = models.CharField("用户名或来源地址", max_length=150, unique=True)
    count = models.PositiveIntegerField("连续失败次数", default=0)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)
    first_failure_at = models.DateTimeField("首次失败时间", null=True, blank=True)

    class Meta:
        verbose_name = "登录失败记录"
        verbose_name_plural = "登录失败记录"

    def __str__(self) -> str:
        return self.username
