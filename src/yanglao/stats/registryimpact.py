"""The registry side of ``yanglao catalog impact|budget`` without ``--input``: the people of a list's
region (户籍 or 常住地 inside it, living on the date) as the engine's person frame. The pure command
(:mod:`yanglao.core.catalog.impactcli`) imports this module by name only when it is asked to read the
registry; Django is set up here, the way the management commands run."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any


def region_prefix(code: str) -> str:
    """``410000`` → ``41``, ``410400`` → ``4104``, ``410721`` → ``410721``."""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def persons_for(code: str, on: dt.date) -> Any:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yanglao.settings")
    import django

    django.setup()
    from yanglao.stats import sources

    found = sources.entitlement_input(region_prefix(code), on)
    if found is None:
        raise ValueError(f"信息库中没有清单 {code} 适用区划的人员（或未安装计算引擎）")
    return found[1]
