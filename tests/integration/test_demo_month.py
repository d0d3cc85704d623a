"""The demo is consistent (issue 11, item 16), built at every hard date on a small sample of 扎赉特旗:
last month has its visits (and its rate in the bulletin), this month has its visits so far, nothing
in any table is dated after the clock (but the dates that look ahead: a result's validity, a plan's or
a change's due date), 服务找人 has been run so the work lists are not empty, the sample has its 失能
people, and the bulletin's month is the last full month. The demo reads the real clock; here that
clock is frozen at each hard date."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.db.models import Max
from django.urls import reverse

from tests.conftest import frozen_now
from yanglao.demo.build import build
from yanglao.entitlements.models import Finding
from yanglao.regions.models import Region
from yanglao.stats.cache import _store, data_version, peek
from yanglao.stats.compute import region_stats
from yanglao.visits.models import Target, Visit
from yanglao.visits.reports import rates_tree

pytestmark = [pytest.mark.slow, pytest.mark.hard_dates, pytest.mark.django_db(transaction=True)]

# Dates that look ahead by their meaning (a validity, a due date or deadline, an expiry, a lock, the
# end of a contract's or a plan's period, the day a published list version takes effect); any ``*_until`` is a validity (a certificate's, a rating's).
AHEAD = frozenset({"valid_until", "due_on", "due_at", "expires_at", "locked_until", "end", "effective_from"})


def dated_after(now: dt.datetime, today: dt.date) -> list[str]:
    """Every yanglao model's date and time fields holding a value after ``now`` / ``today``."""
    found = []
    for model in apps.get_models():
        if not model.__module__.startswith("yanglao."):
            continue
        for field in model._meta.concrete_fields:
            if (
                field.name in AHEAD
                or field.name.endswith("_until")
                or not isinstance(field, models.DateField)
            ):
                continue
            limit: Any = now if isinstance(field, models.DateTimeField) else today
            latest = model._default_manager.aggregate(m=Max(field.name))["m"]
            if latest is not None and latest > limit:
                found.append(f"{model._meta.label}.{field.name} = {latest}")
    return found


def test_the_demo_month_is_the_clocks_month_and_last_month_is_visited(
    today: dt.date, settings: Any, tmp_path: Any, login: Any, county_user: Any
) -> None:
    settings.HOME = tmp_path
    _store().clear()

    demo = build("152223", lambda _text, _share: None, scale=0.02)

    last_month = today.replace(day=1) - dt.timedelta(days=1)
    targets = Target.objects.filter(active=True)
    this_month = rates_tree(targets, today.year, today.month, today)
    before = rates_tree(targets, last_month.year, last_month.month, today)
    assert demo.reference_date == today
    assert Visit.objects.filter(visited_on__year=today.year, visited_on__month=today.month).exists()
    assert 90 <= (before.rate or 0) <= 100
    assert (this_month.rate or 0) > 0
    assert not Visit.objects.filter(visited_on__gt=today).exists()
    assert not Visit.objects.filter(visited_at__gt=frozen_now()).exists()
    assert not Visit.objects.filter(visited_on__lt=last_month.replace(day=1)).exists()

    assert peek("dashboard", "152223", today, data_version()) is not None  # warmed: the first view is fast
    assert dated_after(frozen_now(), today) == []  # visits, assessments, audit, imports, everything
    county = Region.objects.get(code="152223")
    assert region_stats(county, last_month, entitlements=False)["visits"]["rate_percent"] >= 90
    now = region_stats(county, today, entitlements=False)
    assert Finding.objects.exists()
    assert now["discovery"]["open"] > 0
    assert now["ability"]["disabled"] > 0
    page = login(county_user).get(reverse("stats:bulletin") + "?region=152223").content.decode()
    assert f"扎赉特旗{last_month.year}年{last_month.month}月老年人口和养老服务统计公报" in page
    assert f"{last_month.year}年{last_month.month}月，探访关爱对象" in page
