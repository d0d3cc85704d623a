"""The visits parameter files: strict loading, inheritance, and the monthly minimum of the seed groups."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from yanglao.core.catalog.rules import Compare, FieldRef, Param
from yanglao.core.idnumber import make_id_number
from yanglao.core.visits.params import SEED_GROUPS, ParamsError, file_for_region, load_all, load_rules
from yanglao.core.visits.targets import evaluate_target
from yanglao.visits.rules import DATA


@pytest.fixture
def root(tmp_path: Path) -> Path:
    shutil.copy(DATA / "default.yaml", tmp_path / "default.yaml")
    return tmp_path


def write(root: Path, code: str, text: str) -> Path:
    path = root / f"{code}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


CHILD = 'jurisdiction: "410721"\nname: 新乡县\ninherits: default\n'


def test_no_shipped_source_cites_an_issue_or_a_file_outside_the_repository() -> None:
    for path in sorted(DATA.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"issue \d|shared/|/work/", text), path.name


def test_every_shipped_file_loads_and_names_its_sources() -> None:
    rules = load_all(DATA)

    assert set(rules) >= {"default", "152223"}
    for loaded in rules.values():
        assert {g.key for g in loaded.groups} >= set(SEED_GROUPS)
        assert all(g.source for g in loaded.groups)
        assert all(t.source for t in loaded.tiers)
        assert all(d.source for p in loaded.parameters.values() for d in p.values)
    assert rules["152223"].files == ("default.yaml", "152223.yaml")
    assert rules["152223"].param("monthly_rate_target", dt.date(2026, 1, 1)) == 100
    assert (
        "扎政办发〔2023〕16号"
        in rules["152223"].parameters["monthly_rate_target"].on(dt.date(2026, 1, 1)).source
    )


def test_a_region_uses_the_most_specific_file(root: Path) -> None:
    write(root, "152223", 'jurisdiction: "152223"\nname: 扎赉特旗\n')

    assert file_for_region(root, "152223100001") == "152223"
    assert file_for_region(root, "152223") == "152223"
    assert file_for_region(root, "410721001001") == "default"
    assert file_for_region(root, None) == "default"


def test_a_child_file_changes_a_parameter_and_the_rules_follow(root: Path) -> None:
    write(
        root,
        "410721",
        CHILD + "parameters:\n  disabled_min_level:\n    values:\n      - {value: 3, source: 测试}\n",
    )
    record: dict[str, Any] = {
        "id_number": make_id_number("410721", dt.date(1950, 1, 1), 12),
        "ability_level": 2,
    }

    rules = load_rules(root, "410721")

    assert rules.param("disabled_min_level", dt.date(2026, 1, 1)) == 3
    assert evaluate_target(record, rules, dt.date(2026, 1, 1)) is None
    assert evaluate_target(record | {"ability_level": 3}, rules, dt.date(2026, 1, 1)) is not None


def test_dated_values_apply_from_their_date(root: Path) -> None:
    write(
        root,
        "410721",
        CHILD
        + "parameters:\n  disabled_min_level:\n    values:\n"
        + "      - {value: 3, source: 旧}\n      - {value: 2, since: 2026-01-01, source: 新}\n",
    )

    rules = load_rules(root, "410721")

    assert rules.param("disabled_min_level", dt.date(2025, 12, 31)) == 3
    assert rules.param("disabled_min_level", dt.date(2026, 1, 1)) == 2


@pytest.mark.parametrize(
    ("body", "path", "reason"),
    [
        ("name: 重复\n", "", "重复的键"),
        ("colour: red\n", "colour", "未知的键"),
        (
            "parameters:\n  nothing_like_this:\n    values:\n      - {value: 1, source: x}\n",
            "parameters.nothing_like_this.label",
            "新参数应写明名称",
        ),
        (
            "parameters:\n  min_age:\n    values:\n      - {value: 55}\n",
            "parameters.min_age.values[0].source",
            "缺少必填项",
        ),
        (
            "groups:\n  alone:\n    label: 独居\n    when: {in: [living_arrangement, [alone]]}\n    source: x\n",
            "groups.alone",
            "不能重新定义",
        ),
        (
            "groups:\n  x:\n    label: X\n    when: {in: [colour, [red]]}\n    source: x\n",
            "groups.x.when.in[0]",
            "未知字段“colour”",
        ),
        (
            "groups:\n  x:\n    label: X\n    when: {in: [tekun, [sometimes]]}\n    source: x\n",
            "groups.x.when.in[1][0]",
            "没有代码“sometimes”",
        ),
        (
            "groups:\n  x:\n    label: X\n    when: {in: [dibao, [true]]}\n    source: x\n",
            "groups.x.when.in[0]",
            "in 只适用于代码字段或整数字段",
        ),
        (
            "groups:\n  x:\n    label: X\n    seed: true\n    when: dibao\n    source: x\n",
            "groups.x.seed",
            "只有默认文件",
        ),
        (
            "groups:\n  x:\n    label: X\n    when: [{all_groups: [alone]}]\n    source: x\n",
            "groups.x.when[0].all_groups",
            "未知的键",
        ),
        (
            "tiers:\n  - {key: only, label: 唯一, interval: {months: 2}, source: x}\n",
            "tiers[0].interval",
            "长于一个月",
        ),
        (
            "tiers:\n  - {key: only, label: 唯一, interval: {days: 30}, source: x}\n",
            "tiers[0].interval",
            "不得超过 28 天",
        ),
        (
            "tiers:\n  - {key: only, label: 唯一, interval: {days: 0}, source: x}\n",
            "tiers[0].interval.days",
            "正整数",
        ),
        (
            "tiers:\n  - {key: only, label: 唯一, interval: {weeks: 1}, source: x}\n",
            "tiers[0].interval.weeks",
            "未知的键",
        ),
        (
            "tiers:\n  - {key: a, label: A, interval: {days: 7}, source: x, when: [{all_groups: [nobody]}]}\n  - {key: b, label: B, interval: {months: 1}, source: x}\n",
            "tiers[0]",
            "未定义的对象组",
        ),
        (
            "tiers:\n  - {key: a, label: A, interval: {days: 7}, source: x, when: [{all_groups: [alone]}]}\n",
            "tiers[0]",
            "最后一个分级",
        ),
        (
            "tiers:\n  - {key: a, label: A, interval: {days: 7}, source: x}\n  - {key: b, label: B, interval: {months: 1}, source: x}\n",
            "tiers[0]",
            "只有最后一个分级",
        ),
    ],
)
def test_a_wrong_file_fails_naming_the_file_the_path_and_the_reason(
    root: Path, body: str, path: str, reason: str
) -> None:
    write(root, "410721", CHILD + body)

    with pytest.raises(ParamsError) as caught:
        load_rules(root, "410721")

    assert caught.value.file == "410721.yaml"
    assert caught.value.path == path
    assert reason in caught.value.reason
    where = f"410721.yaml:{caught.value.line}" if caught.value.line else "410721.yaml"
    assert str(caught.value).startswith(f"{where}: {path}" if path else f"{where}: ")


def test_a_quarterly_tier_is_allowed_only_for_groups_outside_the_seed_documents(root: Path) -> None:
    extra = "groups:\n  poor:\n    label: 低保\n    when: dibao\n    source: x\n"
    quarterly = "  - {key: general, label: 一般, interval: {months: 3}, source: x, only_groups: [poor]}\n"
    monthly = "  - {key: monthly, label: 每月, interval: {months: 1}, source: x}\n"
    write(root, "410721", CHILD + extra + "tiers:\n" + quarterly + monthly)
    rules = load_rules(root, "410721")
    on = dt.date(2026, 1, 1)
    poor: dict[str, Any] = {"id_number": make_id_number("410721", dt.date(1950, 1, 1), 14), "dibao": True}

    only_poor = evaluate_target(poor, rules, on)
    poor_and_alone = evaluate_target(poor | {"living_arrangement": "alone"}, rules, on)

    assert only_poor is not None
    assert only_poor.tier == "general"
    assert poor_and_alone is not None
    assert poor_and_alone.tier == "monthly"


def test_a_quarterly_tier_naming_a_seed_group_fails(root: Path) -> None:
    tiers = "tiers:\n  - {key: q, label: 季度, interval: {months: 3}, source: x, only_groups: [empty_nest]}\n"
    write(root, "410721", CHILD + tiers + "  - {key: m, label: 每月, interval: {months: 1}, source: x}\n")

    with pytest.raises(ParamsError) as caught:
        load_rules(root, "410721")

    assert caught.value.path == "tiers[0].interval"
    assert "空巢" in caught.value.reason


def test_28_days_is_the_longest_day_interval_for_a_seed_group(root: Path) -> None:
    write(root, "410721", CHILD + "tiers:\n  - {key: m, label: 四周, interval: {days: 28}, source: x}\n")

    assert load_rules(root, "410721").tiers[0].interval.days == 28


def test_the_default_file_must_declare_every_seed_group(root: Path) -> None:
    text = (root / "default.yaml").read_text(encoding="utf-8").replace("    seed: true\n", "", 1)
    (root / "default.yaml").write_text(text, encoding="utf-8")

    with pytest.raises(
        ParamsError, match=re.escape("default.yaml: groups.alone: 缺少种子文件规定的探访对象组")
    ):
        load_rules(root)


def test_yaml_yes_is_not_a_boolean_and_a_missing_parent_is_reported(root: Path) -> None:
    write(
        root,
        "410721",
        CHILD + 'groups:\n  x:\n    label: X\n    when: {"=": [dibao, yes]}\n    source: x\n',
    )
    write(root, "410722", 'jurisdiction: "410722"\nname: 某县\ninherits: "999999"\n')

    with pytest.raises(
        ParamsError,
        match=re.escape("未知字段“yes”（可用 age 或 yanglao.core.person.FIELD_NAMES 中的字段）") + "$",
    ):
        load_rules(root, "410721")
    with pytest.raises(ParamsError, match=re.escape("999999.yaml: 文件不存在")):
        load_rules(root, "410722")


def test_the_file_name_and_the_jurisdiction_must_agree(root: Path) -> None:
    write(root, "410721", 'jurisdiction: "410722"\nname: 新乡县\n')

    with pytest.raises(ParamsError, match=re.escape("410721.yaml: jurisdiction: 应与文件名一致")):
        load_rules(root, "410721")


def test_the_conditions_are_catalogue_rules_and_a_wrong_one_names_its_line(root: Path) -> None:
    rules = load_rules(DATA, "default")
    assert rules.group("disabled").when[0].rule == Compare(
        ">=", FieldRef("ability_level"), Param("disabled_min_level")
    )
    write(
        root,
        "410721",
        CHILD + "groups:\n  x:\n    label: X\n    when: {in: [tekun, [sometimes]]}\n    source: x\n",
    )

    with pytest.raises(ParamsError) as caught:
        load_rules(root, "410721")

    assert (caught.value.path, caught.value.line) == ("groups.x.when.in[1][0]", 7)


def test_a_rule_naming_an_undeclared_parameter_fails_once_the_files_merge(root: Path) -> None:
    body = 'groups:\n  x:\n    label: X\n    when: {">=": [ability_level, {param: nobody}]}\n    source: x\n'
    write(root, "410721", CHILD + body)

    with pytest.raises(ParamsError, match="未定义的参数“nobody”"):
        load_rules(root, "410721")
