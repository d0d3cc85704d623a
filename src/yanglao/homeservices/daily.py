"""The daily check of home services — the only place the overview's findings are written (the pages only
read them): plans of people who died, were admitted to a care home or moved away end with a finding for
staff; appointments a day old with no check-in become missed; the workers whose health certificate runs
out within 30 days are listed. Run as the background job ``services_daily`` (:data:`KIND`, started from
the overview) or by ``yanglao homeservices daily``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.db import DatabaseError, transaction
from django.db.models import Q

from yanglao.audit.log import audit
from yanglao.audit.models import Action
from yanglao.homeservices.delivery import mark_missed
from yanglao.homeservices.models import Plan, PlanEnd
from yanglao.homeservices.plans import check_registry, end_plans_for
from yanglao.homeservices.providers import certificates_due
from yanglao.jobs import runner
from yanglao.jobs.models import Job, JobState

KIND = "services_daily"


def admitted(on: dt.date, actor: Any = "核查") -> list[Plan]:
    """Plans still running on ``on`` of people living in a care home (admitted before the home-service
    app knew, or by another path): ended the day before admission, with a finding."""
    try:
        residence = apps.get_model("carehomes", "Residence")
    except LookupError:
        return []
    running = Plan.objects.filter(Q(end__isnull=True) | Q(end__gte=on)).values_list("person_id", flat=True)
    try:
        stays = list(
            residence.objects.filter(person_id__in=running, admitted_on__lte=on)
            .exclude(state="ended")
            .select_related("person")
        )
    except DatabaseError:
        return []
    ended: list[Plan] = []
    for stay in stays:
        ended += end_plans_for(stay.person, PlanEnd.CARE_HOME, stay.admitted_on, actor)
    return ended


@transaction.atomic
def run_daily(now: dt.datetime, actor: Any = "每日核查") -> dict[str, Any]:
    today = now.date()
    ended = check_registry(today, actor) + admitted(today, actor)
    missed = mark_missed(now)
    due = certificates_due(today)
    result = {
        "终止的服务计划": len(ended),
        "未上门工单": missed,
        "健康证即将到期": [f"{w.provider.name} {w.code} {w.name}" for w in due],
    }
    audit(
        None if isinstance(actor, str) else actor, Action.CHANGE, object_type="services_daily",
        object_id=today.isoformat(),
        summary=f"居家服务每日核查：终止服务计划 {len(ended)} 项，未上门工单 {missed} 张，健康证即将到期 {len(due)} 人",
    )  # fmt: skip
    return result


def run_daily_job(job: Job, progress: Callable[[int], None]) -> dict[str, Any]:
    """The job's handler (``jobs/runner.py`` KINDS): the check as of the job's start."""
    from django.utils import timezone

    result = run_daily(timezone.now(), job.user or "每日核查")
    progress(1)
    return {"done": 1, **result}


def start_daily(user: Any) -> Job:
    """Create the job's row and start its worker (inline with ``JOBS_INLINE``)."""
    job = Job.objects.create(kind=KIND, user=user, total=1)
    try:
        runner.start(job)
    except OSError as exc:
        Job.objects.filter(pk=job.pk).update(state=JobState.FAILED, error=f"无法启动后台进程：{exc}"[:500])
    job.refresh_from_db()
    return job


def last_run() -> Job | None:
    return Job.objects.filter(kind=KIND).order_by("-created_at", "-id").first()
