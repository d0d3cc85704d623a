"""Start-up: the packages that re-export their modules' names (``yanglao.core.catalog``,
``yanglao.core.discovery``, ``yanglao.core.payments``, ``yanglao.core.admissions``,
``yanglao.core.services``) import a module when one of its names is first
asked for (``yanglao.core.lazynames``), and the web server's URL modules import neither openpyxl nor
the Polars parts of discovery, person import, list impact and budget. Each probe runs in a fresh
interpreter, since this test process has imported everything already."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROBE = """
import contextlib, io, json, sys
{setup}
print(json.dumps(sorted(m for m in {watched!r} if m in sys.modules)))
"""


def loaded(setup: str, watched: list[str], env: dict[str, str] | None = None) -> list[str]:
    """Which of ``watched`` a fresh interpreter has imported after running ``setup``."""
    code = PROBE.format(setup=setup, watched=watched)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    result: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_assess_help_imports_only_the_yaml_reader_of_the_catalog_package() -> None:
    setup = (
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    import yanglao.cli\n"
        "    assert yanglao.cli.main(['assess', '--help']) == 0\n"
    )
    watched = [
        "yanglao.core.catalog.yamlio",
        "yanglao.core.catalog.compare",
        "yanglao.core.catalog.evaluate",
        "yanglao.core.catalog.loader",
        "yanglao.core.person",
        "polars",
    ]
    assert loaded(setup, watched) == ["yanglao.core.catalog.yamlio"]


def test_package_names_are_imported_when_asked_for() -> None:
    setup = (
        "import yanglao.core.catalog, yanglao.core.discovery, yanglao.core.payments\n"
        "from yanglao.core.discovery import jurisdiction_code\n"
        "from yanglao.core.payments import Month\n"
        "from yanglao.core.catalog import CatalogError\n"
    )
    watched = [
        "yanglao.core.discovery.jurisdiction",
        "yanglao.core.discovery.compare",
        "yanglao.core.payments.months",
        "yanglao.core.payments.compute",
        "yanglao.core.catalog.yamlio",
        "yanglao.core.catalog.evaluate",
        "polars",
    ]
    assert loaded(setup, watched) == [
        "yanglao.core.catalog.yamlio",
        "yanglao.core.discovery.jurisdiction",
        "yanglao.core.payments.months",
    ]


def test_a_function_named_as_its_module_stays_the_function() -> None:
    # the module imported first (as a Spark task or another module does), the package's name after
    setup = (
        "import yanglao.core.catalog.evaluate, yanglao.core.payments.totals\n"
        "from yanglao.core.catalog import evaluate, load_catalog\n"
        "from yanglao.core.payments import totals\n"
        "import yanglao.core.catalog as c\n"
        "assert callable(evaluate) and evaluate is c.evaluate and evaluate.__name__ == 'evaluate'\n"
        "assert callable(totals) and totals.__name__ == 'totals'\n"
        "assert sys.modules['yanglao.core.catalog.evaluate'].evaluate is evaluate\n"
        "from yanglao.core.catalog import *\n"
        "assert Catalog.__name__ == 'Catalog' and diff.__name__ == 'diff'\n"
        "try:\n"
        "    c.no_such_name\n"
        "except AttributeError as e:\n"
        "    assert 'no_such_name' in str(e)\n"
        "else:\n"
        "    raise SystemExit('no AttributeError')\n"
    )
    assert loaded(setup, ["yanglao.core.catalog.compare"]) == ["yanglao.core.catalog.compare"]


def test_the_url_modules_import_neither_openpyxl_nor_the_polars_parts_they_do_not_run(
    tmp_path: Path,
) -> None:
    setup = (
        "import django\n"
        "django.setup()\n"
        "from django.urls import get_resolver\n"
        "get_resolver().url_patterns\n"
        "import yanglao.wsgi\n"
    )
    watched = [
        "openpyxl",
        "polars",  # the home services' claims import their match when a claim is read or matched
        "pyarrow",
        "yanglao.catalogweb.xlsx",
        "yanglao.core.discovery.compare",
        "yanglao.entitlements.discovery",
        "yanglao.registry.importcheck",
        "yanglao.registry.importwriter",
        "yanglao.core.catalog.impact",
        "yanglao.core.catalog.budget",
        "yanglao.listadmin.people",
        "yanglao.core.admissions.queue",
        "yanglao.core.admissions.ranking",
        "yanglao.facilities.checks",
    ]
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG")}
    env |= {"YANGLAO_HOME": str(tmp_path), "DJANGO_SETTINGS_MODULE": "yanglao.settings"}
    assert loaded(setup, watched, env) == []
