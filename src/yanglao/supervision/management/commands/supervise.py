"""``yanglao supervise checks|report …``: the fund-fraud checks.

- ``checks --month YYYY-MM --persons F --payments F [--services F] [--residents F] --output F.jsonl
  [--engine polars|spark]``: on files, no database (:mod:`yanglao.core.supervision.cli`);
- ``report --region CODE --month YYYY-MM [--json]``: the same checks over the county's payment rolls of
  the month in the database (:func:`yanglao.supervision.fraud.monthly_report`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yanglao.core.supervision import cli


def _report_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="yanglao supervise report", description="资金核查月报")
    p.add_argument("--region", required=True, help="旗县区划代码")
    p.add_argument("--month", required=True, type=cli._month, help="发放月份 YYYY-MM")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    return p


class Command(BaseCommand):
    help = "综合监管：资金核查（checks：按文件；report：按数据库中的发放名册出月报）"
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("rest", nargs=argparse.REMAINDER)

    def handle(self, *args: Any, **options: Any) -> None:
        rest = list(options["rest"])
        if rest[:1] == ["report"]:
            self._report(_report_parser().parse_args(rest[1:]))
            return
        if rest[:1] != ["checks"] and rest[:1] not in (["-h"], ["--help"]):
            raise CommandError("用法：yanglao supervise checks|report …（见 --help）")
        code = cli.main(rest, sys.stdout, sys.stderr)
        if code:
            sys.exit(code)

    def _report(self, args: argparse.Namespace) -> None:
        from yanglao.regions.models import Region
        from yanglao.supervision.fraud import monthly_report

        region = Region.objects.filter(code=args.region).first()
        if region is None:
            raise CommandError(f"没有区划代码 {args.region}")
        report = monthly_report(region.code, args.month)
        if args.json:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=1, default=_json))
            return
        self.stdout.write(f"{region.name} {report['month']} 资金核查：发放明细 {report['lines']} 行")
        for c in report["checks"]:
            state = f"{c['findings']} 行，{c['persons']} 人" if c["ran"] else "未核查（无数据）"
            self.stdout.write(f"  {c['title']}（{c['check']}）：{state}")
        for r in report["findings"]:
            self.stdout.write(f"  {r['check']} 第{r.get('line', '-')}行 {r['reason']}")


def _json(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(type(value).__name__)
