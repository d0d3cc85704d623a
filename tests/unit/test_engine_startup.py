"""Start-up: ``yanglao --help`` and ``yanglao entitle --help`` import neither Django, Polars nor
PySpark (each costs hundreds of milliseconds before the first line is printed). Run in a fresh
interpreter, since this test process has imported everything already."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("django", "polars", "pyspark", "pyarrow")
PROBE = """
import contextlib, io, json, sys
args = {args!r}
with contextlib.redirect_stdout(io.StringIO()) as out, contextlib.redirect_stderr(io.StringIO()):
    import yanglao.cli
    code = None if args is None else yanglao.cli.main(args)
print(json.dumps({{"code": code, "printed": out.getvalue(),
                  "heavy": sorted({{m.split(".")[0] for m in sys.modules}} & set({heavy!r}))}}))
"""


def probe(args: list[str] | None) -> dict[str, object]:
    code = PROBE.format(args=args, heavy=HEAVY)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_importing_the_command_imports_no_heavy_library() -> None:
    assert probe(None)["heavy"] == []


@pytest.mark.parametrize("args", [["--help"], ["entitle", "--help"]])
def test_help_imports_no_heavy_library(args: list[str]) -> None:
    result = probe(args)
    assert result["code"] == 0
    assert "用法" in str(result["printed"]) or "usage" in str(result["printed"])
    assert result["heavy"] == []


def test_the_engine_package_resolves_its_names_on_first_use() -> None:
    import yanglao.core.engine as engine
    from yanglao.core.engine.api import entitle_frame

    assert engine.entitle_frame is entitle_frame
    with pytest.raises(AttributeError):
        _ = engine.no_such_name


def test_the_whitespace_list_is_what_str_strip_strips() -> None:
    """frames.PY_WHITESPACE is written out (scanning every code point cost every command 66 ms)."""
    from yanglao.core.engine.frames import PY_WHITESPACE

    assert "".join(chr(c) for c in range(0x110000) if chr(c).isspace()) == PY_WHITESPACE
