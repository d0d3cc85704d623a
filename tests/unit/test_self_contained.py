"""The repository stands alone: no source, document, rule or test names a file outside it (the
documents the lists come from are vendored beside them, the specifications written into docs/)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUTSIDE = re.compile(r"/work/shared|\.\./shared|shared/(seeds|spec)/")
TEXT = (".py", ".md", ".yaml", ".yml", ".html", ".txt", ".toml", ".cfg", ".js", ".css", ".sh", "")


def tracked_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    return [ROOT / name for name in listed if Path(name).suffix in TEXT and (ROOT / name).is_file()]


def test_no_file_points_outside_the_repository() -> None:
    me = Path(__file__).resolve()
    offenders = []
    for path in tracked_files():
        if path.resolve() == me:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if OUTSIDE.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:100]}")
    assert not offenders, "\n".join(offenders)


def test_the_check_sees_such_a_reference() -> None:
    shared = "shared"  # spelled apart, so this file does not itself name one
    assert OUTSIDE.search(f"见 {shared}/spec/facts.md")
    assert OUTSIDE.search(f"Path('/work/{shared}/seeds/x.txt')")
    assert not OUTSIDE.search("catalogs/152223/source.txt")
