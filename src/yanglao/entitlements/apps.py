from __future__ import annotations

from django.apps import AppConfig


class EntitlementsConfig(AppConfig):
    name = "yanglao.entitlements"
    verbose_name = "待遇与服务找人"
