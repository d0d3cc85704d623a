"""Stale-while-revalidate for the statistics pages (docs/operations.md, "统计缓存").

The file cache (:mod:`yanglao.stats.cache`) answers a figure computed from the current version of the
data. When it has none — the data changed since — a page that may show older figures
(:func:`answer` with ``stale_ok``: the dashboard, the bulletin's page, the dashboard's entitlements)
answers with the last figures computed for the same kind, region and date (a :class:`Snapshot` row),
marked on the page with the time they were computed, and queues a job of kind ``stats_refresh``
(:mod:`yanglao.jobs.runner`) that recomputes them; the next request finds the new figures. Only
when no figures were ever computed for that kind, region and date does the request compute them.

A watched write that commits (:func:`yanglao.stats.cache.bump`) queues one ``stats_refresh`` job for
the snapshots asked for lately, so the figures are usually fresh before anyone looks. At most one
such job waits at a time, and at most one per region and date for the pages' jobs.

Exports never take stale figures: the bulletin's PDF and XLSX, open data's CSV and the ``stats``
command compute from the current data (``stale_ok`` false) or answer from the cache of that version.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from yanglao.regions.models import Level, Region
from yanglao.registry.models import Person
from yanglao.stats.cache import FORMAT, computing, data_version, keep, peek
from yanglao.stats.models import Snapshot

KIND = "stats_refresh"
# Snapshots a write recomputes: asked for by a page within this time, of a date not older than this.
RECENT = dt.timedelta(days=1)
RECENT_DATES = dt.timedelta(days=62)  # the bulletin of last month included
AT_MOST = 30  # snapshots one write-triggered job recomputes
FORGET = dt.timedelta(days=30)  # snapshots nobody asked for in this time are deleted by the job
# kind → dotted path of ``build(region, on) -> value`` (the job recomputes with it).
BUILDERS: dict[str, str] = {
    "dashboard": "yanglao.stats.compute.build_dashboard",
    "bulletin": "yanglao.stats.bulletin.build_figures",
    "entitlements-section": "yanglao.stats.compute.build_entitlements",
}
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Answer:
    """Figures and, when they come from an earlier version of the data, when they were computed."""

    value: Any
    stale_since: dt.datetime | None = None

    @property
    def stale(self) -> bool:
        return self.stale_since is not None

    def note(self) -> str:
        """The page's words for stale figures ("" for current ones)."""
        if self.stale_since is None:
            return ""
        at = timezone.localtime(self.stale_since)
        when = f"{at:%H:%M}" if at.date() == timezone.localdate() else f"{at.month}月{at.day}日 {at:%H:%M}"
        return f"数据已更新，统计正在重新计算（显示的是 {when} 的数字）"


def answer(
    kind: str, region: Region, on: dt.date, build: Callable[[], Any], *, stale_ok: bool = False
) -> Answer:
    """The figures ``kind`` of ``region`` on ``on``: from the cache of the current version of the data;
    else (``stale_ok``) the last ones computed, and a recomputation queued; else computed now."""
    version = data_version()
    found = peek(kind, region.code, on, version)
    if found is not None:
        return Answer(found)
    snapshot = Snapshot.objects.filter(kind=kind, region=region.code, on=on).first()
    now = timezone.now()
    if snapshot is not None and snapshot.version == stamp(version):  # the file cache was emptied
        keep(kind, region.code, on, version, snapshot.value)
        return Answer(snapshot.value)
    if snapshot is not None and stale_ok and snapshot.version.startswith(stamp("")):
        Snapshot.objects.filter(pk=snapshot.pk).update(asked_at=now)
        queue_refresh(region.code, on)
        return Answer(snapshot.value, stale_since=snapshot.computed_at)
    value = computing(version, build)
    keep(kind, region.code, on, version, value)
    if value is not None:
        remember(kind, region.code, on, version, value, asked=True)
    return Answer(value)


def stamp(version: str) -> str:
    """A snapshot's version: the data's and the shape of the figures' (an older shape is never shown)."""
    return f"{FORMAT}-{version}"


def remember(kind: str, code: str, on: dt.date, version: str, value: Any, *, asked: bool) -> None:
    """Keep ``value`` as the last figures of (kind, region, date) computed from ``version``."""
    now = timezone.now()
    fields: dict[str, Any] = {"version": stamp(version), "computed_at": now, "value": value}
    if asked:
        fields["asked_at"] = now
    try:
        with transaction.atomic():
            updated = Snapshot.objects.filter(kind=kind, region=code, on=on).update(**fields)
            if not updated:
                Snapshot.objects.create(kind=kind, region=code, on=on, **{"asked_at": now, **fields})
    except IntegrityError:  # another process created it meanwhile: its figures are as new as these
        return


# --- the jobs --------------------------------------------------------------------------------------


def _pending() -> list[Any]:
    """The ``stats_refresh`` jobs still waiting for a worker (a job no worker claimed is failed by
    :func:`yanglao.jobs.runner.check` and waits no more)."""
    from yanglao.jobs import runner
    from yanglao.jobs.models import Job, JobState

    waiting = []
    for job in Job.objects.filter(kind=KIND, state=JobState.QUEUED):
        if runner.check(job).state == JobState.QUEUED:
            waiting.append(job)
    return waiting


