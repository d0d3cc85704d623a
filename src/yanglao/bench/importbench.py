"""``yanglao bench import``: the project's import beside the set-based reference (bench/importref.py).

Three cases, each a whole process on PostgreSQL (issue 18 goal 2): a first load of N rows into an empty
registry, an unchanged re-import of the same file, an update feed of 20,000 rows (changed fields, a
later data date, the same department). The project (``yanglao import persons``) and the reference
(``python -m yanglao.bench.importref``) each run on a fresh copy of one migrated database, in
alternating order, twice; the figures are the medians, the ratios project ÷ reference. Their counts
(created, updated, unchanged, errors) are checked equal. SQLite runs the project alone, once. Search is
measured on the project's PostgreSQL database afterwards: by ID number and by name, through the scoped,
audited access function, as a county caseworker of 扎赉特旗 would search.
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


FEED_ROWS = 20_000
FIRST_DAY, FEED_DAY = "2026-01-01", "2026-02-01"
CASES = (("first", "首次导入"), ("unchanged", "原文件重新导入"), ("feed", "更新 2 万行"))


def write_feed(first: Path, path: Path, rows: int, seed: int = 7) -> None:
    """``rows`` lines of ``first`` (spread over it) with the living arrangement, 低保 and ability level changed."""
    with first.open(encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    header, body = lines[0], lines[1:]
    step = max(len(body) // rows, 1)
    rng = random.Random(seed)
    out = [header]
    for line in body[::step][:rows]:
        cells = line.split(",")
        cells[5] = rng.choice(("with_family", "alone", "empty_nest", "left_behind"))
        cells[6] = "true" if cells[6] != "true" else "false"
        cells[8] = rng.choice(("0", "1", "2", "3", "4"))
        cells[9] = FEED_DAY
        out.append(",".join(cells))
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def timed(command: list[str], env: dict[str, str]) -> dict[str, Any]:
    """Run ``command``; its wall time, its peak resident memory and its last line of output."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        child = subprocess.Popen(command, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.monotonic() - started
        out.seek(0)
        err.seek(0)
        if os.waitstatus_to_exitcode(status) not in (0, 1):
            raise RuntimeError(f"{command[:4]} failed: {err.read()[-800:]!r}")
        lines = out.read().decode().strip().splitlines()[-1:]
    return {"seconds": elapsed, "output": lines, "peak_mb": usage.ru_maxrss / 1024}


def project_command(path: Path, as_of: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "yanglao.cli",
        "import",
        "persons",
        str(path),
        "--source",
        "旗民政局",
        "--as-of",
        as_of,
        "--json",
    ]


def reference_command(url: str, path: Path, as_of: str) -> list[str]:
    return [sys.executable, "-m", "yanglao.bench.importref", url, str(path), "旗民政局", as_of]


def counts(side: str, output: list[str]) -> tuple[int, int, int, int]:
    """(created, updated, unchanged, errors) from either program's output."""
    text = output[0] if output else ""
    if side == "project":
        import json

        data = json.loads(text)
        return data["created"], data["updated"], data["unchanged"], data["errors_total"]
    import re

    numbers = [int(n) for n in re.findall(r"\d+", text)]
    return numbers[0], numbers[1], numbers[2], numbers[3]


def run_cases(side: str, files: dict[str, Path], env: dict[str, str]) -> dict[str, dict[str, Any]]:
    """The three cases in order on one fresh database: first load, unchanged re-import, update feed."""
    url = env.get("DATABASE_URL", "")
    out: dict[str, dict[str, Any]] = {}
    for case, path, as_of in (
        ("first", files["first"], FIRST_DAY),
        ("unchanged", files["first"], FIRST_DAY),
        ("feed", files["feed"], FEED_DAY),
    ):
        command = project_command(path, as_of) if side == "project" else reference_command(url, path, as_of)
        measured = timed(command, env)
        measured["counts"] = counts(side, measured.pop("output"))
        out[case] = measured
    return out


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
    results: dict[str, Any] = {"rows": rows, "feed_rows": FEED_ROWS}
    with tempfile.TemporaryDirectory(prefix="yanglao-bench-") as tmp:
        folder = Path(tmp)
        files = {"first": folder / "persons.csv", "feed": folder / "feed.csv"}
        started = time.monotonic()
        sample = write_person_file(files["first"], rows)
        write_feed(files["first"], files["feed"], min(FEED_ROWS, rows))
        echo(
            f"生成 {rows:,} 行人员文件：{time.monotonic() - started:.1f} 秒，{files['first'].stat().st_size / 1e6:.0f} MB"
        )
        base_env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        if "postgresql" in databases:
            results["postgresql"] = compare_on_postgresql(files, base_env, folder, pg_url, echo, sample, keep)
        if "sqlite" in databases:
            env = {**base_env, "YANGLAO_HOME": str(folder / "sqlite")}
            subprocess.run([sys.executable, "-m", "yanglao.cli", "migrate", "-v", "0"], env=env, check=True)
            measured = run_cases("project", files, env)
            results["sqlite"] = {
                case: {"seconds": m["seconds"], "peak_mb": m["peak_mb"]} for case, m in measured.items()
            }
            pg = results.get("postgresql", {}).get("project", {})
            for case, label in CASES:
                slower = (
                    f"，PostgreSQL 的 {measured[case]['seconds'] / pg[case]:.1f} 倍" if case in pg else ""
                )
                echo(
                    f"SQLite {label:<10}：项目 {measured[case]['seconds']:7.1f} 秒{slower}，"
                    f"峰值内存 {measured[case]['peak_mb']:,.0f} MB"
                )
    return results


