"""``yanglao bench entitle --engine spark``: the Spark engine against the embedded one, in numbers.

The full 410721 list over ``--persons`` generated persons (default 5,000,000), Parquet to Parquet, by
the command's own entry point (:func:`~yanglao.core.engine.api.entitle_file`): the embedded engine and
``--engine spark`` in local mode (``local[*]``, the ``tasks`` path), alternating, each run a fresh
process (the Spark run pays its JVM's start, as the command does). Printed: both times (medians),
the ratio (target ≤ 2×), the processor time of each run including the JVM and the Python workers
(the machine may be shared: the load is printed beside), the Spark run's parts, and whether the two
output files are the same row for row. ``--spark-columns`` adds one run of the JVM column path
(``YANGLAO_SPARK_PATH=columns``, the engine before issue 18) for comparison.
"""

from __future__ import annotations

import os
import statistics
from pathlib import Path
from typing import Any

from yanglao.core.engine.bench import CATALOG, ON, Print, child, generate, same_rows

# Processor seconds of this process, its waited-for children and every live descendant (the JVM,
# PySpark's daemon and workers are never waited for: they are read from /proc before exit).
_CPU = """
def _cpu():
    import os, resource
    tick = os.sysconf("SC_CLK_TCK")
    parents, times = {}, {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                fields = open(f"/proc/{name}/stat").read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(name)] = int(fields[1])
            times[int(name)] = (int(fields[11]) + int(fields[12])) / tick
    family, grown = {os.getpid()}, True
    while grown:
        more = {p for p, parent in parents.items() if parent in family} - family
        grown = bool(more)
        family |= more
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    others = sum(times[p] for p in family if p != os.getpid())
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime + others
"""


def run_entitle(source: Path, target: Path, engine: str, path: str = "tasks") -> dict[str, Any]:
    """One ``entitle_file`` run in a fresh process: seconds, processor seconds, counts, Spark parts."""
    if path != "tasks":
        os.environ["YANGLAO_SPARK_PATH"] = path
    try:
        return child(
            "import json, time, datetime as dt\n"
            "t = time.perf_counter()\n"
            "from yanglao.core.engine.api import entitle_file\n"
            f"s = entitle_file({CATALOG!r}, dt.date({ON.year}, {ON.month}, {ON.day}), {str(source)!r}, "
            f"{str(target)!r}, engine={engine!r})\n"
            "seconds = time.perf_counter() - t\n"
            f"{_CPU}\n"
            "print(json.dumps({'seconds': seconds, 'cpu': _cpu(), 'persons': s.persons,"
            " 'granted': s.granted, 'errors': len(s.errors), 'timings': s.timings}))\n"
        )
    finally:
        os.environ.pop("YANGLAO_SPARK_PATH", None)


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main(
    persons: int, data_dir: Path | None, out: Print, rounds: int = 3, columns: bool = False
) -> dict[str, Any]:
    import tempfile

    folder = data_dir or Path(tempfile.gettempdir()) / "yanglao-bench-entitle"
    folder.mkdir(parents=True, exist_ok=True)
    source = generate(folder / f"persons-{persons}.parquet", persons)
    out(
        f"清单 {CATALOG} 全部项目，{persons:,} 人，Parquet → Parquet：内嵌引擎与 --engine spark（local[*]）"
        f"交替运行 {rounds} 轮（每次一个新进程；负载为 1/5/15 分钟平均）"
    )
    embedded: list[dict[str, Any]] = []
    spark: list[dict[str, Any]] = []
    for n in range(rounds):
        for engine, runs in (("embedded", embedded), ("spark", spark)):
            before = load()
            run = run_entitle(source, folder / f"{engine}-{persons}.parquet", engine)
            run["load"] = before
            runs.append(run)
            parts = "，".join(f"{k} {v:.1f}" for k, v in run["timings"].items())
            out(
                f"    第 {n + 1} 轮 {engine:8}：{run['seconds']:6.1f} s，处理器 {run['cpu']:6.1f} s，"
                f"峰值 {run['peak_mib']:.0f} MiB（负载 {before}）{('；' + parts) if parts else ''}"
            )
    same = same_rows(folder / f"embedded-{persons}.parquet", folder / f"spark-{persons}.parquet")
    emb_s = statistics.median(r["seconds"] for r in embedded)
    spark_s = statistics.median(r["seconds"] for r in spark)
    emb_cpu = statistics.median(r["cpu"] for r in embedded)
    spark_cpu = statistics.median(r["cpu"] for r in spark)
    ratios = [s["seconds"] / e["seconds"] for e, s in zip(embedded, spark, strict=True)]
    out(
        f"    中位数：内嵌 {emb_s:.1f} s，Spark {spark_s:.1f} s，倍数 {spark_s / emb_s:.2f}×"
        f"（每轮 {'、'.join(f'{r:.2f}' for r in ratios)}；目标 ≤ 2×）；处理器时间 {emb_cpu:.1f} s 对 "
        f"{spark_cpu:.1f} s（{spark_cpu / emb_cpu:.2f}×）；输出{'逐行相同' if same else '不同！'}"
        f"（{embedded[0]['granted']:,} 项次）"
    )
    results: dict[str, Any] = {
        "persons": persons,
        "embedded": embedded,
        "spark": spark,
        "ratio": spark_s / emb_s,
        "cpu_ratio": spark_cpu / emb_cpu,
        "same_rows": same,
    }
    if columns:
        before = load()
        run = run_entitle(source, folder / f"columns-{persons}.parquet", "spark", path="columns")
        same_columns = same_rows(
            folder / f"embedded-{persons}.parquet", folder / f"columns-{persons}.parquet"
        )
        out(
            f"    JVM 列表达式路径（YANGLAO_SPARK_PATH=columns，第 18 号问题之前的做法）：{run['seconds']:.1f} s，"
            f"处理器 {run['cpu']:.1f} s（负载 {before}），为内嵌的 {run['seconds'] / emb_s:.1f}×；"
            f"输出{'逐行相同' if same_columns else '不同！'}"
        )
        results["columns"] = {**run, "load": before, "same_rows": same_columns}
    return results
