"""At every hard date (the 1st, month ends, leap days, the year's end): a hazard's deadline from the
inspection page, and the board's "cleared this month" counting from the 1st of the month."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.conftest import VILLAGE, frozen_now
from yanglao.facilities.models import Facility
from yanglao.supervision import rules
from yanglao.supervision.models import Hazard

pytestmark = [pytest.mark.django_db, pytest.mark.hard_dates]


def test_deadline_and_cleared_this_month(login: Any, township_user: Any, today: dt.date) -> None:
    home = Facility.objects.create(name="音德尔镇敬老院", kind="public_home", region_id=VILLAGE, beds=60)
    client = login(township_user)
    now = frozen_now()
    response = client.post(
        f"/supervision/facilities/{home.pk}/inspect/",
        {"inspected_at": now.strftime("%Y-%m-%dT%H:%M"), "inspectors": "张三、李四", "fail": ["F03"]},
        HTTP_ACCEPT="application/json",
    )
    assert response.json()["ok"]
    hazard = Hazard.objects.get()
    end_of_third_day = dt.datetime.combine(today + dt.timedelta(days=4), dt.time(0), tzinfo=rules.SHANGHAI)
    assert hazard.due_at == end_of_third_day
    assert hazard.due_at.day != today.day or hazard.due_at.month != today.month

    yesterday = Hazard.objects.create(
        facility=home,
        township=hazard.township,
        source="report",
        title="昨日清零",
        level="low",
        opened_at=now - dt.timedelta(days=5),
        due_at=now + dt.timedelta(days=5),
        status="cleared",
        cleared_at=now - dt.timedelta(days=1),
    )
    total = client.get("/supervision/").context["board"]["total"]
    same_month = yesterday.cleared_at is not None and (
        yesterday.cleared_at.astimezone(rules.SHANGHAI).month == today.month
    )
    assert total["cleared_month"] == (1 if same_month else 0)
    assert total["cleared_month"] == (0 if today.day == 1 else 1)
    assert total["open"] == 1
