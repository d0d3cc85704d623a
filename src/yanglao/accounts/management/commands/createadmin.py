"""``yanglao createadmin``: a system administrator (asks for the password, checks the password rules)."""

from __future__ import annotations

import getpass
import os
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from yanglao.accounts.models import Role, User


class Command(BaseCommand):
    help = "创建系统管理员账号"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default="admin")
        parser.add_argument("--password-env", default="YANGLAO_ADMIN_PASSWORD", help="从该环境变量读取密码")

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        if User.objects.filter(username=username).exists():
            raise CommandError(f"用户 {username} 已存在")
        password = os.environ.get(options["password_env"]) or getpass.getpass("密码：")
        try:
            validate_password(password)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        user = User.objects.create_superuser(username=username, password=password, role=Role.ADMIN, email="")
        user.password_changed_at = timezone.now()  # it expires like any other (PASSWORD_EXPIRY_DAYS)
        user.save(update_fields=["password_changed_at"])
        self.stdout.write(f"已创建系统管理员 {username}")
