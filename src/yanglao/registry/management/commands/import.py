"""``yanglao import persons FILE --source DEPT [--user USERNAME] [--json] [--all-or-nothing]``;
``yanglao import enrolments FILE --source NAME [--json]`` (享受记录: the same as ``yanglao enrolments import``)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from yanglao.core.progress import TerminalBar, count_rows
from yanglao.registry.imports import do_import_persons


class Command(BaseCommand):
    # Django's system checks load every URL module (2-3 s on a loaded machine); an import needs none of it
    requires_system_checks: list[str] = []
    help = "导入部门数据文件（CSV/XLSX/JSONL/Parquet，人员信息格式）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["persons", "enrolments"], help="导入的数据种类")
        parser.add_argument("file", type=Path)
        parser.add_argument("--source", help="数据来源：已登记部门的代码或名称（人员数据必填）")
        parser.add_argument(
            "--user", help="以该用户的身份导入：只导入其管辖区域内的人员，只能选其可导入的部门"
        )
        parser.add_argument("--as-of", type=dt.date.fromisoformat, help="数据日期 YYYY-MM-DD，默认为今天")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出结果")
        parser.add_argument("--all-or-nothing", action="store_true", help="有任何错误则整个文件不导入")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(f"文件不存在：{path}")
        if options["kind"] == "enrolments":
            self.enrolments(path, options)
            return
        actor: Any = "命令行"
        if options["user"]:
            from yanglao.accounts.models import User

            actor = User.objects.filter(username=options["user"], is_active=True).first()
            if actor is None:
                raise CommandError(f"用户不存在或已停用：{options['user']}")
        bar = None if options["json"] or not sys.stderr.isatty() else TerminalBar("导入", count_rows(path))
        result = do_import_persons(
            path,
            source=options["source"] or "",
            actor=actor,
            address="cli",
            as_of=options["as_of"],
            all_or_nothing=options["all_or_nothing"],
            progress=bar.update if bar else None,
            parallel=True,
        )
        if bar:
            bar.close()
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
        else:
            self.stdout.write(
                f"新增 {result.created}，更新 {result.updated}，无变化 {result.unchanged}，"
                f"错误 {result.error_count}，冲突 {len(result.conflicts)}"
                + ("（有错误，整个文件未导入）" if result.rejected else "")
                + (f"（仅列出前 {len(result.errors)} 条）" if result.error_count > len(result.errors) else "")
            )
            for error in result.errors:
                self.stdout.write(f"  第 {error.line} 行 {error.field}：{error.reason}")
        if result.error_count:
            sys.exit(1)

    def enrolments(self, path: Path, options: dict[str, Any]) -> None:
        """The paying department's file is the entitlements app's: ``yanglao enrolments import`` (called
        by name, so the registry does not depend on the app above it)."""
        call_command(
            "enrolments",
            "import",
            str(path),
            *(["--source", options["source"]] if options["source"] else []),
            *(["--as-of", options["as_of"].isoformat()] if options["as_of"] else []),
            *(["--json"] if options["json"] else []),
            stdout=self.stdout,
            stderr=self.stderr,
        )
