"""``yanglao bench entitle``: the entitlement engine's speed and memory, in numbers.

1. The full 410721 list over 1,000,000 generated persons, Parquet to Parquet, against a hand-written
   Polars program of the same rules, the same column-wise validation (:func:`hand_validate`) and the
   same output rows over the same file (:func:`hand_query`): both times in alternating runs (the
   machine may be shared) and the ratio of the medians (target ≤ 1.3×); the outputs must be the same.
2. 20,000,000 persons (``--persons``) from Parquet: wall time and the peak resident memory of the
   process that evaluates them (targets ≤ 45 s, ≤ 2 GiB).
3. One person's explanation by the reference evaluator: median and 95th percentile (target ≤ 2 ms).

Each run is a child process (``os.wait4`` gives its own peak RSS). Generated files are kept in
``--data-dir`` and reused. Persons are synthetic: ID numbers of 新乡县 and neighbouring counties with
valid check characters, ages 60-104, benefits drawn with plausible rates.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl

Print = Callable[[str], None]
ON = dt.date(2024, 7, 1)
CATALOG = "410721"
COUNTIES = ("410721", "410724", "410702", "410102", "152223")
DAYS = 45 * 365  # ages 60 to 104


def _draw(seed: int, salt: int, modulo: int) -> pl.Expr:
    return (pl.col("i").hash(seed + salt) % modulo).cast(pl.Int64)


def _pick(seed: int, salt: int, values: list[Any], weights: list[int]) -> pl.Expr:
    """A value drawn per row with the given integer weights."""
    total = sum(weights)
    draw = _draw(seed, salt, total)
    chain: Any = None
    upper = 0
    for value, weight in zip(values, weights, strict=True):
        upper += weight
        chain = (pl.when(draw < upper) if chain is None else chain.when(draw < upper)).then(pl.lit(value))
    return chain.otherwise(pl.lit(values[-1])) if chain is not None else pl.lit(None)


def persons_query(n: int, seed: int = 7) -> pl.LazyFrame:
    """``n`` synthetic persons in the person-record format (typed columns), unique ID numbers."""
    modulus = DAYS * 1000 * len(COUNTIES)
    if n > modulus:
        raise ValueError(f"at most {modulus} distinct generated persons")
    key = (pl.col("i") * 1_000_003 + seed) % modulus  # a permutation of 0..modulus-1 (coprime step)
    days = (key // 1000) % DAYS
    birth = pl.lit(ON) - pl.duration(days=days + 60 * 365)
    county = (key // (1000 * DAYS)).replace_strict(dict(enumerate(COUNTIES)), return_dtype=pl.String)
    body = county + birth.dt.strftime("%Y%m%d") + (key % 1000).cast(pl.String).str.zfill(3)
    villages = [f"410721{t:03d}{v:03d}" for t in (100, 101, 102, 200, 201) for v in (200, 201, 202)]
    died = _draw(seed, 20, 1000)
    return (
        pl.LazyFrame({"i": pl.int_range(n, eager=True, dtype=pl.Int64)})
        .with_columns(body.alias("body"), birth.alias("birth"))
        .select(
            _full_id(pl.col("body")).alias("id_number"),
            pl.col("birth").alias("birth_date"),
            pl.when(pl.col("body").str.slice(16, 1).cast(pl.Int32) % 2 == 1)
            .then(pl.lit("1"))
            .otherwise(pl.lit("2"))
            .alias("sex"),
            _pick(seed, 18, [None, "410721", "410102"], [90, 6, 4]).alias("residence_region"),
            pl.lit(None, pl.String).alias("name"),
            _pick(seed, 1, [*villages, "410721", "410724", "410102"], [6] * len(villages) + [5, 3, 2]).alias(
                "hukou_region"
            ),
            pl.when(died < 15).then(pl.lit(ON) - pl.duration(days=died * 30)).alias("death_date"),
            _pick(seed, 2, ["with_family", "alone", "empty_nest", "left_behind"], [60, 15, 20, 5]).alias(
                "living_arrangement"
            ),
            (_draw(seed, 3, 100) < 6).alias("dibao"),
            (_draw(seed, 4, 100) < 3).alias("dibao_edge"),
            _pick(seed, 5, ["none", "dispersed", "centralized"], [97, 2, 1]).alias("tekun"),
            _pick(seed, 6, ["self", "half", "full", None], [40, 30, 20, 10]).alias("tekun_care"),
            (_draw(seed, 7, 100) < 2).alias("poverty_relapse"),
            (_draw(seed, 19, 100) < 2).alias("poverty_relapse_risk"),
            _pick(seed, 8, [None, 0, 1, 2, 3, 4], [50, 30, 8, 6, 4, 2]).cast(pl.Int64).alias("ability_level"),
            (_draw(seed, 9, 100) < 5).alias("self_care_unable"),
            _pick(seed, 10, [None, 1, 2, 3, 4], [88, 2, 3, 4, 3]).cast(pl.Int64).alias("disability_grade"),
            (_draw(seed, 11, 100) < 4).alias("long_term_care_need"),
            _pick(seed, 12, ["none", "bereaved", "disabled_child"], [98, 1, 1]).alias("fp_special"),
            _pick(seed, 13, ["none", "demobilized", "retired_soldier"], [96, 2, 2]).alias(
                "special_contribution"
            ),
            (_draw(seed, 14, 100) < 2).alias("no_supporter"),
            (_draw(seed, 15, 100) < 3).alias("periodic_pension"),
            (_draw(seed, 16, 1000) < 2).alias("vagrant"),
            _pick(seed, 17, ["none", "employee", "public_sector", "urban_rural"], [5, 25, 10, 60]).alias(
                "pension_scheme"
            ),
        )
    )


def _full_id(body: pl.Expr) -> pl.Expr:
    """The 17 digits and their check character (GB 11643-1999)."""
    from yanglao.core.idnumber import CHECK_CHARS, WEIGHTS

    total = pl.sum_horizontal([body.str.slice(i, 1).cast(pl.Int32) * w for i, w in enumerate(WEIGHTS)])
    return body + (total % 11).replace_strict(dict(enumerate(CHECK_CHARS)), return_dtype=pl.String)


def generate(path: Path, n: int, seed: int = 7) -> Path:
    if not path.exists():
        tmp = path.with_suffix(".partial")
        persons_query(n, seed).sink_parquet(tmp, row_group_size=250_000)
        tmp.rename(path)
    return path


# --- the hand-written reference query (410721, 2024-07-01, default options) ----------------------


def hand_query(source: Path, target: Path) -> None:
    """新乡县's list written by hand in Polars, as an engineer would without the engine: the same
    rules, the figures in force on 2024-07-01, the same output rows."""
    birth = pl.col("birth_date")
    month_day = birth.dt.month().cast(pl.Int32) * 100 + birth.dt.day().cast(pl.Int32)
    age = ON.year - birth.dt.year().cast(pl.Int32) - (month_day > 701).cast(pl.Int32)
    alive = pl.col("death_date").is_null() | (pl.col("death_date") > ON)

    def yes(name: str) -> pl.Expr:
        return pl.col(name).fill_null(False)

    def one_of(name: str, *values: object) -> pl.Expr:
        return pl.col(name).is_in(list(values)).fill_null(False)

    a60, a65, a80 = (age >= 60).fill_null(False), (age >= 65).fill_null(False), (age >= 80).fill_null(False)
    tekun_any = one_of("tekun", "dispersed", "centralized")
    frail = (
        a80
        | one_of("ability_level", 1, 2, 3, 4)
        | yes("self_care_unable")
        | pl.col("disability_grade").is_not_null()
    )
    care = pl.col("tekun_care")
    gaoling = pl.when(age >= 100).then(30000).when(age >= 90).then(10000).otherwise(5000)
    care_subsidy = a60 & yes("self_care_unable") & yes("dibao")
    severe = a60 & one_of("disability_grade", 1, 2) & yes("long_term_care_need")
    living = a60 & pl.col("disability_grade").is_not_null() & yes("dibao")
    dispersed = a60 & one_of("tekun", "dispersed")
    care_fen = (
        pl.when(care == "full").then(66667).when(care == "half").then(33333).when(care == "self").then(7500)
    )
    central_fen = (
        pl.when(care == "full")
        .then(170667)
        .when(care == "half")
        .then(137333)
        .when(care == "self")
        .then(111500)
    )
    items: list[tuple[int, str, str, pl.Expr, pl.Expr | None, str | None]] = [
        (1, "employee_pension", "职工基本养老保险", one_of("pension_scheme", "employee", "public_sector"), None, "month"),
        (2, "urban_rural_pension", "城乡居民基本养老保险", one_of("pension_scheme", "urban_rural") & a60, pl.lit(15000), "month"),
        (3, "health_management", "老年人健康管理", a65 & pl.col("residence_region").str.starts_with("410721").fill_null(False), None, None),
        (4, "ability_assessment", "老年人能力综合评估", a65, None, None),
        (5, "gaoling_jintie", "高龄津贴", a80, gaoling, "month"),
        (6, "dibao", "最低社会保障", a60 & yes("dibao"), None, "month"),
        (7, "service_subsidy", "养老服务补贴", a60 & (yes("dibao") | (one_of("fp_special", "bereaved", "disabled_child") & frail) | tekun_any), pl.when(~tekun_any).then(6000), "month"),
        (8, "home_adaptation", "家庭适老化改造", a60 & one_of("tekun", "dispersed") & frail, None, None),
        (9, "tekun_dispersed", "特困老年人分散供养", dispersed, 104000 + care_fen, "month"),
        (10, "tekun_centralized", "特困老年人集中供养", a60 & one_of("tekun", "centralized"), central_fen, "month"),
        (11, "care_subsidy", "护理补贴", care_subsidy, pl.lit(6000), "month"),  # 择高 由本人选择: both shown
        (12, "family_care_support", "家庭养老支持服务", a60 & yes("self_care_unable"), None, None),
        (13, "special_contribution_care", "对国家和社会作出特殊贡献的老年人集中供养", a60 & one_of("special_contribution", "martyr_family", "duty_death_family", "illness_death_family", "disabled_veteran", "demobilized", "retired_soldier") & yes("no_supporter") & yes("periodic_pension"), None, None),
        (14, "disability_subsidies", "困难残疾人生活补贴和重度残疾人护理补贴", living | severe, living.cast(pl.Int64) * 7500 + severe.cast(pl.Int64) * 7500, "month"),
        (15, "assistive_devices", "康复辅具适配", a60 & pl.col("disability_grade").is_not_null(), None, None),
        (16, "vagrant_assistance", "生活无着的流浪乞讨老年人社会救助", a60 & yes("vagrant"), None, None),
        (17, "medical_assistance", "医疗救助", a60 & (tekun_any | yes("dibao") | yes("poverty_relapse") | yes("poverty_relapse_risk")), pl.when(tekun_any).then(40000).when(yes("dibao") | yes("poverty_relapse")).then(8000), "year"),
        (18, "visits", "探访服务", a60 & (one_of("living_arrangement", "alone", "empty_nest", "left_behind") | one_of("ability_level", 1, 2, 3, 4) | yes("self_care_unable") | one_of("disability_grade", 1, 2) | one_of("fp_special", "bereaved", "disabled_child")), None, None),
        (19, "priority_admission", "优先享受机构养老服务", a60 & one_of("fp_special", "bereaved", "disabled_child"), None, None),
        (20, "culture_services", "免费享受公共文化服务", a65 & pl.col("hukou_region").str.starts_with("410721").fill_null(False), None, None),
    ]  # fmt: skip
    persons = hand_validate(pl.read_parquet(source)).lazy()  # read once; each item below filters it
    granted_items = [
        persons.filter(alive & granted).select(
            "row",
            "id_number",
            pl.lit(no, pl.Int64).alias("no"),
            pl.lit(code).alias("code"),
            pl.lit(name).alias("name"),
            ((fen.cast(pl.Decimal(18, 2)) / 100).cast(pl.Decimal(18, 2)) if fen is not None else pl.lit(None, pl.Decimal(18, 2))).alias("amount"),
            pl.lit(period, pl.String).alias("period"),
        )
        for no, code, name, granted, fen, period in items
    ]  # fmt: skip
    pl.concat(granted_items).sort("row", "no").drop("row").sink_parquet(target)


def hand_validate(raw: pl.DataFrame) -> pl.DataFrame:
    """The column-wise validation of a typed person file, written by hand: the same checks as the
    engine's reader (cells stripped as ``str.strip`` does, ID number shape and check character,
    birth date and sex as the ID number says, codes by code or label, integers in range, region codes
    of 6 or 12 digits, a repeated ID number rejected after its first line); the valid rows, numbered,
    with residence defaulting to 户籍, and the number of rows left out."""
    from yanglao.core.engine.frames import PY_WHITESPACE
    from yanglao.core.idnumber import CHECK_CHARS, WEIGHTS
    from yanglao.core.person import FIELDS

    def text(name: str) -> pl.Expr:
        stripped = pl.col(name).str.strip_chars(PY_WHITESPACE)
        return pl.when(stripped != "").then(stripped)

    ident = text("id_number").str.to_uppercase()
    digits = pl.sum_horizontal(
        [ident.str.slice(i, 1).cast(pl.Int32, strict=False) * w for i, w in enumerate(WEIGHTS)]
    )
    check = (digits % 11).replace_strict(dict(enumerate(CHECK_CHARS)), return_dtype=pl.String)
    born = ident.str.slice(6, 8).str.strptime(pl.Date, "%Y%m%d", strict=False)
    sex = (
        pl.when(ident.str.slice(16, 1).cast(pl.Int32, strict=False) % 2 == 1)
        .then(pl.lit("1"))
        .otherwise(pl.lit("2"))
    )
    columns: list[pl.Expr] = [ident.alias("id_number")]
    checks: list[pl.Expr] = [
        ident.str.contains(r"^[0-9]{17}[0-9X]$").fill_null(False),
        (ident.str.slice(17, 1) == check).fill_null(False),
        (born.dt.year() >= 1880).fill_null(False),
    ]
    for f in FIELDS:
        if f.name == "id_number" or f.name not in raw.columns:
            continue
        column = pl.col(f.name)
        if f.kind == "code":
            labels = {label: code for code, label in f.codes}
            value = text(f.name).replace(labels)
            checks.append(value.is_null() | value.is_in([code for code, _ in f.codes]))
            columns.append(value.alias(f.name))
        elif f.kind == "region":
            value = text(f.name)
            checks.append(value.is_null() | value.str.contains(r"^[0-9]{6}([0-9]{6})?$"))
            columns.append(value.alias(f.name))
        elif f.kind == "int":
            checks.append(column.is_null() | column.is_between(f.minimum or 0, f.maximum or 0))
            columns.append(column.cast(pl.Int64))
        elif f.kind == "text":
            columns.append(text(f.name).alias(f.name))
        else:  # bool, date: typed columns
            columns.append(column)
    checks.append(pl.col("birth_date").is_null() | (pl.col("birth_date") == born))
    checks.append(pl.col("sex").is_null() | (pl.col("sex") == sex))
    typed = raw.lazy().select(*columns, pl.all_horizontal(checks).alias("ok"))
    return (
        typed.with_row_index("row")
        .filter(pl.col("ok") & pl.col("id_number").is_first_distinct())
        .with_columns(
            pl.coalesce("residence_region", "hukou_region").alias("residence_region"),
            pl.coalesce("birth_date", born).alias("birth_date"),
            pl.coalesce("sex", sex).alias("sex"),
        )
        .collect()
    )


# --- running and measuring -------------------------------------------------------------------------


# The child's own high-water mark: Linux carries the *parent's* resident size at fork into the child's
# ru_maxrss (kept across exec), so after the parent has compared two large outputs, ``wait4`` would
# report the parent's memory, not the engine's. VmHWM is the new program's own peak.
HIGH_WATER = (
    "import atexit, pathlib\n"
    "def _hwm():\n"
    "    for line in pathlib.Path('/proc/self/status').read_text().splitlines():\n"
    "        if line.startswith('VmHWM:'):\n"
    "            print('{\"hwm_kib\": %d}' % int(line.split()[1]), flush=True)\n"
    "atexit.register(_hwm)\n"
)


def child(code: str) -> dict[str, Any]:
    """Run ``code`` in a fresh interpreter; its printed JSON plus wall seconds and peak RSS (MiB):
    the child's own VmHWM where /proc has it, else ``wait4``'s ru_maxrss."""
    started = time.perf_counter()
    own = Path("/proc/self/status").exists()
    proc = subprocess.Popen(
        [sys.executable, "-c", (HIGH_WATER if own else "") + code], stdout=subprocess.PIPE, text=True
    )
    out = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark child failed ({proc.returncode}): {code}")
    lines = out.strip().splitlines()
    hwm_kib = json.loads(lines.pop())["hwm_kib"] if own else usage.ru_maxrss
    result: dict[str, Any] = json.loads(lines[-1])
    result["wall"] = time.perf_counter() - started
    result["peak_mib"] = hwm_kib / 1024
    return result


def run_engine(source: Path, target: Path) -> dict[str, Any]:
    return child(
        "import json, time, datetime as dt\n"
        "t = time.perf_counter()\n"
        "from yanglao.core.engine.api import entitle_file\n"
        f"s = entitle_file({CATALOG!r}, dt.date({ON.year}, {ON.month}, {ON.day}), {str(source)!r}, {str(target)!r})\n"
        "print(json.dumps({'seconds': time.perf_counter() - t, 'persons': s.persons, 'granted': s.granted,"
        " 'errors': len(s.errors)}))\n"
    )


def run_hand(source: Path, target: Path) -> dict[str, Any]:
    return child(
        "import json, time\n"
        "t = time.perf_counter()\n"
        "from pathlib import Path\n"
        "from yanglao.core.engine.bench import hand_query\n"
        f"hand_query(Path({str(source)!r}), Path({str(target)!r}))\n"
        "print(json.dumps({'seconds': time.perf_counter() - t}))\n"
    )


def same_rows(a: Path, b: Path) -> bool:
    order = ["id_number", "no"]
    left, right = pl.read_parquet(a).sort(order), pl.read_parquet(b).sort(order)
    return left.height == right.height and left.equals(right.select(left.columns))


def explain_latency(source: Path, samples: int = 1000) -> dict[str, float]:
    from yanglao.core.catalog import evaluate, load_catalog
    from yanglao.core.engine.frames import read_persons

    catalog = load_catalog(CATALOG)
    persons, _ = read_persons(source)
    rows = persons.drop("__line").sample(min(samples, persons.height), seed=1).to_dicts()
    evaluate(catalog, rows[0], ON)
    times = []
    for record in rows:
        started = time.perf_counter()
        decision = evaluate(catalog, record, ON)
        [(item.reason, [p.text() for p in item.params]) for item in decision.items]
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "median_ms": statistics.median(times),
        "p95_ms": times[int(len(times) * 0.95) - 1],
        "max_ms": times[-1],
    }


def main(persons: int, data_dir: Path | None, out: Print, rounds: int = 3) -> dict[str, Any]:
    folder = data_dir or Path(tempfile.gettempdir()) / "yanglao-bench-entitle"
    folder.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {"catalog": CATALOG, "date": ON.isoformat(), "cores": os.cpu_count()}
    small = min(persons, 1_000_000)
    source = generate(folder / f"persons-{small}.parquet", small)
    out(
        f"(1) 清单 {CATALOG} 全部项目，{small:,} 人，Parquet → Parquet（校验、计算、输出；交替运行 {rounds} 轮）"
    )
    engines, hands = [], []
    for _ in range(rounds):
        engines.append(run_engine(source, folder / "engine-small.parquet"))
        hands.append(run_hand(source, folder / "hand-small.parquet"))
    engine_s = statistics.median(r["seconds"] for r in engines)
    hand_s = statistics.median(r["seconds"] for r in hands)
    ratio = engine_s / hand_s
    same = same_rows(folder / "engine-small.parquet", folder / "hand-small.parquet")
    runs = "、".join(f"{e['seconds']:.2f}/{h['seconds']:.2f}" for e, h in zip(engines, hands, strict=True))
    out(f"    引擎 {engine_s:.2f} s，手写 Polars 程序 {hand_s:.2f} s（中位数；每轮 引擎/手写：{runs} s）；"
        f"倍数 {ratio:.2f}×（目标 ≤ 1.3×）；输出{'相同' if same else '不同！'}（{engines[0]['granted']:,} 项次）；"
        f"峰值内存 引擎 {max(r['peak_mib'] for r in engines):.0f} MiB，手写 {max(r['peak_mib'] for r in hands):.0f} MiB")  # fmt: skip
    results["reference"] = {
        "persons": small,
        "engine": engines,
        "hand": hands,
        "ratio": ratio,
        "same_rows": same,
    }
    if persons > small:
        big = generate(folder / f"persons-{persons}.parquet", persons)
        out(f"(2) {persons:,} 人，Parquet → Parquet")
        run = run_engine(big, folder / "engine-big.parquet")
        out(f"    {run['seconds']:.1f} s（进程 {run['wall']:.1f} s，目标 ≤ 45 s），峰值内存 {run['peak_mib'] / 1024:.2f} GiB"
            f"（目标 ≤ 2 GiB），{run['granted']:,} 项次")  # fmt: skip
        results["population"] = {"persons": persons, **run}
    latency = explain_latency(source)
    out(f"(3) 单人解释（参考解释器，1000 人）：中位数 {latency['median_ms']:.2f} ms，P95 {latency['p95_ms']:.2f} ms，"
        f"最长 {latency['max_ms']:.2f} ms（目标 ≤ 2 ms）")  # fmt: skip
    results["explain"] = latency
    return results


if __name__ == "__main__":  # pragma: no cover
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000_000, None, print)
