"""The network and planning checks over a province-sized registry (issue 14's speed goal: ≤ 10 s).

Synthetic aggregated frames, the shape the checks are fed in production: 1,000 townships of 20 villages
(20,000 villages with points over a 10° × 6° box), 10,000 facilities (a centre in 90 % of townships,
stations in about 30 % of villages, homes, day-care centres, meal points), 20,000,000 people aged 60+
counted by village and ability level, 2,000 residential projects. Times :func:`run_checks` with the
扎赉特旗 parameters (the rules' shape is the same everywhere). Nothing touches the database.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from typing import Any

import polars as pl

from yanglao.core.facilities.checks import Inputs, run_checks
from yanglao.core.facilities.params import rules_for

GOAL_SECONDS = 10.0
ON = dt.date(2026, 6, 17)


def synthetic_inputs(
    *,
    townships: int = 1_000,
    villages_per: int = 20,
    facilities: int = 10_000,
    people: int = 20_000_000,
    seed: int = 14,
) -> Inputs:
    rng = random.Random(seed)
    t_codes = [f"15{i // 100:02d}{i % 100:02d}{100 + i % 100:03d}000" for i in range(townships)]
    t_points = [(rng.uniform(110.0, 120.0), rng.uniform(40.0, 46.0)) for _ in range(townships)]
    v_codes: list[str] = []
    v_points: list[tuple[float, float]] = []
    for t, (lon, lat) in enumerate(t_points):
        for j in range(villages_per):
            v_codes.append(f"{t_codes[t][:9]}{1 + j:03d}")
            v_points.append((lon + rng.gauss(0, 0.05), lat + rng.gauss(0, 0.04)))
    n_villages = len(v_codes)
    villages = pl.DataFrame(
        {"code": v_codes, "name": v_codes, "lon": [p[0] for p in v_points], "lat": [p[1] for p in v_points]}
    )
    rows: list[tuple[str, str, int, float, float]] = []  # kind, region, beds, lon, lat
    for t in rng.sample(range(townships), int(townships * 0.9)):
        rows.append(("regional_centre", t_codes[t], 20, *t_points[t]))
    n_stations = min(int(n_villages * 0.3), facilities - len(rows) - 2_000)
    for v in rng.sample(range(n_villages), n_stations):
        lon, lat = v_points[v]
        rows.append(("village_station", v_codes[v], 0, lon + rng.gauss(0, 0.002), lat + rng.gauss(0, 0.002)))
    kinds = ["public_home", "private_home", "day_care", "meal_point", "mutual_aid"]
    while len(rows) < facilities:
        t = rng.randrange(townships)
        kind = rng.choices(kinds, weights=[15, 25, 20, 30, 10])[0]
        beds = rng.randint(20, 200) if kind in ("public_home", "private_home") else 0
        rows.append((kind, t_codes[t], beds, *t_points[t]))
    facility_frame = pl.DataFrame(
        {
            "id": list(range(1, len(rows) + 1)),
            "name": [f"设施{i}" for i in range(len(rows))],
            "kind": [r[0] for r in rows],
            "region": [r[1] for r in rows],
            "beds": [r[2] for r in rows],
            "nursing_beds": [int(r[2] * rng.uniform(0.3, 0.8)) for r in rows],
            "lon": [r[3] for r in rows],
            "lat": [r[4] for r in rows],
            "status": ["open"] * len(rows),
        }
    )
    raw = [rng.expovariate(1.0) for _ in range(n_villages)]
    scale = people / sum(raw)
    shares = (0.6, 0.2, 0.1, 0.06, 0.04)
    elders = pl.DataFrame(
        {
            "village": [c for c in v_codes for _ in shares],
            "level": [lv for _ in v_codes for lv in range(5)],
            "people": [round(w * scale * s) for w in raw for s in shares],
        }
    )
    n_projects = 2_000

    def day() -> dt.date:
        return ON - dt.timedelta(days=rng.randint(-400, 800))

    projects = pl.DataFrame(
        {
            "name": [f"小区{i}" for i in range(n_projects)],
            "region": [rng.choice(v_codes) for _ in range(n_projects)],
            "households": [rng.randint(200, 5_000) for _ in range(n_projects)],
            "area_kind": [rng.choice(["new", "existing"]) for _ in range(n_projects)],
            "required_area": [rng.uniform(100, 1_200) for _ in range(n_projects)],
            "delivered_area": [rng.uniform(0, 1_200) for _ in range(n_projects)],
            "site_count": [rng.randint(0, 2) for _ in range(n_projects)],
            "phases": [rng.randint(1, 3) for _ in range(n_projects)],
            "delivery_phase": [rng.randint(1, 2) for _ in range(n_projects)],
            "first_phase_handover": [day() for _ in range(n_projects)],
            "handover_date": [day() for _ in range(n_projects)],
        }
    )
    return Inputs(
        on=ON,
        county_code="150000",
        county_name="合成省份",
        townships=pl.DataFrame({"code": t_codes, "name": t_codes}),
        villages=villages,
        facilities=facility_frame,
        elders=elders,
        tekun_unable=int(people * 0.004),
        projects=projects,
    )


def run(out: Callable[[str], Any] = print) -> dict[str, Any]:
    """Generate the frames, run every check, print the figure beside the goal; returns the numbers."""
    rules = rules_for("152223")
    assert rules is not None
    started = time.perf_counter()
    inputs = synthetic_inputs()
    generated = time.perf_counter() - started
    started = time.perf_counter()
    results = run_checks(inputs, rules)
    seconds = time.perf_counter() - started
    people = int(inputs.elders["people"].sum())
    timings: dict[str, float] = {}
    from yanglao.core.facilities.checks import CHECK_FUNCTIONS

    for name, fn in CHECK_FUNCTIONS.items():
        t = time.perf_counter()
        fn(inputs, rules)
        timings[name] = round(time.perf_counter() - t, 3)
    out(
        f"设施网络与规划检查：{inputs.facilities.height:,} 个设施、{inputs.villages.height:,} 个村、"
        f"{people:,} 名60周岁及以上老年人（按村汇总）、{inputs.projects.height:,} 个配建项目"
    )
    out(f"  生成数据 {generated:.2f} 秒；全部检查 {seconds:.2f} 秒（目标 ≤ {GOAL_SECONDS:g} 秒）")
    for name, t in timings.items():
        out(f"    {name:<22} {t:.3f} 秒")
    return {
        "facilities": inputs.facilities.height,
        "villages": inputs.villages.height,
        "people": people,
        "projects": inputs.projects.height,
        "generate_seconds": round(generated, 3),
        "check_seconds": round(seconds, 3),
        "goal_seconds": GOAL_SECONDS,
        "per_check_seconds": timings,
        "failing": {r.check: len(r.failing) for r in results},
    }
