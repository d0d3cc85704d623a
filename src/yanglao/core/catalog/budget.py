"""A year's projected cost of a list (in force, or a draft): by item, month, township and funding level
(issue 13, docs/impact.md).

::

    load_config(code, draft=None) -> BudgetConfig        # budget.yaml beside the list
    project(catalog, persons, year, config) -> BudgetReport
    check_budget(catalog, report, config=None) -> [warning]
    budget_xlsx(report) -> bytes                          # the finance bureau's workbook

Each month is evaluated by the bulk engine on the month's **last day**, as the payroll does
(docs/payments.md), so people turning 80, 90 or 100 during the year reach the next bracket in the month
of their birthday. Deaths still to come are a probability: a person's weight in month *m* is the chance
of living to its end, the product over the months so far of ``(1 − q)^(1/12)``, ``q`` the yearly
death rate of the person's age band on that day (``budget.yaml``: dated, referenced; the shipped rates
are 示例值). Monthly amounts count every month, yearly ones a twelfth a month, one-off amounts in the
month a person first qualifies in the year. Amounts resting on an example figure are kept apart.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

import polars as pl

from yanglao.core.catalog.decimals import round_amount
from yanglao.core.catalog.impact import UNSPLIT, example_items, level_shares
from yanglao.core.catalog.impactjoin import township_expr
from yanglao.core.catalog.loader import CATALOGS_ROOT
from yanglao.core.catalog.model import Catalog, no_sort_key
from yanglao.core.catalog.quantities import item_quantity, over_year
from yanglao.core.catalog.yamlio import (
    At,
    boolean,
    date_value,
    mapping,
    number,
    read_yaml,
    sequence,
    text,
)

FILE = "budget.yaml"


@dataclass(frozen=True)
class Band:
    low: int
    high: int | None  # inclusive; None: and above
    rate: Decimal  # yearly probability of dying


@dataclass(frozen=True)
class Mortality:
    valid_from: dt.date
    reference: str
    example: bool
    bands: tuple[Band, ...]


@dataclass(frozen=True)
class SanityCase:
    """The list's expected yearly cost (real money, without example figures) lies in ``low..high``."""

    name: str
    low: Decimal
    high: Decimal
    reference: str


@dataclass(frozen=True)
class BudgetConfig:
    mortality: tuple[Mortality, ...] = ()
    sanity: tuple[SanityCase, ...] = ()
    source: str = ""

    def mortality_on(self, on: dt.date) -> Mortality | None:
        found = None
        for table in self.mortality:
            if table.valid_from <= on:
                found = table
        return found


def read_config(path: Path) -> BudgetConfig:
    """``budget.yaml`` read strictly (errors name file, path and reason)."""
    at = At(str(path))
    data = mapping(read_yaml(path), at, optional=("mortality", "sanity"))
    tables: list[Mortality] = []
    m_at = at.key("mortality", data)
    for j, raw in enumerate(sequence(data.get("mortality") or [], m_at)):
        here = m_at.index(j)
        entry = mapping(raw, here, required=("from", "reference", "bands"), optional=("example",))
        bands: list[Band] = []
        b_at = here.key("bands", entry)
        for k, braw in enumerate(sequence(entry["bands"], b_at, allow_empty=False)):
            there = b_at.index(k)
            band = mapping(braw, there, required=("from", "rate"), optional=("to",))
            rate = number(band["rate"], there.key("rate", band))
            if not 0 <= rate < 1:
                raise there.key("rate", band).error(f"年死亡概率应在 0 与 1 之间，实际为 {rate}")
            high = band.get("to")
            bands.append(
                Band(
                    int(number(band["from"], there.key("from", band))),
                    None if high is None else int(number(high, there.key("to", band))),
                    rate,
                )
            )
        tables.append(
            Mortality(
                date_value(entry["from"], here.key("from", entry)),
                text(entry["reference"], here.key("reference", entry)),
                boolean(entry.get("example", False), here.key("example", entry)),
                tuple(bands),
            )
        )
    cases: list[SanityCase] = []
    s_at = at.key("sanity", data)
    for j, raw in enumerate(sequence(data.get("sanity") or [], s_at)):
        here = s_at.index(j)
        entry = mapping(raw, here, required=("name", "min", "max", "reference"))
        low, high = number(entry["min"], here.key("min", entry)), number(entry["max"], here.key("max", entry))
        if low > high:
            raise here.key("min", entry).error(f"下限 {low} 大于上限 {high}")
        cases.append(
            SanityCase(text(entry["name"], here.key("name", entry)), low, high, str(entry["reference"]))
        )
    return BudgetConfig(tuple(sorted(tables, key=lambda t: t.valid_from)), tuple(cases), str(path))


