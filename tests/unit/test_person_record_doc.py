"""The person record's documentation (docs/person-record.md) says what the code (core/person.py) does:
the same fields in the same order, with the same Chinese labels, kinds, sensitivity and codes."""

from __future__ import annotations

import re
from pathlib import Path

from yanglao.core.person import FIELDS

DOC = Path(__file__).resolve().parents[2] / "docs" / "person-record.md"


def documented_rows() -> list[list[str]]:
    rows = []
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("| `"):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows


def test_the_document_lists_every_field_as_the_code_has_it() -> None:
    rows = documented_rows()
    assert [row[0].strip("`") for row in rows] == [field.name for field in FIELDS]
    for row, field in zip(rows, FIELDS, strict=True):
        _name, label, kind, values = row
        assert label == field.label, field.name
        assert kind.split(";")[0] == field.kind, field.name
        assert ("sensitive" in kind) == field.sensitive, field.name
        for code in field.code_values() if field.codes else ():
            assert re.search(rf"`{re.escape(str(code))}` {re.escape(field.code_label(code))}", values), (
                field.name,
                code,
            )
