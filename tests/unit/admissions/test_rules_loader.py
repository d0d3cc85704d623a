"""The rule files are read strictly: every mistake names the file, the line, the path and the reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from yanglao.core.admissions import RULES_ROOT, load_rules
from yanglao.core.catalog.yamlio import CatalogError

SOURCE = (RULES_ROOT / "152223.yaml").read_text(encoding="utf-8")


def broken(tmp_path: Path, old: str, new: str) -> Path:
    assert old in SOURCE, old
    (tmp_path / "152223.yaml").write_text(SOURCE.replace(old, new, 1), encoding="utf-8")
    return tmp_path


def error_of(root: Path) -> CatalogError:
    with pytest.raises(CatalogError) as caught:
        load_rules("152223", root)
    return caught.value


def test_an_unknown_field_in_a_class_rule_names_its_line_and_path(tmp_path: Path) -> None:
    root = broken(tmp_path, "rule: {in: [disability_grade, [1, 2]]}", "rule: {in: [disability_grad, [1, 2]]}")
    error = error_of(root)
    assert error.path == "classes[2].rule.in[0]"
    assert "未知字段“disability_grad”" in error.reason
    assert error.line is not None
    assert str(error).startswith(f"{root / '152223.yaml'}:{error.line}: ")


def test_an_unknown_code_lists_the_codes(tmp_path: Path) -> None:
    error = error_of(
        broken(tmp_path, "in: [fp_special, [bereaved, disabled_child]]", "in: [fp_special, [bereavd]]")
    )
    assert "没有代码“bereavd”" in error.reason
    assert "独生子女死亡" in error.reason


def test_a_duplicate_key_is_an_error(tmp_path: Path) -> None:
    error = error_of(
        broken(
            tmp_path,
            "    name: 其他有集中供养意愿的特困人员\n",
            "    name: 其他有集中供养意愿的特困人员\n    name: 又一个\n",
        )
    )
    assert "重复的键“name”" in error.reason


def test_an_unknown_key_lists_the_allowed_keys(tmp_path: Path) -> None:
    error = error_of(broken(tmp_path, "  - key: fp_special\n", "  - key: fp_special\n    priority: 1\n"))
    assert error.path == "classes[4].priority"
    assert "可用的键" in error.reason


def test_an_unknown_parameter_is_an_error(tmp_path: Path) -> None:
    error = error_of(broken(tmp_path, '- ">=": [age, {param: min_age}]', '- ">=": [age, {param: min_agee}]'))
    assert "未知参数“min_agee”" in error.reason


def test_the_assessment_validity_must_be_a_parameter_of_whole_months(tmp_path: Path) -> None:
    assert (
        "未知参数“twelve”"
        in error_of(broken(tmp_path, "valid_months: assessment_valid_months", "valid_months: twelve")).reason
    )
    other = tmp_path / "b"
    other.mkdir()
    assert "正整数" in error_of(broken(other, "        value: 12\n", "        value: 12.5\n")).reason


def test_a_parameter_no_rule_uses_is_an_error(tmp_path: Path) -> None:
    text = "parameters:\n  unused_one:\n    label: 未用\n    unit: 月\n    values:\n      - {from: 2023-06-15, value: 1, reference: 无}\n"
    error = error_of(broken(tmp_path, "parameters:\n", text))
    assert error.path == "parameters.unused_one"
    assert "没有被任何规则使用" in error.reason


def test_a_reference_is_required(tmp_path: Path) -> None:
    error = error_of(broken(tmp_path, "    reference: 扎政办发〔2023〕16号 正文第4条\n", ""))
    assert error.path == "classes[2]"
    assert "缺少必填的键“reference”" in error.reason


def test_the_code_must_match_the_file_and_an_unknown_code_lists_the_known(tmp_path: Path) -> None:
    assert "与文件名" in error_of(broken(tmp_path, 'code: "152223"', 'code: "152224"')).reason
    with pytest.raises(CatalogError, match="已有：152223"):
        load_rules("999999", tmp_path)


def test_a_code_field_cannot_be_compared(tmp_path: Path) -> None:
    error = error_of(
        broken(tmp_path, "rule: {in: [tekun, [dispersed, centralized]]}", 'rule: {"=": [tekun, true]}')
    )
    assert error.path == "classes[1].rule.=[0]"
    assert "代码请用 in 判断" in error.reason


def test_yes_is_text_not_a_boolean(tmp_path: Path) -> None:
    error = error_of(broken(tmp_path, "        example: true\n", "        example: yes\n"))
    assert "应为 true 或 false" in error.reason
