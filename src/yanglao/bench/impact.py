"""``yanglao bench impact``: the speed and memory of ``yanglao catalog impact`` (issue 13).

Goals: a county (65,000 people) ≤ 5 s for the whole command; 20,000,000 people from Parquet ≤ 180 s
within 8 GB. Persons come from the generator of ``bench entitle`` (:mod:`yanglao.core.engine.bench`:
新乡县 and its neighbours, ages 60–104); the draft is 新乡县's list with 高龄津贴 from 75 for 本县户籍
and the 80–89 standard raised, so that people gain, lose and change. Each run is a child process (its
own peak RSS); every size runs twice, one after the other, and both figures are printed (the machine is
shared). Sizes: ``YANGLAO_BENCH_IMPACT_PERSONS`` (comma-separated, default ``65000,2000000``); files
are kept in ``YANGLAO_BENCH_DIR`` (default the temporary directory) and reused.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from yanglao.core.catalog.loader import CATALOGS_ROOT
from yanglao.core.engine.bench import CATALOG, Print, child, generate, run_engine

DATE = "2025-03-01"
GOALS = {65_000: 5.0, 20_000_000: 180.0}


def make_draft(folder: Path) -> Path:
    """新乡县's list, 高龄津贴 from 75 (本县户籍 only) and 80–89 raised to 80 yuan from 2025-01-01."""
    target = folder / "draft" / CATALOG
    if target.exists():
        return target
    shutil.copytree(CATALOGS_ROOT / CATALOG, target)
    params = target / "parameters.yaml"
    text = params.read_text(encoding="utf-8")
    text = text.replace(
        "        reference: 新政办〔2024〕13号 附件 第5项（每人每月不低于50元）\n",
        "        reference: 新政办〔2024〕13号 附件 第5项（每人每月不低于50元）\n"
        "      - from: 2025-01-01\n        value: 80\n        reference: 基准测试草稿（提高标准）\n",
        1,
    ).replace(
        "parameters:\n",
        "parameters:\n  gaoling_jintie_75_79:\n    label: 高龄津贴标准（75–79周岁）\n    unit: 元/人/月\n"
        "    values:\n      - from: 2024-06-01\n        value: 30\n        reference: 基准测试草稿\n",
        1,
    )
    params.write_text(text, encoding="utf-8")
    items = target / "items.yaml"
    text = items.read_text(encoding="utf-8")
    start, end = text.index('  - no: "5"'), text.index('  - no: "6"')
    block = (
        text[start:end]
        .replace(
            '    rule:\n      ">=": [age, 80]\n',
            '    rule:\n      all:\n        - ">=": [age, 75]\n        - within: [hukou_region, "410721"]\n',
        )
        .replace(
            "          - {from: 80, to: 89,",
            "          - {from: 75, to: 79, value: {param: gaoling_jintie_75_79}}\n          - {from: 80, to: 89,",
        )
    )
    items.write_text(text[:start] + block + text[end:], encoding="utf-8")
    return target


def run_command(source: Path, draft: Path) -> dict[str, Any]:
    """The whole ``yanglao catalog impact … --json`` in a fresh interpreter (imports included)."""
    argv = ["catalog", "impact", "--catalog", CATALOG, "--draft", str(draft), "--date", DATE]
    argv += ["--input", str(source), "--json"]
    return child(
        "import io, json, time, contextlib\n"
        "t = time.perf_counter()\n"
        "from yanglao.cli import main\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        f"    code = main({argv!r})\n"
        "data = json.loads(out.getvalue())\n"
        "print(json.dumps({'seconds': time.perf_counter() - t, 'code': code, 'persons': data['persons'],"
        " 'gaining': data['total']['gaining'], 'losing': data['total']['losing'],"
        " 'changed': data['total']['changed']}))\n"
    )


def sizes() -> list[int]:
    text = os.environ.get("YANGLAO_BENCH_IMPACT_PERSONS", "65000,2000000")
    return [int(part) for part in text.split(",") if part.strip()]


def run(out: Print) -> dict[str, Any]:
    folder = Path(os.environ.get("YANGLAO_BENCH_DIR") or Path(tempfile.gettempdir()) / "yanglao-bench-impact")
    folder.mkdir(parents=True, exist_ok=True)
    draft = make_draft(folder)
    results: dict[str, Any] = {"catalog": CATALOG, "date": DATE, "cores": os.cpu_count(), "runs": []}
    out(
        f"yanglao catalog impact：清单 {CATALOG} 草稿对照现行，{DATE}；{os.cpu_count()} 核（机器与他人共用，数字偏慢）"
    )
    for n in sizes():
        source = generate(folder / f"persons-{n}.parquet", n)
        runs = [run_command(source, draft) for _ in range(2 if n < 10_000_000 else 1)]
        # the reference on the same file and machine: ``yanglao entitle`` (read, evaluate once, write)
        entitle = run_engine(source, folder / f"entitle-{n}.parquet") if n <= 2_000_000 else None
        goal = GOALS.get(n) or (180.0 * n / 20_000_000 if n > 65_000 else 5.0)
        best = min(r["wall"] for r in runs)
        peak = max(r["peak_mib"] for r in runs)
        walls = " / ".join(f"{r['wall']:.2f} s" for r in runs)
        out(
            f"  {n:>12,} 人（Parquet）：命令 {walls}，峰值内存 {peak / 1024:.2f} GiB；"
            f"新增 {runs[0]['gaining']:,} 人，减少 {runs[0]['losing']:,} 人，金额变化 {runs[0]['changed']:,} 人"
        )
        if entitle is not None:
            out(
                f"      参照：同一文件 yanglao entitle（读入、计算一遍、写出）{entitle['wall']:.2f} s，"
                f"峰值 {entitle['peak_mib'] / 1024:.2f} GiB；impact / entitle = {best / entitle['wall']:.2f}×"
            )
        if 1_000_000 <= n < 20_000_000:
            per = best / n * 20_000_000
            out(f"      按人数线性外推到 2000 万人：约 {per:.0f} s（目标 ≤ 180 s，内存按批次有界 ≤ 8 GB）")
        else:
            out(f"      目标 ≤ {goal:.0f} s" + ("，≤ 8 GB" if n >= 20_000_000 else ""))
        results["runs"].append(
            {"persons": n, "runs": runs, "best": best, "peak_mib": peak, "goal": goal, "entitle": entitle}
        )
    return results


if __name__ == "__main__":  # pragma: no cover
    import json

    print(json.dumps(run(print), ensure_ascii=False, default=str)[:2000], file=sys.stderr)