def load_config(code: str, draft: Path | None = None) -> BudgetConfig:
    """The draft folder's ``budget.yaml`` if it has one, else the shipped list's, else none."""
    for folder in ([draft] if draft is not None else []) + [CATALOGS_ROOT / code]:
        if (folder / FILE).exists():
            return read_config(folder / FILE)
    return BudgetConfig()


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _age(on: dt.date) -> pl.Expr:
    birth = pl.col("birth_date")
    later = (birth.dt.month().cast(pl.Int32) * 100 + birth.dt.day().cast(pl.Int32)) > on.month * 100 + on.day
    return pl.lit(on.year, pl.Int32) - birth.dt.year().cast(pl.Int32) - later.cast(pl.Int32)


def _monthly_survival(table: Mortality | None, on: dt.date) -> pl.Expr:
    """``(1 − q)^(1/12)`` of each person's age band on ``on`` (1 without a table or a birth date)."""
    if table is None:
        return pl.lit(1.0)
    age = _age(on)
    chain: Any = None
    for band in table.bands:
        cond = age >= band.low if band.high is None else age.is_between(band.low, band.high)
        value = pl.lit((1 - float(band.rate)) ** (1 / 12))
        chain = pl.when(cond).then(value) if chain is None else chain.when(cond).then(value)
    return pl.lit(1.0) if chain is None else chain.otherwise(pl.lit(1.0)).fill_null(1.0)


