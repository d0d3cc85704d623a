"""The rules core is pure Python: no module under ``yanglao/core`` imports Django or the web layer."""

from __future__ import annotations

import ast
from pathlib import Path

import yanglao.core

CORE = Path(yanglao.core.__file__).resolve().parent
FORBIDDEN = (
    "django",
    "yanglao.web",
    "yanglao.registry",
    "yanglao.accounts",
    "yanglao.audit",
    "yanglao.regions",
)


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_the_core_has_modules_to_check() -> None:
    assert (CORE / "idnumber.py").exists()
    assert (CORE / "person.py").exists()


def test_no_core_module_imports_django_or_the_application() -> None:
    offenders = {
        f"{path.relative_to(CORE)}: {name}"
        for path in sorted(CORE.rglob("*.py"))
        for name in imported_modules(path)
        if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN)
    }

    assert offenders == set()


def test_the_checker_would_notice_an_import_of_django(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from django.db import models\n    import django.conf\n")

    assert imported_modules(module) == {"django.db", "django.conf"}


def test_every_rules_module_imports_first_in_a_fresh_interpreter() -> None:
    """No import cycle: each module of the rules core and the bulk engine can be the first one a
    program imports (a Spark task imports the plan first; a cycle plan → catalog → evaluate →
    wholelist → plan once broke that). One interpreter per module, so only these two packages."""
    import subprocess
    import sys

    names = sorted(
        f"yanglao.core.{package}.{p.stem}"
        for package in ("catalog", "engine")
        for p in (CORE / package).glob("*.py")
        if p.name != "__init__.py"
    )
    script = (
        "import importlib, subprocess, sys\n"
        "failed = []\n"
        "for name in sys.argv[1:]:\n"
        "    r = subprocess.run([sys.executable, '-c', f'import {name}'], capture_output=True, text=True)\n"
        "    if r.returncode:\n"
        "        failed.append(name + ': ' + r.stderr.strip().splitlines()[-1])\n"
        "print('\\n'.join(failed))\n"
    )
    out = subprocess.run([sys.executable, "-c", script, *names], capture_output=True, text=True, check=True)

    assert out.stdout.strip() == ""
