"""The statistical bulletin (统计公报) of a region for a month: text, tables and charts, as a page, a PDF
(Chinese font embedded, charts drawn as SVG on the server) and an XLSX workbook."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from yanglao.core.stats import svg, text
from yanglao.core.stats.ages import month_end
from yanglao.regions.models import Region
from yanglao.stats import capabilities, labels
from yanglao.stats.compute import cached_value, region_stats, trends
from yanglao.stats.fresh import Answer, answer

# The CJK font the assessment reports embed (文泉驿微米黑, Apache-2.0), else Debian's copy of it.
FONT_CANDIDATES = (
    Path(__file__).resolve().parent.parent
    / "assessments"
    / "static"
    / "assessments"
    / "fonts"
    / "wqy-microhei.ttc",
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
)
FONT_FAMILY = "YanglaoBulletinCJK"


def font_path() -> Path:
    for path in FONT_CANDIDATES:
        if path.exists():
            return path
    raise FileNotFoundError("找不到中文字体文件 wqy-microhei.ttc（统计公报 PDF 需要嵌入中文字体）")


def bulletin_date(year: int, month: int, today: dt.date | None = None) -> dt.date:
    """The last day of the month, or today while the month runs. A month still to come is an error."""
    today = today or timezone.localdate()
    if (year, month) > (today.year, today.month) or not 1 <= month <= 12:
        raise ValueError("统计月份不能晚于本月")
    return min(month_end(year, month), today)


def build_figures(region: Region, on: dt.date) -> dict[str, Any]:
    """The bulletin's figures and its 13 months of trends, computed now."""
    return {
        "stats": region_stats(region, on),
        "trends": trends(region, on, 13),
        "capabilities": capabilities.section_figures(region, on),
    }


def figures_answer(region: Region, on: dt.date, *, stale_ok: bool = False) -> Answer:
    """The bulletin's figures, cached until the data change; after a change (``stale_ok``: the page,
    never the documents) the last ones computed while a job recomputes them."""
    return answer("bulletin", region, on, lambda: build_figures(region, on), stale_ok=stale_ok)


def figures(region: Region, on: dt.date) -> tuple[dict[str, Any], dict[str, Any]]:
    """The bulletin's figures and its 13 months of trends from the current data."""
    found = figures_answer(region, on).value
    return found["stats"], found["trends"]


def context(
    region: Region, on: dt.date, *, font: str = "sans-serif", stale_ok: bool = False
) -> dict[str, Any]:
    """The bulletin's page and documents; only the page (``stale_ok``) may show older figures, with
    ``stale_note`` saying so."""
    found = figures_answer(region, on, stale_ok=stale_ok)
    s, trend = found.value["stats"], found.value["trends"]
    bands = s["age_bands"]
    charts: dict[str, SafeString] = {
        "ages": mark_safe(
            svg.bar_chart(
                [labels.band_label(k) for k in bands],
                list(bands.values()),
                title="图1 老年人口年龄构成（人）",
                font=font,
            )
        ),
    }
    months = [row["month"][2:] for row in trend["population"]]
    for key, label, number in (("60", "60周岁及以上", "2"), ("80", "80周岁及以上", "3")):
        values = [row[f"population_{key}_plus"] for row in trend["population"]]
        charts[f"trend{key}"] = mark_safe(
            svg.line_chart(
                months,
                [(label, values)],
                title=f"图{number} 近13个月{label}老年人口（人）",
                font=font,
                width=340,
                zero=False,
            )
        )
    units = s.get("units", [])
    if units:
        charts["units"] = mark_safe(
            svg.bar_chart(
                [u["name"] for u in units],
                [u["population_60_plus"] for u in units],
                title=f"图5 分{labels.UNIT_LEVEL.get(s['unit_level'], '区划')}60周岁及以上老年人口（人）",
                font=font,
                bar_height=16,
            )
        )
    kinds = [r for r in s["facilities"]["by_kind"] if r["count"]]
    if kinds:
        charts["facilities"] = mark_safe(
            svg.bar_chart(
                [r["label"] for r in kinds],
                [r["beds"] for r in kinds],
                title="图4 养老服务设施床位（张）",
                font=font,
            )
        )
    return {
        "s": s,
        "region": region,
        "on": on,
        "title": f"{region.name}{on.year}年{on.month}月老年人口和养老服务统计公报",
        "period": text.period_text(on),
        "sections": text.paragraphs(s),
        "tables": labels.rows(s) + [(sec["title"], sec["values"]) for sec in found.value["capabilities"]],
        "units": units,
        "unit_level": labels.UNIT_LEVEL.get(s.get("unit_level", ""), "区划"),
        "charts": charts,
        "issued": timezone.localdate(),
        "stale_note": found.note(),
    }


def render_html(region: Region, on: dt.date, *, pdf: bool = False) -> str:
    font = FONT_FAMILY if pdf else "sans-serif"
    return render_to_string("stats/bulletin.html", {**context(region, on, font=font), "pdf": pdf})


