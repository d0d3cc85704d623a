from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class RegionsConfig(AppConfig):
    name = "yanglao.regions"
    verbose_name = "行政区划"

    def ready(self) -> None:
        from yanglao.regions.tree import sync_after_migrate

        post_migrate.connect(sync_after_migrate, sender=self)
