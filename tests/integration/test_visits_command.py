"""``yanglao visits targets`` (no database) and ``yanglao visits simulate`` through ``yanglao.cli.main``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import frozen_today
from yanglao.cli import main
from yanglao.core.idnumber import make_id_number

pytestmark = pytest.mark.hard_dates  # date-sensitive: runs at every hard date (tests/conftest.py)

ALONE_85 = make_id_number("152223", dt.date(1941, 5, 1), 802)
EMPTY_NEST_70 = make_id_number("152223", dt.date(1956, 5, 1), 804)
WITH_FAMILY = make_id_number("152223", dt.date(1950, 5, 1), 806)
DEAD = make_id_number("152223", dt.date(1940, 5, 1), 808)
DIBAO = make_id_number("152223", dt.date(1950, 5, 1), 810)
DIBAO_ELSEWHERE = make_id_number("410721", dt.date(1950, 5, 1), 812)
BAD_CHECK = ALONE_85[:17] + ("0" if ALONE_85[17] != "0" else "1")

CSV = (
    "id_number,name,residence_region,living_arrangement,ability_level,dibao,death_date\n"
    f"{ALONE_85},甲,152223100001,alone,,,\n"
    f"{EMPTY_NEST_70},乙,152223100001,空巢,3,否,\n"
    f"{BAD_CHECK},丙,152223100001,alone,,,\n"
    f"{WITH_FAMILY},丁,152223100001,with_family,,,\n"
    f"{DEAD},戊,152223100001,alone,,,2026-10-31\n"
    f"{DIBAO},己,152223100001,with_family,,是,\n"
    f"{DIBAO_ELSEWHERE},庚,410721001001,with_family,,是,\n"
    f"{WITH_FAMILY[:-1]}0,辛,152223100001,sometimes,9,,\n"
)


def run(args: list[str]) -> int:
    return main(["visits", "targets", *args])


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_targets_writes_every_target_and_nobody_else_and_reports_bad_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source, output = tmp_path / "persons.csv", tmp_path / "targets.jsonl"
    source.write_text(CSV, encoding="utf-8")

    status = run(["--date", "2026-11-15", "--input", str(source), "--output", str(output)])

    lines = read_jsonl(output)
    err = capsys.readouterr().err
    assert status == 1  # some rows were invalid; the good ones were still processed
    assert [line["id_number"] for line in lines] == [ALONE_85, EMPTY_NEST_70, DIBAO]
    assert all(set(line) == {"id_number", "tier", "interval_days", "reasons"} for line in lines)
    assert lines[0]["tier"] == "high"
    assert lines[0]["interval_days"] == 7
    assert lines[1] == {
        "id_number": EMPTY_NEST_70,
        "tier": "monthly",
        "interval_days": 30,
        "reasons": ["空巢", "失能（老年人能力等级：重度失能）", "分级：重点关注，每月探访一次"],
    }
    assert lines[2]["reasons"][0] == "特殊困难老年人（最低生活保障对象）"
    assert "第 4 行 id_number：" in err
    assert "第 9 行 living_arrangement：未知代码“sometimes”" in err
    assert "第 9 行 ability_level：应在 0–4 之间，实际为 9" in err
    assert "探访对象 3 人；无效行 2 行" in err


def test_targets_reads_json_lines_and_xlsx_and_writes_to_standard_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from openpyxl import Workbook

    jsonl = tmp_path / "persons.jsonl"
    jsonl.write_text(
        json.dumps({"id_number": ALONE_85, "living_arrangement": "alone"})
        + "\n"
        + json.dumps({"id_number": WITH_FAMILY, "居住状况": "与子女等同住", "colour": "red"})
        + "\n"
        + "{not json\n",
        encoding="utf-8",
    )
    book = Workbook()
    sheet = book.active
    sheet.append(["公民身份号码", "居住状况", "残疾等级"])
    sheet.append([WITH_FAMILY, "with_family", 1])
    xlsx = tmp_path / "persons.xlsx"
    book.save(xlsx)

    status_jsonl = run(["--date", "2026-11-15", "--input", str(jsonl), "--output", "-"])
    out_jsonl = capsys.readouterr()
    status_xlsx = run(["--date", "2026-11-15", "--input", str(xlsx), "--output", "-"])
    out_xlsx = capsys.readouterr()

    assert status_jsonl == 1
    assert [json.loads(x)["id_number"] for x in out_jsonl.out.splitlines()] == [ALONE_85]
    assert "第 2 行 colour：未知字段，已忽略" in out_jsonl.err
    assert "第 3 行 （整行）：不是有效的 JSON" in out_jsonl.err
    assert status_xlsx == 0
    assert json.loads(out_xlsx.out)["reasons"][0] == "重残（残疾等级：一级）"


def test_targets_on_a_date_before_the_death_includes_the_person(tmp_path: Path) -> None:
    source, output = tmp_path / "p.csv", tmp_path / "t.jsonl"
    source.write_text(f"id_number,living_arrangement,death_date\n{DEAD},alone,2026-10-31\n", encoding="utf-8")

    assert run(["--date", "2026-10-30", "--input", str(source), "--output", str(output)]) == 0
    assert [x["id_number"] for x in read_jsonl(output)] == [DEAD]
    assert run(["--date", "2026-10-31", "--input", str(source), "--output", str(output)]) == 0
    assert read_jsonl(output) == []


def test_targets_can_force_one_jurisdiction(tmp_path: Path) -> None:
    source, output = tmp_path / "p.csv", tmp_path / "t.jsonl"
    source.write_text(
        f"id_number,residence_region,dibao\n{DIBAO_ELSEWHERE},410721001001,true\n", encoding="utf-8"
    )

    run(["--date", "2026-11-15", "--input", str(source), "--output", str(output)])
    assert read_jsonl(output) == []
    run(["--date", "2026-11-15", "--input", str(source), "--output", str(output), "--region", "152223"])
    assert [x["id_number"] for x in read_jsonl(output)] == [DIBAO_ELSEWHERE]


def test_targets_fails_clearly_on_a_missing_file_or_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    no_id = tmp_path / "no_id.csv"
    no_id.write_text("name\n甲\n", encoding="utf-8")

    assert run(["--input", str(tmp_path / "missing.csv"), "--output", "-"]) == 2
    assert run(["--input", str(no_id), "--output", "-"]) == 2
    assert run(["--input", str(no_id)]) == 2  # --output is required
    err = capsys.readouterr().err
    assert "missing.csv" in err
    assert "第 1 行 id_number：缺少必填列" in err


@pytest.mark.django_db(transaction=True)  # the command closes connections when it ends (PostgreSQL)
def test_simulate_records_a_month_of_visits_and_prints_the_rates(
    make_person: Any, capsys: pytest.CaptureFixture[str]
) -> None:

    from yanglao.visits.models import Assignment, Target, Visit, Visitor

    for i in range(30):
        make_person(
            f"老人{i}",
            birth=dt.date(1940 + i % 20, 3, 1),
            living_arrangement="alone" if i % 3 else "empty_nest",
        )
    make_person("同住", living_arrangement="with_family")
    month = f"{frozen_today():%Y-%m}"

    status = main(["visits", "simulate", "--month", month, "--region", "152223", "--coverage", "1"])

    out = capsys.readouterr().out
    assert status == 0
    assert Target.objects.filter(active=True).count() == 30
    assert Visitor.objects.filter(synthetic=True).exists()
    assert Assignment.objects.filter(role="primary", ended_at__isnull=True).count() == 30
    assert Visit.objects.values("person").distinct().count() == 30
    assert "音德尔镇" in out
    assert "扎赉特旗 合计 30/30 = 100.0%" in out


@pytest.mark.django_db(transaction=True)  # the command closes connections when it ends (PostgreSQL)
def test_simulate_refuses_an_unknown_region_and_a_future_month(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["visits", "simulate", "--month", "2026-11", "--region", "999999"]) != 0
    assert main(["visits", "simulate", "--month", "2999-01", "--region", "152223"]) != 0
    assert "未知区划 999999" in capsys.readouterr().err