def _fetcher(font: Path) -> Any:
    """A WeasyPrint URL fetcher that opens only the font file (no network, no other file)."""
    from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

    allowed = font.as_uri()

    class FontOnly(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url != allowed:
                raise ValueError(f"统计公报不能加载 {url}")
            return super().fetch(url, headers)

    return FontOnly(allowed_protocols=["file"])


def bulletin_pdf(region: Region, on: dt.date) -> bytes:
    import weasyprint  # type: ignore[import-untyped]
    from weasyprint.text.fonts import FontConfiguration  # type: ignore[import-untyped]

    font = font_path()
    fonts = FontConfiguration()
    fetcher = _fetcher(font)
    css = weasyprint.CSS(
        string=f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{font.as_uri()}"); }}',
        font_config=fonts,
        url_fetcher=fetcher,
    )
    html = render_html(region, on, pdf=True)
    document = weasyprint.HTML(string=html, base_url=font.parent.as_uri() + "/", url_fetcher=fetcher)
    pdf: bytes = document.write_pdf(stylesheets=[css], font_config=fonts)
    return pdf


def bulletin_xlsx(region: Region, on: dt.date) -> bytes:
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Alignment, Font

    from yanglao.core.exports import workbook, workbook_bytes

    c = context(region, on)
    s = c["s"]
    book = workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "公报"
    sheet.append([c["title"]])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([f"统计日期：{c['period']}；户籍在本区划、在世、60周岁及以上（周岁按统计日计算）"])
    for heading, paras in c["sections"]:
        sheet.append([])
        sheet.append([heading])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
        for para in paras:
            sheet.append([para])
            sheet.cell(sheet.max_row, 1).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 120

    table = book.create_sheet("指标")
    table.append(["类别", "指标", "数值"])
    for section, items in c["tables"]:
        for label, value in items:
            table.append([section, label.strip(), value])
    table.column_dimensions["A"].width = 28
    table.column_dimensions["B"].width = 40

    ages = book.create_sheet("年龄构成")
    ages.append(["年龄组", "人数"])
    for key, value in s["age_bands"].items():
        ages.append([labels.band_label(key), value])
    chart = BarChart()
    chart.title = "老年人口年龄构成"
    chart.add_data(Reference(ages, min_col=2, min_row=1, max_row=ages.max_row), titles_from_data=True)
    chart.set_categories(Reference(ages, min_col=1, min_row=2, max_row=ages.max_row))
    ages.add_chart(chart, "D2")

    if c["units"]:
        units = book.create_sheet(f"分{c['unit_level']}"[:31])
        head = [
            "代码",
            "名称",
            "60周岁及以上",
            "65周岁及以上",
            "80周岁及以上",
            "独居特困失能",
            "独居",
            "低保",
            "特困分散",
            "特困集中",
            "失能",
            "65+评估覆盖率%",
            "养老机构",
            "机构床位",
        ]
        units.append(head)
        for u in c["units"]:
            units.append(
                [
                    u["code"],
                    u["name"],
                    u["population_60_plus"],
                    u["population_65_plus"],
                    u["population_80_plus"],
                    u["alone_tekun_disabled"],
                    u["living_alone"],
                    u["dibao"],
                    u["tekun_dispersed"],
                    u["tekun_centralized"],
                    u["disabled"],
                    u["assessment_coverage_65_plus_percent"],
                    u["institutions"],
                    u["institution_beds"],
                ]
            )
        bar = BarChart()
        bar.title = "60周岁及以上老年人口"
        bar.add_data(Reference(units, min_col=3, min_row=1, max_row=units.max_row), titles_from_data=True)
        bar.set_categories(Reference(units, min_col=2, min_row=2, max_row=units.max_row))
        bar.width, bar.height = 24, 10
        units.add_chart(bar, f"A{units.max_row + 3}")

    fac = book.create_sheet("养老服务设施")
    fac.append(["类型", "个数", "床位", "护理型床位", "在住人数", "入住率%"])
    for r in s["facilities"]["by_kind"]:
        fac.append(
            [r["label"], r["count"], r["beds"], r["nursing_beds"], r["occupied_beds"], r["occupancy_percent"]]
        )

    if "entitlements" in s:
        e = s["entitlements"]
        ent = book.create_sheet("清单待遇")
        ent.append(
            [
                "序号",
                "项目",
                "人数",
                "周期",
                "月金额（元）",
                "年金额（元）",
                "示例值月金额（元，不计入合计）",
                "示例值年金额（元，不计入合计）",
                "资金承担层级",
            ]
        )
        for i in e["items"]:
            ent.append(
                [
                    i["no"],
                    i["name"] + ("（示例值）" if i.get("example") else ""),
                    i["people"],
                    i["period"] or "",
                    i["monthly_amount"],
                    i["annual_amount"],
                    i.get("example_monthly_amount"),
                    i.get("example_annual_amount"),
                    i["funding_levels"],
                ]
            )
        ent.append(["", "合计（不含示例值）", "", "", "", e.get("annual_amount"), "", "", ""])
        ent.append(
            ["", "示例值项目（单列，不计入合计）", "", "", "", "", "", e.get("example_annual_amount"), ""]
        )
        ent.append([])
        ent.append(["资金承担层级", "项目数", "人次", "年金额（元）", "示例值年金额（元，不计入合计）"])
        for row in e["by_funding_level"]:
            ent.append(
                [
                    row["funding_levels"],
                    row["items"],
                    row["person_items"],
                    row["annual_amount"],
                    row.get("example_annual_amount"),
                ]
            )
    return workbook_bytes(book)


def bulletin_bytes(region: Region, on: dt.date, kind: str) -> bytes:
    """The bulletin as ``pdf`` or ``xlsx``, made once per issue day until the data change."""
    make = bulletin_pdf if kind == "pdf" else bulletin_xlsx
    issued = timezone.localdate().isoformat()
    data: bytes = cached_value(f"bulletin-{kind}-{issued}", region, on, lambda: make(region, on))
    return data
