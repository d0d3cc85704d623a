"""``yanglao createuser --username U --role ROLE --region CODE [--facility ID] [--name 姓名]``: a user
for scripted set-up, checked by the same form as the web page, with a one-time password (from
``YANGLAO_USER_PASSWORD`` or asked) that must be changed at the first login. Audited."""

from __future__ import annotations

import getpass
import os
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from yanglao.accounts.actions import describe, do_create_user
from yanglao.accounts.forms import UserForm
from yanglao.accounts.models import Role
from yanglao.accounts.scope import Scope
from yanglao.facilities.models import Facility
from yanglao.web.views.users import facility_attacher

PASSWORD_ENV = "YANGLAO_USER_PASSWORD"
EVERYTHING = Scope(role=Role.ADMIN, prefix="")


def form_errors(form: UserForm) -> str:
    """The form's errors as one Chinese line per field."""
    lines: list[str] = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        lines.extend(f"{label}：{error}" if label else str(error) for error in errors)
    return "\n".join(lines)


class Command(BaseCommand):
    help = "创建用户（一次性密码，首次登录须修改）"

    def add_arguments(self, parser: CommandParser) -> None:
        roles = "、".join(f"{role.value}（{role.label}）" for role in Role)
        parser.add_argument("--username", required=True, help="用户名")
        parser.add_argument("--role", required=True, help=f"角色代码：{roles}")
        parser.add_argument("--region", default="", help="所属区划代码（系统管理员可不填）")
        parser.add_argument("--facility", default="", help="所在设施编号（养老机构工作人员）")
        parser.add_argument("--name", default="", help="姓名")

    def handle(self, *args: Any, **options: Any) -> None:
        data = {
            "username": options["username"],
            "role": options["role"],
            "region": options["region"],
            "facility": options["facility"],
            "display_name": options["name"],
        }
        form = UserForm(data, scope=EVERYTHING, facilities=Facility.objects.all())
        if not form.is_valid():
            raise CommandError(form_errors(form))
        password = os.environ.get(PASSWORD_ENV) or getpass.getpass("一次性密码：")
        cleaned = form.cleaned_data
        try:
            user = do_create_user(
                "命令行",
                username=cleaned["username"],
                role=cleaned["role"],
                region=cleaned["region"],
                display_name=cleaned["display_name"],
                password=password,
                attach=facility_attacher(cleaned["facility"]),
            )
        except ValidationError as exc:
            raise CommandError("密码不符合要求：" + "；".join(exc.messages)) from None
        self.stdout.write(f"已创建用户 {describe(user)}；首次登录须修改密码")
