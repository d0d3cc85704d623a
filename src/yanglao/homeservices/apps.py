from __future__ import annotations

from django.apps import AppConfig


class HomeservicesConfig(AppConfig):
    name = "yanglao.homeservices"
    verbose_name = "居家社区养老服务"
