"""Polars' allocator keeps freed pages for a minute (``yanglao/__init__``): set before Polars is first
imported, and an operator's own setting wins. Polars puts its own defaults (half a second) first;
jemalloc takes the last value of each option."""

from __future__ import annotations

import os
import subprocess
import sys

PROBE = "import os, yanglao, polars; print(os.environ['_RJEM_MALLOC_CONF'])"


def effective(conf: str) -> dict[str, str]:
    return dict(option.split(":", 1) for option in conf.split(","))


def probe(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "_RJEM_MALLOC_CONF"} | extra
    out = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    return effective(out)


def test_the_bulk_engine_keeps_freed_pages_for_a_minute() -> None:
    assert probe() == {"dirty_decay_ms": "60000", "muzzy_decay_ms": "60000"}


def test_an_operators_setting_wins() -> None:
    assert probe(_RJEM_MALLOC_CONF="dirty_decay_ms:1000")["dirty_decay_ms"] == "1000"
