"""The two runs of ``yanglao bench web``: the pages at N people, and the menus of the demo county."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from typing import Any
from urllib.parse import quote

from yanglao.bench import web, webdata
from yanglao.bench.web import Print


def main(options: dict[str, Any], say: Print) -> dict[str, Any]:
    from yanglao.web.management.commands.serve import default_workers

    workers = options["workers"] or default_workers()
    if options["what"] == "web-build":
        from django.utils import timezone

        return webdata.build(options["people"], timezone.localdate(), say)
    if options["menus"]:
        return menus(workers, say)
    return pages(options, workers, say)


def pages(options: dict[str, Any], workers: int, say: Print) -> dict[str, Any]:
    import psycopg

    people = options["people"]
    url = webdata.database_url(options["pg_url"], people, options["database"])
    env = {**os.environ, "DATABASE_URL": url}
    env.pop("DEBUG", None)
    built: dict[str, Any] = {}
    if webdata.ready(url, people):
        say(f"复用基准数据库（{people} 人）：{url}")
        # the indexes of migrations newer than the database (nothing to do when it is up to date)
        subprocess.run([sys.executable, "-m", "yanglao.cli", "migrate"], env=env, check=True)
    else:
        say(f"生成基准数据库（{people} 人）：{url}")
        started = time.perf_counter()
        for command in (["migrate"], ["bench", "web-build", "--people", str(people)]):
            subprocess.run([sys.executable, "-m", "yanglao.cli", *command], env=env, check=True)
        webdata.mark(url, people)
        built = {"seconds": round(time.perf_counter() - started, 1)}
        say(f"生成用时 {built['seconds']} 秒")
    with psycopg.connect(url, autocommit=True) as conn:
        webdata.vacuum(conn)  # the visibility map of what the last run or migration wrote
        ids = [
            str(r[0])
            for r in conn.execute(
                "SELECT id FROM registry_person TABLESAMPLE SYSTEM (1) WHERE death_date IS NULL LIMIT 500"
            )
        ]
        names = [
            str(r[0])
            for r in conn.execute(
                "SELECT name FROM registry_person TABLESAMPLE SYSTEM (1) WHERE name <> '' LIMIT 500"
            )
        ]
        findings = conn.execute(
            "SELECT count(*) FROM entitlements_finding WHERE township = %s", [webdata.USERS[1][2]]
        ).fetchone()
        total = conn.execute("SELECT count(*) FROM registry_person").fetchone()
    township = webdata.USERS[1][2]
    # Half the searches by a whole name, half by its first two characters (a surname and a syllable).
    searches = [f"/persons/?q={quote(n)}" for n in names] + [f"/persons/?q={quote(n[:2])}" for n in names]
    plan = {
        "姓名查询": ("bench_county", searches),
        "人员详情页": ("bench_county", [f"/persons/{pk}/" for pk in ids]),
        "乡镇工作清单": ("bench_township", [f"/entitlements/townships/{township}/"]),
        "静态文件": ("", ["/static/stats/stats.css"]),
    }
    say(
        f"人员 {total[0] if total else 0}，{township} 的服务找人发现 {findings[0] if findings else 0} 条；"
        f"{options['clients']} 个并发客户端，每页 {options['requests']} 次"
    )
    with web.server(workers, env, say) as port:
        sessions = {}
        for username, _, _ in webdata.USERS:
            client = web.Client(port)
            client.login(username, webdata.PASSWORD)
            sessions[username] = client.cookies
        web.drive(port, sessions, plan, options["clients"], 5)  # warm up every worker
        timings = web.drive(port, sessions, plan, options["clients"], options["requests"])
    rows = web.summary(timings)
    web.print_table(rows, say)
    return {
        "people": people,
        "workers": workers,
        "clients": options["clients"],
        "built": built,
        "pages": rows,
    }


def menus(workers: int, say: Print) -> dict[str, Any]:
    from yanglao.demo.models import DemoBuild
    from yanglao.demo.users import DEMO_PASSWORD

    demo = DemoBuild.objects.order_by("pk").first()
    if demo is None:
        raise SystemExit("没有演示数据：先运行 yanglao demo --no-serve")
    code = demo.region_code
    logins = [
        (label, username, DEMO_PASSWORD)
        for label, username in (
            ("系统管理员", "admin"),
            ("县级经办", f"county{code}"),
            ("乡镇经办", f"township{code}"),
            ("网格员", f"visitor{code}"),
            ("机构人员", f"carehome{code}"),
            ("审计员", f"auditor{code}"),
        )
    ]
    env = dict(os.environ)
    env.pop("DEBUG", None)
    with web.server(workers, env, say) as port:
        rows = web.time_menus(port, logins, say)
    slow = sorted((r for r in rows if r["seconds"] > web.SLOW_SECONDS), key=lambda r: -r["seconds"])
    say(f"共 {len(rows)} 个页面；超过 {web.SLOW_SECONDS:.0f} 秒：{len(slow)} 个")
    for r in slow:
        page = f" → {r['page']}" if "page" in r else ""
        say(f"  {r['seconds']:7.2f} 秒  {r['status']}  {r['role']}  {r['path']}{page}")
    failed = [r for r in rows if r["status"] not in (200, 302)]
    for r in failed:
        say(f"  状态 {r['status']}  {r['role']}  {r['path']}")
    return {"region": code, "pages": rows, "slow": slow}
