"""Every code the audit log stores has its Chinese name: actions, roles, and each object type the
source writes (found by reading the source, so the next ``audit(..., object_type="new")`` needs one)."""

from __future__ import annotations

import re
from pathlib import Path

import yanglao
from yanglao.accounts.models import Role
from yanglao.audit import labels
from yanglao.audit.models import Action

SOURCE = Path(yanglao.__file__).parent
WRITTEN = re.compile(r"""object_type\s*=\s*["']([A-Za-z_]+)["']""")
CJK = re.compile(r"[\u4e00-\u9fff]")


def object_types_in_source() -> dict[str, str]:
    """``{object_type: first file writing it}`` over the package's modules (migrations left out: they
    name model fields, not events)."""
    found: dict[str, str] = {}
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for code in WRITTEN.findall(path.read_text(encoding="utf-8")):
            found.setdefault(code, str(path.relative_to(SOURCE)))
    return found


def test_the_source_writes_object_types_and_the_scan_finds_them() -> None:
    found = object_types_in_source()
    assert {"person", "import", "payroll", "finding", "visits"} <= set(found)


def test_every_object_type_written_in_the_source_has_a_chinese_name() -> None:
    missing = {
        code: where for code, where in object_types_in_source().items() if code not in labels.OBJECT_TYPES
    }
    assert missing == {}


def test_every_action_and_every_role_has_a_chinese_name() -> None:
    for code in [*Action.values, *Role.values, "cli", "system"]:
        name = labels.action_label(code) if code in Action.values else labels.role_label(code)
        assert CJK.search(name), code
    assert labels.role_label("county_caseworker") == "县级民政经办人员"
    assert labels.action_label("view") == "查看"
    assert labels.object_type_label("person") == "老年人"


def test_every_name_is_chinese() -> None:
    for name in [*labels.ACTIONS.values(), *labels.ROLES.values(), *labels.OBJECT_TYPES.values()]:
        assert CJK.search(name), name


def test_a_code_no_longer_known_is_shown_as_it_is() -> None:
    assert labels.object_type_label("retired_kind") == "retired_kind"
    assert labels.role_label("") == ""
