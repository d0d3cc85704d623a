"""A draft's text edits (core/catalog/drafts.py) and the plain-words history between two versions
(core/catalog/versions.py), on the shipped lists; no database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from yanglao.core.catalog.drafts import (
    add_value,
    append_item,
    load_texts,
    old_values_kept,
    read_folder,
    retire_item,
    set_option,
)
from yanglao.core.catalog.loader import CATALOGS_ROOT, load_catalog, load_taxonomy
from yanglao.core.catalog.versions import history, label_words
from yanglao.core.catalog.yamlio import YamlFileError

ON = dt.date(2026, 7, 1)
REF = "扎政办发〔2026〕9号"


def texts(code: str) -> dict[str, str]:
    return read_folder(CATALOGS_ROOT / code)


def free_code(code: str) -> str:
    """A service code of the taxonomy the list does not use yet (a new item needs its own)."""
    used = {b.code for item in load_catalog(code).items for b in item.benefits} | {
        item.code for item in load_catalog(code).items
    }
    return next(c for c in sorted(load_taxonomy().services) if c not in used)


def ancestors(code: str) -> dict[str, dict[str, str]]:
    parent = load_catalog(code).parent
    return {parent: texts(parent)} if parent else {}


def test_a_new_dated_value_goes_after_the_old_ones_and_the_comments_stay() -> None:
    before = texts("152223")
    text = add_value(before["parameters.yaml"], "gaoling_jintie_80_99", ON, Decimal("120"), REF)
    assert text.startswith(before["parameters.yaml"].split("\n")[0])  # the header comment
    assert text.count("\n") == before["parameters.yaml"].count("\n") + 3
    catalog = load_texts("152223", {**before, "parameters.yaml": text}, {})
    values = catalog.parameters["gaoling_jintie_80_99"].values
    assert [(v.valid_from, v.value, v.reference) for v in values[-1:]] == [(ON, Decimal("120"), REF)]
    assert values[:-1] == load_catalog("152223").parameters["gaoling_jintie_80_99"].values
    old_values_kept(load_catalog("152223"), catalog, text)  # nothing lost


def test_a_value_dated_before_the_one_it_replaces_is_refused_with_file_line_and_path() -> None:
    text = texts("152223")["parameters.yaml"]
    with pytest.raises(YamlFileError) as caught:
        add_value(text, "gaoling_jintie_80_99", dt.date(2023, 1, 1), Decimal("120"), REF)
    error = caught.value
    assert error.file == "parameters.yaml"
    assert error.path == "parameters.gaoling_jintie_80_99.values[1].from"
    assert error.line == 8  # the line of the value it would replace
    assert "不晚于它所替换的值的生效日期 2023-06-15" in error.reason


def test_a_value_without_a_reference_is_refused() -> None:
    with pytest.raises(YamlFileError, match="新值必须写依据"):
        add_value(texts("152223")["parameters.yaml"], "gaoling_jintie_80_99", ON, Decimal("120"), "  ")


def test_changing_an_old_value_in_the_yaml_is_refused_at_its_line() -> None:
    before = texts("152223")
    text = before["parameters.yaml"].replace("        value: 100\n", "        value: 120\n", 1)
    catalog = load_texts("152223", {**before, "parameters.yaml": text}, {})
    with pytest.raises(YamlFileError) as caught:
        old_values_kept(load_catalog("152223"), catalog, text)
    assert (caught.value.file, caught.value.line) == ("parameters.yaml", 8)
    assert caught.value.path == "parameters.gaoling_jintie_80_99.values[0]"
    assert "已有的值须原样保留" in caught.value.reason


def test_a_rule_naming_an_unknown_field_is_refused_at_its_line() -> None:
    before = texts("152223")
    block = f'no: "99"\ncode: {free_code("152223")}\nname: 测试\ntype: caring_service\nrule:\n  ">=": [agee, 80]\n'
    text = append_item(before["items.yaml"], block)
    with pytest.raises(YamlFileError) as caught:
        load_texts("152223", {**before, "items.yaml": text}, {})
    error = caught.value
    assert error.file == "items.yaml"  # named as the editor sees it, not the temporary folder
    assert error.path.startswith(f"items[{len(load_catalog('152223').items)}].rule")
    assert error.line is not None
    assert text.split("\n")[error.line - 1].strip().startswith('">=": [agee')
    assert "agee" in error.reason


def test_a_local_option_is_switched_on_with_its_document() -> None:
    code = "411700"
    before = texts(code)
    name = next(n for n, o in load_catalog(code).options.items() if not o.default)
    text = set_option(before["catalog.yaml"], name, True, "驻政办〔2026〕3号", ON)
    assert f"# 自 {ON} 起开启，依据：驻政办〔2026〕3号" in text
    after = load_texts(code, {**before, "catalog.yaml": text}, ancestors(code))
    assert after.options[name].default is True
    with pytest.raises(YamlFileError, match="须写扩大对象范围的文件"):
        set_option(before["catalog.yaml"], name, True, "", ON)
    lines = history(load_catalog(code), after, ON, {name: "驻政办〔2026〕3号"})
    assert [line.text for line in lines] == [
        f"自2026年7月1日起，{after.options[name].label}（第{'、第'.join(after.options[name].items)}项），"
        "依据：驻政办〔2026〕3号。"
    ]


def test_the_history_of_a_raised_standard_reads_as_the_bureau_would_write_it() -> None:
    before = texts("152223")
    text = add_value(before["parameters.yaml"], "gaoling_jintie_80_99", ON, Decimal("120"), REF)
    after = load_texts("152223", {**before, "parameters.yaml": text}, {})
    lines = history(load_catalog("152223"), after, ON)
    assert [(line.on, line.kind, line.text) for line in lines] == [
        (
            ON,
            "parameter",
            f"自2026年7月1日起，80–99周岁高龄津贴标准由每人每月100元提高到120元（第5项高龄津贴），依据：{REF}。",
        )
    ]
    assert label_words("高龄津贴（80–89周岁）") == "80–89周岁高龄津贴"
    lowered = add_value(before["parameters.yaml"], "gaoling_jintie_80_99", ON, Decimal("90"), REF)
    words = history(
        load_catalog("152223"), load_texts("152223", {**before, "parameters.yaml": lowered}, {}), ON
    )
    assert "由每人每月100元降低到90元" in words[0].text


def test_retiring_and_adding_items_are_dated_in_the_history() -> None:
    before = texts("152223")
    catalog = load_catalog("152223")
    first = catalog.items[0]
    text = retire_item(before["items.yaml"], first.no, dt.date(2026, 12, 31))
    block = (
        f'no: "99"\ncode: {free_code("152223")}\nname: 高龄老人电话问候\ntype: caring_service\n'
        'rule:\n  ">=": [age, 90]\nvalid_from: 2026-07-01\n'
    )
    text = append_item(text, block)
    after = load_texts("152223", {**before, "items.yaml": text}, {})
    assert after.item(first.no).valid_to == dt.date(2026, 12, 31)
    assert after.item("99").valid_from == ON
    words = [line.text for line in history(catalog, after, ON)]
    assert words == [
        "自2026年7月1日起，新增第99项“高龄老人电话问候”。",
        f"自2027年1月1日起，第{first.no}项“{first.name}”停止执行。",
    ]
