"""``yanglao services catalog|match|test …``: the service catalogue and the three-way match on files
(pure: :mod:`yanglao.core.services.cli`; no database, no system checks)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from yanglao.core.services import cli


class Command(BaseCommand):
    help = "居家社区养老服务：服务目录（catalog）、三方核对（match）、目录用例（test）"
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("rest", nargs=argparse.REMAINDER)

    def handle(self, *args: Any, **options: Any) -> None:
        code = cli.main(list(options["rest"]), sys.stdout, sys.stderr)
        if code:
            sys.exit(code)
