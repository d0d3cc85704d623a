"""The demo's enrolments and payee accounts (synthetic, marked): a paying department's file written
from what the engine grants, then imported with the real importer; a few registry changes come after
it (people who moved away, people who left 低保), so that discovery has something of every kind to find.

Shares (docs/discovery.md): 92 % of the living people's recurring benefits are recorded as paid, the
rest are missed (漏保); a quarter of last half-year's dead are still paid; ~0.3 % of people paid 高龄津贴
moved their 户籍 out of the region; ~4 % of 低保 recipients left 低保 after enrolment; a few people with
护理补贴 are also paid 重度残疾人护理补贴 (the 择高 group).
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path
from typing import Any

import polars as pl

from yanglao.core.engine.api import PERSON_SCHEMA
from yanglao.core.engine.api import entitle_frame as entitle
from yanglao.entitlements import catalogs
from yanglao.entitlements.discovery import population
from yanglao.entitlements.frames import person_frame
from yanglao.entitlements.imports import HEADER_FIELDS, do_import_enrolments
from yanglao.regions.models import Region
from yanglao.registry.imports import do_import_persons

MISSED = 0.08
DEAD_STILL_PAID = 0.25
MOVED = 0.003
LEFT_DIBAO = 0.04
DOUBLE = 12
BANK = "农村信用合作联社（演示）"


def _account(rng: random.Random) -> str:
    return "62170" + "".join(str(rng.randrange(10)) for _ in range(14))


def _start(rng: random.Random, on: dt.date, death: dt.date | None) -> dt.date:
    latest = (death or on) - dt.timedelta(days=40)
    first = dt.date(2021, 1, 1)
    days = max((latest - first).days, 1)
    return (first + dt.timedelta(days=rng.randrange(days))).replace(day=1)


def build_enrolments(
    county: Region, on: dt.date, folder: Path, movers: list[str] | None = None
) -> dict[str, int]:
    """The demo's enrolments and payee accounts. ``movers`` are the people whose 户籍 moves out after
    enrolment (the population builder adds them on top of the baseline); without it, a share of the
    people paid 高龄津贴 is chosen."""
    rng = random.Random(20261123)
    code = catalogs.person_catalog(county.code, None, on)
    if code is None:
        return {}
    catalog = catalogs.catalog(code, on)
    tracked = catalogs.tracked(code)
    frame = person_frame(population(county)).filter(pl.col("hukou_region").str.starts_with(county.prefix))
    # What each person was granted while alive (the dead evaluated as if on the day before death).
    alive = frame.with_columns(pl.lit(None, pl.Date).alias("death_date"))
    granted = entitle(catalog, alive.select(list(PERSON_SCHEMA)), on).filter(
        pl.col("code").is_in(list(tracked))
    )
    people = {
        r["id_number"]: r
        for r in frame.select("id_number", "name", "death_date", "dibao").iter_rows(named=True)
    }
    must_pay = set(movers or ())
    rows: list[list[str]] = []
    paid_gaoling: list[str] = []
    paid_dibao: list[str] = []
    paid_care: list[str] = []
    for ident, no, _code, amount, _period in granted.select(
        "id_number", "no", "code", "amount", "period"
    ).iter_rows():
        person = people[ident]
        death = person["death_date"]
        if death is None and ident not in must_pay and rng.random() < MISSED:
            continue
        still_paid = death is not None and rng.random() < DEAD_STILL_PAID
        end = "" if death is None or still_paid else death.isoformat()
        item = catalog.item(str(no))
        service = item.code
        rows.append(
            [
                ident,
                code,
                item.no,
                service,
                "" if amount is None else str(amount),
                _start(rng, on, death).isoformat(),
                end,
            ]
        )
        if death is None:
            if item.code == "gaoling_jintie":
                paid_gaoling.append(ident)
            if item.code == "dibao":
                paid_dibao.append(ident)
            if item.code == "care_subsidy":
                paid_care.append(ident)
    for ident in rng.sample(paid_care, min(DOUBLE, len(paid_care))):
        rows.append(
            [
                ident,
                code,
                "17",
                "severe_disability_care_subsidy",
                "100",
                _start(rng, on, None).isoformat(),
                "",
            ]
        )
    accounts = {ident: (BANK, _account(rng), people[ident]["name"]) for ident in {r[0] for r in rows}}
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "民政局_待遇发放名册.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER_FIELDS)
        for row in rows:
            writer.writerow([*row, *accounts[row[0]]])
    result = do_import_enrolments(path, source="旗民政局（演示）", actor="演示数据", as_of=on, synthetic=True)
    # After enrolment: some moved their 户籍 out of the region, some left 低保 (the registry's importer).
    if movers is not None:
        moved = sorted(set(movers))
    else:
        moved = (
            rng.sample(sorted(set(paid_gaoling)), max(1, round(len(set(paid_gaoling)) * MOVED)))
            if paid_gaoling
            else []
        )
    left = (
        rng.sample(sorted(set(paid_dibao) - set(moved)), round(len(set(paid_dibao)) * LEFT_DIBAO))
        if paid_dibao
        else []
    )
    elsewhere = "220802"  # 吉林省白城市洮北区, beyond the region's list
    changes = folder / "公安局_户籍迁出.csv"
    with changes.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id_number", "hukou_region", "residence_region"])
        writer.writerows([ident, elsewhere, elsewhere] for ident in moved)
    do_import_persons(
        changes, source="旗公安局", actor="演示数据", as_of=on - dt.timedelta(days=3), synthetic=True
    )
    exits = folder / "民政局_低保退出.csv"
    with exits.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id_number", "dibao"])
        writer.writerows([ident, "否"] for ident in left)
    do_import_persons(
        exits, source="旗民政局", actor="演示数据", as_of=on - dt.timedelta(days=2), synthetic=True
    )
    return {
        "enrolments": result.created,
        "accounts": result.accounts_created,
        "moved": len(moved),
        "left_dibao": len(left),
    }


def discover_demo(county_code: str, on: dt.date) -> dict[str, Any]:
    """The demo's 服务找人 run over the county on ``on`` (so the work lists are not all zeros): the
    outcome's counts (found by kind, created, closed)."""
    from yanglao.entitlements.actions import do_discover

    outcome = do_discover(Region.objects.get(code=county_code), on, actor="演示数据")
    return outcome.as_dict()
