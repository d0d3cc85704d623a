"""``yanglao apitoken USERNAME --name PURPOSE``: a token for a system to call the HTTP API as a user."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yanglao.accounts.models import User
from yanglao.entitlements.actions import do_create_token


class Command(BaseCommand):
    help = "为用户建立接口令牌（只显示一次）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="用途，如“社保系统对接”")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"没有有效用户 {options['username']}")
        _token, raw = do_create_token("命令行", user, options["name"])
        self.stdout.write(raw)
        self.stderr.write("请妥善保存：令牌只显示这一次。调用时加请求头 Authorization: Bearer <令牌>")
