from __future__ import annotations

from django.apps import AppConfig


class FacilitiesConfig(AppConfig):
    name = "yanglao.facilities"
    verbose_name = "养老服务设施"
