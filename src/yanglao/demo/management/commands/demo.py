"""``yanglao demo [--region CODE] [--no-serve]``: migrate, build the demo jurisdiction, serve."""

from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from yanglao.demo.build import BASELINES, build
from yanglao.demo.users import DEMO_PASSWORD, build_users
from yanglao.regions.models import Region


class Command(BaseCommand):
    help = "生成演示旗县（合成数据）并启动网站服务"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--region", default="152223", choices=sorted(BASELINES), help="演示辖区，默认扎赉特旗"
        )
        parser.add_argument("--scale", type=float, help="抽样比例（0-1），大城市默认按8万人抽样")
        parser.add_argument("--no-serve", action="store_true", help="只生成数据，不启动服务")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        call_command("migrate", interactive=False, verbosity=0)
        code = options["region"]
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise CommandError(f"未知区划 {code}")
        self.stdout.write(f"演示辖区：{region.full_name()}（{code}），全部为合成数据，身份证号码均标注“合成”")
        bar_width = 30

        def step(label: str, share: float) -> None:
            filled = int(share * bar_width)
            sys.stderr.write(f"\r[{'#' * filled}{'-' * (bar_width - filled)}] {share:4.0%} {label[:40]:<40}")
            sys.stderr.flush()

        demo = build(code, step, options["scale"])
        sys.stderr.write("\n")
        users = build_users(region)
        self.stdout.write(
            f"人数 {demo.persons}，设施 {demo.facilities}，基准日 {demo.reference_date}，"
            f"用时 {time.monotonic() - started:.1f} 秒"
        )
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for label, username, region_name in users:
            self.stdout.write(f"  {label:<14} {username:<20} {region_name}")
        if not options["no_serve"]:
            call_command("serve", host=options["host"], port=options["port"])