@dataclass
class BudgetReport:
    catalog: str
    name: str
    version: str
    year: int
    persons: int
    mortality: Mortality | None
    rows: pl.DataFrame  # month, no, township, people, new_people (first granted this month), fen: expected
    items: dict[str, dict[str, Any]] = field(default_factory=dict)  # no -> name, example, shares

    def _yuan(self, fen: float) -> float:
        return float(round_amount(Decimal(fen / 100)))

    def totals(self) -> dict[str, Any]:
        real = [no for no, i in self.items.items() if not i["example"]]
        rows = self.rows
        yearly = rows.filter(pl.col("no").is_in(real))["fen"].sum() if rows.height else 0
        example = rows.filter(~pl.col("no").is_in(real))["fen"].sum() if rows.height else 0
        return {
            "yearly_cost": self._yuan(float(yearly or 0)),
            "example_yearly_cost": self._yuan(float(example or 0)),
        }

    def to_dict(self) -> dict[str, Any]:
        rows = self.rows
        by_item = (
            rows.group_by("no", "month")
            .agg(pl.col("fen").sum(), pl.col("people").sum())
            .group_by("no")
            .agg(pl.col("fen").sum(), pl.col("people").max())
            if rows.height
            else rows
        )
        by_month = (
            rows.group_by("month", "no").agg(pl.col("fen").sum()).sort("month") if rows.height else rows
        )
        by_town = rows.group_by("township", "no").agg(pl.col("fen").sum()) if rows.height else rows
        months: dict[str, list[tuple[float, float]]] = {}
        for row in (
            rows.group_by("no", "month").agg(pl.col("people", "new_people").sum()).iter_rows(named=True)
        ):
            months.setdefault(row["no"], []).append((row["people"] or 0.0, row["new_people"] or 0.0))
        items = []
        levels: dict[str, dict[str, float]] = {}
        for row in sorted(by_item.iter_rows(named=True), key=lambda r: no_sort_key(r["no"])):
            info = self.items[row["no"]]
            cost = self._yuan(row["fen"])
            kind = "example_yearly_cost" if info["example"] else "yearly_cost"
            for level, share in info["shares"].items():
                bucket = levels.setdefault(level, {"yearly_cost": 0.0, "example_yearly_cost": 0.0})
                bucket[kind] = round(bucket[kind] + cost * float(share), 2)
            items.append(
                {
                    "no": row["no"],
                    "name": info["name"],
                    "example": info["example"],
                    "has_amount": info["has_amount"],
                    "people_max": round(float(row["people"] or 0), 1),
                    "yearly_cost": cost,
                    "levels": {k: float(v) for k, v in info["shares"].items()},
                    "quantity": None
                    if info["quantity"] is None
                    else over_year(info["quantity"], months.get(row["no"], [])),
                }
            )
        costs: dict[int, dict[str, float]] = {
            m: {"yearly_cost": 0.0, "example_yearly_cost": 0.0} for m in range(1, 13)
        }
        for row in by_month.iter_rows(named=True):
            kind = "example_yearly_cost" if self.items[row["no"]]["example"] else "yearly_cost"
            costs[row["month"]][kind] = round(costs[row["month"]][kind] + self._yuan(row["fen"]), 2)
        towns: dict[str, dict[str, float]] = {}
        for row in by_town.iter_rows(named=True):
            kind = "example_yearly_cost" if self.items[row["no"]]["example"] else "yearly_cost"
            bucket = towns.setdefault(row["township"], {"yearly_cost": 0.0, "example_yearly_cost": 0.0})
            bucket[kind] = round(bucket[kind] + self._yuan(row["fen"]), 2)
        return {
            "catalog": self.catalog,
            "version": self.version,
            "year": self.year,
            "persons": self.persons,
            "mortality": None
            if self.mortality is None
            else {
                "from": self.mortality.valid_from.isoformat(),
                "reference": self.mortality.reference,
                "example": self.mortality.example,
            },
            "items": items,
            "by_month": [
                {"month": m, "cost": v["yearly_cost"], "example_cost": v["example_yearly_cost"]}
                for m, v in costs.items()
            ],
            "by_township": {
                t: {"cost": v["yearly_cost"], "example_cost": v["example_yearly_cost"]}
                for t, v in sorted(towns.items())
            },
            "by_level": {
                k: {"cost": v["yearly_cost"], "example_cost": v["example_yearly_cost"]}
                for k, v in sorted(levels.items(), key=lambda kv: _order(kv[0]))
            },
            "total": self.totals(),
        }


def _order(level: str) -> int:
    order = ("中央", "省", "市", "县", UNSPLIT)
    return order.index(level) if level in order else len(order)


