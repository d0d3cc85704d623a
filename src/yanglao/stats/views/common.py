"""Helpers shared by the statistics pages."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone


def date_param(request: HttpRequest, name: str = "date") -> dt.date:
    """The date asked for (YYYY-MM-DD), never later than today; today when absent or malformed."""
    today = timezone.localdate()
    try:
        asked = dt.date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return today
    return min(asked, today)


def month_param(request: HttpRequest) -> tuple[int, int]:
    """The month asked for (YYYY-MM); the last complete month when absent or malformed."""
    text = request.GET.get("month", "")
    try:
        year, month = (int(part) for part in text.split("-"))
        if 1 <= month <= 12 and 2000 <= year <= 2100:
            return year, month
    except ValueError:
        pass
    first = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    return first.year, first.month
