from __future__ import annotations

from django.apps import AppConfig


class CatalogwebConfig(AppConfig):
    name = "yanglao.catalogweb"
    verbose_name = "服务清单公开"
