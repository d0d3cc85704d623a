"""The fund-fraud checks over a province's month (issue 17's speed goal: 20 M people, 5 M payment lines,
2 M home-service lines in ≤ 2 minutes on the embedded engine).

A generated month (:mod:`yanglao.core.supervision.generate`: every check's case occurring at a known
rate) is written once as typed Parquet files (as a province's job would receive them after the file
interface's checks) and kept in the data directory; then the checks run in a fresh process — read the
four frames, run the six checks, write the findings as JSON Lines — and its wall time and peak resident
memory (``ru_maxrss`` of the child) are the figures. Nothing touches the database. The size is scaled by
``scale`` (1.0 = the province); the time of a smaller run is extrapolated linearly and said so.
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

GOAL_SECONDS = 120.0
MONTH = dt.date(2026, 5, 1)
PROVINCE = {"persons": 20_000_000, "payments": 5_000_000, "services": 2_000_000}
KINDS = ("persons", "payments", "services", "residents")

_CHILD = """
import json, sys, time
from pathlib import Path
import polars as pl
from yanglao.core.supervision import api
from yanglao.core.supervision.params import load
import datetime as dt
folder = Path(sys.argv[1])
started = time.perf_counter()
frames = {k: pl.read_parquet(folder / f"{k}.parquet") for k in ("persons", "payments", "services", "residents")}
read = time.perf_counter() - started
settings = load(dt.date.fromisoformat(sys.argv[2]))
findings = api.run_polars(settings, frames)
checked = time.perf_counter() - started - read
records = api.records(findings, settings)
with open(folder / "findings.jsonl", "w", encoding="utf-8") as handle:
    for r in records:
        handle.write(json.dumps(r, ensure_ascii=False) + "\\n")
counts = findings.group_by("check").len().sort("check").rows()
print(json.dumps({"read": read, "checks": checked, "findings": dict(counts)}))
"""


def prepare(folder: Path, sizes: dict[str, int], out: Callable[[str], Any]) -> dict[str, int]:
    from yanglao.core.supervision import generate

    marker = folder / "size.json"
    if marker.exists() and json.loads(marker.read_text())["target"] == sizes:
        made: dict[str, int] = json.loads(marker.read_text())["sizes"]
        return made
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    month = generate.month(sizes["persons"], sizes["payments"], sizes["services"], MONTH, seed=17)
    made = {}
    for kind in KINDS:
        frame = month[kind]
        assert frame is not None
        frame.write_parquet(folder / f"{kind}.parquet")
        made[kind] = frame.height
    del month
    marker.write_text(json.dumps({"target": sizes, "sizes": made}))
    out(
        f"  生成数据 {time.perf_counter() - started:.1f} 秒："
        + "，".join(f"{k} {v:,} 行" for k, v in made.items())
    )
    return made


def run_checks(folder: Path) -> dict[str, Any]:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before, cpu_before = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(folder), MONTH.isoformat()],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        check=False,
    )
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"fraud checks failed ({done.returncode}): {done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result.update(
        seconds=seconds,
        cpu_seconds=usage.ru_utime + usage.ru_stime - cpu_before,
        peak_mb=max(usage.ru_maxrss, before) / 1024,
    )
    return result


def run(
    out: Callable[[str], Any] = print, scale: float = 1.0, data_dir: Path | None = None
) -> dict[str, Any]:
    """Generate (or reuse) the month, run the checks, print the figures beside the goal."""
    sizes = {k: max(1000, int(v * scale)) for k, v in PROVINCE.items()}
    folder = data_dir or Path(tempfile.gettempdir()) / "yanglao-bench-fraud"
    out(
        f"资金核查基准：人员 {sizes['persons']:,}、发放明细 {sizes['payments']:,}、居家服务明细 {sizes['services']:,}"
        f"（内嵌引擎 Polars，{os.cpu_count()} 核）"
    )
    made = prepare(folder, sizes, out)
    measured = run_checks(folder)
    province = measured["seconds"] / scale
    out(
        f"  核查（读 Parquet {measured['read']:.1f} 秒、六项核查 {measured['checks']:.1f} 秒、写 JSON Lines）"
        f"共 {measured['seconds']:.1f} 秒；峰值内存 {measured['peak_mb']:,.0f} MB"
    )
    if scale != 1.0:
        out(f"  按规模线性外推到全省（×{1 / scale:g}）：约 {province:.0f} 秒（目标 ≤ {GOAL_SECONDS:g} 秒）")
    else:
        out(f"  目标 ≤ {GOAL_SECONDS:g} 秒")
    out(f"  处理器时间 {measured['cpu_seconds']:.1f} 秒；机器负载 {os.getloadavg()[0]:.1f}")
    out("  发现：" + "，".join(f"{k} {v:,}" for k, v in measured["findings"].items()))
    return {
        **{k: made[k] for k in KINDS},
        "scale": scale,
        "seconds": round(float(measured["seconds"]), 2),
        "read_seconds": round(float(measured["read"]), 2),
        "check_seconds": round(float(measured["checks"]), 2),
        "province_seconds": round(float(province), 1),
        "cpu_seconds": round(float(measured["cpu_seconds"]), 2),
        "peak_mb": round(float(measured["peak_mb"]), 1),
        "goal_seconds": GOAL_SECONDS,
        "findings": measured["findings"],
    }
