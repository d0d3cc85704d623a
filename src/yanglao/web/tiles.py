"""The home page's work, per role: each tile one count (one query) that links to the list behind it.

- visitor (网格员): today's visits and overdue ones (the visits schedule's due dates of their own people);
- township caseworker: open 服务找人 findings, urgent and overdue follow-ups, rolls to prepare,
  data conflicts;
- county caseworker: data conflicts, rolls to review and to approve, example parameters (示例值) of the
  service lists to replace with local figures;
- auditor: the latest audit events; care-home staff: their facility; administrator: users and
  recent failures (locked logins, failed background jobs).

Nothing here loops over people with a query each: the home page is the first page everybody opens.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone

from yanglao.accounts.models import LoginFailure, Role, User
from yanglao.accounts.scope import may, scope_of
from yanglao.audit.reading import readable_events, shown_summary
from yanglao.core.catalog.source import catalog_on
from yanglao.core.payments import Month
from yanglao.core.visits.schedule import Interval, due_date
from yanglao.entitlements.access import scoped_findings
from yanglao.entitlements.models import FindingState
from yanglao.facilities.access import facility_of
from yanglao.jobs.models import Job, JobState
from yanglao.payments.access import preparable_regions, scoped_rolls
from yanglao.payments.models import PaymentRoll, RollState
from yanglao.payments.views import catalogs_for
from yanglao.regions.models import Level
from yanglao.registry.access import scoped_conflicts
from yanglao.visits.access import visit_followups, visit_targets
from yanglao.visits.models import FollowUpKind, FollowUpStatus

ROLL_MONTHS = 3  # rolls to prepare: this month and the two before it
LATEST = 8  # the auditor's and the administrator's short lists


@dataclass
class Tile:
    count: int
    label: str
    url: str = ""
    warn: bool = False  # work waiting (shown in the warning colour when the count is not zero)


@dataclass
class Work:
    """What the home page shows one user besides the people count and the search."""

    tiles: list[Tile] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)  # the auditor's latest events
    failures: list[dict[str, Any]] = field(default_factory=list)  # the administrator's
    facility: Any = None  # care-home staff's facility
    no_facility: bool = False


def _url(name: str, args: list[Any] | None = None, **query: str) -> str:
    url = reverse(name, args=args)
    return url + "?" + urlencode(query) if query else url


def visitor_tiles(user: Any, today: dt.date) -> list[Tile]:
    """Due today and overdue, by the schedule (last visit + interval; never visited: since + interval)."""
    rows = (
        visit_targets(user)
        .annotate(last=Max("person__visits__visited_on"))
        .values_list("interval_days", "interval_months", "since", "last")
    )
    due = [due_date(last, Interval(days=days, months=months), since) for days, months, since, last in rows]
    return [
        Tile(sum(1 for d in due if d == today), "今日应探访", _url("visits:index"), warn=True),
        Tile(sum(1 for d in due if d < today), "逾期未探访", _url("visits:overdue"), warn=True),
    ]


def followup_tiles(user: Any) -> list[Tile]:
    counts = (
        visit_followups(user)
        .filter(status=FollowUpStatus.OPEN)
        .aggregate(
            urgent=Count("pk", filter=Q(kind=FollowUpKind.URGENT)),
            overdue=Count("pk", filter=Q(due_at__lt=timezone.now())),
        )
    )
    return [
        Tile(
            counts["urgent"],
            "待处理紧急情况上报",
            _url("visits:followups", status=FollowUpStatus.OPEN, kind=FollowUpKind.URGENT),
            warn=True,
        ),
        Tile(
            counts["overdue"],
            "超时未办结跟进事项",
            _url("visits:followups", status=FollowUpStatus.OPEN),
            warn=True,
        ),
    ]


def finding_tile(user: Any) -> Tile:
    count = scoped_findings(user).filter(state=FindingState.OPEN).count()
    region = getattr(user, "region", None)
    if region is not None and region.level == Level.TOWNSHIP:
        url = _url("entitlements:township", [region.code])
    else:
        url = _url("entitlements:index")
    return Tile(count, "待处理服务找人发现", url, warn=True)


def rolls_to_prepare(user: Any, today: dt.date) -> int:
    """(list, month, region) of this month and the :data:`ROLL_MONTHS` - 1 before it without a roll,
    for the region the user prepares rolls for (their own)."""
    regions = preparable_regions(user)
    if not regions:
        return 0
    own = regions[0]
    first_days = [Month.of(today).shift(-n).first for n in range(ROLL_MONTHS)]
    catalogs = [code for code, _ in catalogs_for(own.code)]
    done = set(
        PaymentRoll.objects.filter(region=own, month__in=first_days, catalog__in=catalogs).values_list(
            "catalog", "month"
        )
    )
    return sum(1 for c in catalogs for day in first_days if (c, day) not in done)


def roll_tiles(user: Any) -> list[Tile]:
    counts = scoped_rolls(user).aggregate(
        review=Count("pk", filter=Q(state=RollState.PREPARED)),
        approve=Count("pk", filter=Q(state=RollState.REVIEWED)),
    )
    return [
        Tile(counts["review"], "待审核发放表", _url("payments:index"), warn=True),
        Tile(counts["approve"], "待审批发放表", _url("payments:index"), warn=True),
    ]


def example_values_tile(user: Any, today: dt.date) -> Tile | None:
    """The parameters of the lists that apply to the user's region whose value today is an example
    figure (示例值) the county must replace; linked to its own list (the most local one)."""
    region = getattr(user, "region", None)
    if region is None:
        return None
    codes = [code for code, _ in catalogs_for(region.code)]
    if not codes:
        return None
    count = 0
    for code in codes:
        for param in catalog_on(code, today).parameters.values():
            value = param.value_on(today)
            count += bool(value is not None and value.example)
    return Tile(count, "待替换的示例参数值", _url("catalogweb:catalog", [codes[0]]), warn=True)


def conflict_tile(user: Any) -> Tile:
    return Tile(scoped_conflicts(user).count(), "待处理数据冲突", _url("conflicts"), warn=True)


def latest_events(user: Any) -> list[dict[str, Any]]:
    events = readable_events(user).order_by("-at", "-id")[:LATEST]
    return [
        {"at": e.at, "who": e.username, "action": e.get_action_display(), "summary": shown_summary(e)}
        for e in events
    ]


def admin_work(work: Work) -> None:
    since = timezone.now() - dt.timedelta(days=7)
    counts = User.objects.aggregate(
        active=Count("pk", filter=Q(is_active=True)), inactive=Count("pk", filter=Q(is_active=False))
    )
    work.tiles.append(Tile(counts["active"], "启用的用户账号", _url("users:list")))
    failures = LoginFailure.objects.filter(count__gt=0).filter(
        Q(locked_until__gt=timezone.now()) | Q(first_failure_at__gte=since)
    )
    for failure in failures.order_by("-first_failure_at")[:LATEST]:
        name = failure.username
        who = f"来源地址 {name[3:]}" if name.startswith("ip:") else f"用户 {name}"
        work.failures.append(
            {
                "at": failure.first_failure_at,
                "what": f"登录失败 {failure.count} 次：{who}",
                "locked": failure.locked_until is not None and failure.locked_until > timezone.now(),
            }
        )
    jobs = Job.objects.filter(state=JobState.FAILED, finished_at__gte=since).order_by("-finished_at")
    for at, kind, error in jobs.values_list("finished_at", "kind", "error")[:LATEST]:
        work.failures.append({"at": at, "what": f"后台任务失败（{kind}）：{error}", "locked": False})
    work.failures.sort(key=lambda f: f["at"] or since, reverse=True)


def work_of(user: Any) -> Work:
    """The home page's work for ``user``, by role."""
    today = timezone.localdate()
    role = getattr(user, "role", None)
    work = Work()
    if scope_of(user).nothing and role != Role.ADMIN:
        return work
    if role == Role.VISITOR:
        work.tiles += visitor_tiles(user, today)
    elif role == Role.TOWNSHIP:
        work.tiles += [finding_tile(user), *followup_tiles(user)]
        work.tiles.append(
            Tile(rolls_to_prepare(user, today), "待生成发放表（近3个月）", _url("payments:index"), warn=True)
        )
        work.tiles.append(conflict_tile(user))
    elif role == Role.COUNTY:
        work.tiles += [conflict_tile(user), *roll_tiles(user)]
        example_values = example_values_tile(user, today)
        if example_values is not None:
            work.tiles.append(example_values)
    elif role == Role.AUDITOR:
        work.events = latest_events(user)
    elif role == Role.CAREHOME:
        work.facility = facility_of(user)
        work.no_facility = work.facility is None
        if work.facility is not None:  # the home's own people, not the county's registry
            from yanglao.carehomes.models import Residence, ResidenceState

            staying = Residence.objects.filter(facility=work.facility).exclude(state=ResidenceState.ENDED)
            work.tiles.append(Tile(staying.count(), "本机构在院人员", _url("carehomes:residents")))
    elif role == Role.ADMIN:
        admin_work(work)
    if may(user, "audit.read") and role == Role.ADMIN:
        work.events = latest_events(user)
    return work
