"""``yanglao visits targets|refresh|simulate …``

- ``targets --date D --input FILE --output FILE [--region CODE]``: the visit targets of a person file as
  JSON Lines; pure, needs no database (this command runs no system checks and opens no connection).
- ``refresh --region CODE [--date D]``: store the targets of a region, assign visitors, make the month's plan.
- ``simulate --month YYYY-MM [--region CODE] [--coverage 0.97]``: demo — visitors and a month of
  plausible visits; prints the monthly visit rate per township and for the county.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from yanglao.core.visits import cli as targets_cli
from yanglao.core.visits.schedule import parse_month
from yanglao.visits.rules import DATA

SUBCOMMANDS = ("targets", "refresh", "simulate")


def _month(text: str) -> tuple[int, int]:
    try:
        return parse_month(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


class Command(BaseCommand):
    help = "探访关爱：计算探访对象（targets）、更新与分配（refresh）、演示模拟（simulate）"
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("subcommand", choices=SUBCOMMANDS, help="targets | refresh | simulate")
        parser.add_argument("rest", nargs=argparse.REMAINDER)

    def handle(self, *args: Any, **options: Any) -> None:
        sub, rest = options["subcommand"], list(options["rest"])
        if sub == "targets":
            code = targets_cli.main(rest, DATA, sys.stdout, sys.stderr)
            if code:
                sys.exit(code)
            return
        if sub == "refresh":
            self._refresh(rest)
        else:
            self._simulate(rest)

    def _refresh(self, rest: list[str]) -> None:
        from yanglao.visits.actions import do_auto_assign, do_make_plans, do_refresh_targets

        p = argparse.ArgumentParser(prog="yanglao visits refresh")
        p.add_argument("--region", required=True)
        p.add_argument("--date", type=dt.date.fromisoformat, default=None)
        args = p.parse_args(rest)
        on = args.date or timezone.localdate()
        counts = do_refresh_targets("命令行", args.region, on)
        assigned = do_auto_assign("命令行", args.region)
        entries = do_make_plans("命令行", args.region, on.year, on.month)
        self.stdout.write(
            f"探访对象 {counts['targets']} 人（新增 {counts['new']}，不再是对象 {counts['ended']}）；"
            f"已分配 {assigned['assigned']}，无探访人员 {assigned['unassigned']}；{on:%Y-%m} 计划 {entries} 次"
        )

    def _simulate(self, rest: list[str]) -> None:
        from yanglao.regions.models import Region
        from yanglao.visits.reports import rates_tree
        from yanglao.visits.simulate import simulate_month

        p = argparse.ArgumentParser(prog="yanglao visits simulate")
        p.add_argument("--month", type=_month, required=True, help="YYYY-MM")
        p.add_argument("--region", default="152223", help="旗县区划代码（默认扎赉特旗）")
        p.add_argument("--coverage", type=float, default=0.97, help="本月被探访的对象比例（0-1）")
        p.add_argument("--seed", type=int, default=2026)
        args = p.parse_args(rest)
        if not 0 <= args.coverage <= 1:
            raise CommandError("--coverage 应在 0 与 1 之间")
        if not Region.objects.filter(code=args.region).exists():
            raise CommandError(f"未知区划 {args.region}（请先运行 yanglao demo）")
        year, month = args.month
        today = timezone.localdate()
        try:
            result = simulate_month(args.region, year, month, args.coverage, today, args.seed)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"探访对象 {result.targets} 人；新增探访人员 {result.visitors} 人；"
            f"模拟探访 {result.visits} 次；跟进事项 {result.followups} 件"
        )
        from yanglao.visits.models import Target

        tree = rates_tree(
            Target.objects.filter(active=True, village__startswith=args.region), year, month, today
        )
        self.stdout.write(f"{year:04d}-{month:02d} 月探访率（已探访/探访对象；每周对象按时率）：")
        for row in tree.children:
            self.stdout.write(
                f"  {row.name:<12} {row.visited:>6}/{row.targets:<6} {row.rate or 0:5.1f}%   按时 {row.weekly_rate or 0:5.1f}%"
            )
        self.stdout.write(
            f"{tree.name} 合计 {tree.visited}/{tree.targets} = {tree.rate or 0:.1f}%；"
            f"每周对象按时率 {tree.weekly_on_schedule}/{tree.weekly} = {tree.weekly_rate or 0:.1f}%"
        )
