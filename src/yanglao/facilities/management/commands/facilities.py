"""``yanglao facilities import|import-reports|list|export|reports|file-report|history|check`` (docs/facilities.md)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from yanglao.core.facilities import capacity
from yanglao.core.facilities.checks import LABELS
from yanglao.facilities.actions import FacilityInvalid, FacilityRefused, do_file_report
from yanglao.facilities.checks import NoRules, network_checks
from yanglao.facilities.history import facility_changes, field_histories, field_label
from yanglao.facilities.imports import do_import_facilities
from yanglao.facilities.models import Facility
from yanglao.facilities.queries import export_xlsx, facility_rows, in_region, visible_to
from yanglao.facilities.reports import report_history, report_status
from yanglao.regions.models import Region

CLI = "命令行"


def _month(text: str) -> dt.date:
    try:
        return capacity.parse_month(text)
    except ValueError as exc:
        raise CommandError(str(exc)) from None


class Command(BaseCommand):
    help = "养老服务设施：导入、列表、导出、月度床位报告、网络与规划检查"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="导入设施信息表（CSV/XLSX）")
        imp.add_argument("file", type=Path)
        imp.add_argument("--source", default="", help="数据来源（默认为文件名）")
        imp.add_argument("--user", help="以该用户的身份导入：只导入其管辖区域内的设施")
        imp.add_argument("--as-of", type=dt.date.fromisoformat, help="数据日期 YYYY-MM-DD，默认为今天")
        imp.add_argument("--json", action="store_true")
        rim = sub.add_parser("import-reports", help="从文件填报（代报）月度床位报告（CSV/XLSX）")
        rim.add_argument("file", type=Path)
        rim.add_argument("--user", help="以该用户的身份填报：只能填报其管辖区域内的设施")
        rim.add_argument("--json", action="store_true")
        lst = sub.add_parser("list", help="列出区划内的设施")
        lst.add_argument("--region", required=True)
        lst.add_argument("--user", help="只列出该用户可见的设施")
        lst.add_argument("--json", action="store_true")
        exp = sub.add_parser("export", help="导出设施信息表（XLSX，导入格式）")
        exp.add_argument("--region", required=True)
        exp.add_argument("--output", type=Path, required=True)
        rep = sub.add_parser("reports", help="月度床位报告：已报、逾期、未报")
        rep.add_argument("--region", required=True)
        rep.add_argument("--month", required=True, help="YYYY-MM")
        rep.add_argument("--json", action="store_true")
        fil = sub.add_parser("file-report", help="填报（代报）一个设施的月度床位报告")
        fil.add_argument("--facility", type=int, required=True)
        fil.add_argument("--month", required=True, help="YYYY-MM")
        fil.add_argument("--reason", default="", help="替换已有报告的原因")
        fil.add_argument("--user", help="以该用户的身份填报")
        fil.add_argument("figures", nargs="*", help="项目=数，如 nursing_in_use=12 level_0=3")
        his = sub.add_parser("history", help="一个设施的字段变更和月报历史")
        his.add_argument("facility", type=int)
        his.add_argument("--json", action="store_true")
        chk = sub.add_parser("check", help="设施网络与规划检查")
        chk.add_argument("--region", required=True)
        chk.add_argument("--date", type=dt.date.fromisoformat, help="检查日期 YYYY-MM-DD，默认为今天")
        chk.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, "do_" + options["action"].replace("-", "_"))(options)

    def _out(self, data: Any) -> None:
        self.stdout.write(json.dumps(data, ensure_ascii=False, default=str))

    def _user(self, username: str | None) -> Any:
        if not username:
            return CLI
        from yanglao.accounts.models import User

        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"用户不存在或已停用：{username}")
        return user

    def _region(self, code: str) -> Region:
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise CommandError(f"区划代码不存在：{code}")
        return region

    def do_import(self, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(f"文件不存在：{path}")
        result = do_import_facilities(
            path, actor=self._user(options["user"]), source=options["source"], as_of=options["as_of"]
        )
        if options["json"]:
            self._out(result.as_dict())
        else:
            self.stdout.write(
                f"新增 {result.created}，更新 {result.updated}，无变化 {result.unchanged}，错误 {result.error_count}"
                + (f"（仅列出前 {len(result.errors)} 条）" if result.error_count > len(result.errors) else "")
            )
            for e in result.errors:
                self.stdout.write(f"  第 {e.line} 行 {e.field}：{e.reason}")
        if result.error_count:
            sys.exit(1)

    def do_import_reports(self, options: dict[str, Any]) -> None:
        from yanglao.facilities.reportimport import do_import_reports

        path: Path = options["file"]
        if not path.exists():
            raise CommandError(f"文件不存在：{path}")
        result = do_import_reports(path, actor=self._user(options["user"]))
        if options["json"]:
            self._out(result.as_dict())
        else:
            self.stdout.write(
                f"新报 {result.filed}，替换 {result.replaced}，无变化 {result.unchanged}，错误 {len(result.errors)}"
            )
            for e in result.errors:
                self.stdout.write(f"  第 {e.line} 行 {e.field}：{e.reason}")
        if result.errors:
            sys.exit(1)

    def do_list(self, options: dict[str, Any]) -> None:
        region = self._region(options["region"])
        user = self._user(options["user"])
        qs = Facility.objects.all() if user == CLI else visible_to(user)
        rows = facility_rows(in_region(qs, region))
        if options["json"]:
            self._out(rows)
            return
        for r in rows:
            self.stdout.write(
                f"{r['id']:>5} {r['name']} {r['kind_label']} {r['operator_label']} {r['region']} "
                f"床位 {r['beds']}（护理型 {r['nursing_beds']}）在住 {r['occupied_beds']}"
            )
        self.stdout.write(f"共 {len(rows)} 个设施，床位 {sum(r['beds'] for r in rows)} 张")

    def do_export(self, options: dict[str, Any]) -> None:
        region = self._region(options["region"])
        options["output"].write_bytes(export_xlsx(in_region(Facility.objects.all(), region)))
        self.stdout.write(f"已导出：{options['output']}")

    def do_reports(self, options: dict[str, Any]) -> None:
        status = report_status(
            self._region(options["region"]), _month(options["month"]), timezone.localdate()
        )
        if options["json"]:
            self._out(status)
            return
        self.stdout.write(
            f"{status['region_name']} {status['month']} 月报（截止 {status['due']}）：应报 {status['expected']}，"
            f"按时 {status['on_time']}，逾期 {len(status['late'])}，未报 {len(status['missing'])}，"
            f"填报期内未报 {len(status['pending'])}"
        )
        for word, key in (("逾期", "late"), ("未报", "missing")):
            for row in status[key]:
                self.stdout.write(f"  {word} {row['township_name']} {row['name']}（{row['facility']}）")

    def do_file_report(self, options: dict[str, Any]) -> None:
        facility = Facility.objects.filter(pk=options["facility"]).first()
        if facility is None:
            raise CommandError(f"设施不存在：{options['facility']}")
        figures: dict[str, Any] = {}
        for item in options["figures"]:
            name, sep, value = item.partition("=")
            if not sep:
                raise CommandError(f"应为 项目=数：{item}")
            figures[name.strip()] = value.strip()
        try:
            report = do_file_report(
                self._user(options["user"]),
                facility,
                _month(options["month"]),
                figures,
                reason=options["reason"],
            )
        except FacilityInvalid as exc:
            raise CommandError("；".join(f"{f}：{r}" for f, r in exc.errors)) from None
        except FacilityRefused as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"已填报：{facility.name} {report.month:%Y-%m}（报告 {report.pk}）")

    def do_history(self, options: dict[str, Any]) -> None:
        facility = Facility.objects.filter(pk=options["facility"]).first()
        if facility is None:
            raise CommandError(f"设施不存在：{options['facility']}")
        histories = field_histories(facility_changes(facility))
        reports = report_history(facility)
        if options["json"]:
            fields = {n: [v.__dict__ for v in versions] for n, versions in histories.items()}
            self._out({"facility": facility.pk, "fields": fields, "reports": reports})
            return
        for name, versions in histories.items():
            for v in versions:
                self.stdout.write(f"{field_label(name)}：{v.value or '（空）'}  {v.source} {v.as_of} {v.by}")
        for r in reports:
            self.stdout.write(
                f"{r['month']} 在用 {r['in_use']}/{r['beds']} {'现行' if r['current'] else '已替换'}"
                + ("（代报）" if r["on_behalf"] else "")
                + (f" 原因：{r['reason']}" if r["reason"] else "")
            )

    def do_check(self, options: dict[str, Any]) -> None:
        region = self._region(options["region"])
        on = options["date"] or timezone.localdate()
        try:
            results = network_checks(region, on)
        except NoRules as exc:
            raise CommandError(str(exc)) from None
        if options["json"]:
            self._out(
                {"region": region.code, "date": on.isoformat(), "checks": [r.as_dict() for r in results]}
            )
            return
        self.stdout.write(f"{region.name}（{region.code}）设施网络与规划检查，{on}")
        for r in results:
            mark = "达标" if r.passed else "未达标"
            self.stdout.write(
                f"{LABELS[r.check]:<28} {r.figure:>8g} / 目标 {r.target:g} {r.unit}  {mark}"
                + ("（目标为示例值）" if r.example else "")
            )
            names = [f"{p['name']}（{p['code']}）" for p in r.failing[:8]]
            if names:
                more = f" 等 {len(r.failing)} 处" if len(r.failing) > 8 else ""
                self.stdout.write("    未达标：" + "、".join(names) + more)
