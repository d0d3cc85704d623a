"""The three-way match over a prefecture's month (issue 16's speed goal: 1,000,000 claim lines against
2,000,000 check-ins in ≤ 60 s on the embedded engine, memory ≤ 4 GB).

A generated month (:mod:`yanglao.core.services.generate`: every person a meal plan of 20 meals and a
cleaning plan of 4 two-hour visits, every claim line checked in, as many unclaimed check-ins again, the
planted anomalies of every reason) is written as CSV files once and kept in the data directory; then
``yanglao services match`` runs on them in a fresh process, with persons and stays, and its wall time
and peak resident memory (``ru_maxrss`` of the child) are the figures. Nothing touches the database.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from yanglao.core.services.generate import CLEANING_VISITS, MEALS, generate

GOAL_SECONDS = 60.0
GOAL_MB = 4096.0
MONTH = dt.date(2026, 5, 1)
FILES = ("persons", "plans", "claims", "checkins", "stays", "settled")


def prepare(folder: Path, claim_lines: int, out: Callable[[str], Any]) -> dict[str, int]:
    """The month's files in ``folder`` (kept: made again only for another size)."""
    marker = folder / "size.json"
    if marker.exists() and json.loads(marker.read_text())["target"] == claim_lines:
        sizes: dict[str, int] = json.loads(marker.read_text())["sizes"]
        return sizes
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    month = generate(claim_lines // (MEALS + CLEANING_VISITS), MONTH, seed=16, providers=40, plant=True)
    sizes = {}
    for name in FILES:
        frame = getattr(month, name)
        frame.write_csv(folder / f"{name}.csv")
        sizes[name] = frame.height
    marker.write_text(json.dumps({"target": claim_lines, "sizes": sizes}))
    out(
        f"  生成数据 {time.perf_counter() - started:.1f} 秒："
        + "，".join(f"{k} {v:,} 行" for k, v in sizes.items())
    )
    return sizes


def run_match(folder: Path, output: Path) -> dict[str, Any]:
    argv = ["match", "--catalog", "152223", "--month", f"{MONTH:%Y-%m}", "--output", str(output)]
    for name in FILES[:4]:
        argv += [f"--{name}", str(folder / f"{name}.csv")]
    argv += ["--stays", str(folder / "stays.csv"), "--settled", str(folder / "settled.csv")]
    code = "import sys; from yanglao.core.services.cli import main; sys.exit(main(sys.argv[1:]))"
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before, cpu_before = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, *argv],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        check=False,
    )
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise RuntimeError(f"services match failed ({done.returncode}): {done.stderr[-2000:]}")
    return {
        "seconds": seconds,
        "cpu_seconds": usage.ru_utime + usage.ru_stime - cpu_before,
        "peak_mb": max(usage.ru_maxrss, before) / 1024,
        "summary": done.stderr.strip().splitlines()[-1],
    }


def run(
    out: Callable[[str], Any] = print, claim_lines: int = 1_000_000, data_dir: Path | None = None
) -> dict[str, Any]:
    """Generate (or reuse) the month, run the match, print the figures beside the goals."""
    folder = data_dir or Path(tempfile.gettempdir()) / "yanglao-bench-services"
    out(f"三方核对基准：{claim_lines:,} 行申报明细（内嵌引擎 Polars，{os.cpu_count()} 核）")
    sizes = prepare(folder, claim_lines, out)
    measured = run_match(folder, folder / "result.jsonl")
    out(
        f"  申报明细 {sizes['claims']:,} 行、签到 {sizes['checkins']:,} 行、服务计划 {sizes['plans']:,} 个、"
        f"人员 {sizes['persons']:,} 人"
    )
    out(
        f"  核对（读文件、核对、写 JSON Lines）{measured['seconds']:.1f} 秒（目标 ≤ {GOAL_SECONDS:g} 秒）；"
        f"峰值内存 {measured['peak_mb']:,.0f} MB（目标 ≤ {GOAL_MB:,.0f} MB）"
    )
    out(
        f"  其中处理器时间 {measured['cpu_seconds']:.1f} 秒；机器负载 {os.getloadavg()[0]:.1f}（其他进程多时墙钟时间变长）"
    )
    out(f"  {measured['summary']}")
    return {
        "claim_lines": sizes["claims"],
        "checkins": sizes["checkins"],
        "plans": sizes["plans"],
        "persons": sizes["persons"],
        "seconds": round(float(measured["seconds"]), 2),
        "cpu_seconds": round(float(measured["cpu_seconds"]), 2),
        "load": round(os.getloadavg()[0], 1),
        "goal_seconds": GOAL_SECONDS,
        "peak_mb": round(float(measured["peak_mb"]), 1),
        "goal_mb": GOAL_MB,
        "summary": measured["summary"],
    }
