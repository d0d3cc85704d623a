from __future__ import annotations

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "yanglao.web"
    verbose_name = "网站"
