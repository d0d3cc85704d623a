"""``yanglao runjob PK``: the worker process of one background job (started by the web, see
:mod:`yanglao.jobs.runner`); ``yanglao runjob --sweep``: fail the jobs whose worker is gone and delete old
job logs, job files and uploads (docs/operations.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yanglao.jobs.runner import KEEP, run_job, sweep


class Command(BaseCommand):
    help = "运行一个后台任务（由网站启动）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("job", type=int, nargs="?", help="任务编号")
        parser.add_argument(
            "--sweep",
            action="store_true",
            help=f"清理：标记已失去进程的任务为失败，删除 {KEEP.days} 天前的任务文件",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["sweep"]:
            done = sweep()
            self.stdout.write(f"已标记失败的任务 {done['failed']} 个，已删除的旧文件 {done['deleted']} 个")
            return
        if options["job"] is None:
            raise CommandError("请给出任务编号，或 --sweep")
        job = run_job(options["job"], heartbeat=True)
        self.stdout.write(f"任务 {job.pk}：{job.get_state_display()}")
