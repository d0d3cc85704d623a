"""``yanglao homeservices daily [--json]``: the daily check of home services (plans of people who died,
were admitted to a care home or moved away end with a finding; appointments a day old with no check-in
become missed; health certificates running out are listed), the same as the background job
``services_daily``. Meant for cron (or a systemd timer) once a day."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from yanglao.homeservices.daily import run_daily


class Command(BaseCommand):
    help = "居家社区养老服务每日核查（daily）：终止服务计划、标记未上门工单、健康证到期提醒"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["daily"])
        parser.add_argument("--json", action="store_true", help="以 JSON 输出结果")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] != "daily":
            raise CommandError("未知操作")
        result = run_daily(timezone.now())
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        for key, value in result.items():
            shown = "、".join(value) if isinstance(value, list) else value
            self.stdout.write(f"{key}：{shown or '无'}")
