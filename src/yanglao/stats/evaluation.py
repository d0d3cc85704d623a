"""The township evaluation (考核): the measures per unit of a region, ranked, and as a workbook."""

from __future__ import annotations

import datetime as dt
from typing import Any

from yanglao.core.stats.evaluation import MEASURES
from yanglao.core.stats.rank import Measure, Ranked, rank_units
from yanglao.regions.models import Region
from yanglao.stats.compute import dashboard_answer, dashboard_stats


def evaluate(
    region: Region, on: dt.date, *, stale_note: list[str] | None = None
) -> tuple[list[Measure], list[Ranked], dict[str, Any]]:
    """(the measures that have data, the units ranked, the region's figures). From the current data,
    or — the page, passing ``stale_note`` — the dashboard's last figures while they are recomputed
    (their note appended to ``stale_note``); the export always from the current data."""
    if stale_note is None:
        s = dashboard_stats(region, on)["stats"]
    else:
        found = dashboard_answer(region, on)
        s = found.value["stats"]
        stale_note.append(found.note())
    units = s.get("units", [])
    values: list[tuple[str, str, dict[str, float | None]]] = []
    for u in units:
        targets = u.get("visit_targets")
        overdue = u.get("visits_overdue")
        values.append(
            (
                u["code"],
                u["name"],
                {
                    "visit_rate": u.get("visit_rate_percent"),
                    "overdue_rate": round(100.0 * overdue / targets, 1)
                    if targets and overdue is not None
                    else None,
                    "assessment_coverage_65": u.get("assessment_coverage_65_plus_percent"),
                    "missed_rate": u.get("missed_percent"),
                },
            )
        )
    present = [m for m in MEASURES if any(v[2].get(m.key) is not None for v in values)]
    return present, rank_units(values, present), s


def evaluation_xlsx(region: Region, on: dt.date) -> bytes:
    from openpyxl.styles import Font

    from yanglao.core.exports import workbook, workbook_bytes

    measures, ranked, s = evaluate(region, on)
    book = workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "考核排名"
    sheet.append(
        [f"{region.name}{(s.get('unit_level') and '下辖单位') or ''}养老服务考核（统计日期 {on:%Y-%m-%d}）"]
    )
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(
        [
            "权重："
            + "，".join(f"{m.label}{m.weight:g}" for m in measures)
            + "（无数据的指标不计，权重按有数据的指标折算）"
        ]
    )
    head = ["排名", "代码", "名称", "综合得分"]
    for m in measures:
        head += [f"{m.label}（%）", f"{m.label}名次"]
    sheet.append(head)
    for row in ranked:
        line: list[Any] = [row.rank, row.code, row.name, row.score]
        for m in measures:
            line += [row.values.get(m.key), row.ranks.get(m.key)]
        sheet.append(line)
    notes = book.create_sheet("指标说明")
    notes.append(["指标", "权重", "方向", "说明"])
    for m in measures:
        notes.append([m.label, m.weight, "越高越好" if m.higher_is_better else "越低越好", m.note])
    return workbook_bytes(book)
