from __future__ import annotations

from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "yanglao.visits"
    verbose_name = "探访关爱"
