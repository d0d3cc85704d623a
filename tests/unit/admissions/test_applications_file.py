"""Reading an applications file: the application's cells parsed column-wise agree with the reference
row parser (which also accepts rarer spellings and gives the error's words); bad rows are left out."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from yanglao.core.admissions import read_applications
from yanglao.core.admissions.application import parse_application_cells
from yanglao.core.idnumber import make_id_number

ON = dt.date(2026, 6, 17)
A, B, C, D = (make_id_number("152223", dt.date(1950, 3, 1), i) for i in range(4))


def test_rarer_spellings_are_accepted_and_errors_use_the_reference_words(tmp_path: Path) -> None:
    source = tmp_path / "a.csv"
    source.write_text(
        "公民身份号码,户籍地区划代码,申请日期,入住意愿,申请状态,配偶公民身份号码\n"
        f"{A},152223,2026/1/5,Y,已入住,\n"
        f"{B},152223,2026-01-05,yes,,{B[:-1]}\n"
        f"{C},152223,2026-01-05,1, waiting ,{A.lower()}\n"
        f"{D},152223,2026-01-05,,withdrawn,\n",
        encoding="utf-8",
    )
    apps = read_applications(source, ON)
    rows = apps.frame.select(
        "id_number", "applied_on", "wants_placement", "status", "partner_id_number"
    ).rows()
    assert rows == [
        (A, dt.date(2026, 1, 5), True, "resident", None),
        (C, dt.date(2026, 1, 5), True, "waiting", A),
    ]
    expected = [
        (3, "partner_id_number", parse_application_cells({"partner_id_number": B[:-1]}, B, ON)[1][0].reason),
        (5, "wants_placement", "入住意愿为必填项（是/否）"),
    ]
    assert [(e.line, e.field, e.reason) for e in apps.errors] == expected
    assert apps.rows == 4


def test_json_lines_with_typed_values(tmp_path: Path) -> None:
    source = tmp_path / "a.jsonl"
    rows = [
        {"id_number": A, "hukou_region": "152223", "applied_on": "2026-01-05", "wants_placement": True},
        {"id_number": B, "hukou_region": "152223", "applied_on": "2026-07-01", "wants_placement": False},
    ]
    source.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    apps = read_applications(source, ON)
    assert apps.frame.get_column("id_number").to_list() == [A]
    assert [(e.line, e.field) for e in apps.errors] == [(2, "applied_on")]
    assert "晚于排序日期" in apps.errors[0].reason


def test_a_file_without_a_required_column_is_refused_at_its_header(tmp_path: Path) -> None:
    source = tmp_path / "a.csv"
    source.write_text(f"id_number,hukou_region,申请日期\n{A},152223,2026-01-05\n", encoding="utf-8")
    apps = read_applications(source, ON)
    assert apps.frame.height == 0
    assert [(e.line, e.field, e.reason) for e in apps.errors] == [(1, "wants_placement", "缺少必填列")]
