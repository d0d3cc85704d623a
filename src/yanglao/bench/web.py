"""``yanglao bench web``: the pages people wait on, timed through a real multi-process server.

* ``yanglao bench web [--people N] [--workers K] [--clients 8] [--requests R]``: builds (or reuses) a
  PostgreSQL database of N people (:mod:`yanglao.bench.webdata`), starts ``yanglao serve --workers K``
  on it and drives concurrent clients (threads, one keep-alive connection each) over name search, the
  person page and the township work list (服务找人), then prints p50/p95/max per page beside the goal,
  with a static file from the same server as the floor.
* ``yanglao bench web --menus``: on the demo county (the current ``YANGLAO_HOME``/``DATABASE_URL``),
  logs in as every demo role and times every page of its menus once (the main menu, each section's own
  menu, and the PDF/XLSX downloads they link to), printing those above 1 s.
"""

from __future__ import annotations

import http.client
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode, urljoin, urlparse

Print = Callable[[str], None]
# page → the goal for its p95 (ms); None: a reference without a goal.
GOALS: dict[str, float | None] = {
    "姓名查询": 100.0,
    "人员详情页": 150.0,
    "乡镇工作清单": 200.0,
    "静态文件": None,
}
SLOW_SECONDS = 1.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def server(workers: int, env: dict[str, str], say: Print) -> Iterator[int]:
    """``yanglao serve --workers K`` on a free loopback port, stopped at the end."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "yanglao.cli", "serve", "--workers", str(workers), "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    error = process.stderr.read().decode() if process.stderr else ""
                    raise RuntimeError(f"服务未能启动：{error[-2000:]}") from None
                time.sleep(0.2)
        say(f"服务：http://127.0.0.1:{port}/，{workers} 个进程")
        yield port
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a server started in its own session, its workers with it (killed after 30 s)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


class Client:
    """An HTTP client with a logged-in session's cookies: a new loopback connection per request (the
    cost of a connection is far below a page's, and no request waits on a keep-alive race)."""

    def __init__(self, port: int, cookies: dict[str, str] | None = None) -> None:
        self.port = port
        self.cookies = dict(cookies or {})

    def request(self, method: str, path: str, body: dict[str, str] | None = None) -> tuple[int, str, bytes]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Connection": "close"}
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=data, headers=headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.headers.get("Location", ""), content

    def get(self, path: str) -> tuple[int, bytes]:
        status, _, content = self.request("GET", path)
        return status, content

    def follow(self, path: str) -> tuple[int, str, bytes]:
        """GET ``path`` and the redirects of this server it leads to (5 at most): the last answer and
        the path that gave it."""
        for _ in range(6):
            status, location, content = self.request("GET", path)
            target = urlparse(urljoin(path, location)) if location else None
            if status not in (301, 302, 303, 307) or target is None or target.netloc not in ("", self.host):
                break
            path = target.path + (f"?{target.query}" if target.query else "")
        return status, path, content

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def login(self, username: str, password: str) -> None:
        status, page = self.get("/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or token is None:
            raise RuntimeError(f"登录页异常（{status}）")
        status, location, _ = self.request(
            "POST",
            "/login/",
            {"csrfmiddlewaretoken": token.group(1).decode(), "username": username, "password": password},
        )
        if status != 302 or "login" in location:
            raise RuntimeError(f"{username} 登录失败（{status}）")


@dataclass
class Timings:
    seconds: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, dict[int, int]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, page: str, seconds: float, status: int) -> None:
        """A request's time and status (0: no answer); anything but 200 is an error."""
        with self.lock:
            self.seconds.setdefault(page, []).append(seconds)
            if status != 200:
                by_status = self.errors.setdefault(page, {})
                by_status[status] = by_status.get(status, 0) + 1


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def summary(timings: Timings) -> list[dict[str, Any]]:
    rows = []
    for page, goal in GOALS.items():
        values = timings.seconds.get(page, [])
        if not values:
            continue
        p95 = percentile(values, 0.95) * 1000
        rows.append(
            {
                "page": page,
                "requests": len(values),
                "errors": sum(timings.errors.get(page, {}).values()),
                "error_statuses": timings.errors.get(page, {}),
                "p50_ms": round(statistics.median(values) * 1000, 1),
                "p95_ms": round(p95, 1),
                "max_ms": round(max(values) * 1000, 1),
                "goal_p95_ms": goal,
                "met": None if goal is None else p95 <= goal and not timings.errors.get(page),
            }
        )
    return rows


