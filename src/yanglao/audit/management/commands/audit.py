"""``yanglao audit verify`` walks the hash chain of the audit log; ``yanglao audit harden-sql`` prints
the PostgreSQL set-up of a separate application role that may not change or empty the log."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from yanglao.audit.chain import checkpoint_path, verify, write_checkpoint

HARDEN_SQL = """\
-- 审计日志的数据库角色分离（PostgreSQL）。由数据库所有者（运行 yanglao migrate 的角色）在本库中执行；
-- 网站和命令行之后以 {app} 连接（DATABASE_URL），升级（yanglao migrate）仍以所有者连接。
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{app}') THEN
        CREATE ROLE {app} LOGIN;  -- 再执行 ALTER ROLE {app} PASSWORD '…' 设置口令
    END IF;
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO {app}', current_database());
END
$$;
GRANT USAGE ON SCHEMA public TO {app};
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {app};
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {app};
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app};
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {app};
-- 审计日志只能追加：不能修改、删除、清空（TRUNCATE），不能建触发器；不是表的所有者，也就不能停用触发器。
REVOKE UPDATE, DELETE, TRUNCATE, TRIGGER, REFERENCES ON audit_auditevent FROM {app};
-- 链头只能前移（UPDATE），不能删除或清空。
REVOKE DELETE, TRUNCATE, TRIGGER, REFERENCES ON audit_auditchain FROM {app};
"""


def harden_sql(app_role: str) -> str:
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", app_role):
        raise CommandError(f"角色名不合法：{app_role}（小写字母、数字、下划线）")
    return HARDEN_SQL.format(app=app_role)


class Command(BaseCommand):
    help = "审计日志：verify 核验哈希链；harden-sql 输出 PostgreSQL 应用角色分离的 SQL"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        check = sub.add_parser("verify", help="逐条核验审计日志的哈希链，报告第一个被改动的事件")
        check.add_argument(
            "--checkpoint",
            type=Path,
            help="检查点文件（默认 YANGLAO_HOME/audit-checkpoint.json）；核验通过后更新",
        )
        check.add_argument("--no-checkpoint", action="store_true", help="不读也不写检查点文件")
        harden = sub.add_parser("harden-sql", help="输出 PostgreSQL 应用角色分离的 SQL")
        harden.add_argument("--app-role", default="yanglao_app", help="应用连接数据库所用的角色")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["what"] == "harden-sql":
            self.stdout.write(harden_sql(options["app_role"]), ending="")
            return
        path = None if options["no_checkpoint"] else (options["checkpoint"] or checkpoint_path())
        report = verify(path)
        broken = report.broken
        if broken is not None:
            where = (
                f"第 {broken.event_id} 号事件（{timezone.localtime(broken.at):%Y-%m-%d %H:%M:%S}）"
                if broken.event_id is not None and broken.at is not None
                else "链尾"
            )
            raise CommandError(
                f"审计日志被改动：{where}：{broken.reason}。此前 {report.count} 条事件完好"
                f"（至第 {report.last_id} 号）。"
            )
        if path is not None:
            write_checkpoint(path, report)
        self.stdout.write(
            f"审计日志完好：{report.count} 条事件，至第 {report.last_id} 号，链头哈希 {report.hash}"
        )
