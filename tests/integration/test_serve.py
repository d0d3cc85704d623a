"""``yanglao serve --workers 2`` for real: a master and two worker processes on a free port answer a page
and a static file (served by the application itself), and stop with the master."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from yanglao.web.management.commands.serve import default_workers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return int(response.status), bytes(response.read())


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(p) for p in (task / "children").read_text().split()]
    return found


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    if sys.platform != "linux":
        pytest.skip("gunicorn's pre-fork server runs on Linux")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG")}
    env["YANGLAO_HOME"] = str(tmp_path)  # the embedded database: the login page reads no table
    process = subprocess.Popen(
        [sys.executable, "-m", "yanglao.cli", "serve", "--workers", "2", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    output = process.stdout.read().decode() if process.stdout else ""
                    pytest.fail(f"the server did not start: {output}")
                time.sleep(0.2)
        yield url, process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)


def test_it_serves_a_page_and_the_static_css_from_two_worker_processes(
    server: tuple[str, subprocess.Popen[bytes]],
) -> None:
    url, process = server
    status, body = get(url + "/login/")
    assert status == 200
    assert "登录" in body.decode()
    status, css = get(url + "/static/stats/stats.css")
    assert status == 200
    assert b"{" in css
    deadline = time.monotonic() + 20
    while len(children(process.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(children(process.pid)) == 2  # the gunicorn master and its two workers


def test_the_master_stops_its_workers(server: tuple[str, subprocess.Popen[bytes]]) -> None:
    url, process = server
    assert get(url + "/login/")[0] == 200
    workers = children(process.pid)
    assert workers
    process.send_signal(signal.SIGTERM)  # the master alone
    assert process.wait(timeout=30) == 0
    for pid in workers:
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text()


def test_the_default_is_the_cpus_and_at_least_two() -> None:
    assert default_workers() >= 2
    assert default_workers() >= len(os.sched_getaffinity(0))


def test_with_debug_on_it_refuses_an_address_other_than_loopback(settings: Any) -> None:
    settings.DEBUG = True
    with pytest.raises(CommandError, match="DEBUG=true"):
        call_command("serve", host="0.0.0.0", workers=2)
