"""Each usual department's import template: its columns are fields the importer knows, and its sample
row reads back through the importer's own reader and parser without an error."""

from __future__ import annotations

from pathlib import Path

import pytest

from yanglao.core import person as spec
from yanglao.core.records_io import open_source
from yanglao.core.records_io.template import SAMPLE_ID, columns_for, template_workbook
from yanglao.registry.imports import ALIASES, parse_row
from yanglao.registry.importscope import DEFAULT_DEPARTMENTS, DEPARTMENT_FIELDS, department_fields
from yanglao.registry.models import EXTRA_FIELDS, EXTRA_LABELS, Department

CODES = [code for code, _, _ in DEFAULT_DEPARTMENTS]


def test_every_usual_department_has_its_columns_and_they_are_known_fields() -> None:
    assert sorted(DEPARTMENT_FIELDS) == sorted(CODES)
    known = set(spec.FIELD_NAMES) | set(EXTRA_FIELDS)
    for code, names in DEPARTMENT_FIELDS.items():
        assert names[:2] == ("id_number", "name"), code
        assert set(names) <= known, code
        assert len(set(names)) == len(names), code


def test_a_department_registered_later_gets_every_column() -> None:
    names = department_fields(Department(code="tuiyijunren", name="旗退役军人事务局"))

    assert names == (*spec.FIELD_NAMES, *EXTRA_FIELDS)


@pytest.mark.parametrize("code", [*CODES, "new"])
def test_the_sample_row_reads_back_without_an_error(code: str, tmp_path: Path) -> None:
    columns = columns_for(department_fields(Department(code=code, name="某部门")), EXTRA_LABELS)
    path = tmp_path / "template.xlsx"
    path.write_bytes(template_workbook("某部门", columns))

    source = open_source(path, ALIASES)
    rows = list(source.rows)

    assert source.header_errors == []
    assert len(rows) == 1
    line, row = rows[0]
    record, errors = parse_row(line, row)
    assert (line, errors) == (2, [])
    assert record["id_number"] == SAMPLE_ID
    assert record["name"] == "张三（示例）"


def test_every_column_has_a_chinese_heading_and_a_note() -> None:
    for column in columns_for(department_fields(Department(code="new", name="某部门")), EXTRA_LABELS):
        assert column.header != column.name
        assert column.note
