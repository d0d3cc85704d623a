"""Named definitions: declared once per jurisdiction with their reference, used by name (issue 12)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from yanglao.core.catalog import CatalogError, load_catalog
from yanglao.core.catalog.loader import root_dir
from yanglao.core.catalog.rules import In, walk

SHIPPED = root_dir(None)


def _ability_tests(code: str, root: Path | None = None) -> set[tuple[int | str, ...]]:
    catalog = load_catalog(code, root)
    return {
        node.values
        for item in catalog.items
        for benefit in item.benefits
        if benefit.rule is not None
        for node in walk(benefit.rule)
        if isinstance(node, In) and node.field == "ability_level"
    }


@pytest.mark.parametrize("code", ["152223", "410000", "410400", "410721", "411303", "411700"])
def test_every_list_reads_disabled_by_name_from_one_declaration(code: str) -> None:
    catalog = load_catalog(code)
    disabled = catalog.definitions["disabled"]

    assert disabled.label == "失能"
    assert "GB/T 42195-2022" in disabled.reference
    assert disabled.declared_in == ("152223" if code == "152223" else "410000")
    assert "in: [ability_level" not in (SHIPPED / code / "items.yaml").read_text(encoding="utf-8")
    assert "defined: disabled" in (SHIPPED / code / "items.yaml").read_text(encoding="utf-8")
    assert _ability_tests(code) == {(1, 2, 3, 4)}


@pytest.fixture
def copied(tmp_path: Path) -> Path:
    root = tmp_path / "catalogs"
    shutil.copytree(SHIPPED, root)
    return root


def test_a_child_list_may_redefine_a_name_and_its_items_follow(copied: Path) -> None:
    (copied / "410721" / "definitions.yaml").write_text(
        "definitions:\n  disabled:\n    label: 失能\n    rule: {in: [ability_level, [2, 3, 4]]}\n"
        "    reference: 测试\n",
        encoding="utf-8",
    )

    assert load_catalog("410721", copied).definitions["disabled"].declared_in == "410721"
    assert _ability_tests("410721", copied) == {(2, 3, 4)}
    assert _ability_tests("411700", copied) == {(1, 2, 3, 4)}


def test_an_undeclared_name_fails_naming_the_file_and_the_line(copied: Path) -> None:
    items = copied / "152223" / "items.yaml"
    lines = items.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if "defined: disabled" in line)
    lines[at] = lines[at].replace("defined: disabled", "defined: disabld")
    items.write_text("".join(lines), encoding="utf-8")

    with pytest.raises(CatalogError) as caught:
        load_catalog("152223", copied)

    assert caught.value.line == at + 1
    assert caught.value.path.endswith(".defined")
    assert "未声明的定义“disabld”" in caught.value.reason
