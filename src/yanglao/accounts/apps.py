from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "yanglao.accounts"
    verbose_name = "用户与权限"
