"""The import template a department fills in: its columns, one sample row of plainly fake data, and a
notes sheet saying in Chinese how each column is filled.

The sample person cannot be imported by mistake: the ID number's address code ``999999`` and the
region codes ``999999000000`` exist nowhere, so a user's import refuses the row as outside their area.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from yanglao.core import exports
from yanglao.core import person as spec
from yanglao.core.idnumber import make_id_number

SAMPLE_BIRTH = dt.date(1946, 6, 6)
SAMPLE_REGION = "999999000000"
SAMPLE_ID = make_id_number("999999", SAMPLE_BIRTH, 1)
SAMPLE_TEXT: dict[str, str] = {
    "id_number": SAMPLE_ID,
    "name": "张三（示例）",
    "phone": "13800000000",
    "address": "某某镇某某村1组1号（示例）",
    "emergency_contact_name": "李四（示例）",
    "emergency_contact_phone": "13900000000",
    "emergency_contact_relation": "子女",
    "spouse_id_number": "",
    "tekun_care": "",  # the sample is not 特困: no care type
}
FIELD_NOTES: dict[str, str] = {
    "name": "姓名，与身份证一致",
    "phone": "手机号或固定电话，只填数字（可含“-”）",
    "emergency_contact_phone": "手机号或固定电话，只填数字（可含“-”）",
    "emergency_contact_name": "姓名",
    "emergency_contact_relation": "如 子女、配偶、亲属、邻居",
    "address": "详细地址，如 某镇某村某组某号",
}
SAMPLE_DATES: dict[str, dt.date | None] = {
    "birth_date": SAMPLE_BIRTH,
    "death_date": None,  # a living person: the cell stays empty
    "ability_assessed_on": dt.date(2025, 3, 1),
}
SAMPLE_INTS = {"ability_level": 2, "disability_grade": 2, "disabled_months": 6}
SAMPLE_TRUE = frozenset({"no_supporter", "long_term_care_need", "ltc_insured"})

KIND_NOTES = {
    "id": "18位公民身份号码（末位可为X），也接受15位旧号码；请把该列设为“文本”格式，以免Excel改成科学计数法",
    "text": "文字",
    "region": "统计用区划代码：12位（到村、社区）或6位（到县）",
    "bool": "填“是”或“否”（也可填 1/0、Y/N）",
    "date": "日期，如 1946-06-06、1946/6/6 或 1946年6月6日；Excel 日期格式的单元格也可以",
    "int": "整数",
    "code": "填下列文字之一",
}
GENERAL_NOTES = (
    "第 1 行是列名，请不要修改；不需要的列可以整列删除，列的先后顺序不限。",
    "第 2 行是示例（张三，身份证号以 999999 开头，并不存在），填写前请删除或覆盖这一行。",
    "空单元格表示“不详”：不会清除系统里已有的数据。",
    "公民身份号码必填；出生日期和性别可以不填，系统按身份证号码推算，填写的须与身份证号码一致。",
    "数据日期（这份数据是截至哪一天的）在导入页面填写：与其他部门的数据不一致时，以数据日期较晚的为准。",
    "有错误的行不会导入；导入后可下载错误报告，报告列出每个错误所在的行号、身份证号后4位、姓名、字段和原因。",
)


@dataclass(frozen=True)
class Column:
    name: str  # the field's code name
    header: str  # the column's heading in the template: the field's Chinese name
    note: str
    sample: Any


def _sample(fld: spec.Field) -> Any:
    if fld.name in SAMPLE_TEXT:
        return SAMPLE_TEXT[fld.name]
    if fld.name == "sex":
        return "男"  # as the sample ID number says (an odd sequence number)
    if fld.kind == "region":
        return SAMPLE_REGION
    if fld.kind == "date":
        return SAMPLE_DATES.get(fld.name)
    if fld.kind == "int":
        return SAMPLE_INTS.get(fld.name, fld.minimum or 0)
    if fld.kind == "bool":
        return "是" if fld.name in SAMPLE_TRUE else "否"
    if fld.kind == "code":  # "none" where the field has it (否, 非特困), else the second value
        return fld.codes[0][1] if fld.codes[0][0] == "none" else fld.codes[min(1, len(fld.codes) - 1)][1]
    return ""


def _note(fld: spec.Field) -> str:
    note = FIELD_NOTES.get(fld.name) or KIND_NOTES[fld.kind]
    if fld.kind == "code":
        note += "：" + "、".join(label for _, label in fld.codes)
    if fld.kind == "int" and fld.minimum is not None and fld.maximum is not None:
        note += f"，{fld.minimum}–{fld.maximum}"
    if fld.name == "ability_level":
        note += "（" + "、".join(f"{code} {label}" for code, label in spec.ABILITY_LEVELS) + "）"
    return note


def columns_for(names: Iterable[str], extras: Mapping[str, str]) -> list[Column]:
    """The template's columns for these fields: the person record's, or the registry's ``extras``
    (name → Chinese name; text columns such as the phone and the address)."""
    out: list[Column] = []
    for name in names:
        fld = spec.FIELD_BY_NAME.get(name)
        if fld is None:
            fld = spec.Field(name, extras[name], "id" if name.endswith("id_number") else "text")
        out.append(Column(name, fld.label, _note(fld), _sample(fld)))
    return out


def template_workbook(title: str, columns: list[Column]) -> bytes:
    """The template as XLSX bytes: sheet “数据” (headings and the sample row; every text column formatted
    as text) and sheet “填写说明”."""
    from openpyxl.styles import Font

    book = exports.workbook()
    data = book.active
    data.title = "数据"
    data.append([c.header for c in columns])
    data.append([c.sample if c.sample != "" else None for c in columns])
    for index, column in enumerate(columns, start=1):
        letter = data.cell(row=1, column=index).column_letter
        data.column_dimensions[letter].width = max(12, min(40, 2 * len(column.header) + 4))
        data.cell(row=1, column=index).font = Font(bold=True)
        if isinstance(column.sample, dt.date):
            data.cell(row=2, column=index).number_format = "yyyy-mm-dd"
        elif not isinstance(column.sample, int):  # typed-in ID and phone numbers stay text
            data.column_dimensions[letter].number_format = "@"
            data.cell(row=2, column=index).number_format = "@"
    data.freeze_panes = "A2"
    notes = book.create_sheet("填写说明")
    notes.append([f"{title}：导入模板填写说明"])
    notes["A1"].font = Font(bold=True, size=13)
    for line in GENERAL_NOTES:
        notes.append([line])
    notes.append([])
    notes.append(["列名", "填写要求", "示例"])
    for cell in notes[notes.max_row]:
        cell.font = Font(bold=True)
    for column in columns:
        sample = column.sample.isoformat() if isinstance(column.sample, dt.date) else column.sample
        notes.append([column.header, column.note, "" if sample is None else str(sample)])
    notes.column_dimensions["A"].width = 34
    notes.column_dimensions["B"].width = 90
    notes.column_dimensions["C"].width = 26
    return exports.workbook_bytes(book)
