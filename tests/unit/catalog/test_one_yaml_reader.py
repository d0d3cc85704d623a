"""One strict YAML reader and one error type (file, line, path, reason) for every data file (issue 12)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from yanglao.core.admissions.loader import load_rules as load_admission_rules
from yanglao.core.assessment._data import DataError, Node, parse_yaml
from yanglao.core.catalog import CatalogError
from yanglao.core.catalog.loader import parse_parameters
from yanglao.core.catalog.yamlio import At, YamlFileError
from yanglao.core.catalog.yamlio import parse_yaml as strict_parse
from yanglao.core.visits.model import ParamsError
from yanglao.core.visits.reader import read_layer


def test_the_loaders_raise_the_one_error_type() -> None:
    assert CatalogError is YamlFileError
    assert ParamsError is YamlFileError
    assert issubclass(DataError, YamlFileError)


def test_a_visit_file_with_a_duplicate_key_names_the_file_and_the_line(tmp_path: Path) -> None:
    path = tmp_path / "410721.yaml"
    path.write_text(
        'jurisdiction: "410721"\nname: 新乡县\ninherits: default\nname: 又一个\n', encoding="utf-8"
    )

    with pytest.raises(YamlFileError) as caught:
        read_layer(path)

    assert (caught.value.file, caught.value.line) == ("410721.yaml", 4)
    assert "重复的键“name”" in caught.value.reason


def test_the_assessment_data_reads_as_strictly_as_the_lists() -> None:
    data = parse_yaml("a: yes\nb: 1.3\nc: true\n", "x.yaml")

    assert data == {"a": "yes", "b": Decimal("1.3"), "c": True}
    with pytest.raises(DataError) as caught:
        parse_yaml("a: 1\na: 2\n", "x.yaml")
    assert (caught.value.file, caught.value.line) == ("x.yaml", 2)


def test_an_assessment_shape_error_carries_the_line_of_its_key() -> None:
    root = Node(
        strict_parse("annex_b:\n  indicators:\n    - code: B.1\n      max: four\n", "i.yaml"), "i.yaml"
    )
    item = root.node("annex_b").nodes("indicators")[0]

    with pytest.raises(DataError) as caught:
        item.integer("max")

    error = caught.value
    assert (error.file, error.path, error.line) == ("i.yaml", "annex_b.indicators[0].max", 4)
    assert str(error) == "i.yaml:4: annex_b.indicators[0].max: expected an integer, got 'four'"


def test_a_cross_check_message_is_split_into_file_path_and_reason() -> None:
    error = DataError("instrument.yaml: annex_c.levels: the last level must start at 0")

    assert (error.file, error.path, error.reason) == (
        "instrument.yaml",
        "annex_c.levels",
        "the last level must start at 0",
    )


def test_parse_parameters_is_the_public_parameter_reader() -> None:
    raw = strict_parse(
        "p:\n  label: 标准\n  unit: 元\n  values:\n    - {from: 2024-01-01, value: 100, reference: 文件}\n"
        "    - {from: 2023-01-01, value: 120, reference: 文件}\n",
        "rules.yaml",
    )

    with pytest.raises(YamlFileError) as caught:
        parse_parameters(raw, At("rules.yaml", "parameters"))

    assert (caught.value.path, caught.value.line) == ("parameters.p.values[1].from", 6)


def test_the_admission_rules_read_their_parameters_with_the_public_reader(tmp_path: Path) -> None:
    (tmp_path / "411700.yaml").write_text(
        'code: "411700"\nname: x\neligibility: {}\nassessment: {}\nclasses: []\ntie_breakers: []\n'
        "parameters:\n  age: {label: 年龄, unit: 岁, values: []}\n",
        encoding="utf-8",
    )

    with pytest.raises(YamlFileError, match="与人员字段同名"):
        load_admission_rules("411700", tmp_path)
