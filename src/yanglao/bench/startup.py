"""``yanglao bench startup``: how long the console command and the web server take to start (issue 18,
goal 4: ``yanglao --help`` and any pure command ≤ 150 ms; the server's first request ≤ 1 s after start).

* **Commands.** Each command runs as a child process, once to warm the file cache and the bytecode,
  then ``RUNS`` times; the median and the fastest wall time and the median processor time (user +
  system of the child) are printed beside the goal. Processor time does not grow with the machine's
  load as wall time does. When this process writes no bytecode (``PYTHONDONTWRITEBYTECODE``), the
  children keep theirs under ``$YANGLAO_HOME/cache/pycache`` (``PYTHONPYCACHEPREFIX``): an installed
  package has its bytecode, and a start without it measures the compiler.
* **Server.** On the database of this ``YANGLAO_HOME`` / ``DATABASE_URL`` (the demo:
  ``yanglao demo --no-serve`` first), ``yanglao serve`` is started ``SERVER_RUNS`` times for each page and
  the time from the process's start to the first 200 answer is taken: the login page, and the home page
  of the demo's county caseworker (a session made here beforehand, so no password is hashed).
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from yanglao.bench.web import stop

Print = Callable[[str], None]
RUNS = 10
SERVER_RUNS = 5
COMMAND_GOAL_MS = 150.0
SERVER_GOAL_MS = 1000.0
DEMO_CATALOG = "410721"  # 新乡县: the list of bench entitle


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.1f}/{five:.1f}"


def command_line() -> list[str]:
    """The console script installed beside this interpreter (what a user types), or ``-m``."""
    script = Path(sys.executable).with_name("yanglao")
    return [str(script)] if script.exists() else [sys.executable, "-m", "yanglao.cli"]


def child_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DEBUG"}
    unset = env.pop("PYTHONDONTWRITEBYTECODE", "")
    if sys.flags.dont_write_bytecode or unset:
        env["PYTHONPYCACHEPREFIX"] = str(home / "cache" / "pycache")
    return env


def time_command(args: list[str], env: dict[str, str], runs: int = RUNS) -> dict[str, float]:
    """Wall and processor milliseconds of ``yanglao ARGS`` (after one unmeasured run)."""
    walls: list[float] = []
    cpus: list[float] = []
    for index in range(runs + 1):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(
            [*command_line(), *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        wall = (time.perf_counter() - started) * 1000
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode not in (0, 1):
            raise RuntimeError(
                f"yanglao {' '.join(args)}：退出码 {done.returncode}\n{done.stderr.decode()[-1000:]}"
            )
        if index:
            walls.append(wall)
            cpus.append((after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000)
    return {
        "median_ms": round(statistics.median(walls), 1),
        "min_ms": round(min(walls), 1),
        "cpu_ms": round(statistics.median(cpus), 1),
    }


def person_file(folder: Path) -> Path:
    """100 persons of 新乡县 (the generator of ``bench entitle``), CSV."""
    from yanglao.core.engine.bench import persons_query

    path = folder / "persons100.csv"
    if not path.exists():
        persons_query(100).collect().write_csv(path)
    return path


def commands(folder: Path) -> list[tuple[str, list[str]]]:
    source = person_file(folder)
    return [
        ("yanglao --help", ["--help"]),
        ("yanglao entitle --help", ["entitle", "--help"]),
        (f"yanglao catalog show {DEMO_CATALOG}", ["catalog", "show", DEMO_CATALOG]),
        ("yanglao assess --help", ["assess", "--help"]),
        (
            "yanglao entitle（100 人 CSV → JSONL）",
            [
                "entitle",
                "--catalog",
                DEMO_CATALOG,
                "--date",
                "2024-07-01",
                "--input",
                str(source),
                "--output",
                str(folder / "out.jsonl"),
            ],
        ),
    ]


def run_commands(say: Print, home: Path) -> list[dict[str, Any]]:
    env = child_env(home)
    if "PYTHONPYCACHEPREFIX" in env and "PYTHONPYCACHEPREFIX" not in os.environ:
        say(f"字节码缓存：{env['PYTHONPYCACHEPREFIX']}（本进程设置了不写字节码）")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, args in commands(Path(tmp)):
            before = load()
            figures = time_command(args, env)
            rows.append({"command": label, **figures, "load": f"{before} → {load()}"})
            met = "达标" if figures["median_ms"] <= COMMAND_GOAL_MS else "未达标"
            say(
                f"{label:<40} 中位 {figures['median_ms']:7.1f} ms  最快 {figures['min_ms']:7.1f} ms  "
                f"CPU {figures['cpu_ms']:7.1f} ms  目标 ≤ {COMMAND_GOAL_MS:.0f} ms {met}  负载 {rows[-1]['load']}"
            )
    return rows


def session_cookie() -> tuple[str, str] | None:
    """A logged-in session of the demo's county caseworker, made in the session store (no password
    hashing): its cookie's name and value, or None without a demo."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from yanglao.accounts.middleware import SAVED_AT
    from yanglao.demo.models import DemoBuild

    demo = DemoBuild.objects.order_by("pk").first()
    user = get_user_model().objects.filter(username=f"county{demo.region_code}").first() if demo else None
    if user is None:
        return None
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[SAVED_AT] = int(timezone.now().timestamp())
    session.save()
    return settings.SESSION_COOKIE_NAME, str(session.session_key)


