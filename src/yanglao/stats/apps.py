from __future__ import annotations

from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "yanglao.stats"
    verbose_name = "统计调查与发布"
