from __future__ import annotations

from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "yanglao.assessments"
    verbose_name = "老年人能力评估"
