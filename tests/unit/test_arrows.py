"""Arrows point one way: core ← accounts/audit/regions/jobs ← registry ← capability apps ← web ← demo/bench.

A module may import from its own layer or a lower one, never a higher one (README, "Layout"). The
test reads every module's imports (including those inside functions) with ``ast``, so a lazy import
cannot hide an arrow that runs back.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "yanglao"
LAYERS = {
    "core": 0,
    "accounts": 1,
    "audit": 1,
    "regions": 1,
    "jobs": 1,
    "registry": 2,
    "web": 4,
    "demo": 5,
    "bench": 5,
}
CAPABILITY = 3  # every other app: entitlements, visits, payments, carehomes, homeservices, …
TOP_LEVEL = {"conf", "settings", "cli", "urls", "wsgi"}  # the project's wiring, not an app


def layer(app: str) -> int:
    return LAYERS.get(app, CAPABILITY)


def imported_apps(path: Path) -> set[str]:
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
        elif isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        out |= {n.split(".")[1] for n in names if n.startswith("yanglao.") and n.count(".") >= 1}
    return out - TOP_LEVEL


def backward_arrows() -> list[str]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC).parts
        if len(parts) < 2:
            continue
        app = parts[0]
        for target in sorted(imported_apps(path)):
            if target != app and layer(target) > layer(app):
                found.append(f"{path.relative_to(SRC)} → {target}")
    return found


def test_no_arrow_runs_back() -> None:
    assert backward_arrows() == []


def test_the_check_sees_a_backward_arrow(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from yanglao.demo.population import Baseline\n", encoding="utf-8")
    assert imported_apps(module) == {"demo"}
    assert layer("visits") < layer("demo")
