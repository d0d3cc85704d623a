"""Building a demo jurisdiction: department files imported through the real importer, facilities, users.

The demo writes the files a bureau would receive (civil affairs' base register, the disabled persons'
federation's certificates, public security's deaths, a health-commission feed that disagrees on a few
people) under ``YANGLAO_HOME/demo/<code>/`` and imports them with :func:`do_import_persons`, so the demo
shows every field with its source and history, and a few conflicts to resolve.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from yanglao.accounts.models import User
from yanglao.core.person import FIELD_NAMES, format_value
from yanglao.demo.assessments import build_assessments
from yanglao.demo.models import DemoBuild
from yanglao.demo.network import build_network
from yanglao.demo.population import Baseline, PopulationBuilder, Village
from yanglao.demo.users import build_users
from yanglao.regions.models import Level, Region
from yanglao.registry.imports import do_import_persons

DEMO_ACTOR = "演示数据"
Step = Callable[[str, float], None]

# Published baselines. 152223 from 扎政办发〔2023〕16号 (截至2023年4月末). The other documents give no figure:
# estimates from the 2020 census bulletins (60+ share × resident population), 80+ at the national
# 13.6% of 60+, marked as estimates in docs/demo.md.
BASELINES: dict[str, Baseline] = {
    "152223": Baseline(
        "152223", 64_511, 4_088, 4_890, "扎政办发〔2023〕16号 一、基本情况（截至2023年4月末）"
    ),
    "411700": Baseline("411700", 1_417_000, 192_700, None, "估算：第七次人口普查驻马店市公报"),
    "410400": Baseline("410400", 963_000, 131_000, None, "估算：第七次人口普查平顶山市公报"),
    "411303": Baseline("411303", 163_000, 22_200, None, "估算：第七次人口普查南阳市公报"),
    "410721": Baseline("410721", 67_000, 9_100, None, "估算：第七次人口普查新乡市公报"),
}
EXCLUDED_TOWNSHIP_WORDS = ("戒毒", "监狱", "管理局")


def villages_of(county: Region) -> list[Village]:
    townships = {
        t.code: t
        for t in Region.objects.filter(code__startswith=county.prefix, level=Level.TOWNSHIP)
        if not any(word in t.name for word in EXCLUDED_TOWNSHIP_WORDS)
    }
    seat = min(townships) if townships else ""
    out: list[Village] = []
    for village in Region.objects.filter(code__startswith=county.prefix, level=Level.VILLAGE).order_by(
        "code"
    ):
        township = townships.get(village.code[:9] + "000")
        if township is None:
            continue
        weight = 1.0
        if township.code == seat:
            weight = 2.5 if int(village.code[9:]) < 200 else 1.2
        elif "场" in township.name:
            weight = 0.4
        out.append(Village(village.code, village.name, township.name, weight))
    return out


def _write_csv(path: Path, columns: list[str], rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([format_value(row.get(c)) for c in columns])


def write_department_files(
    folder: Path, people: list[dict[str, Any]], on: dt.date
) -> list[tuple[Path, str, dt.date]]:
    """The files the bureau receives, each with its source and data date."""
    folder.mkdir(parents=True, exist_ok=True)
    base_columns = [
        c
        for c in FIELD_NAMES
        if c not in ("death_date", "disability_grade", "disability_category", "residence_permit")
    ] + ["phone", "address", "spouse_id_number"]
    files = [
        (folder / "民政局_老年人基础信息.csv", "旗民政局", on - dt.timedelta(days=30), base_columns, people),
        (
            folder / "残联_残疾人证.csv",
            "旗残联",
            on - dt.timedelta(days=20),
            ["id_number", "disability_grade", "disability_category"],
            [p for p in people if p.get("disability_grade")],
        ),
        (
            folder / "公安局_死亡人员.csv",
            "旗公安局",
            on - dt.timedelta(days=5),
            ["id_number", "death_date"],
            [p for p in people if p.get("death_date")],
        ),
    ]
    rng = random.Random(7)
    living = [p for p in people if not p.get("death_date") and p.get("living_arrangement") == "empty_nest"]
    disagree = [
        {"id_number": p["id_number"], "living_arrangement": "with_family"}
        for p in rng.sample(living, min(5, len(living)))
    ]
    files.append(
        (
            folder / "卫健委_家庭医生签约.csv",
            "旗卫健委",
            on - dt.timedelta(days=40),
            ["id_number", "living_arrangement"],
            disagree,
        )
    )
    out = []
    for path, source, as_of, columns, rows in files:
        _write_csv(path, columns, rows)
        out.append((path, source, as_of))
    return out


def warm_statistics(county: Region, on: dt.date) -> list[str]:
    """Compute into the statistics cache what the demo's logins open first: the dashboard of today and
    the bulletin of the last full month, for the county and each demo user's region (the first view
    would otherwise compute them; the cache keeps them until the data change). Returns the codes."""
    from yanglao.stats.bulletin import bulletin_date, figures
    from yanglao.stats.compute import dashboard_stats, entitlements_answer

    codes = {county.code} | {
        code
        for code in User.objects.filter(region__code__startswith=county.prefix).values_list(
            "region", flat=True
        )
        if code
    }
    last = on.replace(day=1) - dt.timedelta(days=1)
    month_end = bulletin_date(last.year, last.month, today=on)
    for region in Region.objects.filter(code__in=codes).order_by("code"):
        dashboard_stats(region, on)
        entitlements_answer(region, on)  # the dashboard's entitlements section, loaded after it
        figures(region, month_end)
    return sorted(codes)


VISIT_COVERAGE = 0.97  # the share of visit targets visited in the simulated month (扎赉特旗 aims at 100 %)


def build(code: str, step: Step, scale: float | None = None) -> DemoBuild:
    """Build (or reuse) the demo for one seed jurisdiction."""
    existing = DemoBuild.objects.filter(region_code=code).first()
    if existing is not None:
        step("已有演示数据，直接使用", 1.0)
        return existing
    county = Region.objects.get(code=code)
    baseline = BASELINES[code]
    if scale is None:
        scale = min(1.0, 80_000 / baseline.aged_60_plus)
    if scale < 1.0:
        baseline = Baseline(
            code,
            round(baseline.aged_60_plus * scale),
            round(baseline.aged_80_plus * scale),
            None,
            baseline.source + f"（按 {scale:.3f} 抽样）",
        )
    on = timezone.localdate()
    step("生成人口", 0.02)
    villages = villages_of(county)
    people = PopulationBuilder(baseline, villages, on).build()
    folder = Path(settings.HOME) / "demo" / code
    files = write_department_files(folder, people, on)
    # The imports take the bar from 5 % to 80 %, each file its share by rows.
    totals = [max(sum(1 for _ in path.open(encoding="utf-8")) - 1, 1) for path, _, _ in files]
    done = 0.05
    for (path, source, as_of), total in zip(files, totals, strict=True):
        share = 0.75 * total / sum(totals)
        start = done

        def progress(
            rows: int, start: float = start, share: float = share, total: int = total, name: str = path.name
        ) -> None:
            step(f"导入 {name}", start + share * min(rows / total, 1.0))

        do_import_persons(
            path, source=source, actor=DEMO_ACTOR, as_of=as_of, synthetic=True, progress=progress
        )
        done += share
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE registry_person SET spouse_id = (SELECT s.id FROM registry_person s "
            "WHERE s.id_number = registry_person.spouse_id_number) WHERE spouse_id_number <> ''"
        )
    step("能力评估结果", 0.80)
    build_assessments(county, on, progress=lambda share: step("能力评估结果", 0.80 + 0.05 * share))
    step("养老机构与设施", 0.85)
    with transaction.atomic():
        facilities = build_network(county, on)
        build_users(county)
        from yanglao.assessments.assessors import qualify_demo_assessors

        qualify_demo_assessors(county.code, on)  # the county's caseworkers may assess
    step("待遇享受记录与发放账户", 0.87)
    from yanglao.entitlements.demo import build_enrolments

    build_enrolments(county, on, folder, movers=[p["id_number"] for p in people if p.get("_emigrant")])
    # The visitors, their assignments, last month's visits and this month's so far: the 网格员 login
    # has a caseload, last month's bulletin a rate and the dashboard a month in progress.
    step("本月探访记录", 0.90)
    from yanglao.visits.simulate import simulate_month

    last_month = on.replace(day=1) - dt.timedelta(days=1)
    simulate_month(code, last_month.year, last_month.month, VISIT_COVERAGE, on)  # a whole month
    simulate_month(code, on.year, on.month, VISIT_COVERAGE, on)  # so far
    # 服务找人 run once on the build day, so the townships' work lists have their findings.
    step("服务找人", 0.95)
    from yanglao.entitlements.demo import discover_demo

    discover_demo(code, on)
    # A year of inspections, hazards (a few overdue), ratings and complaints of the county's facilities.
    step("综合监管", 0.96)
    from yanglao.demo.supervision import build_supervision

    build_supervision(county)
    # The four public 敬老院: residents as their capacity reports count them, a queue, offers.
    step("公办养老机构入住", 0.965)
    from yanglao.demo.carehomes import build_carehomes

    build_carehomes(county, on)
    # Home and community services: providers, plans, last month's orders, check-ins and claims.
    step("居家社区养老服务", 0.968)
    from yanglao.demo.homeservices import build_homeservices

    with transaction.atomic():
        build_homeservices(county, on)
    # The first daily check of home services, as the job a county starts each morning.
    from yanglao.homeservices.daily import KIND as SERVICES_DAILY
    from yanglao.jobs.models import Job
    from yanglao.jobs.runner import run_job

    run_job(Job.objects.create(kind=SERVICES_DAILY, total=1).pk)
    # The county's own list: one local adjustment published (from next month), one draft open.
    step("清单动态调整", 0.969)
    from yanglao.listadmin.demo import build_list_versions

    build_list_versions(county.code, on)
    step("预先计算统计", 0.97)
    warm_statistics(county, on)
    # Last, so that a build cut short is built again rather than reused.
    demo = DemoBuild.objects.create(
        region_code=code,
        reference_date=on,
        persons=len(people),
        facilities=facilities,
        source=baseline.source,
    )
    step("完成", 1.0)
    return demo
