"""Login lock-out: after ``LOGIN_MAX_FAILURES`` failures the username is locked for ``LOGIN_LOCK_SECONDS``."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from yanglao.accounts.models import LoginFailure


def locked_until(username: str) -> dt.datetime | None:
    row = LoginFailure.objects.filter(username=username).first()
    if row and row.locked_until and row.locked_until > timezone.now():
        return row.locked_until
    return None


@transaction.atomic
def record_failure(username: str) -> dt.datetime | None:
    row, _ = LoginFailure.objects.select_for_update().get_or_create(username=username)
    if row.locked_until and row.locked_until <= timezone.now():
        row.count = 0
        row.locked_until = None
    row.count += 1
    if row.count >= settings.LOGIN_MAX_FAILURES:
        row.locked_until = timezone.now() + dt.timedelta(seconds=settings.LOGIN_LOCK_SECONDS)
    row.save()
    return row.locked_until


def record_success(username: str) -> None:
    LoginFailure.objects.filter(username=username).delete()
