"""``yanglao import_mzt039 FILE.csv [--source NAME]``: MZ/T 039-2013 results from older records.

The CSV has a header row with the columns ``id_number`` (公民身份号码), ``assessed_on`` (评估日期,
YYYY-MM-DD), ``level`` (the MZ/T 039-2013 level 0-3 as written on the record) and ``number`` (评估编号).
Each result keeps its own scale; none is turned into a GB/T 42195 level. A row whose number is already
stored is skipped, so a file can be imported again.
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yanglao.assessments.actions import do_import_legacy_result
from yanglao.assessments.models import Assessment
from yanglao.core.idnumber import IdNumberError, mask_id_number, parse_id_number
from yanglao.registry.models import Person

COLUMNS = {"id_number": "公民身份号码", "assessed_on": "评估日期", "level": "等级", "number": "评估编号"}
ACTOR = "命令行"


def process_one(row: dict[str, str], *, source: str) -> str | None:
    """Import one row; the reason it was refused, or None. Raises nothing for bad data."""
    number = (row.get("number") or "").strip()
    try:
        id_number = parse_id_number((row.get("id_number") or "").strip()).value
    except IdNumberError as exc:
        return f"公民身份号码无效：{exc}"
    person = Person.objects.filter(id_number=id_number).first()
    if person is None:
        return f"老年人信息库中没有 {mask_id_number(id_number)}"
    if number and Assessment.objects.filter(number=number, person=person).exists():
        return None  # imported before
    try:
        assessed_on = dt.date.fromisoformat((row.get("assessed_on") or "").strip())
    except ValueError:
        return f"评估日期应写作YYYY-MM-DD：“{row.get('assessed_on')}”"
    level = (row.get("level") or "").strip()
    if level not in ("0", "1", "2", "3"):
        return f"MZ/T 039-2013 的等级为0-3：“{level}”"
    try:
        do_import_legacy_result(
            person, grade=int(level), assessed_on=assessed_on, number=number, source=source, actor=ACTOR
        )
    except ValueError as exc:
        return str(exc)
    return None


class Command(BaseCommand):
    help = "导入按 MZ/T 039-2013 作出的老年人能力评估结果（保留原等级，不换算）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--source", help="数据来源，默认为文件名")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        source = options["source"] or path.name
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            fields = reader.fieldnames or []
            missing = [f"{k}（{v}）" for k, v in COLUMNS.items() if k not in fields]
            if missing:
                raise CommandError(f"缺少列：{'、'.join(missing)}")
            errors = 0
            rows = 0
            for line, row in enumerate(reader, start=2):
                rows += 1
                problem = process_one(row, source=source)
                if problem:
                    errors += 1
                    self.stdout.write(f"第 {line} 行：{problem}")
        self.stdout.write(f"共 {rows} 行，未导入 {errors} 行")
        if errors:
            sys.exit(1)
