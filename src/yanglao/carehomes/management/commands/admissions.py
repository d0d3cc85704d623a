"""``yanglao admissions rank|show|test``: admission rules and the explained ranking (docs/admissions.md).

Thin: the arguments go to the pure-Python :func:`yanglao.core.admissions.cli.main`."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from yanglao.core.admissions.cli import main


class Command(BaseCommand):
    help = "公办养老机构入住条件和轮候排序：rank 排序并解释、show 显示规则、test 运行用例"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("args", nargs=argparse.REMAINDER)

    def run_from_argv(self, argv: list[str]) -> None:
        # argv is ["yanglao", "admissions", …]: the core parser owns every option (and --help).
        code = main(argv[2:])
        if code:
            raise SystemExit(code)

    def handle(self, *args: Any, **options: Any) -> None:
        code = main(list(args))
        if code:
            raise SystemExit(code)
