"""The ``yanglao`` console command.

Commands that need no database (``catalog``, ``assess``) run in the pure-Python core without starting
Django; every other command is a Django management command run with ``yanglao.settings``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from importlib import import_module

PURE_COMMANDS: dict[str, str] = {
    "catalog": "yanglao.core.catalog.cli",
    "assess": "yanglao.core.assessment.cli",
    "entitle": "yanglao.core.engine.cli",
    "admissions": "yanglao.core.admissions.cli",
    "services": "yanglao.core.services.cli",
}

USAGE = """用法: yanglao <命令> [参数]

  demo [--region CODE] [--port P] [--no-serve]
                                        生成演示旗县（合成数据）并启动服务
  serve [--host H] [--port P] [--workers N]
                                        启动网站服务（多进程）
  migrate                               创建或升级数据库
  createadmin                           创建系统管理员
  createuser --username U --role ROLE --region CODE [--facility ID]
                                        创建用户（一次性密码，首次登录须修改）
  import persons FILE --source DEPT [--user U] [--as-of D] [--json] [--all-or-nothing]
                                        导入部门人员数据（CSV/XLSX/JSONL/Parquet）
  import enrolments FILE --source NAME  导入待遇享受（发放）数据
  enrolments import FILE --source NAME  同上
  catalog list|show|check|diff|test|impact|budget  基本养老服务清单；草稿影响与预算测算
  assess FILE.json                      老年人能力评估计分（GB/T 42195-2022）
  import_mzt039 FILE.csv                导入 MZ/T 039-2013 旧评估结果
  expire_assessments                    清除已过有效期的能力等级（每日运行）
  entitle --catalog C --date D --input F --output F [--engine embedded|spark] [--spark-master URL]
          [--spark-dir DIR] [--explain]
                                        批量计算待遇
  discover --date D [--region CODE]     服务找人：漏保、错保、即将变化
  payroll prepare --month M --region R --catalog C
                                        编制月度发放名册
  visits targets|refresh|simulate …     探访关爱对象与模拟
  stats --region CODE [--date D] [--json]
                                        统计指标
  facilities import|import-reports|list|export|reports|file-report|history|check …
                                        养老服务设施、运营月报、网络与规划检查
  admissions rank --rules C --date D --input F --output F [--json]
                                        公办养老机构入住轮候排序（逐人解释）；show|test
  homeservices daily [--json]          居家服务每日核查（终止服务计划、标记未上门）
  services catalog|match|test …         居家社区养老服务目录；申报、计划与签到三方核对
  supervise checks|report …             资金监管：发放前的疑点核查
  apitoken USER --name N [--days D]     为接口调用生成令牌（到期天数默认 API_TOKEN_DAYS）
  apitoken --list | --token P --days D  列出令牌；修改令牌到期时间
  audit verify [--checkpoint F]         核验审计日志的哈希链（被改动时报告第一个事件并以 1 退出）
  audit harden-sql [--app-role R]       输出 PostgreSQL 应用角色分离的 SQL
  runjob ID | --sweep                   运行后台任务；清理失效任务与过期文件
  bench import|entitle|bomb|web|facilities|admissions|services|fraud|impact|startup|api
                                        性能基准（输出实测数字与目标）
  help                                  全部命令（Django 管理命令）
"""


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        sys.stdout.write(USAGE)
        return 0
    if args[0] in PURE_COMMANDS:
        module = import_module(PURE_COMMANDS[args[0]])
        entry: Callable[[list[str]], int] = module.main
        try:
            return entry(args[1:])
        except SystemExit as exc:  # argparse's usage errors: the same exit code as the Django commands
            return int(exc.code) if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yanglao.settings")
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["yanglao", *args])
    except SystemExit as exc:
        return int(exc.code) if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
