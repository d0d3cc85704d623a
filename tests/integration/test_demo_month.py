"""The demo's "this month", built at every hard date on a small sample of 扎赉特旗: last month has
its visits, this month has its visits so far, and nothing is dated in the future. The demo reads the
real clock; here that clock is frozen at each hard date."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import frozen_now
from yanglao.demo.build import build
from yanglao.stats.cache import _store
from yanglao.visits.models import Target, Visit
from yanglao.visits.reports import rates_tree

pytestmark = [pytest.mark.slow, pytest.mark.hard_dates, pytest.mark.django_db(transaction=True)]


def test_the_demo_month_is_the_clocks_month_and_last_month_is_visited(
    today: dt.date, settings: object, tmp_path: object
) -> None:
    settings.HOME = tmp_path  # type: ignore[attr-defined]
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
