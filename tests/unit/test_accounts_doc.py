"""docs/accounts.md's table of what each role may do is the permission table of ``accounts/scope.py``."""

from __future__ import annotations

from pathlib import Path

from yanglao.accounts.models import Role
from yanglao.accounts.scope import PERMISSIONS

DOC = Path(__file__).resolve().parents[2] / "docs" / "accounts.md"


def documented() -> dict[str, frozenset[str]]:
    """The verbs of the doc's table with the role codes ticked, columns in the order of ``Role``."""
    table: dict[str, frozenset[str]] = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 2 + len(Role) and cells[1].startswith("`") and "." in cells[1]:
            ticks = cells[2:]
            table[cells[1].strip("`")] = frozenset(
                role.value for role, tick in zip(Role, ticks, strict=True) if tick
            )
    return table


def test_the_doc_says_what_the_permission_table_says() -> None:
    assert documented() == {
        verb: frozenset(role.value for role in roles) for verb, roles in PERMISSIONS.items()
    }


def test_the_doc_names_every_role_code() -> None:
    text = DOC.read_text(encoding="utf-8")
    for role in Role:
        assert f"`{role.value}`" in text
        assert role.label in text
