"""``yanglao bench api``: the entitlement API (``GET /api/persons/<id>/entitlements``) with a token, through
the real server (issue 18, goal 1: median ≤ 8 ms).

On the demo of this ``YANGLAO_HOME`` / ``DATABASE_URL`` (``yanglao demo --no-serve`` first) a token is
made for the county caseworker (ended again at the end, both audited), ``yanglao serve`` is started on a
free loopback port and one client asks, over one keep-alive connection, for the entitlements of
``PEOPLE`` living people of the county in turn: ``WARM_UP`` requests, then ``REQUESTS`` timed ones. Beside
them the floor of the same server: the OpenAPI document (no login, no database) and a static file. Then the
same request in this process through Django's WSGI handler: its processor time, its statements and of
them those that write (each write outside a transaction is its own commit: on PostgreSQL a WAL flush the
answer waits for), which do not depend on the machine's load as the wall times do.
"""

from __future__ import annotations

import datetime as dt
import http.client
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

Print = Callable[[str], None]
GOAL_MS = 8.0
PEOPLE = 200
WARM_UP = 50
REQUESTS = 400
IN_PROCESS = 200
WRITES = ("INSERT", "UPDATE", "DELETE")


def writes(sql: str) -> bool:
    """Whether a statement writes: ``INSERT``/``UPDATE``/``DELETE``, or a ``WITH`` that does (the audit
    chain's one-statement append on PostgreSQL)."""
    text = sql.lstrip().upper()
    if text.startswith("WITH"):
        return any(f"{verb} " in text for verb in WRITES)
    return text.startswith(WRITES)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def figures(values: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(statistics.median(values), 2),
        "p95_ms": round(percentile(values, 0.95), 2),
        "max_ms": round(max(values), 2),
    }


