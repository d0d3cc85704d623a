"""Qualified assessors for the assessment tests: two users of 音德尔镇 holding a qualification valid
from 2000 on (an assessment may be signed only by two different qualified users)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from yanglao.accounts.models import User
from yanglao.assessments.models import AssessorQualification

TOWNSHIP = "152223100000"


def qualified(
    username: str, name: str, *, region: str = TOWNSHIP, since: dt.date = dt.date(2000, 1, 1)
) -> Any:
    """A township caseworker ``username`` (made if missing) with a qualification valid from ``since``."""
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(
            username, role="township_caseworker", region_id=region, display_name=name
        )
    AssessorQualification.objects.get_or_create(
        user=user, number=f"PG-{username}", defaults={"issuer": "兴安盟民政局", "valid_from": since}
    )
    return user


def two_assessors() -> tuple[Any, Any]:
    return qualified("assessor_zhang", "张评估"), qualified("assessor_liu", "刘评估")