def _start(job: Any) -> None:
    """Start the job's worker when the transaction that queued it commits. With ``JOBS_INLINE`` (the
    tests) or ``STATS_REFRESH_WORKER = False`` (the test suite: a test that commits must not start a
    worker on the real database) the job is left queued: no request waits for a recomputation; the
    tests run it."""
    from yanglao.jobs import runner

    def go() -> None:
        if runner.inline() or not getattr(settings, "STATS_REFRESH_WORKER", True):
            return
        try:
            runner.start(job)
        except OSError as exc:
            log.warning("统计重新计算任务 %s 无法启动：%s", job.pk, exc)

    transaction.on_commit(go)


def queue_refresh(code: str, on: dt.date) -> Any | None:
    """Queue the recomputation of ``code`` on ``on`` unless one is already waiting (its own, or a
    write's job, which recomputes every snapshot asked for lately). Returns the new job or None."""
    from yanglao.jobs.models import Job

    for job in _pending():
        if job.params.get("recent") or (job.params.get("region"), job.params.get("date")) == (
            code,
            on.isoformat(),
        ):
            return None
    job = Job.objects.create(kind=KIND, params={"region": code, "date": on.isoformat()}, total=1)
    _start(job)
    return job


def after_write() -> Any | None:
    """A watched write committed: queue one job recomputing the snapshots asked for lately, unless
    such a job is waiting already (a running one may have read the data before this write) or no
    page asked for any. Never lets the write fail."""
    from yanglao.jobs.models import Job

    try:
        if not recent().exists():
            return None
        if any(job.params.get("recent") for job in _pending()):
            return None
        job = Job.objects.create(kind=KIND, params={"recent": True})
    except DatabaseError as exc:  # the tables not migrated yet, a busy SQLite writer: the pages will ask
        log.warning("统计重新计算任务未能排队：%s", exc)
        return None
    _start(job)
    return job


def recent() -> Any:
    now = timezone.now()
    return Snapshot.objects.filter(
        asked_at__gte=now - RECENT, on__gte=timezone.localdate() - RECENT_DATES
    ).order_by("-asked_at")


def refresh(snapshot: Snapshot) -> bool:
    """Recompute one snapshot from the current data (nothing to do when it is current and cached)."""
    version = data_version()
    if snapshot.version == stamp(version):
        if peek(snapshot.kind, snapshot.region, snapshot.on, version) is None:
            keep(snapshot.kind, snapshot.region, snapshot.on, version, snapshot.value)
        return False
    region = Region.objects.filter(code=snapshot.region).first()
    if region is None or snapshot.kind not in BUILDERS:
        snapshot.delete()
        return False
    value = computing(version, lambda: import_string(BUILDERS[snapshot.kind])(region, snapshot.on))
    keep(snapshot.kind, snapshot.region, snapshot.on, version, value)
    if value is None:
        snapshot.delete()
        return True
    remember(snapshot.kind, snapshot.region, snapshot.on, version, value, asked=False)
    return True


def run_refresh_job(job: Any, progress: Callable[[int], None]) -> dict[str, Any]:
    """The ``stats_refresh`` job's handler (``jobs/runner.py`` KINDS): recompute the snapshots of its
    region and date, or (a write's job) those asked for lately; forget those nobody asked for."""
    from yanglao.jobs.models import Job

    params = job.params
    if params.get("recent"):
        Snapshot.objects.filter(asked_at__lt=timezone.now() - FORGET).delete()
        snapshots = list(recent()[:AT_MOST])
    else:
        on = dt.date.fromisoformat(str(params["date"]))
        snapshots = list(Snapshot.objects.filter(region=str(params["region"]), on=on).order_by("kind"))
    Job.objects.filter(pk=job.pk).update(total=len(snapshots) + 1)
    computed = 0
    for done, snapshot in enumerate(snapshots, start=1):
        computed += refresh(snapshot)
        progress(done)
    _alongside(snapshots, bool(params.get("recent")))
    progress(len(snapshots) + 1)
    return {"done": len(snapshots) + 1, "computed": computed}


def _alongside(snapshots: list[Snapshot], recent: bool) -> None:
    """What the pages of the snapshots lead to: the dashboard's entitlements section (loaded after the
    page) and, after a write, the open data files of the counties (always from the current data: made
    now, they answer at once)."""
    from yanglao.stats.cache import cached
    from yanglao.stats.compute import entitlements
    from yanglao.stats.opendata import DATASETS, csv_bytes, reference_date

    counties: set[str] = set()
    for snapshot in snapshots:
        region = Region.objects.filter(code=snapshot.region).first()
        if region is None:
            continue
        if snapshot.kind == "dashboard":
            answer("entitlements-section", region, snapshot.on, partial(entitlements, region, snapshot.on))
        if region.level == Level.COUNTY:
            counties.add(region.code)
    if not recent:
        return
    on = reference_date()
    for region in Region.objects.filter(code__in=counties).order_by("code"):
        if not Person.objects.filter(hukou_region__startswith=region.code).exists():
            continue
        for dataset in DATASETS:
            cached(f"open-{dataset.key}", region.code, on, partial(csv_bytes, region, dataset.key, on))
