"""Preparing a payment roll as a background job (kind ``prepare_roll``, see :mod:`yanglao.jobs.runner`).

The prepare form (and "prepare again") checks the region, list and month in the request, then creates
the job; the worker prepares the roll as the user who asked (still active and allowed to prepare for
the region). A roll that exists already is not an error: the job's result names it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from yanglao.core.payments import Month
from yanglao.jobs.models import Job
from yanglao.payments.access import preparable_regions
from yanglao.payments.actions import RollExists, prepare_roll

KIND = "prepare_roll"


def run_roll_job(job: Job, progress: Callable[[int], None]) -> dict[str, Any]:
    user = job.user
    params = job.params
    if user is None or not user.is_active:
        raise PermissionError("发起任务的用户已停用")
    region = next((r for r in preparable_regions(user) if r.code == params["region"]), None)
    if region is None:
        raise PermissionError("发起任务的用户不能为该区划生成发放表")
    try:
        roll = prepare_roll(
            user,
            params["catalog"],
            Month.parse(params["month"]),
            region,
            new_only=bool(params.get("new_only")),
        )
    except RollExists as exc:
        return {"done": 0, "roll": exc.roll.pk, "exists": str(exc)}
    totals = roll.totals
    progress(int(totals.get("lines", 0)))
    return {
        "done": int(totals.get("lines", 0)),
        "roll": roll.pk,
        "label": roll.label,
        "lines": totals.get("lines", 0),
        "persons": totals.get("persons", 0),
        "amount": str(totals.get("amount", "0")),
        "prepare_count": roll.prepare_count,
        "digest": roll.digest[:12],
    }
