"""``yanglao runjob PK``: the worker process of one background job (started by the web, see
:mod:`yanglao.jobs.runner`)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from yanglao.jobs.runner import run_job


class Command(BaseCommand):
    help = "运行一个后台任务（由网站启动）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("job", type=int, help="任务编号")

    def handle(self, *args: Any, **options: Any) -> None:
        job = run_job(options["job"])
        self.stdout.write(f"任务 {job.pk}：{job.get_state_display()}")
