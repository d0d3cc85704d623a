from __future__ import annotations

from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "yanglao.stats"
    verbose_name = "统计调查与发布"

    def ready(self) -> None:
        # Every process (server workers, job workers, commands) renews the statistics cache's write token
        # when a watched row is saved (docs/operations.md, "统计缓存").
        from yanglao.stats import cache

        cache.watch()
