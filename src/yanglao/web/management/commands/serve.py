"""``yanglao serve``: the production WSGI server (waitress), static files served by the app (WhiteNoise)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})


class Command(BaseCommand):
    help = "启动网站服务（waitress，静态文件由应用自身提供）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args: Any, **options: Any) -> None:
        from waitress import serve

        if settings.DEBUG:
            # Debug pages show settings, SQL and personal data of the request: only on this machine.
            if options["host"] not in LOOPBACK:
                raise CommandError(
                    f"DEBUG=true 时不能在 {options['host']} 上提供服务：调试页面会泄露配置和个人信息。"
                    "生产环境请去掉 DEBUG。"
                )
            self.stderr.write(
                "警告：DEBUG=true，调试页面会显示配置和个人信息，只能用于本机开发，切勿用于生产。"
            )

        # Collect first: WhiteNoise looks at STATIC_ROOT when the application is built.
        call_command("collectstatic", interactive=False, verbosity=0)
        from yanglao.wsgi import application

        self.stdout.write(f"服务地址：http://{options['host']}:{options['port']}/  （Ctrl+C 停止）")
        serve(
            application,
            host=options["host"],
            port=options["port"],
            threads=options["threads"],
            ident="yanglao",
        )
