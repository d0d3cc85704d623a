from __future__ import annotations

from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "yanglao.registry"
    verbose_name = "老年人信息库"