def project(
    catalog: Catalog, persons: pl.DataFrame, year: int, config: BudgetConfig | None = None
) -> BudgetReport:
    """The expected cost of ``catalog`` over ``persons`` month by month in ``year``."""
    from yanglao.core.engine.api import entitle_frame

    config = config or BudgetConfig()
    table = config.mortality_on(dt.date(year, 1, 1))
    base = persons.lazy().select("id_number", "birth_date", township_expr()).collect()
    days = [dt.date(year - 1, 12, 31)] + [month_end(year, m) for m in range(1, 13)]
    weight = pl.lit(1.0)
    previous: pl.DataFrame | None = None
    parts: list[pl.DataFrame] = []
    for m, day in enumerate(days):
        granted = entitle_frame(catalog, persons, day).select(
            "id_number",
            pl.col("no").cast(pl.String),
            (pl.col("amount") * 100).cast(pl.Float64).alias("fen"),
            "period",
        )
        if m == 0:
            previous = granted
            continue
        weight = weight * _monthly_survival(table, day)
        weights = base.select("id_number", "township", weight.alias("w"))
        assert previous is not None
        new = granted.join(previous.select("id_number", "no"), on=["id_number", "no"], how="anti").select(
            "id_number", "no", pl.lit(True).alias("first")
        )
        per_month = (
            pl.when(pl.col("period") == "month")
            .then(pl.col("fen"))
            .when(pl.col("period") == "year")
            .then(pl.col("fen") / 12)
            .when((pl.col("period") == "once") & pl.col("first").fill_null(False))
            .then(pl.col("fen"))
            .otherwise(0.0)
            .fill_null(0.0)
        )
        parts.append(
            granted.join(new, on=["id_number", "no"], how="left")
            .join(weights, on="id_number", how="left")
            .group_by("no", "township")
            .agg(
                pl.col("w").sum().alias("people"),
                (pl.col("first").fill_null(False).cast(pl.Float64) * pl.col("w")).sum().alias("new_people"),
                (per_month * pl.col("w")).sum().alias("fen"),
            )
            .with_columns(pl.lit(m, pl.Int32).alias("month"))
        )
        previous = granted
    schema: dict[str, pl.DataType] = {
        "no": pl.String(),
        "township": pl.String(),
        "people": pl.Float64(),
        "new_people": pl.Float64(),
        "fen": pl.Float64(),
        "month": pl.Int32(),
    }
    rows = pl.concat([p.cast(pl.Schema(schema)) for p in parts]) if parts else pl.DataFrame(schema=schema)
    rows = rows.with_columns(pl.col("township").fill_null("未知"))
    mid = dt.date(year, 6, 30)
    examples = example_items(catalog, mid)
    items = {
        item.no: {
            "name": item.name,
            "example": item.no in examples,
            "has_amount": any(b.amount is not None for b in item.benefits),
            "shares": level_shares(catalog, item, mid),
            "quantity": item_quantity(item),
        }
        for item in catalog.items
    }
    return BudgetReport(catalog.code, catalog.name, catalog.version, year, persons.height, table, rows, items)


def check_budget(catalog: Catalog, report: BudgetReport, config: BudgetConfig | None = None) -> list[str]:
    """Warnings when the projected yearly cost (real money only) leaves a range written beside the list."""
    config = config if config is not None else load_config(catalog.code)
    cost = Decimal(str(report.totals()["yearly_cost"]))
    out = []
    for case in config.sanity:
        if not case.low <= cost <= case.high:
            out.append(
                f"{catalog.name}{report.year}年测算年支出 {cost:,.2f} 元，超出“{case.name}”的预期范围 "
                f"{case.low:,.0f}–{case.high:,.0f} 元（{case.reference}）"
            )
    return out


def print_budget(report: BudgetReport, out: TextIO) -> None:
    data = report.to_dict()
    w = out.write
    w(
        f"{report.name}（{report.catalog}，版本 {report.version}）{report.year}年预算测算，{report.persons:,} 人\n"
    )
    mort = data["mortality"]
    if mort:
        w(
            f"死亡率：自 {mort['from']} 起，依据：{mort['reference']}{'【示例值】' if mort['example'] else ''}\n"
        )
    w(
        "金额单位：元。标“※”的项目金额依赖示例值，单列，不计入合计。\n\n序号\t项目\t最多人数（期望）\t全年金额\t资金层级\n"
    )
    for i in data["items"]:
        mark = "※" if i["example"] else ""
        w(
            f"{i['no']}\t{mark}{i['name']}\t{i['people_max']:,.0f}\t{i['yearly_cost']:,.2f}\t{'、'.join(i['levels'])}\n"
        )
    counted = [i for i in data["items"] if i["quantity"] is not None]
    if counted:
        w("\n金额以外的数量（期望值）：\n")
        for i in counted:
            w(f"{i['no']}\t{i['name']}\t{i['quantity']['text']}\n")
    w("\n月份\t金额\t※示例值\n")
    for row in data["by_month"]:
        w(f"{row['month']}月\t{row['cost']:,.2f}\t{row['example_cost']:,.2f}\n")
    w("\n资金层级\t金额\t※示例值\n")
    for level, v in data["by_level"].items():
        w(f"{level}\t{v['cost']:,.2f}\t{v['example_cost']:,.2f}\n")
    t = data["total"]
    w(
        f"\n全年合计（不含示例值）：{t['yearly_cost']:,.2f} 元；※示例值项目另计 {t['example_yearly_cost']:,.2f} 元\n"
    )


