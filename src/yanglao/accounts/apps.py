from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "yanglao.accounts"
    verbose_name = "用户与权限"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from yanglao.accounts.middleware import mark_saved_at_login

        user_logged_in.connect(mark_saved_at_login, dispatch_uid="yanglao-session-saved-at")
