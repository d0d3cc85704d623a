from __future__ import annotations

from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "yanglao.supervision"
    verbose_name = "综合监管"