def time_requests(port: int, paths: list[str], headers: dict[str, str], count: int) -> list[float]:
    """``count`` GETs over one keep-alive connection, cycling through ``paths``: milliseconds each."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    timings: list[float] = []
    try:
        for number in range(count):
            started = time.perf_counter()
            connection.request("GET", paths[number % len(paths)], headers=headers)
            response = connection.getresponse()
            response.read()
            timings.append((time.perf_counter() - started) * 1000)
            if response.status != 200:
                raise RuntimeError(f"{paths[number % len(paths)]}：{response.status}")
    finally:
        connection.close()
    return timings


def in_process(paths: list[str], raw: str) -> dict[str, float]:
    """The same requests through Django's WSGI handler in this process, as a server process calls it
    (signals, connections kept or closed as configured): processor ms, statements and writing statements
    a request."""
    from io import BytesIO

    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection

    handler = WSGIHandler()
    statuses: list[str] = []
    queries = [0, 0]  # statements, writing statements

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries[0] += 1
        queries[1] += writes(sql)
        return execute(sql, params, many, context)

    def start_response(
        status: str, headers: list[tuple[str, str]], exc_info: Any = None
    ) -> Callable[[bytes], object]:
        statuses.append(status)
        return lambda data: None

    def call(path: str) -> None:
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "HTTP_HOST": "127.0.0.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_AUTHORIZATION": f"Bearer {raw}",
            "wsgi.input": BytesIO(),
            "wsgi.url_scheme": "http",
        }
        response = handler(environ, start_response)
        b"".join(response)
        response.close()
        if not statuses[-1].startswith("200"):
            raise RuntimeError(f"{path}：{statuses[-1]}")

    for number in range(WARM_UP):
        call(paths[number % len(paths)])
    cpu: list[float] = []
    wall: list[float] = []
    counts: list[int] = []
    written: list[int] = []
    with connection.execute_wrapper(count):
        for number in range(IN_PROCESS):
            queries[:] = [0, 0]
            started, clock = time.process_time(), time.perf_counter()
            call(paths[number % len(paths)])
            cpu.append((time.process_time() - started) * 1000)
            wall.append((time.perf_counter() - clock) * 1000)
            counts.append(queries[0])
            written.append(queries[1])
    return {
        "cpu_p50_ms": round(statistics.median(cpu), 2),
        "wall_p50_ms": round(statistics.median(wall), 2),
        "queries": statistics.median(counts),
        "writes": statistics.median(written),
    }


def setup() -> tuple[Any, Any, str, list[str]]:
    """The demo's county caseworker, a token for them (and its raw text), and the API paths of
    ``PEOPLE`` living people of the county."""
    from django.contrib.auth import get_user_model

    from yanglao.demo.models import DemoBuild
    from yanglao.entitlements.tokens import do_create_token, lifetime_end
    from yanglao.registry.models import Person

    demo = DemoBuild.objects.order_by("pk").first()
    if demo is None:
        raise SystemExit("没有演示数据：先运行 yanglao demo --no-serve")
    users = get_user_model().objects
    county = users.get(username=f"county{demo.region_code}")
    actor = users.filter(username="admin").first() or county
    token, raw = do_create_token(actor, county, "bench api", expires_at=lifetime_end(1))
    ids = list(
        Person.objects.filter(hukou_region__startswith=demo.region_code[:6], death_date__isnull=True)
        .order_by("pk")
        .values_list("id_number", flat=True)[:PEOPLE]
    )
    if not ids:
        raise SystemExit("演示数据中没有本县在世人员")
    return actor, token, raw, [f"/api/persons/{i}/entitlements" for i in ids]


def run(say: Print) -> dict[str, Any]:
    from django.conf import settings
    from django.utils import timezone

    from yanglao.bench import web
    from yanglao.bench.startup import child_env, load
    from yanglao.entitlements.tokens import do_set_token_expiry
    from yanglao.web.management.commands.serve import default_workers

    actor, token, raw, paths = setup()
    workers = default_workers()
    env = child_env(Path(settings.HOME))
    results: dict[str, Any] = {"people": len(paths), "workers": workers}
    try:
        with web.server(workers, env, say) as port:
            bearer = {"Authorization": f"Bearer {raw}"}
            time_requests(port, paths, bearer, WARM_UP)
            time_requests(port, ["/api/openapi.json", "/static/stats/stats.css"], {}, 10)
            before = load()
            api = figures(time_requests(port, paths, bearer, REQUESTS))
            schema = figures(time_requests(port, ["/api/openapi.json"], {}, REQUESTS // 4))
            static = figures(time_requests(port, ["/static/stats/stats.css"], {}, REQUESTS // 4))
            results["load"] = f"{before} → {load()}"
        results |= {"api": api, "openapi": schema, "static": static}
        results["in_process"] = in_process(paths, raw)
    finally:
        do_set_token_expiry(actor, token, timezone.now() - dt.timedelta(seconds=1))
    met = "达标" if api["p50_ms"] <= GOAL_MS else "未达标"
    say(
        f"{workers} 个进程，{len(paths)} 人轮流查询，{REQUESTS} 次（一个保持连接的客户端）；负载 {results['load']}"
    )
    say(f"{'请求':<24}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for label, row in (
        ("应享待遇接口（令牌）", api),
        ("OpenAPI 文档（下限）", schema),
        ("静态文件（下限）", static),
    ):
        say(f"{label:<24}{row['p50_ms']:>9.2f}{row['p95_ms']:>9.2f}{row['max_ms']:>9.2f}")
    say(f"目标：中位 ≤ {GOAL_MS:.0f} ms，{met}")
    inside = results["in_process"]
    say(
        f"进程内（Django 的 WSGI 处理器）：每次 CPU 中位 {inside['cpu_p50_ms']} ms，"
        f"用时中位 {inside['wall_p50_ms']} ms，SQL {inside['queries']:.0f} 条（写 {inside['writes']:.0f} 条）"
    )
    return results
