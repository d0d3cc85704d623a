"""``yanglao enrolments import FILE --source NAME [--as-of D] [--json]``: the paying department's file
of enrolments and payee accounts (:mod:`yanglao.entitlements.imports`), in the app that owns them.

Bad rows are printed (line, field, reason) and left out; the good rows are kept; the exit status is 1
when a row was refused."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yanglao.core.records_io import FileFormatError
from yanglao.entitlements.imports import COLUMNS, do_import_enrolments


class Command(BaseCommand):
    help = "导入享受记录与发放账户（发放部门的文件：CSV/XLSX/JSONL/Parquet）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["import"], help="import：导入")
        parser.add_argument("file", type=Path)
        parser.add_argument("--source", help="数据来源部门（默认为文件名）")
        parser.add_argument("--as-of", type=dt.date.fromisoformat, help="数据日期 YYYY-MM-DD，默认为今天")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出结果")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(f"文件不存在：{path}")
        try:
            result = do_import_enrolments(path, source=options["source"] or path.stem, as_of=options["as_of"])
        except FileFormatError as exc:
            raise CommandError(str(exc)) from None
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
        else:
            self.stdout.write(
                f"享受记录：新增 {result.created}，更新 {result.updated}，无变化 {result.unchanged}；"
                f"发放账户：新增 {result.accounts_created}，更新 {result.accounts_updated}；错误 {len(result.errors)}"
            )
            for error in result.errors:
                label = COLUMNS.get(error.field, (error.field,))[0]
                self.stdout.write(f"  第 {error.line} 行 {label}：{error.reason}")
        if result.errors:
            sys.exit(1)
