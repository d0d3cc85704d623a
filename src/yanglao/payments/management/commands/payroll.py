"""``yanglao payroll prepare|review|approve|export|show …``

- ``prepare --month YYYY-MM --region CODE --catalog CODE [--user NAME] [--backpay-months N]``: prepare
  (or prepare again) the roll and print its totals by item, township and funding level.
- ``review|approve --month --region --catalog --user NAME``: for scripting; the same rules as the web
  (the user's role and region; the reviewer and the approver are not the preparer).
- ``export --month --region --catalog --user NAME --output DIR``: the XLSX and, for an approved roll,
  the bank CSV; both audited.
- ``show --month --region --catalog``: print the totals of an existing roll.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yanglao.core.payments import Month
from yanglao.payments.models import PaymentRoll, RollLocked

SUBCOMMANDS = ("prepare", "review", "approve", "export", "show")
CLI = "命令行"


def _month(text: str) -> Month:
    try:
        return Month.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def print_totals(roll: PaymentRoll, out: Any) -> None:
    t = roll.totals
    w = out.write
    w(f"{roll.label}：{roll.get_state_display()}\n")
    w(f"  计算日期 {roll.evaluation_day}，补发最多 {roll.backpay_months} 个月，校验码 {roll.digest[:16]}\n")
    w(f"  合计 {t['amount']} 元，{t['persons']} 人，{t['lines']} 行；未列入发放 {len(roll.skipped)} 条\n")
    w("  按类别：" + "；".join(f"{k['label']} {k['lines']} 行 {k['amount']} 元" for k in t["kinds"]) + "\n")
    w("  按项目：\n")
    for r in t["items"]:
        w(f"    {r['no']:>3} {r['name']}：{r['persons']} 人 {r['amount']} 元\n")
    w("  按乡镇（街道）：\n")
    for r in t["townships"]:
        w(f"    {r['name']}：{r['persons']} 人 {r['amount']} 元\n")
    w("  按支出责任：\n")
    for r in t["levels"]:
        w(f"    {r['level']}级：{r['amount']} 元\n")
    if t["unsplit"]:
        w(f"    未拆分 {t['unsplit_amount']} 元，其中：\n")
    for r in t["unsplit"]:
        w(f"      {r['amount']} 元：{r['note']}\n")


class Command(BaseCommand):
    help = (
        "补贴发放：生成（prepare）、审核（review）、审批（approve）、导出（export）、查看（show）月度发放表"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("subcommand", choices=SUBCOMMANDS)
        parser.add_argument("rest", nargs=argparse.REMAINDER)

    def handle(self, *args: Any, **options: Any) -> None:
        from django.contrib.auth import get_user_model

        from yanglao.payments.actions import (
            RollError,
            approve_roll,
            export_bank,
            export_xlsx,
            file_stem,
            prepare_roll,
            review_roll,
        )
        from yanglao.regions.models import Region

        sub = options["subcommand"]
        p = argparse.ArgumentParser(prog=f"yanglao payroll {sub}")
        p.add_argument("--month", type=_month, required=True, help="YYYY-MM")
        p.add_argument("--region", required=True, help="旗县或乡镇（街道）区划代码")
        p.add_argument("--catalog", required=True, help="清单代码")
        p.add_argument("--user", default=None, help="以该用户身份操作（审核、审批、导出必填）")
        if sub == "prepare":
            p.add_argument(
                "--backpay-months", type=int, default=None, help="补发最多月数（默认按清单参数，缺省 12）"
            )
        if sub == "export":
            p.add_argument("--output", type=Path, required=True, help="输出文件夹")
        a = p.parse_args(options["rest"])
        region = Region.objects.filter(code=a.region).first()
        if region is None:
            raise CommandError(f"未知区划代码：{a.region}")
        actor: Any = CLI
        if a.user:
            actor = get_user_model().objects.filter(username=a.user, is_active=True).first()
            if actor is None:
                raise CommandError(f"未知用户：{a.user}")
        elif sub in ("review", "approve"):
            raise CommandError("审核、审批须用 --user 指明操作人")
        try:
            if sub == "prepare":
                started = time.perf_counter()
                roll = prepare_roll(actor, a.catalog, a.month, region, backpay_months=a.backpay_months)
                print_totals(roll, self.stdout)
                self.stdout.write(f"  用时 {time.perf_counter() - started:.1f} 秒\n")
                return
            found = PaymentRoll.objects.filter(catalog=a.catalog, month=a.month.first, region=region).first()
            if found is None:
                raise CommandError(f"{a.month} {region.name} 清单 {a.catalog} 还没有发放表")
            roll = found
            if sub == "review":
                roll = review_roll(actor, roll)
            elif sub == "approve":
                roll = approve_roll(actor, roll)
            elif sub == "export":
                a.output.mkdir(parents=True, exist_ok=True)
                xlsx = a.output / f"{file_stem(roll)}.xlsx"
                xlsx.write_bytes(export_xlsx(actor, roll))
                self.stdout.write(f"已导出 {xlsx}\n")
                if roll.locked:
                    bank = a.output / f"{file_stem(roll)}-bank.csv"
                    bank.write_bytes(export_bank(actor, roll))
                    self.stdout.write(f"已导出 {bank}（含完整账号，请妥善保管）\n")
                roll.refresh_from_db()
            print_totals(roll, self.stdout)
        except (RollError, RollLocked) as exc:
            raise CommandError(str(exc)) from None
