"""The list as an Excel workbook: every item and field, the parameters with their history, options, 择高."""

from __future__ import annotations

import datetime as dt
from typing import Any

from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from yanglao.catalogweb.listing import EXAMPLE_WORDS, list_view
from yanglao.core.catalog import Catalog
from yanglao.core.exports import workbook, workbook_bytes

ITEM_HEADERS = (
    "序号", "服务代码", "服务项目", "分项", "服务类型", "服务对象（原文）", "对象规则（说明）", "服务内容（原文）",
    "服务标准（原文）", "机器金额", "周期", "标准方向", "金额算式（该日数值）", "支出责任（原文）", "出资层级",
    "牵头部门", "政策依据", "所用参数", "地方选项", "择高", "开始执行", "停止执行", "录入说明",
)  # fmt: skip
PARAM_HEADERS = ("参数", "名称", "单位", "生效日期", "数值", "示例值", "该日有效", "依据", "用于", "说明")


def _sheet(book: Any, title: str, headers: tuple[str, ...], widths: dict[int, int]) -> Worksheet:
    sheet = book.create_sheet(title)
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for column, width in widths.items():
        sheet.column_dimensions[sheet.cell(1, column).column_letter].width = width
    return sheet


def catalog_xlsx(catalog: Catalog, on: dt.date) -> bytes:
    """The workbook of ``catalog`` as it stood on ``on``."""
    view = list_view(catalog, on)
    book = workbook()
    info = book.active
    assert info is not None
    info.title = "清单"
    rows = [
        ("清单", catalog.name),
        ("区划代码", catalog.code),
        ("辖区", catalog.jurisdiction),
        ("文件", catalog.document),
        ("文号", catalog.document_number or ""),
        ("印发日期", catalog.issued_on.isoformat() if catalog.issued_on else ""),
        ("版本", catalog.version),
        ("上级清单", catalog.parent or ""),
        ("重建", "是（由其他清单推出，非正式文件）" if catalog.reconstructed else "否"),
        ("按日期", on.isoformat()),
        ("项目数", str(len(view.items))),
        ("来源", catalog.source),
        ("录入说明", catalog.notes),
    ]
    for row in rows:
        info.append(list(row))
    info.column_dimensions["A"].width = 12
    info.column_dimensions["B"].width = 100
    for cell in info["A"]:
        cell.font = Font(bold=True)

    items = _sheet(book, "项目", ITEM_HEADERS, {1: 6, 3: 22, 6: 30, 7: 30, 8: 40, 9: 40, 13: 30, 17: 40})
    for item in view.items:
        for benefit in item.benefits:
            items.append(
                [
                    item.no,
                    benefit.code,
                    item.name,
                    benefit.name if item.has_parts else "",
                    item.type_label,
                    benefit.target_text or item.target_text,
                    benefit.rule_words if benefit.evaluable else f"无法机器判断：{benefit.rule_words}",
                    item.content,
                    benefit.standard_text or item.standard_text,
                    benefit.amount_words,
                    benefit.period,
                    benefit.comparison,
                    benefit.formula,
                    item.funding_text,
                    "、".join(item.funding_levels),
                    "、".join(item.lead_departments),
                    item.policy_basis,
                    "、".join(f"{p.label} = {p.current} {p.unit}" for p in item.params),
                    "；".join(f"{o.label}（{'开启' if o.default else '默认关闭'}）" for o in item.options),
                    "；".join(g.words for g in item.groups),
                    item.valid_from.isoformat() if item.valid_from else "",
                    item.valid_to.isoformat() if item.valid_to else "",
                    "\n".join(n for n in (item.notes, benefit.notes) if n),
                ]
            )
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in items.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = wrap

    params = _sheet(book, "参数", PARAM_HEADERS, {2: 36, 3: 12, 4: 12, 8: 60, 10: 40})
    for param in view.params:
        for hist in param.rows:
            params.append(
                [
                    param.name,
                    param.label,
                    param.unit,
                    hist.valid_from,
                    hist.value,
                    EXAMPLE_WORDS if hist.example else "",
                    "是" if hist.current else "",
                    hist.reference,
                    "、".join(f"第{no}项" for no in param.used_by),
                    param.notes,
                ]
            )
    for cell in params["D"][1:]:
        cell.number_format = "yyyy-mm-dd"

    options = _sheet(book, "地方选项与择高", ("类别", "名称", "原文", "默认", "说明"), {2: 36, 3: 60, 5: 60})
    for option in view.options:
        options.append(
            ["地方选项", option.label, option.text, "开启" if option.default else "关闭", option.words]
        )
    for group in view.groups:
        options.append(["择高", group.name, group.text, "", group.words])

    return workbook_bytes(book)
