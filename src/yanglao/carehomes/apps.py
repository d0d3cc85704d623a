from __future__ import annotations

from django.apps import AppConfig


class CarehomesConfig(AppConfig):
    name = "yanglao.carehomes"
    verbose_name = "公办养老机构入住与集中供养"
