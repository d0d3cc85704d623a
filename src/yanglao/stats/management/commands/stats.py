"""``yanglao stats --region CODE [--date D] [--json] [--bulletin FILE.pdf|FILE.xlsx]``

The indicators of a region on a date (default today, Asia/Shanghai) as a Chinese table or as JSON;
with ``--bulletin`` it writes the statistical bulletin as of the date instead (a month end reads
“截至X年X月末”) and prints the time it took.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import unicodedata
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from yanglao.regions.models import Region
from yanglao.stats import labels
from yanglao.stats.compute import region_stats


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _number(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


class Command(BaseCommand):
    help = "统计调查：某区划在某日的老年人口、特殊群体、待遇、探访与设施指标"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", required=True, help="区划代码，如 152223")
        parser.add_argument("--date", type=dt.date.fromisoformat, help="统计日期 YYYY-MM-DD，默认为今天")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")
        parser.add_argument("--no-entitlements", action="store_true", help="不测算清单待遇（较快）")
        parser.add_argument("--bulletin", type=Path, help="另生成统计公报（.pdf 或 .xlsx）")

    def handle(self, *args: Any, **options: Any) -> None:
        region = Region.objects.filter(code=options["region"]).first()
        if region is None:
            raise CommandError(f"没有区划代码 {options['region']}")
        on: dt.date = options["date"] or timezone.localdate()
        if options["bulletin"]:
            self._bulletin(region, on, options["bulletin"])
            return
        figures = region_stats(region, on, entitlements=not options["no_entitlements"])
        if options["json"]:
            self.stdout.write(json.dumps(figures, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{figures['region']['full_name']}（{region.code}） 统计日期 {on:%Y年%m月%d日}")
        for section, items in labels.rows(figures):
            self.stdout.write(f"\n【{section}】")
            width = max(_width(label) for label, _ in items) if items else 0
            for label, value in items:
                self.stdout.write(f"  {_pad(label, width)}  {_number(value):>14}")
        if figures.get("units"):
            self.stdout.write(f"\n【分{labels.UNIT_LEVEL.get(figures['unit_level'], '区划')}】")
            head = ("名称", "60岁以上", "80岁以上", "独居特困失能", "养老机构", "机构床位")
            self.stdout.write("  " + _pad(head[0], 16) + "".join(f"{_pad(h, 14)}" for h in head[1:]))
            for u in figures["units"]:
                cells = (
                    u["population_60_plus"],
                    u["population_80_plus"],
                    u["alone_tekun_disabled"],
                    u["institutions"],
                    u["institution_beds"],
                )
                self.stdout.write("  " + _pad(u["name"], 16) + "".join(f"{c:<14,}" for c in cells))

    def _bulletin(self, region: Region, on: dt.date, path: Path) -> None:
        from yanglao.audit.log import audit
        from yanglao.audit.models import Action
        from yanglao.stats.bulletin import bulletin_pdf, bulletin_xlsx

        started = time.perf_counter()
        suffix = path.suffix.lower()
        if suffix not in (".pdf", ".xlsx"):
            raise CommandError("统计公报文件应为 .pdf 或 .xlsx")
        data = bulletin_pdf(region, on) if suffix == ".pdf" else bulletin_xlsx(region, on)
        path.write_bytes(data)
        seconds = time.perf_counter() - started
        audit(
            "命令行",
            Action.EXPORT,
            object_type="bulletin",
            object_id=region.code,
            summary=f"生成统计公报 {region.name} {on:%Y-%m}（{suffix[1:].upper()}）",
        )
        self.stdout.write(f"已生成 {path}（{len(data):,} 字节），用时 {seconds:.1f} 秒")
