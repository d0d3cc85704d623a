"""Issue 10 item 6: a command-line import killed half-way leaves no orphan process (which would keep the
parent's database connection, its COPY and its locks), and the next import succeeds. Since issue 18 the
rows are checked column-wise in the import's own process (no parsing workers): none may be left either."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from yanglao.core.idnumber import make_id_number

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def children_of(pid: int) -> set[int]:
    """Processes whose parent is ``pid`` (read from /proc: psutil is not installed)."""
    out = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            out.add(int(entry.name))
    return out


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def feed(path: Path, rows: int) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        handle.write("id_number,name,living_arrangement\n")
        for n in range(rows):
            birth = dt.date(1930, 1, 1) + dt.timedelta(days=n % 9000)
            handle.write(f"{make_id_number('152223', birth, n // 9000 + 1)},老人{n},独居\n")
    return path


def yanglao(env: dict[str, str], *args: str) -> list[str]:
    return [sys.executable, "-m", "yanglao.cli", *args]


def test_killing_the_import_kills_its_workers_and_the_next_import_succeeds(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "YANGLAO_HOME": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "yanglao.settings",
    }
    subprocess.run(yanglao(env, "migrate", "-v", "0"), env=env, check=True, timeout=300)
    big = feed(tmp_path / "big.csv", 400_000)
    parent = subprocess.Popen(
        yanglao(env, "import", "persons", str(big), "--source", "旗民政局", "--json"),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(2.5)  # well into the file
    assert parent.poll() is None, "the import ended before it could be killed: use a bigger file"
    children = children_of(parent.pid)

    parent.send_signal(signal.SIGKILL)
    parent.wait()

    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.1)
    survivors = [pid for pid in children if alive(pid)]
    for pid in survivors:  # never leave them behind, even when the test fails
        os.kill(pid, signal.SIGKILL)
    assert survivors == []
    small = feed(tmp_path / "small.csv", 50)
    again = subprocess.run(
        yanglao(env, "import", "persons", str(small), "--source", "旗民政局"),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("新增 50，")
