from __future__ import annotations

from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "yanglao.payments"
    verbose_name = "补贴发放"
