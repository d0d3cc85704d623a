"""``yanglao import enrolments``: formats, bad rows reported (line, field, reason), good rows kept,
re-import changes nothing, one transaction, accounts masked."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from yanglao.audit.models import AuditEvent
from yanglao.cli import main
from yanglao.core.idnumber import make_id_number
from yanglao.entitlements.imports import do_import_enrolments
from yanglao.entitlements.models import Enrolment, PayeeAccount

HEADER = [
    "id_number",
    "catalog",
    "item_no",
    "service_code",
    "amount",
    "start",
    "end",
    "bank",
    "account_number",
    "holder_name",
]


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER, encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def people(make_person: Callable[..., Any]) -> list[Any]:
    return [
        make_person("甲", birth=dt.date(1940, 1, 1)),
        make_person("乙", birth=dt.date(1950, 1, 1), dibao=True),
    ]


def good_rows(people: list[Any]) -> list[list[str]]:
    a, b = people
    return [
        [
            a.id_number,
            "152223",
            "5",
            "",
            "100",
            "2020-01-01",
            "",
            "扎赉特旗农村信用社",
            "6217001234567890",
            "甲",
        ],
        [b.id_number, "152223", "", "dibao", "800.00", "2023-07-01", "", "", "", ""],
        [
            b.id_number,
            "152223",
            "17",
            "severe_disability_care_subsidy",
            "100",
            "2024-01-01",
            "2024-12-31",
            "",
            "",
            "",
        ],
    ]


def test_import_and_reimport_changes_nothing(tmp_path: Path, people: list[Any]) -> None:
    path = write_csv(tmp_path / "民政_享受.csv", good_rows(people))
    first = do_import_enrolments(path, source="旗民政局", as_of=dt.date(2026, 11, 23))
    assert (first.created, first.updated, first.unchanged, first.errors) == (3, 0, 0, [])
    assert first.accounts_created == 1
    e = Enrolment.objects.get(person=people[0])
    assert (e.item_no, e.service_code, e.amount, e.status, e.region) == (
        "5",
        "gaoling_jintie",
        Decimal("100.00"),
        "active",
        people[0].hukou_region,
    )
    assert "民政_享受.csv 第 2 行" in e.source_detail
    dibao = Enrolment.objects.get(person=people[1], item_no="10")
    assert dibao.service_code == "dibao"
    part = Enrolment.objects.get(person=people[1], item_no="17")
    assert part.service_code == "severe_disability_care_subsidy"
    assert part.status == "ended"
    assert PayeeAccount.objects.get(person=people[0]).masked == "6217********7890"
    again = do_import_enrolments(path, source="旗民政局", as_of=dt.date(2026, 11, 23))
    assert (
        again.created,
        again.updated,
        again.unchanged,
        again.accounts_created,
        again.accounts_updated,
    ) == (0, 0, 3, 0, 0)
    assert Enrolment.objects.count() == 3
    event = AuditEvent.objects.filter(action="import", object_type="enrolments").latest("id")
    assert "新增 0" in event.summary
    assert "6217001234567890" not in json.dumps(event.detail)


def test_a_changed_amount_updates(tmp_path: Path, people: list[Any]) -> None:
    rows = good_rows(people)
    do_import_enrolments(write_csv(tmp_path / "a.csv", rows), source="旗民政局")
    rows[0][4] = "120"
    result = do_import_enrolments(write_csv(tmp_path / "b.csv", rows), source="旗民政局")
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    assert Enrolment.objects.get(person=people[0]).amount == Decimal("120.00")


def test_bad_rows_are_reported_and_good_rows_kept(tmp_path: Path, people: list[Any]) -> None:
    a, b = people
    rows = [
        *good_rows(people)[:1],
        ["152223195003010012", "152223", "5", "", "100", "2020-01-01", "", "", "", ""],  # check digit
        [b.id_number, "999999", "5", "", "100", "2020-01-01", "", "", "", ""],
        [b.id_number, "152223", "99", "", "100", "2020-01-01", "", "", "", ""],
        [b.id_number, "152223", "5", "dibao", "100", "2020-01-01", "", "", "", ""],
        [b.id_number, "152223", "6", "", "-5", "2020-01-01", "", "", "", ""],
        [b.id_number, "152223", "6", "", "50", "2020-13-01", "", "", "", ""],
        [b.id_number, "152223", "6", "", "50", "2020-01-01", "2019-01-01", "", "", ""],
        [b.id_number, "152223", "6", "", "50", "2020-01-01", "", "银行", "12ab", "乙"],
        [b.id_number, "152223", "", "", "50", "2020-01-01", "", "", "", ""],
        [a.id_number, "152223", "5", "", "100", "2020-01-01", "", "", "", ""],  # repeats line 2
        [
            make_id_number("152223", dt.date(1940, 1, 1), 998),
            "152223",
            "5",
            "",
            "100",
            "2020-01-01",
            "",
            "",
            "",
            "",
        ],
    ]
    result = do_import_enrolments(write_csv(tmp_path / "bad.csv", rows), source="旗民政局")
    found = {(e.line, e.field) for e in result.errors}
    assert {
        (3, "id_number"),
        (4, "catalog"),
        (5, "item_no"),
        (6, "service_code"),
        (7, "amount"),
        (8, "start"),
        (9, "end"),
        (10, "account_number"),
        (11, "item_no"),
        (12, "start"),
    } <= found
    assert any(e.line == 13 and "信息库中没有" in e.reason for e in result.errors)
    assert result.created == 1
    assert Enrolment.objects.count() == 1


def test_gb18030_csv_and_chinese_headers(tmp_path: Path, people: list[Any]) -> None:
    header = [
        "公民身份号码",
        "清单",
        "清单序号",
        "服务代码",
        "金额",
        "起始日期",
        "停止日期",
        "开户银行",
        "账号",
        "户名",
    ]
    path = write_csv(tmp_path / "gbk.csv", good_rows(people), header=header, encoding="gb18030")
    assert do_import_enrolments(path, source="旗民政局").created == 3


def test_jsonl_xlsx_and_parquet(tmp_path: Path, people: list[Any]) -> None:
    import polars as pl
    from openpyxl import Workbook

    rows = good_rows(people)
    records = [dict(zip(HEADER, r, strict=True)) for r in rows]
    jsonl = tmp_path / "e.jsonl"
    jsonl.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records[:1]), encoding="utf-8")
    assert do_import_enrolments(jsonl, source="x").created == 1
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    row = list(rows[1])
    row[5] = dt.datetime(2023, 7, 1)  # a real date cell
    sheet.append(row)
    book.save(tmp_path / "e.xlsx")
    assert do_import_enrolments(tmp_path / "e.xlsx", source="x").created == 1
    pl.DataFrame(records[2:]).write_parquet(tmp_path / "e.parquet")
    assert do_import_enrolments(tmp_path / "e.parquet", source="x").created == 1
    assert Enrolment.objects.count() == 3


def test_a_staff_stop_is_not_undone_by_an_import(tmp_path: Path, people: list[Any]) -> None:
    path = write_csv(tmp_path / "a.csv", good_rows(people))
    do_import_enrolments(path, source="旗民政局")
    e = Enrolment.objects.get(person=people[0])
    e.status, e.end, e.ended_reason = "ended", dt.date(2026, 1, 31), "死亡停发"
    e.save()
    do_import_enrolments(path, source="旗民政局")
    e.refresh_from_db()
    assert e.status == "ended"


@pytest.mark.django_db(transaction=True)  # the command closes the connection when it ends
def test_the_command(tmp_path: Path, people: list[Any], capsys: pytest.CaptureFixture[str]) -> None:
    path = write_csv(tmp_path / "a.csv", good_rows(people))
    assert main(["import", "enrolments", str(path), "--source", "旗民政局", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["created"] == 3
    assert out["errors"] == []
    bad = write_csv(
        tmp_path / "b.csv", [[people[0].id_number, "152223", "99", "", "", "2020-01-01", "", "", "", ""]]
    )
    assert main(["import", "enrolments", str(bad), "--source", "旗民政局"]) == 1
    assert "第 2 行 清单序号" in capsys.readouterr().out


def test_the_file_is_read_within_the_import_limits_of_the_settings(
    tmp_path: Path, people: list[Any], settings: Any
) -> None:
    from yanglao.core.records_io import ReadLimits, RowError

    settings.IMPORT_LIMITS = ReadLimits(max_rows=2)

    result = do_import_enrolments(write_csv(tmp_path / "e.csv", good_rows(people)), source="旗民政局")

    assert result.created == 2
    assert result.errors == [RowError(4, "（整行）", "超过 2 行数据的上限：本行及以后的行未读取")]


@pytest.mark.django_db(transaction=True)  # the command closes the connection when it ends
def test_the_entitlements_command_of_its_own(
    tmp_path: Path, people: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    """``yanglao enrolments import``: the import from the app that owns it (no registry→entitlements
    arrow); the error names the field as the file's Chinese header does."""
    path = write_csv(tmp_path / "a.csv", good_rows(people))
    assert main(["enrolments", "import", str(path), "--source", "旗民政局", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["created"] == 3
    bad = write_csv(
        tmp_path / "b.csv", [[people[0].id_number, "152223", "99", "", "", "2020-01-01", "", "", "", ""]]
    )
    assert main(["enrolments", "import", str(bad), "--source", "旗民政局"]) == 1
    assert "第 2 行 清单序号：清单 152223 没有第99项" in capsys.readouterr().out


def test_the_demo_runs_discovery_for_its_county(people: list[Any], today: dt.date) -> None:
    from yanglao.entitlements.demo import discover_demo
    from yanglao.entitlements.models import Finding

    outcome = discover_demo("152223", today)

    assert outcome["created"] == Finding.objects.count() > 0
    assert outcome["found"]
