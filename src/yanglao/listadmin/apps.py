from __future__ import annotations

from django.apps import AppConfig


class ListadminConfig(AppConfig):
    name = "yanglao.listadmin"
    verbose_name = "清单调整"

    def ready(self) -> None:
        from yanglao.core.catalog import source
        from yanglao.listadmin.store import versioned

        source.register(versioned)
