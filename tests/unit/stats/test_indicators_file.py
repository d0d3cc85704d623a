"""The indicators file (core/stats/indicators.yaml): written in the catalogue rule language, read by its
parser with the catalogue's one error type, named definitions used by name, and every code of the
fields the statistics break down by counted by an indicator."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from yanglao.core.catalog.rules import AnyOf, walk
from yanglao.core.catalog.yamlio import YamlFileError
from yanglao.core.person import DISABILITY_CATEGORY, FP_SPECIAL, LIVING, SPECIAL_CONTRIBUTION
from yanglao.core.stats.ages import AGE_BANDS, Band, born_by
from yanglao.core.stats.indicators import (
    ABILITY_NAMES,
    INDICATORS_FILE,
    PERSON_INDICATORS,
    load_indicators,
    matches,
)

ON = dt.date(2024, 2, 29)
BY_KEY = {i.key: i for i in PERSON_INDICATORS}
GOOD = """\
definitions:
  disabled:
    label: 失能
    rule: {">=": [ability_level, 2]}
    reference: 测试
sections:
  - name: 人口
    indicators:
      - {key: everyone, label: 全部}
      - {key: disabled, label: 失能, when: {defined: disabled}}
"""


def _write(tmp_path: Path, source: str) -> Path:
    path = tmp_path / "indicators.yaml"
    path.write_text(source, encoding="utf-8")
    return path


def test_the_shipped_file_reads_and_every_definition_has_its_reference() -> None:
    loaded = load_indicators(INDICATORS_FILE)
    assert loaded.indicators == PERSON_INDICATORS
    assert {"disabled", "tekun", "youfu", "tekun_unable"} <= set(loaded.definitions)
    assert all(d.reference for d in loaded.definitions.values())


def test_indicators_use_the_named_definitions_by_name() -> None:
    definitions = load_indicators().definitions
    assert BY_KEY["disabled"].cond == definitions["disabled"].rule
    assert BY_KEY["youfu"].cond == definitions["youfu"].rule
    either = BY_KEY["alone_tekun_disabled"].cond
    assert isinstance(either, AnyOf)
    assert definitions["tekun"].rule in either.items
    assert definitions["disabled"].rule in either.items
    text = INDICATORS_FILE.read_text(encoding="utf-8")
    assert text.count('>=": [ability_level') == 1  # 失能 is written once, in its definition


@pytest.mark.parametrize("band", AGE_BANDS, ids=lambda b: b.key)
def test_each_age_band_counts_exactly_its_ages(band: Band) -> None:
    indicator = BY_KEY[f"age_{band.key}"]
    for age in range(55, 112):
        for birth in (born_by(ON, age), born_by(ON, age + 1) + dt.timedelta(days=1)):
            inside = age >= band.low and (band.high is None or age <= band.high)
            assert matches(indicator.cond, {"birth_date": birth}, ON) == inside, (age, birth)


def test_every_code_the_statistics_break_down_by_has_its_indicator() -> None:
    wanted = {f"living_{c}" for c, _ in LIVING if c != "with_family"}
    wanted |= {f"fp_{c}" for c, _ in FP_SPECIAL if c != "none"}
    wanted |= {f"contribution_{c}" for c, _ in SPECIAL_CONTRIBUTION if c != "none"}
    wanted |= {f"disability_cat_{c}" for c, _ in DISABILITY_CATEGORY}
    wanted |= {f"ability_{level}" for level in range(len(ABILITY_NAMES))}
    assert wanted <= set(BY_KEY)
    for key in wanted:
        cond = BY_KEY[key].cond
        assert cond is not None, key
        assert len(walk(cond)) <= 3, key


def test_a_good_file_in_another_place_reads(tmp_path: Path) -> None:
    loaded = load_indicators(_write(tmp_path, GOOD))
    assert [i.key for i in loaded.indicators] == ["everyone", "disabled"]
    assert loaded.indicators[0].cond is None
    assert matches(loaded.indicators[1].cond, {"ability_level": 2}, ON)
    assert not matches(loaded.indicators[1].cond, {"ability_level": 1}, ON)


@pytest.mark.parametrize(
    ("change", "line", "path", "reason"),
    [
        (
            ("{defined: disabled}", "{in: [tekunn, [dispersed]]}"),
            10,
            "sections[0].indicators[1].when.in[0]",
            "未知字段“tekunn”",
        ),
        (
            ("{defined: disabled}", "{defined: frail}"),
            10,
            "sections[0].indicators[1].when.defined",
            "未声明的定义“frail”",
        ),
        (
            ("{defined: disabled}", '{">=": [dibao, 2]}'),
            10,
            "sections[0].indicators[1].when.>=",
            "类型不符",
        ),
        (("key: disabled, label", "key: everyone, label"), 10, "sections[0].indicators[1].key", "重复"),
        (
            ("label: 失能, when", "label: 失能, colour: red, when"),
            10,
            "sections[0].indicators[1].colour",
            "未知的键",
        ),
        (("    reference: 测试\n", ""), 2, "definitions.disabled", "缺少必填的键“reference”"),
        (("  - name: 人口\n", "  - name: 人口\n    name: 人口\n"), 8, "", "YAML 格式错误"),
    ],
)
def test_a_bad_indicator_is_refused_with_file_line_path_and_reason(
    tmp_path: Path, change: tuple[str, str], line: int, path: str, reason: str
) -> None:
    assert change[0] in GOOD
    bad = _write(tmp_path, GOOD.replace(change[0], change[1], 1))
    with pytest.raises(YamlFileError) as caught:
        load_indicators(bad)
    error = caught.value
    assert error.file == str(bad)
    assert error.line == line
    assert error.path == path
    assert reason in error.reason
    assert str(error).startswith(f"{bad}:{line}: ")
