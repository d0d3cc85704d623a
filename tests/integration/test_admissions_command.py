"""``yanglao admissions rank`` on a file of applicants covering every class of 扎赉特旗's rules, both
tie-breakers (同等条件下优先 the 优抚 families, then the application date), a couple applying together,
a dead applicant, a resident, and rows with errors: the JSON Lines checked record by record, the
errors on stderr and in ``--json``, the rest ranked; the same file as XLSX; usage errors exit 2."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from yanglao.cli import main
from yanglao.core.idnumber import make_id_number

HEADER = [
    "id_number",
    "姓名",
    "hukou_region",
    "ability_level",
    "ability_assessed_on",
    "tekun",
    "self_care_unable",
    "disability_grade",
    "dibao",
    "fp_special",
    "military_family",
    "special_contribution",
    "death_date",
    "申请日期",
    "入住意愿",
    "配偶公民身份号码",
    "申请状态",
    "意向养老机构",
]


def ident(birth: dt.date, seq: int) -> str:
    return make_id_number("152223", birth, seq)


def applicants(today: dt.date) -> tuple[list[list[str]], dict[str, str]]:
    """The rows (after the header) and each applicant's ID number by a short name."""
    ago = lambda days: (today - dt.timedelta(days=days)).isoformat()  # noqa: E731
    assessed = ago(100)
    b = dt.date(1950, 3, 1)
    ids = {
        "tekun": ident(dt.date(1940, 1, 1), 1),
        "tekun_self": ident(dt.date(1948, 2, 1), 2),
        "severe": ident(dt.date(1955, 4, 1), 3),
        "poor": ident(dt.date(1952, 5, 1), 4),
        "fp": ident(dt.date(1958, 6, 1), 5),
        "early": ident(b, 6),
        "youfu": ident(b, 7),
        "late": ident(b, 8),
        "husband": ident(dt.date(1949, 7, 1), 9),
        "wife": ident(dt.date(1951, 8, 1), 10),
        "dead": ident(b, 11),
        "resident": ident(b, 12),
        "martyr": ident(b, 13),
    }
    r = "152223"
    rows = [
        [
            ids["tekun"],
            "甲",
            r,
            "3",
            assessed,
            "分散供养",
            "是",
            "",
            "",
            "",
            "",
            "",
            "",
            ago(40),
            "是",
            "",
            "",
            "巴彦高勒敬老院",
        ],
        [
            ids["tekun_self"],
            "乙",
            r,
            "0",
            assessed,
            "分散供养",
            "否",
            "",
            "",
            "",
            "",
            "",
            "",
            ago(150),
            "是",
            "",
            "",
            "",
        ],
        [ids["severe"], "丙", r, "2", assessed, "", "", "1", "", "", "", "", "", ago(120), "是", "", "", ""],
        [ids["poor"], "丁", r, "2", assessed, "", "", "", "是", "", "", "", "", ago(90), "是", "", "", ""],
        [
            ids["fp"],
            "戊",
            r,
            "0",
            assessed,
            "",
            "",
            "",
            "",
            "独生子女死亡",
            "",
            "",
            "",
            ago(200),
            "是",
            "",
            "",
            "",
        ],
        [
            ids["early"],
            "己",
            r,
            "0",
            assessed,
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            ago(160),
            "是",
            "",
            "轮候中",
            "",
        ],
        [
            ids["youfu"],
            "庚",
            r,
            "0",
            assessed,
            "",
            "",
            "",
            "",
            "",
            "是",
            "",
            "",
            ago(60),
            "是",
            "",
            "waiting",
            "",
        ],
        [ids["late"], "辛", r, "0", assessed, "", "", "", "", "", "", "", "", ago(30), "是", "", "", ""],
        [
            ids["husband"],
            "壬",
            r,
            "0",
            assessed,
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            ago(20),
            "是",
            ids["wife"],
            "",
            "",
        ],
        [
            ids["wife"],
            "癸",
            r,
            "3",
            assessed,
            "",
            "",
            "",
            "是",
            "",
            "",
            "",
            "",
            ago(20),
            "是",
            ids["husband"],
            "",
            "",
        ],
        [ids["dead"], "子", r, "0", assessed, "", "", "", "", "", "", "", ago(5), ago(170), "是", "", "", ""],
        [
            ids["resident"],
            "丑",
            r,
            "0",
            assessed,
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            ago(170),
            "是",
            "",
            "已入住",
            "",
        ],
        [
            ids["martyr"],
            "寅",
            r,
            "0",
            assessed,
            "",
            "",
            "",
            "",
            "",
            "",
            "烈士遗属",
            "",
            ago(10),
            "是",
            "",
            "",
            "",
        ],
        # rows with errors (lines 15-21)
        [ident(b, 20), "错1", r, "0", assessed, "", "", "", "", "", "", "", "", "", "是", "", "", ""],
        [ident(b, 21), "错2", r, "0", assessed, "", "", "", "", "", "", "", "", ago(1), "也许", "", "", ""],
        [
            ident(b, 22),
            "错3",
            r,
            "0",
            assessed,
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            ago(1),
            "是",
            "",
            "入住了",
            "",
        ],
        [
            ident(b, 23),
            "错4",
            r,
            "0",
            assessed,
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            ago(1),
            "是",
            ident(b, 23),
            "",
            "",
        ],
        [
            "152223195003010000",
            "错5",
            r,
            "0",
            assessed,
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            ago(1),
            "是",
            "",
            "",
            "",
        ],
        [ids["late"], "错6", r, "0", assessed, "", "", "", "", "", "", "", "", ago(1), "是", "", "", ""],
        [ident(b, 24), "错7", r, "0", assessed, "", "", "", "", "", "", "", "", ago(-3), "是", "", "", ""],
    ]
    return rows, ids


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["admissions", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def records(path: Path) -> dict[str, dict[str, Any]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    out = {}
    for line in lines:
        record = json.loads(line)
        assert set(record) == {"id_number", "eligible", "class", "class_name", "position", "reasons"}
        out[record["id_number"]] = record
    return out


def check_ranking(found: dict[str, dict[str, Any]], ids: dict[str, str]) -> None:
    expected = {  # name: (class, position)
        "tekun": (1, 1),
        "tekun_self": (2, 2),
        "severe": (3, 3),
        "poor": (4, 4),
        "wife": (4, 5),
        "husband": (4, 6),  # ranked with his wife at her class, right after her
        "fp": (5, 7),
        "youfu": (6, 8),  # 同等条件下优先 before earlier applicants of the same class
        "martyr": (6, 9),  # 同等条件下优先 too, applied later than 庚
        "early": (6, 10),  # then the application date
        "late": (6, 11),
    }
    for name, (klass, position) in expected.items():
        record = found[ids[name]]
        assert (record["class"], record["position"], record["eligible"]) == (klass, position, True), name
    assert found[ids["tekun"]]["class_name"] == "生活不能自理、有集中供养意愿的特困人员（应收尽收）"
    tekun = found[ids["tekun"]]["reasons"]
    assert any(r.startswith("第1类（") and "经认定生活不能自理为“是”（本人：是）" in r for r in tekun)
    assert tekun[-1] == "轮候位次：第 1 位（内蒙古自治区兴安盟扎赉特旗）"
    martyr = found[ids["martyr"]]["reasons"]
    assert any(
        "同等条件下优先（现役军人家属和烈士、因公牺牲军人、病故军人的遗属）：是" in r and "烈士遗属" in r
        for r in martyr
    )
    early = found[ids["early"]]["reasons"]
    assert "同等条件下优先（现役军人家属和烈士、因公牺牲军人、病故军人的遗属）：否" in early
    assert any(r.startswith("申请日期：") for r in early)
    husband = found[ids["husband"]]["reasons"]
    assert any(
        r.startswith(f"与配偶（公民身份号码后四位 {ids['wife'][-4:]}）一同申请：按两人中较高的第4类")
        for r in husband
    )
    assert any(r.startswith("不属于第4类") for r in husband)  # his own class is 6
    dead = found[ids["dead"]]
    assert (dead["eligible"], dead["class"], dead["position"]) == (False, None, None)
    assert dead["reasons"][0].endswith("去世，不在轮候队列中")
    resident = found[ids["resident"]]
    assert (resident["eligible"], resident["class"], resident["position"]) == (True, 6, None)
    assert "申请状态：已入住，不在轮候队列中" in resident["reasons"]


def test_rank_writes_the_queue_with_its_reasons_and_reports_the_bad_rows(
    tmp_path: Path, today: dt.date, capsys: pytest.CaptureFixture[str]
) -> None:
    rows, ids = applicants(today)
    source = write_csv(tmp_path / "申请.csv", rows)
    output = tmp_path / "queue.jsonl"
    code, out, err = run(
        capsys,
        "rank",
        "--rules",
        "152223",
        "--date",
        today.isoformat(),
        "--input",
        str(source),
        "--output",
        str(output),
        "--json",
    )
    assert code == 1
    found = records(output)
    assert len(found) == 13  # the 13 valid rows, in the file's order
    assert list(found) == [row[0] for row in rows[:13]]
    check_ranking(found, ids)
    summary = json.loads(out)
    assert (summary["rows"], summary["ranked"], summary["in_queue"]) == (20, 13, 11)
    errors = {(e["line"], e["field"]) for e in summary["errors"]}
    assert errors == {
        (15, "applied_on"),
        (16, "wants_placement"),
        (17, "status"),
        (18, "partner_id_number"),
        (19, "id_number"),
        (20, "id_number"),
        (21, "applied_on"),
    }
    reasons = {e["line"]: e["reason"] for e in summary["errors"]}
    assert reasons[15] == "申请日期为必填项"
    assert "也许" in reasons[16]
    assert "入住了" in reasons[17]
    assert "已入住" in reasons[17]
    assert reasons[18] == "配偶公民身份号码与本人相同"
    assert "校验码" in reasons[19]
    assert reasons[20] == "与第 9 行的公民身份号码重复"
    assert "晚于排序日期" in reasons[21]
    assert "第16行 wants_placement：" in err
    assert "排序 13 人，其中轮候 11 人，出错 7 行" in err


def test_the_same_applicants_as_a_workbook_rank_the_same(
    tmp_path: Path, today: dt.date, capsys: pytest.CaptureFixture[str]
) -> None:
    import openpyxl

    rows, ids = applicants(today)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows[:13]:
        cells: list[object] = list(row)
        cells[13] = dt.date.fromisoformat(row[13])  # a real date cell
        sheet.append(cells)
    source = tmp_path / "申请.xlsx"
    book.save(source)
    output = tmp_path / "queue.jsonl"
    code, _, err = run(
        capsys,
        "rank",
        "--rules",
        "152223",
        "--date",
        today.isoformat(),
        "--input",
        str(source),
        "--output",
        str(output),
    )
    assert code == 0, err
    check_ranking(records(output), ids)


def test_usage_errors_exit_2(tmp_path: Path, today: dt.date, capsys: pytest.CaptureFixture[str]) -> None:
    rows, _ = applicants(today)
    source = write_csv(tmp_path / "a.csv", rows[:2])
    out = str(tmp_path / "o.jsonl")
    code, _, err = run(
        capsys,
        "rank",
        "--rules",
        "999999",
        "--date",
        today.isoformat(),
        "--input",
        str(source),
        "--output",
        out,
    )
    assert code == 2
    assert "没有行政区划“999999”的入住规则" in err
    code, _, err = run(
        capsys,
        "rank",
        "--rules",
        "152223",
        "--date",
        today.isoformat(),
        "--input",
        str(tmp_path / "a.pdf"),
        "--output",
        out,
    )
    assert code == 2
    assert "不支持的文件类型" in err
    code, _, err = run(
        capsys,
        "rank",
        "--rules",
        "152223",
        "--date",
        today.isoformat(),
        "--input",
        str(source),
        "--output",
        str(tmp_path / "o.csv"),
    )
    assert code == 2


def test_show_and_test(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "show", "410721")
    assert code == 0
    assert "同等条件下优先 现役军人家属、退役军人及烈士、因公牺牲军人、病故军人的遗属" in out
    assert "第9类 其他符合入住条件的老年人" in out
    code, out, _ = run(capsys, "test")
    assert code == 0
    assert "152223：3 个用例" in out
