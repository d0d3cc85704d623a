"""Users, their role and their region (the scope of every record they may see; what each role may do
is the one table of :mod:`yanglao.accounts.scope`)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "系统管理员"
    COUNTY = "county_caseworker", "县级民政经办人员"
    TOWNSHIP = "township_caseworker", "乡镇民政经办人员"
    VISITOR = "visitor", "村（社区）探访员（网格员）"
    CAREHOME = "carehome_staff", "养老机构工作人员"
    AUDITOR = "auditor", "审计员"
    PROVIDER = "provider_staff", "居家社区养老服务机构工作人员"


# The role sets of earlier versions, now read from the one permission table.
_ROLE_SETS = {
    "REVEAL_ID_ROLES": "persons.reveal_id",
    "REVEAL_PHONE_ROLES": "persons.reveal_phone",
    "SENSITIVE_ROLES": "persons.sensitive",
    "WRITE_ROLES": "persons.write",
}


def __getattr__(name: str) -> Any:
    if name in _ROLE_SETS:
        from yanglao.accounts.scope import PERMISSIONS

        return PERMISSIONS[_ROLE_SETS[name]]
    raise AttributeError(name)


class User(AbstractUser):
    role = models.CharField("角色", max_length=32, choices=Role.choices, default=Role.VISITOR)
    region = models.ForeignKey(
        "regions.Region", verbose_name="所属区划", null=True, blank=True, on_delete=models.PROTECT
    )
    display_name = models.CharField("姓名", max_length=64, blank=True)
    # A one-time password (set by an administrator or ``yanglao createuser``) must be changed at the
    # next login; so must a password older than ``PASSWORD_EXPIRY_DAYS`` (see ``accounts/passwords.py``).
    must_change_password = models.BooleanField("须修改密码", default=False)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.display_name or self.username

    def may(self, verb: str) -> bool:
        """Whether the role may ever do ``verb`` (the table: :data:`yanglao.accounts.scope.PERMISSIONS`)."""
        from yanglao.accounts.scope import may

        return may(self, verb)

    @property
    def can_write(self) -> bool:
        return self.may("persons.write")

    @property
    def sees_sensitive(self) -> bool:
        return self.may("persons.sensitive")

    @property
    def can_import(self) -> bool:
        return self.may("persons.import")

    @property
    def can_audit(self) -> bool:
        return self.may("audit.read")

    @property
    def can_reveal_id(self) -> bool:
        return self.may("persons.reveal_id")

    @property
    def can_reveal_phone(self) -> bool:
        return self.may("persons.reveal_phone")


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
