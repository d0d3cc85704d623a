"""``yanglao catalog …`` through ``main(argv)`` (argv is what follows ``yanglao catalog``)."""

from __future__ import annotations

import io
import json
from pathlib import Path

from tests.unit.catalog.catalog_helpers import ITEM_YAML, WriteCatalog
from yanglao.core.catalog.cli import main

ON = "2024-07-01"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), out, err)
    return status, out.getvalue(), err.getvalue()


def test_list_json_gives_code_name_item_count_parent_and_version() -> None:
    status, out, _ = run("list", "--json")
    assert status == 0
    rows = {row["code"]: row for row in json.loads(out)}
    assert rows["152223"] == {
        "code": "152223",
        "name": "扎赉特旗基本养老服务清单",
        "items": 20,
        "parent": None,
        "version": "2023",
    }


def test_list_prints_a_table() -> None:
    status, out, _ = run("list")
    assert status == 0
    assert "152223\t20\t—\t2023\t扎赉特旗基本养老服务清单" in out.splitlines()


def test_show_json_gives_every_item_with_its_standard_on_the_date() -> None:
    status, out, _ = run("show", "152223", "--date", "2024-07-01", "--json")
    assert status == 0
    data = json.loads(out)
    assert [item["no"] for item in data["items"]] == [str(n) for n in range(1, 21)]
    jintie = data["items"][4]
    assert (jintie["code"], jintie["period"], jintie["comparison"]) == ("gaoling_jintie", "month", "exact")
    assert jintie["rule"] == "同时满足：年龄 ≥ 80周岁；户籍地区划代码在 150000 辖区内"
    assert data["items"][5]["amount_on_date"] == "50.00"
    assert [p["code"] for p in data["items"][11]["parts"]] == ["tekun_basic_living", "tekun_care_standard"]
    dibao = next(p for p in data["parameters"] if p["name"] == "dibao_standard")
    assert (dibao["value"], dibao["example"]) == ("800", True)


def test_show_prints_items_and_parameters_in_chinese() -> None:
    status, out, _ = run("show", "152223", "--date", "2024-07-01")
    assert status == 0
    assert "第5项 高龄津贴〔物质帮助〕 gaoling_jintie" in out
    assert "【示例值，须替换】" in out
    assert "第11项 临时救助" in out
    assert "对象规则：无法机器判断：" in out


def test_check_prints_one_line_per_finding_and_exits_1(write_catalog: WriteCatalog) -> None:
    write_catalog("990000", items=ITEM_YAML)
    root = write_catalog("990001", items=ITEM_YAML.replace("[age, 60]", "[age, 65]"), parent="990000")
    status, out, err = run("--root", str(root), "check", "990001", "--against", "990000", "--date", ON)
    assert status == 1
    (line,) = out.splitlines()
    assert line.startswith("[对象偏窄] 本级第1项 养老服务补贴：对象范围窄于上级第1项：如 年龄 60周岁")
    assert "1 处低于上级清单" in err


def test_check_exits_0_when_nothing_falls_short(write_catalog: WriteCatalog) -> None:
    write_catalog("990000", items=ITEM_YAML)
    root = write_catalog("990001", items=ITEM_YAML, parent="990000")
    status, out, err = run("--root", str(root), "check", "990001", "--against", "990000", "--date", ON)
    assert (status, out) == (0, "")
    assert "未发现低于上级清单之处" in err


def test_diff_between_two_dates(write_catalog: WriteCatalog) -> None:
    root = write_catalog()
    status, out, _ = run("--root", str(root), "diff", "990001@2024-06-01", "990001@2025-06-01")
    assert status == 0
    assert out.startswith("参数 低保标准（元/人/月）：600（自 2024-01-01 起） → 700")
    status, out, _ = run("--root", str(root), "diff", "990001@2024-06-01", "990001@2024-07-01")
    assert (status, out.strip()) == (0, "测试清单990001 在 2024-06-01 与 2024-07-01 之间没有变化")


def test_diff_refuses_two_lists_or_a_bad_date() -> None:
    status, _, err = run("diff", "152223@2024-01-01", "410721@2024-01-01")
    assert status == 2
    assert "只能比较同一清单" in err
    status, _, err = run("diff", "152223", "152223@2024-01-01")
    assert status == 2
    assert "CODE@YYYY-MM-DD" in err


def test_test_runs_the_yaml_cases() -> None:
    status, out, err = run("test", "152223")
    assert (status, out) == (0, "")
    assert "0 个失败" in err


def test_test_reports_a_failing_case(write_catalog: WriteCatalog) -> None:
    cases = """\
cases:
  - name: 低保老人
    date: 2024-07-01
    person: {birth_date: 1950-01-01, dibao: true}
    granted: [{no: "1", amount: 70}]
"""
    root = write_catalog(cases=cases)
    status, out, _ = run("--root", str(root), "test")
    assert status == 1
    assert "失败 990001 低保老人" in out
    assert "第1项 金额应为 70.00，实际为 60.00" in out


def test_a_broken_list_file_exits_2_with_file_path_and_reason(write_catalog: WriteCatalog) -> None:
    root = write_catalog(items=ITEM_YAML.replace("- dibao\n", "- dibbao\n"))
    status, out, err = run("--root", str(root), "show", "990001")
    assert (status, out) == (2, "")
    expected_file = Path(root) / "990001" / "items.yaml"
    assert err.startswith(f"清单文件有误：{expected_file}:10: items[0].rule.all[1].any[0]: 未知字段“dibbao”")


def test_argv_does_not_include_the_word_catalog() -> None:
    status, _, _ = run("catalog", "list")
    assert status == 2