def tree_cpu_ms(pid: int) -> float:
    """Processor milliseconds used so far by process ``pid`` and its descendants (Linux ``/proc``; 0
    elsewhere): the server's cost up to its first answer, which the machine's load does not inflate."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) * 1000 / tick
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(p) for p in (task / "children").read_text().split()]
        except (OSError, IndexError, ValueError):
            continue
    return total


def first_answer(workers: int, path: str, cookie: str, env: dict[str, str]) -> dict[str, float]:
    """Start ``yanglao serve`` and ask ``path`` until it answers 200: milliseconds from the start to the
    answer, and of that last request alone."""
    import http.client

    from yanglao.bench.web import free_port

    port = free_port()
    started = time.perf_counter()
    process = subprocess.Popen(
        [*command_line(), "serve", "--workers", str(workers), "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        while True:
            sent = time.perf_counter()
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
                status = connection.getresponse().status
                connection.close()
            except OSError:
                status = 0
            now = time.perf_counter()
            if status == 200:
                return {
                    "first_ms": (now - started) * 1000,
                    "request_ms": (now - sent) * 1000,
                    "cpu_ms": tree_cpu_ms(process.pid),
                }
            if status or process.poll() is not None or now - started > 120:
                error = ""
                if process.poll() is not None and process.stderr is not None:
                    error = process.stderr.read().decode()[-2000:]
                raise RuntimeError(f"服务未能在 {path} 答 200（{status}）：{error}")
            time.sleep(0.005)
    finally:
        stop(process)


def run_server(say: Print, home: Path, workers: int) -> list[dict[str, Any]]:
    cookie = session_cookie()
    if cookie is None:
        say("没有演示数据（先运行 yanglao demo --no-serve）：只测登录页")
    pages = [("登录页 /login/", "/login/", "")]
    if cookie is not None:
        pages.append(("县级经办首页 /（已登录）", "/", f"{cookie[0]}={cookie[1]}"))
    env = child_env(home)
    rows = []
    for label, path, header in pages:
        before = load()
        runs = [first_answer(workers, path, header, env) for _ in range(SERVER_RUNS)]
        first = statistics.median(r["first_ms"] for r in runs)
        request = statistics.median(r["request_ms"] for r in runs)
        cpu = statistics.median(r["cpu_ms"] for r in runs)
        rows.append(
            {
                "page": label,
                "workers": workers,
                "first_ms": round(first, 1),
                "max_ms": round(max(r["first_ms"] for r in runs), 1),
                "request_ms": round(request, 1),
                "cpu_ms": round(cpu, 1),
                "load": f"{before} → {load()}",
            }
        )
        met = "达标" if first <= SERVER_GOAL_MS else "未达标"
        say(
            f"{label:<28} {workers} 个进程：启动到首个 200 中位 {first:7.1f} ms（最慢 {rows[-1]['max_ms']:.1f}），"
            f"该请求本身 {request:6.1f} ms，服务进程 CPU {cpu:7.1f} ms；目标 ≤ {SERVER_GOAL_MS:.0f} ms {met}  负载 {rows[-1]['load']}"
        )
    return rows


def run(say: Print) -> dict[str, Any]:
    from django.conf import settings

    from yanglao.web.management.commands.serve import default_workers

    home = Path(settings.HOME)
    say(f"命令启动（每条 {RUNS} 次，先运行 1 次预热）")
    commands_rows = run_commands(say, home)
    say(f"网站服务：从启动到首个 200（每页启动 {SERVER_RUNS} 次）")
    server_rows = run_server(say, home, default_workers())
    server_rows += run_server(say, home, 1)
    return {"commands": commands_rows, "server": server_rows}
