"""The visits parameter files shipped with the application (``visits/data/*.yaml``)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

from yanglao.core.visits.params import Rules, RulesCache

DATA = Path(__file__).resolve().parent / "data"


@lru_cache(maxsize=1)
def rules_cache() -> RulesCache:
    return RulesCache(DATA)


def rules_for(region: str | None) -> Rules:
    return rules_cache().for_region(region)


def param(region: str | None, key: str, on: dt.date) -> int:
    return rules_for(region).param(key, on)