def compare_on_postgresql(
    files: dict[str, Path],
    base_env: dict[str, str],
    folder: Path,
    pg_url: str,
    echo: Print,
    sample: list[tuple[str, str]],
    keep: bool,
    rounds: int = 2,
) -> dict[str, Any]:
    """Project and reference, alternating, each round on fresh copies of one migrated database."""
    admin = pg_url.rsplit("/", 1)[0] + "/postgres"
    template = f"yanglao_bench_{os.getpid()}_t"
    _psql(admin, f'DROP DATABASE IF EXISTS "{template}"')
    _psql(admin, f'CREATE DATABASE "{template}"')
    env = {
        **base_env,
        "YANGLAO_HOME": str(folder / "pg"),
        "DATABASE_URL": pg_url.rsplit("/", 1)[0] + f"/{template}",
    }
    subprocess.run([sys.executable, "-m", "yanglao.cli", "migrate", "-v", "0"], env=env, check=True)
    times: dict[str, dict[str, list[float]]] = {"project": {}, "reference": {}}
    peaks: dict[str, dict[str, float]] = {"project": {}, "reference": {}}
    seen: dict[str, dict[str, tuple[int, int, int, int]]] = {}
    last_project = ""
    for round_ in range(rounds):
        order = ("project", "reference") if round_ % 2 == 0 else ("reference", "project")
        for side in order:
            name = f"yanglao_bench_{os.getpid()}_{side[0]}{round_}"
            _psql(admin, f'DROP DATABASE IF EXISTS "{name}"')
            _psql(admin, f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            side_env = {**env, "DATABASE_URL": pg_url.rsplit("/", 1)[0] + f"/{name}"}
            measured = run_cases(side, files, side_env)
            for case, m in measured.items():
                times[side].setdefault(case, []).append(m["seconds"])
                peaks[side][case] = max(peaks[side].get(case, 0.0), m["peak_mb"])
                seen.setdefault(case, {})[side] = m["counts"]
            echo(
                f"第 {round_ + 1} 轮 {'项目' if side == 'project' else '参照'}："
                + "，".join(f"{label} {measured[c]['seconds']:.1f} 秒" for c, label in CASES)
            )
            if side == "project":
                if last_project:
                    _psql(admin, f'DROP DATABASE IF EXISTS "{last_project}"')
                last_project = name
            else:
                _psql(admin, f'DROP DATABASE IF EXISTS "{name}"')
    out: dict[str, Any] = {"project": {}, "reference": {}, "ratio": {}, "same_counts": {}, "peak_mb": peaks}
    echo(
        f"{'PostgreSQL':<16}{'项目（中位数）':>12}{'参照（中位数）':>12}{'倍数':>8}  计数（新增、更新、无变化、错误）"
    )
    for case, label in CASES:
        project, reference = (
            statistics.median(times["project"][case]),
            statistics.median(times["reference"][case]),
        )
        same = seen[case]["project"] == seen[case]["reference"]
        out["project"][case], out["reference"][case] = project, reference
        out["ratio"][case], out["same_counts"][case] = project / reference, same
        echo(
            f"{label:<16}{project:>10.1f} 秒{reference:>10.1f} 秒{project / reference:>8.2f}  "
            f"{seen[case]['project']} {'一致' if same else '不一致：参照 ' + str(seen[case]['reference'])}"
        )
    echo(
        "峰值内存（MB，项目/参照）："
        + "，".join(f"{label} {peaks['project'][c]:,.0f}/{peaks['reference'][c]:,.0f}" for c, label in CASES)
    )
    project_env = {**env, "DATABASE_URL": pg_url.rsplit("/", 1)[0] + f"/{last_project}"}
    latency = search_latency(project_env, sample)
    out["search"] = latency
    echo(
        f"查询 PostgreSQL：身份证号码 p50 {latency['id_p50_ms']:.1f} ms，p95 {latency['id_p95_ms']:.1f} ms；"
        f"姓名 p50 {latency['name_p50_ms']:.1f} ms，p95 {latency['name_p95_ms']:.1f} ms（{len(sample)} 次）"
    )
    if not keep:
        _psql(admin, f'DROP DATABASE IF EXISTS "{last_project}"')
    _psql(admin, f'DROP DATABASE IF EXISTS "{template}"')
    return out


def _psql(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.encode())
