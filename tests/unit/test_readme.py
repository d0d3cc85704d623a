"""The README is the newcomer's index: it starts with the two commands, names every command (in its
table and in ``yanglao --help``) and links every document of docs/."""

from __future__ import annotations

import re
from pathlib import Path

import yanglao
from yanglao.cli import PURE_COMMANDS, USAGE

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
PACKAGE = Path(yanglao.__file__).parent


def commands() -> set[str]:
    """Every command of the project: the pure ones and each app's management commands."""
    names = set(PURE_COMMANDS)
    for path in PACKAGE.glob("*/management/commands/*.py"):
        if path.stem != "__init__":
            names.add(path.stem)
    return names


def test_it_starts_with_the_two_commands() -> None:
    block = re.search(r"```sh\n(.*?)```", README, re.S)
    assert block is not None
    lines = [line for line in block.group(1).splitlines() if line.strip()]
    assert len(lines) == 2
    assert "yanglao demo" in lines[0]
    assert lines[1].strip() == "bash .ci/run"


def test_every_command_is_in_the_readme_and_in_the_help() -> None:
    missing_readme = sorted(name for name in commands() if f"`yanglao {name}" not in README)
    missing_help = sorted(name for name in commands() if not re.search(rf"^  {name}\b", USAGE, re.M))
    assert (missing_readme, missing_help) == ([], [])


def test_every_document_is_linked() -> None:
    docs = sorted(path.name for path in (ROOT / "docs").glob("*.md"))
    assert [name for name in docs if f"(docs/{name})" not in README] == []


def test_it_says_how_to_choose_the_port_and_the_home() -> None:
    assert "--port" in README
    assert "YANGLAO_HOME" in README
