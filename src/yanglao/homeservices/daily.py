"""The daily check of home services (for the lead to wire as a job or a scheduled command): plans of
people who died or moved end with a finding, appointments a day old with no check-in become missed,
and the workers whose health certificate runs out within 30 days are listed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from yanglao.homeservices.delivery import mark_missed
from yanglao.homeservices.plans import check_registry
from yanglao.homeservices.providers import certificates_due


def run_daily(now: dt.datetime) -> dict[str, Any]:
    today = now.date()
    ended = check_registry(today)
    return {
        "终止的服务计划": len(ended),
        "未上门工单": mark_missed(now),
        "健康证即将到期": [f"{w.provider.name} {w.code} {w.name}" for w in certificates_due(today)],
    }
