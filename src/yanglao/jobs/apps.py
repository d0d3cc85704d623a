from __future__ import annotations

from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "yanglao.jobs"
    verbose_name = "后台任务"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Every process (server workers, job workers, commands) renews the statistics cache's write token
        # when a watched row is saved: yanglao.stats.cache connects its signals when imported. (It belongs
        # in the statistics app's ready(); it is here until that app has one.)
        from yanglao.stats import cache

        cache.watch()
