"""``yanglao discover --date D [--region CODE] [--within N] [--json]``: 服务找人."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from yanglao.entitlements.actions import do_discover
from yanglao.entitlements.discovery import WITHIN_DAYS
from yanglao.entitlements.models import FindingKind
from yanglao.regions.models import Level, Region
from yanglao.registry.models import Person


def counties_with_people() -> list[Region]:
    codes = {c[:6] for c in Person.objects.values_list("hukou_region", flat=True).distinct() if c}
    return list(Region.objects.filter(code__in=codes, level=Level.COUNTY).order_by("code"))


class Command(BaseCommand):
    help = "服务找人：比对应享待遇与实际享受记录，生成乡镇工作清单"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=dt.date.fromisoformat, help="比对日期 YYYY-MM-DD，默认为今天")
        parser.add_argument("--region", help="区划代码（旗县或乡镇），默认为有人员数据的全部旗县")
        parser.add_argument(
            "--within", type=int, default=WITHIN_DAYS, help=f"提前提示的天数（默认 {WITHIN_DAYS}）"
        )
        parser.add_argument("--json", action="store_true", help="以 JSON 输出结果")

    def handle(self, *args: Any, **options: Any) -> None:
        on: dt.date = options["date"] or timezone.localdate()
        if options["within"] < 0 or options["within"] > 366:
            raise CommandError("--within 应在 0–366 天之间")
        if options["region"]:
            region = Region.objects.filter(code=options["region"]).first()
            if region is None:
                raise CommandError(f"没有区划代码 {options['region']}")
            regions = [region]
        else:
            regions = counties_with_people()
        outcomes = [do_discover(r, on, within=options["within"], actor="命令行") for r in regions]
        if options["json"]:
            payload: Any = [o.as_dict() for o in outcomes]
            self.stdout.write(json.dumps(payload[0] if len(payload) == 1 else payload, ensure_ascii=False))
            return
        for region, o in zip(regions, outcomes, strict=True):
            self.stdout.write(f"{region.name}（{region.code}）{on}：{o.persons} 人")
            for kind in FindingKind:
                self.stdout.write(f"  {kind.label}：{o.found.get(kind.value, 0)}")
            self.stdout.write(f"  新增 {o.created}，重新发现 {o.reopened}，自动关闭 {o.closed}")
            for reason, n in sorted(o.closed_reasons.items(), key=lambda x: -x[1])[:10]:
                self.stdout.write(f"    {reason}：{n}")
            parts = "，".join(f"{k} {v:.2f}" for k, v in o.timings.items())
            self.stdout.write(f"  用时 {o.seconds:.2f} 秒（{parts}）")