def drive(
    port: int,
    sessions: dict[str, dict[str, str]],
    plan: dict[str, tuple[str, list[str]]],
    clients: int,
    requests: int,
) -> Timings:
    """``clients`` threads, each with its own connection, ask ``requests`` pages of each kind in all, in
    a shuffled mix; ``plan`` maps a page to (the session it uses, its paths)."""
    work = [page for page in plan for _ in range(requests)]
    random.Random(1).shuffle(work)
    timings = Timings()
    queue_lock = threading.Lock()

    def run(number: int) -> None:
        rng = random.Random(number)
        connections = {role: Client(port, cookies) for role, cookies in sessions.items()}
        connections[""] = Client(port)
        while True:
            with queue_lock:
                if not work:
                    return
                page = work.pop()
            role, paths = plan[page]
            started = time.perf_counter()
            try:
                status, _ = connections[role].get(rng.choice(paths))
            except (OSError, http.client.HTTPException):
                status = 0
            timings.add(page, time.perf_counter() - started, status)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings


def print_table(rows: list[dict[str, Any]], say: Print) -> None:
    say(f"{'页面':<10}{'请求':>7}{'错误':>6}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}  目标（p95）")
    for r in rows:
        goal = "（参照）" if r["goal_p95_ms"] is None else f"≤ {r['goal_p95_ms']:.0f} ms"
        verdict = "" if r["met"] is None else ("达到" if r["met"] else "未达到")
        say(
            f"{r['page']:<10}{r['requests']:>7}{r['errors']:>6}{r['p50_ms']:>9.1f}{r['p95_ms']:>9.1f}"
            f"{r['max_ms']:>9.1f}  {goal} {verdict}"
        )
        if r["errors"]:
            say(f"  {r['page']} 的错误（状态：次数）：{r['error_statuses']}")


# --- the menus --------------------------------------------------------------------------------------


class MenuLinks(HTMLParser):
    """The links inside ``<nav>`` elements, and the PDF/XLSX downloads anywhere on the page."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "nav":
            self.depth += 1
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if self.depth or re.search(r"\.(pdf|xlsx)(\?|$)", href):
                self.links.append(href)

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav" and self.depth:
            self.depth -= 1


def menu_links(page: bytes, base: str) -> list[str]:
    parser = MenuLinks()
    parser.feed(page.decode("utf-8", "replace"))
    out = []
    for href in parser.links:
        url = urlparse(urljoin(base, href))
        if url.netloc not in ("", "127.0.0.1") and not url.netloc.startswith("127.0.0.1:"):
            continue
        path = url.path + (f"?{url.query}" if url.query else "")
        if url.path.startswith(("/logout", "/static/")) or path in out:
            continue
        out.append(path)
    return out


def time_menus(port: int, logins: list[tuple[str, str, str]], say: Print) -> list[dict[str, Any]]:
    """Every role's menu pages once, two levels deep: (role, path, seconds, status)."""
    rows: list[dict[str, Any]] = []
    for label, username, password in logins:
        client = Client(port)
        client.login(username, password)
        status, home = client.get("/")
        seen = {"/"}
        queue = [(path, 1) for path in menu_links(home, "/")]
        while queue:
            path, level = queue.pop(0)
            if path in seen:
                continue
            seen.add(path)
            started = time.perf_counter()
            status, final, content = client.follow(path)  # a menu link that redirects: to its page
            seconds = time.perf_counter() - started
            row = {"role": label, "path": path, "seconds": round(seconds, 3), "status": status}
            rows.append(row if final == path else {**row, "page": final})
            seen.add(final)
            if level < 2 and status == 200 and not re.search(r"\.(pdf|xlsx)(\?|$)", path):
                queue += [(p, level + 1) for p in menu_links(content, final) if p not in seen]
        slow = [r for r in rows if r["role"] == label and r["seconds"] > SLOW_SECONDS]
        say(
            f"{label}（{username}）：{sum(1 for r in rows if r['role'] == label)} 个页面，超过 1 秒 {len(slow)} 个"
        )
    return rows
