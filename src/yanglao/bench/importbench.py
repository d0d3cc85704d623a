"""``yanglao bench import``: import a million-row person file into SQLite and PostgreSQL, then search.

Each import runs as a child process (``yanglao import persons``) on a fresh database, so its wall time
and peak memory (the child's maximum resident set) are its own. Search is measured on the PostgreSQL
database afterwards: by ID number and by name, through the scoped, audited access function, as a
county caseworker of 扎赉特旗 would search.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from yanglao.core.idnumber import make_id_number

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "国建军明华志德文清福海林永春成秀兰英桂芳玉珍凤淑"
COLUMNS = [
    "id_number",
    "name",
    "sex",
    "birth_date",
    "hukou_region",
    "living_arrangement",
    "dibao",
    "tekun",
    "ability_level",
    "ability_assessed_on",
    "disability_grade",
    "fp_special",
    "pension_scheme",
]
Print = Callable[[str], None]


def write_person_file(path: Path, rows: int, seed: int = 42) -> list[tuple[str, str]]:
    """A person-record CSV of ``rows`` people of 扎赉特旗. Returns a sample of (ID number, name)."""
    rng = random.Random(seed)
    villages = [
        f"152223{t:03d}{v:03d}" for t in (100, 101, 102, 103, 104, 105, 200, 201) for v in range(200, 220)
    ]
    today = dt.date(2026, 1, 1)
    sample: list[tuple[str, str]] = []
    used: set[str] = set()
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for i in range(rows):
            while True:
                birth = today - dt.timedelta(days=rng.randrange(60 * 365, 100 * 365))
                ident = make_id_number("152223", birth, rng.randrange(1000))
                if ident not in used:
                    used.add(ident)
                    break
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
            level = rng.choice(("", "", "", "0", "1", "2", "3", "4"))
            writer.writerow(
                [
                    ident,
                    name,
                    "",
                    "",
                    rng.choice(villages),
                    rng.choice(("with_family", "alone", "empty_nest", "left_behind")),
                    rng.choice(("true", "false", "false", "false", "")),
                    rng.choice(("none", "none", "none", "dispersed")),
                    level,
                    (today - dt.timedelta(days=rng.randrange(365))).isoformat() if level else "",
                    rng.choice(("", "", "", "", "1", "2", "3", "4")),
                    "none",
                    rng.choice(("urban_rural", "employee")),
                ]
            )
            if i % max(rows // 500, 1) == 0:
                sample.append((ident, name[:2]))
    return sample


def run_import(path: Path, env: dict[str, str]) -> dict[str, float]:
    """Migrate, then import in a child process; wall time and the child's peak RSS."""
    subprocess.run([sys.executable, "-m", "yanglao.cli", "migrate", "-v", "0"], env=env, check=True)
    started = time.monotonic()
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "yanglao.cli",
            "import",
            "persons",
            str(path),
            "--json",
            "--source",
            "旗民政局",
        ],
        env=env,
        stdout=subprocess.PIPE,
    )
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.monotonic() - started
    output = child.stdout.read() if child.stdout else b""
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise RuntimeError(f"import failed: {output[:500]!r}")
    # Worker processes that parse in parallel are the child's children: their CPU time is not in
    # ``usage`` (only the import process itself); wall time is what the goal is about.
    return {
        "seconds": elapsed,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "peak_mb": usage.ru_maxrss / 1024,
    }


def search_latency(env: dict[str, str], sample: list[tuple[str, str]]) -> dict[str, float]:
    """p50/p95 of searches by ID number and by name in a child process on that database."""
    code = (
        "import json,sys,time\n"
        "import django; django.setup()\n"
        "from django.test import RequestFactory\n"
        "from yanglao.accounts.models import Role, User\n"
        "from yanglao.regions.models import Region\n"
        "from yanglao.registry.access import access_persons_by_search\n"
        "user, _ = User.objects.get_or_create(username='bench', defaults={'role': Role.COUNTY,"
        " 'region': Region.objects.get(code='152223')})\n"
        "sample = json.load(sys.stdin)\n"
        "times = {'id': [], 'name': []}\n"
        "for ident, name in sample:\n"
        "    for kind, query in (('id', ident), ('name', name)):\n"
        "        request = RequestFactory().get('/persons/', {'q': query}); request.user = user\n"
        "        t = time.perf_counter(); access_persons_by_search(request, query)\n"
        "        times[kind].append((time.perf_counter() - t) * 1000)\n"
        "print(json.dumps(times))\n"
    )
    import json

    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "DJANGO_SETTINGS_MODULE": "yanglao.settings"},
        input=json.dumps(sample),
        capture_output=True,
        text=True,
        check=True,
    )
    times = json.loads(result.stdout)
    out: dict[str, float] = {}
    for kind, values in times.items():
        values.sort()
        out[f"{kind}_p50_ms"] = statistics.median(values)
        out[f"{kind}_p95_ms"] = values[int(len(values) * 0.95) - 1]
    return out


def main(rows: int, databases: list[str], pg_url: str, echo: Print, keep: bool = False) -> dict[str, Any]:
    results: dict[str, Any] = {"rows": rows}
    with tempfile.TemporaryDirectory(prefix="yanglao-bench-") as tmp:
        folder = Path(tmp)
        path = folder / "persons.csv"
        started = time.monotonic()
        sample = write_person_file(path, rows)
        echo(
            f"生成 {rows:,} 行人员文件：{time.monotonic() - started:.1f} 秒，{path.stat().st_size / 1e6:.0f} MB"
        )
        base_env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        for database in databases:
            env = {**base_env, "YANGLAO_HOME": str(folder / database)}
            if database == "postgresql":
                name = f"yanglao_bench_{os.getpid()}"
                admin = pg_url.rsplit("/", 1)[0] + "/postgres"
                _psql(admin, f'DROP DATABASE IF EXISTS "{name}"')
                _psql(admin, f'CREATE DATABASE "{name}"')
                env["DATABASE_URL"] = pg_url.rsplit("/", 1)[0] + f"/{name}"
            numbers = run_import(path, env)
            echo(
                f"导入 {database:<10}：{numbers['seconds']:7.1f} 秒（{rows / numbers['seconds']:,.0f} 行/秒），"
                f"主进程 CPU {numbers['cpu_seconds']:.0f} 秒，峰值内存 {numbers['peak_mb']:,.0f} MB"
            )
            if database == "postgresql":
                latency = search_latency(env, sample)
                numbers.update(latency)
                echo(
                    f"查询 {database:<10}：身份证号码 p50 {latency['id_p50_ms']:.1f} ms，p95 {latency['id_p95_ms']:.1f} ms；"
                    f"姓名 p50 {latency['name_p50_ms']:.1f} ms，p95 {latency['name_p95_ms']:.1f} ms（{len(sample)} 次）"
                )
                if not keep:
                    _psql(admin, f'DROP DATABASE IF EXISTS "{name}"')
            results[database] = numbers
    return results


def _psql(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.encode())
