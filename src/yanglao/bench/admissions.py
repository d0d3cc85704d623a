"""Ranking 100,000 applications (issue 15's speed goal: ≤ 5 s).

Synthetic applications in 扎赉特旗 (valid ID numbers, 60–100 years old, every class, tie-breakers,
couples, deaths, residents and withdrawals in plausible shares). Three figures: the set-based ranking
alone (:func:`yanglao.core.admissions.rank_frame`), the ranking with every applicant's reasons
(:func:`yanglao.core.admissions.rank`, what the web calls), and the whole command on a CSV file (read,
check every row, rank, explain, write JSON Lines). Nothing touches the database.
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from yanglao.core.admissions import Application, load_rules, rank, rank_file, rank_frame
from yanglao.core.admissions.ranking import applications_frame
from yanglao.core.exports import csv_writer
from yanglao.core.idnumber import make_id_number

GOAL_SECONDS = 5.0
ON = dt.date(2026, 6, 17)
CODE = "152223"
TOWNSHIPS = ("152223100", "152223101", "152223102", "152223200", "152223201", "152223202")


def synthetic_rows(n: int = 100_000, seed: int = 15) -> list[dict[str, Any]]:
    """``n`` application rows as a file would hold them (English field names, typed values)."""
    rng = random.Random(seed)
    rows: list[dict[str, Any]] = []
    used: set[str] = set()
    while len(rows) < n:
        birth = ON - dt.timedelta(days=rng.randint(60 * 365 + 15, 100 * 365))
        ident = make_id_number("152223", birth, rng.randrange(1000))
        if ident in used:
            continue
        used.add(ident)
        level = rng.choices([0, 1, 2, 3, 4], [40, 25, 15, 12, 8])[0]
        roll = rng.random()
        row: dict[str, Any] = {
            "id_number": ident,
            "hukou_region": rng.choice(TOWNSHIPS) + "000",
            "ability_level": level,
            "ability_assessed_on": ON - dt.timedelta(days=rng.randint(0, 450)),
            "applied_on": ON - dt.timedelta(days=rng.randint(0, 1500)),
            "wants_placement": rng.random() < 0.97,
            "status": rng.choices(["waiting", "resident", "withdrawn"], [85, 10, 5])[0],
            "tekun": "dispersed" if roll < 0.08 else None,
            "self_care_unable": level >= 2 and roll < 0.08,
            "dibao": rng.random() < 0.2,
            "disability_grade": rng.choice([1, 2, 3, 4]) if rng.random() < 0.1 else None,
            "fp_special": "bereaved" if rng.random() < 0.02 else None,
            "military_family": rng.random() < 0.03,
            "death_date": ON - dt.timedelta(days=rng.randint(0, 300)) if rng.random() < 0.02 else None,
            "partner_id_number": None,
        }
        rows.append(row)
    for i in range(0, n // 20 * 2, 2):  # one applicant in ten applies with a partner
        rows[i]["partner_id_number"] = rows[i + 1]["id_number"]
        rows[i + 1]["partner_id_number"] = rows[i]["id_number"]
    return rows


def applications(rows: list[dict[str, Any]]) -> list[Application]:
    keys = ("applied_on", "wants_placement", "status", "partner_id_number")
    return [
        Application(
            person={k: v for k, v in row.items() if k not in keys},
            applied_on=row["applied_on"],
            wants_placement=row["wants_placement"],
            status=row["status"],
            partner_id_number=row["partner_id_number"],
        )
        for row in rows
    ]


def write_csv(rows: list[dict[str, Any]], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        columns = list(rows[0])
        writer = csv_writer(handle)
        writer.writerow(columns)
        for row in rows:
            writer.writerow(
                "" if row[k] is None else (str(row[k]).lower() if isinstance(row[k], bool) else row[k])
                for k in columns
            )


def _timed(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    """The result, the wall-clock seconds and the CPU seconds of every thread of the process (Polars
    runs on several: on a busy shared machine the CPU figure says what an idle one would take)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def run(out: Callable[[str], Any] = print, n: int = 100_000) -> dict[str, Any]:
    """Generate, time the three figures, print them beside the goal; returns the numbers."""
    rules = load_rules(CODE)
    rows = synthetic_rows(n)
    apps = applications(rows)
    frame = applications_frame(apps)
    ranked, set_wall, set_cpu = _timed(lambda: rank_frame(rules, frame, ON))
    in_queue = int(ranked["in_queue"].sum())
    results, web_wall, web_cpu = _timed(lambda: rank(rules, apps, ON))
    with tempfile.TemporaryDirectory() as tmp:
        source, output = Path(tmp) / "applications.csv", Path(tmp) / "ranked.jsonl"
        write_csv(rows, source)
        (summary, _), cmd_wall, cmd_cpu = _timed(lambda: rank_file(rules, ON, source, output))
    figures = {
        "applications": n,
        "in_queue": in_queue,
        "couples_ranked_together": sum(1 for r in results if r.couple) // 2,
        "rank_seconds": round(set_wall, 3),
        "rank_cpu_seconds": round(set_cpu, 3),
        "rank_explained_seconds": round(web_wall, 3),
        "rank_explained_cpu_seconds": round(web_cpu, 3),
        "command_seconds": round(cmd_wall, 3),
        "command_cpu_seconds": round(cmd_cpu, 3),
        "command_errors": len(summary.errors),
        "goal_seconds": GOAL_SECONDS,
    }
    out(
        f"入住轮候排序（{rules.name}），{n:,} 份申请，{in_queue:,} 人在轮候队列中，{figures['couples_ranked_together']:,} 对夫妻："
    )
    out(
        f"  整体排序（Polars）                         {set_wall:6.2f} s（CPU {set_cpu:6.2f} s）  目标 ≤ {GOAL_SECONDS:.0f} s"
    )
    out(
        f"  排序并逐人解释（网页所用 rank）            {web_wall:6.2f} s（CPU {web_cpu:6.2f} s）  目标 ≤ {GOAL_SECONDS:.0f} s"
    )
    out(
        f"  命令 admissions rank（CSV 读入、逐格检查、排序、解释、写出） {cmd_wall:6.2f} s（CPU {cmd_cpu:6.2f} s）"
    )
    return figures
