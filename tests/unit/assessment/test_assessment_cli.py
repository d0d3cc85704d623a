"""``yanglao assess`` through its ``main``: what is printed, where, and the exit status."""

from __future__ import annotations

import io
import json

import pytest

from yanglao.core.assessment.cli import main


def write(tmp_path, data, name="in.json"):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_it_prints_the_result_as_one_json_object(tmp_path, capsys, make_items):
    path = write(tmp_path, {"items": make_items(70), "diagnoses": ["F01"], "risk_events": {"fall": 1}})
    assert main([path]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.count("\n") == 1
    assert "中度失能" in out  # ensure_ascii=False: the Chinese is written as is
    assert json.loads(out) == {
        "total": 70,
        "indicators": {"B.1": 12, "B.2": 15, "B.3": 28, "B.4": 15},
        "initial_level": 1,
        "final_level": 2,
        "final_level_name": "中度失能",
        "grounds": ["痴呆（F00-F03）或其他精神和行为障碍（F04-F99）：提高一个等级"],
    }


def test_only_items_is_required(tmp_path, capsys, full_items):
    assert main([write(tmp_path, {"items": full_items})]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result == {
        "total": 90,
        "indicators": {"B.1": 32, "B.2": 15, "B.3": 28, "B.4": 15},
        "initial_level": 0,
        "final_level": 0,
        "final_level_name": "能力完好",
        "grounds": [],
    }


def test_it_reads_standard_input_for_a_dash(monkeypatch, capsys, full_items):
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps({"items": full_items, "coma": True})))
    assert main(["-"]) == 0
    assert json.loads(capsys.readouterr().out)["final_level"] == 4


def test_it_accepts_a_utf8_byte_order_mark(tmp_path, capsys, full_items):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"items": full_items}).encode())
    assert main([str(path)]) == 0


def test_every_problem_is_listed_and_nothing_is_printed_on_stdout(tmp_path, capsys, full_items):
    items = dict(full_items)
    del items["B.4.5"]
    items |= {"B.1.1": True, "B.1.2": 2.0, "B.1.3": "3", "B.2.4": 4, "B.3.7": -1, "B.5.1": 1}
    data = {
        "items": items,
        "coma": "yes",
        "diagnoses": ["f01", "F08", 3],
        "risk_events": {"fall": -1, "walk": 1, "lost": 1.5},
        "extra": 1,
    }
    assert main([write(tmp_path, data)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    expected_starts = [
        "extra：未知字段",
        "B.1.1（进食）：评分应为0-4的整数，实际为true（布尔值）",
        "B.1.2（修饰）：评分应为0-4的整数，实际为2.0（小数）",
        'B.1.3（洗澡）：评分应为0-4的整数，实际为"3"（字符串）',
        "B.2.4（上下楼梯）：评分应为0-3的整数，实际为4",
        "B.3.7（攻击行为）：评分应为0-1的整数，实际为-1",
        "B.4.5（社会交往能力）：缺少评分",
        "B.5.1：未知的评估项目代码",
        'coma（昏迷）：应为true或false，实际为"yes"（字符串）',
        "diagnoses[0]：“f01”不是ICD-10编码的格式",
        "diagnoses[1]：“F08”不是ICD-10第五章（F00-F99）的类目",
        "diagnoses[2]：应为ICD-10编码字符串",
        "risk_events.fall（跌倒）：次数应为0或正整数，实际为-1",
        "risk_events.walk：未知的照护风险事件",
        "risk_events.lost（走失）：次数应为0或正整数，实际为1.5（小数）",
    ]
    assert len(lines) == len(expected_starts)
    for line, start in zip(lines, expected_starts, strict=True):
        assert line.startswith(start), line


def test_a_missing_items_field(tmp_path, capsys):
    assert main([write(tmp_path, {"coma": False})]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "items：缺少必填字段：26个评估项目的评分\n"


def test_an_empty_items_object_lists_all_26(tmp_path, capsys):
    assert main([write(tmp_path, {"items": {}})]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 26
    assert err.splitlines()[0] == "B.1.1（进食）：缺少评分（应为0-4的整数）"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"items": {"B.1.1": 4,}}', "JSON：不是合法的JSON：第1行第23列，键名应放在双引号中"),
        ("", "JSON：不是合法的JSON：第1行第1列，此处应为一个值"),
        ('{"items": {}} x', "JSON：不是合法的JSON：第1行第15列，JSON内容之后还有多余的字符"),
        ("[1, 2]", "输入：应为JSON对象（{…}），实际为数组"),
    ],
)
def test_malformed_json(tmp_path, capsys, text, message):
    assert main([write(tmp_path, text)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == message + "\n"


def test_a_key_given_twice_is_refused(tmp_path, capsys, full_items):
    text = json.dumps({"items": full_items})[:-2] + ', "B.1.1": 0}}'
    assert main([write(tmp_path, text)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "JSON：键“B.1.1”在同一对象中出现了不止一次\n"


@pytest.mark.parametrize("field", ["coma", "diagnoses", "risk_events"])
def test_null_is_not_an_absent_optional_field(tmp_path, capsys, full_items, field):
    assert main([write(tmp_path, {"items": full_items, field: None})]) == 2
    assert capsys.readouterr().err.startswith(field)


def test_a_missing_file(tmp_path, capsys):
    missing = str(tmp_path / "nope.json")
    assert main([missing]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"assess：找不到文件“{missing}”\n"


def test_a_directory_or_a_file_not_in_utf8(tmp_path, capsys):
    assert main([str(tmp_path)]) == 2
    assert "是一个目录" in capsys.readouterr().err
    path = tmp_path / "gbk.json"
    path.write_bytes('{"items": {"说明": 1}}'.encode("gbk"))
    assert main([str(path)]) == 2
    assert "不是UTF-8编码的文本" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [[], ["a.json", "b.json"]])
def test_usage_errors(capsys, argv):
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("用法：yanglao assess FILE.json")


def test_help(capsys):
    assert main(["--help"]) == 0
    assert capsys.readouterr().out.startswith("用法：")
