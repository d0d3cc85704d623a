"""`yanglao import persons FILE [--source] [--as-of] [--json] [--all-or-nothing]` on the command line."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from yanglao.audit.models import Action, AuditEvent
from yanglao.cli import main
from yanglao.core.idnumber import make_id_number
from yanglao.registry import importsql
from yanglao.registry.history import person_changes
from yanglao.registry.models import (
    BatchStatus,
    ChangeKind,
    Conflict,
    ConflictStatus,
    ImportBatch,
    Person,
    PersonChange,
)

VILLAGE = "152223100001"  # 龙腾社区, 音德尔镇
OTHER_VILLAGE = "152223101001"  # 解放社区, 新林镇

# Odd sequence numbers are men, even ones women.
WANG = make_id_number("152223", dt.date(1950, 3, 1), 902)
ZHANG = make_id_number("152223", dt.date(1944, 7, 1), 903)
LI = make_id_number("152223", dt.date(1948, 5, 20), 905)
ZHAO = make_id_number("152223", dt.date(1950, 3, 1), 904)
SUN = make_id_number("152223", dt.date(1939, 11, 11), 906)
BAD_CHECK = LI[:17] + ("0" if LI[17] != "0" else "1")

# The must-show feed: good rows mixed with a bad check digit (line 4), a birth date contradicting the
# ID number (line 6) and an unknown code (line 7). 王秀英's address spans lines 2-3.
MIXED_FEED = (
    "id_number,name,sex,birth_date,hukou_region,living_arrangement,dibao,address\n"
    f'{WANG},王秀英,女,,{VILLAGE},独居,否,"音德尔镇龙腾社区\n3号楼2单元"\n'
    f"{BAD_CHECK},李建国,男,,{VILLAGE},空巢,是,\n"
    f"{ZHANG},张福,1,1944-07-01,{VILLAGE},alone,0,\n"
    f"{ZHAO},赵玉兰,2,1950-03-02,{VILLAGE},empty_nest,1,\n"
    f"{SUN},孙桂芝,,,{OTHER_VILLAGE},独自居住,,\n"
)


def gb18030_file(folder: Path, text: str, name: str = "民政局.csv") -> Path:
    path = folder / name
    data = text.encode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # really GB18030, not UTF-8 by accident
    path.write_bytes(data)
    return path


def csv_file(folder: Path, text: str, name: str = "feed.csv") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def run_import(path: Path, *options: str) -> tuple[int, dict[str, Any]]:
    """Run the command with ``--json``; returns its exit status and its one JSON object."""
    out = io.StringIO()
    if "--source" not in options:
        options = ("--source", "旗民政局", *options)
    try:
        call_command("import", "persons", str(path), "--json", *options, stdout=out)
        status = 0
    except SystemExit as exc:
        status = int(exc.code or 0)
    return status, json.loads(out.getvalue())


def errors_of(result: dict[str, Any]) -> list[tuple[int, str]]:
    return [(e["line"], e["field"]) for e in result["errors"]]


# --- the must-show ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_console_command_imports_the_good_rows_of_a_gb18030_feed_and_reports_the_bad_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = gb18030_file(tmp_path, MIXED_FEED)

    status = main(["import", "persons", str(path), "--source", "旗民政局", "--as-of", "2024-06-01", "--json"])

    result = json.loads(capsys.readouterr().out)
    assert status == 1  # errors were found
    assert set(result) == {"created", "updated", "unchanged", "errors", "errors_total", "conflicts"}
    assert result["errors_total"] == 3
    assert (result["created"], result["updated"], result["unchanged"]) == (2, 0, 0)
    assert result["conflicts"] == []
    assert all(set(error) == {"line", "field", "reason"} for error in result["errors"])
    assert errors_of(result) == [(4, "id_number"), (6, "birth_date"), (7, "living_arrangement")]
    reasons = [e["reason"] for e in result["errors"]]
    assert reasons[0].startswith("校验码错误")
    assert reasons[1] == "与公民身份号码不符：身份证号码显示为 1950-03-01，填写为 1950-03-02"
    assert reasons[2].startswith("未知代码“独自居住”")

    assert sorted(Person.objects.values_list("id_number", flat=True)) == sorted([WANG, ZHANG])
    wang = Person.objects.get(id_number=WANG)
    assert wang.name == "王秀英"
    assert (wang.sex, wang.birth_date) == ("2", dt.date(1950, 3, 1))
    assert (wang.living_arrangement, wang.dibao) == ("alone", False)
    assert wang.address == "音德尔镇龙腾社区\n3号楼2单元"
    [change] = person_changes(wang)  # the creation, derived from the batch (none stored per person)
    assert (change.kind, change.source, change.as_of) == (ChangeKind.CREATE, "旗民政局", dt.date(2024, 6, 1))
    assert change.changes["name"] == [None, "王秀英"]
    assert change.changes["living_arrangement"] == [None, "alone"]
    assert "death_date" not in change.changes
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.created, batch.error_count) == (BatchStatus.DONE, 2, 3)
    assert [(e.line, e.field) for e in batch.error_rows.order_by("id")] == errors_of(result)
    # the stored rows say whose row each error is (the web error report of any batch reads them)
    assert all(len(e.id_tail) == 4 and e.name for e in batch.error_rows.all())
    assert AuditEvent.objects.filter(action=Action.IMPORT, username="命令行", address="cli").count() == 1


def test_importing_the_same_file_again_changes_nothing(tmp_path: Path, db: None) -> None:
    path = gb18030_file(tmp_path, MIXED_FEED)
    run_import(path, "--source", "旗民政局")
    changes = PersonChange.objects.count()

    status, again = run_import(path, "--source", "旗民政局")

    assert status == 1
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)
    assert errors_of(again) == [(4, "id_number"), (6, "birth_date"), (7, "living_arrangement")]
    assert Person.objects.count() == 2
    assert PersonChange.objects.count() == changes


def test_all_or_nothing_imports_none_of_a_file_with_errors(tmp_path: Path, db: None) -> None:
    path = gb18030_file(tmp_path, MIXED_FEED)

    status, result = run_import(path, "--all-or-nothing")

    assert status == 1
    assert (result["created"], result["updated"], result["unchanged"]) == (0, 0, 0)
    assert len(result["errors"]) == 3
    assert not Person.objects.exists()
    assert not PersonChange.objects.exists()
    assert ImportBatch.objects.get().status == BatchStatus.REJECTED


def test_a_clean_file_exits_0_and_prints_a_summary_without_json(tmp_path: Path, db: None) -> None:
    path = csv_file(tmp_path, f"公民身份号码,姓名\n{WANG},王秀英\n")
    out = io.StringIO()

    call_command("import", "persons", str(path), "--source", "canlian", stdout=out)

    assert out.getvalue().strip() == "新增 1，更新 0，无变化 0，错误 0，冲突 0"
    batch = ImportBatch.objects.get()  # the department named by its code or its name
    assert (batch.source, batch.department.code) == ("旗残联", "canlian")


def test_a_file_without_an_id_number_column_imports_nothing(tmp_path: Path, db: None) -> None:
    path = csv_file(tmp_path, "姓名\n王秀英\n")

    status, result = run_import(path)

    assert status == 1
    assert result["errors"] == [{"line": 1, "field": "id_number", "reason": "缺少必填列"}]
    assert not ImportBatch.objects.exists()


def test_a_duplicated_id_number_is_reported_on_its_second_line(tmp_path: Path, db: None) -> None:
    path = csv_file(tmp_path, f"id_number,name\n{WANG},王秀英\n{WANG},王秀云\n")

    _, result = run_import(path)

    assert result["created"] == 1
    assert result["errors"] == [{"line": 3, "field": "id_number", "reason": "与第 2 行的公民身份号码重复"}]
    assert Person.objects.get().name == "王秀英"


# --- partial feeds ----------------------------------------------------------------------------


def base_registry(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path,
        "id_number,name,hukou_region,living_arrangement\n"
        f"{WANG},王秀英,{VILLAGE},alone\n"
        f"{ZHANG},张福,{VILLAGE},with_family\n",
        "base.csv",
    )
    status, _ = run_import(path, "--source", "旗民政局", "--as-of", "2024-06-01")
    assert status == 0


def test_a_disability_federation_feed_changes_only_the_disability_fields(tmp_path: Path, db: None) -> None:
    base_registry(tmp_path)
    path = csv_file(tmp_path, f"公民身份号码,残疾等级,残疾类别\n{WANG},2,肢体\n{ZHANG},,\n", "canlian.csv")

    status, result = run_import(path, "--source", "旗残联", "--as-of", "2024-07-01")

    assert status == 0
    assert (result["created"], result["updated"], result["unchanged"]) == (0, 1, 1)
    wang = Person.objects.get(id_number=WANG)
    assert (wang.disability_grade, wang.disability_category) == (2, "physical")
    assert (wang.name, wang.living_arrangement, wang.hukou_region) == ("王秀英", "alone", VILLAGE)
    change = wang.changes.latest("id")
    assert (change.kind, change.source, change.as_of) == (ChangeKind.FEED, "旗残联", dt.date(2024, 7, 1))
    assert change.changes == {"disability_grade": [None, "2"], "disability_category": [None, "physical"]}
    assert len(person_changes(Person.objects.get(id_number=ZHANG))) == 1  # an empty cell clears nothing
    created, fed = person_changes(wang)
    assert (created.kind, created.source, fed.source) == (ChangeKind.CREATE, "旗民政局", "旗残联")
    assert "disability_grade" not in created.changes  # the creation shows the values before the feed


def test_a_public_security_feed_records_a_death(tmp_path: Path, db: None) -> None:
    base_registry(tmp_path)
    path = csv_file(tmp_path, f"id_number,death_date\n{ZHANG},2024-08-03\n", "gongan.csv")

    status, result = run_import(path, "--source", "旗公安局", "--as-of", "2024-08-05")

    assert status == 0
    assert result["updated"] == 1
    zhang = Person.objects.get(id_number=ZHANG)
    assert zhang.death_date == dt.date(2024, 8, 3)
    assert zhang.name == "张福"
    change = zhang.changes.latest("id")
    assert (change.source, change.changes) == ("旗公安局", {"death_date": [None, "2024-08-03"]})


# --- conflicts --------------------------------------------------------------------------------


@pytest.mark.parametrize("as_of", ["2024-05-01", "2024-06-01"], ids=["older", "same-day"])
def test_a_feed_contradicting_a_value_another_source_set_later_is_a_conflict(
    tmp_path: Path, db: None, as_of: str
) -> None:
    base_registry(tmp_path)
    path = csv_file(tmp_path, f"id_number,living_arrangement\n{WANG},与子女等同住\n", "laolingban.csv")

    status, result = run_import(path, "--source", "旗老龄办", "--as-of", as_of)

    assert status == 0
    assert (result["updated"], result["unchanged"]) == (0, 1)
    assert result["conflicts"] == [
        {
            "id_number": WANG,
            "field": "living_arrangement",
            "current": {"value": "alone", "source": "旗民政局", "as_of": "2024-06-01"},
            "proposed": {"value": "with_family", "source": "旗老龄办", "as_of": as_of},
        }
    ]
    assert Person.objects.get(id_number=WANG).living_arrangement == "alone"  # the value is kept
    conflict = Conflict.objects.get()
    assert (conflict.status, conflict.current_value, conflict.proposed_value) == (
        ConflictStatus.OPEN,
        "alone",
        "with_family",
    )
    assert ImportBatch.objects.latest("id").conflicts == 1


def test_the_same_conflict_imported_twice_is_stored_once(tmp_path: Path, db: None) -> None:
    base_registry(tmp_path)
    path = csv_file(tmp_path, f"id_number,living_arrangement\n{WANG},with_family\n", "laolingban.csv")
    run_import(path, "--source", "旗老龄办", "--as-of", "2024-05-01")

    _, again = run_import(path, "--source", "旗老龄办", "--as-of", "2024-05-01")

    assert len(again["conflicts"]) == 1
    assert Conflict.objects.count() == 1


def test_a_newer_feed_from_another_source_simply_updates(tmp_path: Path, db: None) -> None:
    base_registry(tmp_path)
    path = csv_file(tmp_path, f"id_number,living_arrangement\n{WANG},with_family\n", "laolingban.csv")

    _, result = run_import(path, "--source", "旗老龄办", "--as-of", "2024-06-02")

    assert (result["updated"], result["conflicts"]) == (1, [])
    assert Person.objects.get(id_number=WANG).living_arrangement == "with_family"
    assert not Conflict.objects.exists()


# --- other formats ----------------------------------------------------------------------------


def test_an_xlsx_feed_reports_spreadsheet_row_numbers(tmp_path: Path, db: None) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["公民身份号码", "姓名", "出生日期", "老年人能力等级"])
    sheet.append([WANG, "王秀英", dt.datetime(1950, 3, 1), 2])
    sheet.append([ZHANG, "张福", None, 7])
    sheet.append([SUN, "孙桂芝", None, None])
    path = tmp_path / "feed.xlsx"
    book.save(path)

    _, result = run_import(path)

    assert result["created"] == 2
    assert errors_of(result) == [(3, "ability_level")]
    assert Person.objects.get(id_number=WANG).ability_level == 2


def test_a_parquet_feed_is_numbered_as_if_it_were_csv(tmp_path: Path, db: None) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "feed.parquet"
    table = pa.table(
        {
            "id_number": [WANG, BAD_CHECK, SUN],
            "name": ["王秀英", "李建国", "孙桂芝"],
            "dibao": [True, False, None],
        }
    )
    pq.write_table(table, path)

    _, result = run_import(path)

    assert result["created"] == 2
    assert errors_of(result) == [(3, "id_number")]
    assert Person.objects.get(id_number=WANG).dibao is True
    assert Person.objects.get(id_number=SUN).dibao is None


def test_a_jsonl_feed_reports_a_malformed_line_and_imports_the_others(tmp_path: Path, db: None) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(
        json.dumps({"id_number": WANG, "姓名": "王秀英", "dibao": "是"}, ensure_ascii=False)
        + "\n"
        + '{"id_number": "'
        + ZHANG
        + '", "name": \n'
        + json.dumps({"id_number": SUN, "name": "孙桂芝", "鞋码": 36}, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )

    _, result = run_import(path)

    assert result["created"] == 2
    assert errors_of(result) == [(2, "（整行）"), (3, "鞋码")]
    assert result["errors"][0]["reason"].startswith("不是有效的 JSON")
    assert sorted(Person.objects.values_list("name", flat=True)) == ["孙桂芝", "王秀英"]


# --- interruption -----------------------------------------------------------------------------


class DatabaseWentAway(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_an_import_interrupted_half_way_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = [make_id_number("152223", dt.date(1940, 1, 1 + n), 100 + n) for n in range(9)]
    path = csv_file(tmp_path, "id_number,name\n" + "".join(f"{i},老人{n}\n" for n, i in enumerate(ids)))
    real_insert = importsql.Stage.insert_new
    written: list[int] = []

    def insert_then_fail(stage: Any, batch_id: int, synthetic: bool) -> int:
        real_insert(stage, batch_id, synthetic)
        written.append(Person.objects.count())
        raise DatabaseWentAway("the database went away")

    monkeypatch.setattr(importsql.Stage, "insert_new", insert_then_fail)

    with pytest.raises(DatabaseWentAway):
        call_command("import", "persons", str(path), "--json", "--source", "旗民政局", stdout=io.StringIO())

    assert written == [9]  # the file's people had been written when it failed
    assert not Person.objects.exists()
    assert not PersonChange.objects.exists()
    assert not ImportBatch.objects.exists()
    [event] = AuditEvent.objects.filter(action=Action.IMPORT)  # the failure, audited after the rollback
    assert event.summary == "导入 feed.csv（旗民政局）失败：中断，未写入任何数据（DatabaseWentAway）"
