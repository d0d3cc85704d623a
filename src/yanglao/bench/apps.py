from __future__ import annotations

from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "yanglao.bench"
    verbose_name = "性能基准"