def budget_xlsx(report: BudgetReport) -> bytes:
    """The workbook for the finance bureau: 说明, 按项目 (items × months), 按乡镇, 按资金层级."""
    from openpyxl.styles import Font

    from yanglao.core.exports import workbook, workbook_bytes

    data = report.to_dict()
    book = workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "说明"
    sheet.append([f"{report.name}{report.year}年基本养老服务预算测算"])
    sheet["A1"].font = Font(bold=True, size=14)
    mort = data["mortality"]
    for line in (
        f"清单版本：{report.version}；测算人数：{report.persons}",
        "每月按月末当日的清单规则和参数测算（与发放名册相同），年内满80、90、100周岁的老人从生日所在月起按新档计算。",
        "死亡率："
        + (
            f"自{mort['from']}起，依据：{mort['reference']}" + ("【示例值】" if mort["example"] else "")
            if mort
            else "未设"
        ),
        "金额单位：元。标“示例值”的项目金额依赖示例参数，单列，不计入合计。",
        f"全年合计（不含示例值）：{data['total']['yearly_cost']}；示例值项目另计：{data['total']['example_yearly_cost']}",
    ):
        sheet.append([line])
    sheet.column_dimensions["A"].width = 100
    by_item = book.create_sheet("按项目")
    by_item.append(
        ["序号", "项目", "示例值", "资金层级", "数量（金额以外）", *[f"{m}月" for m in range(1, 13)], "全年"]
    )
    month_rows = (
        report.rows.group_by("no", "month").agg(pl.col("fen").sum()) if report.rows.height else report.rows
    )
    cells = {(r["no"], r["month"]): report._yuan(r["fen"]) for r in month_rows.iter_rows(named=True)}
    for i in data["items"]:
        months = [cells.get((i["no"], m), 0.0) for m in range(1, 13)]
        by_item.append(
            [
                i["no"],
                i["name"],
                "示例值" if i["example"] else "",
                "、".join(i["levels"]),
                "" if i["quantity"] is None else i["quantity"]["text"],
                *months,
                i["yearly_cost"],
            ]
        )
    by_item.append(
        [
            "",
            "合计（不含示例值）",
            "",
            "",
            "",
            *[r["cost"] for r in data["by_month"]],
            data["total"]["yearly_cost"],
        ]
    )
    by_item.append(
        [
            "",
            "示例值项目（另计）",
            "示例值",
            "",
            "",
            *[r["example_cost"] for r in data["by_month"]],
            data["total"]["example_yearly_cost"],
        ]
    )
    by_item.column_dimensions["B"].width = 30
    towns = book.create_sheet("按乡镇")
    towns.append(["乡镇代码", "全年（不含示例值）", "示例值项目（另计）"])
    for town, v in data["by_township"].items():
        towns.append([town, v["cost"], v["example_cost"]])
    levels = book.create_sheet("按资金层级")
    levels.append(["资金层级", "全年（不含示例值）", "示例值项目（另计）"])
    for level, v in data["by_level"].items():
        levels.append([level, v["cost"], v["example_cost"]])
    return workbook_bytes(book)
