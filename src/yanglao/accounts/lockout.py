"""Login throttling: per username and per client address, safe under concurrent attempts.

A password is checked only after an attempt has been *reserved* under a row lock
(:func:`begin_attempt`), so 30 parallel attempts on one username check at most
``LOGIN_MAX_FAILURES`` passwords, not as many as slip between a check and a write.

- A username is locked for ``LOGIN_LOCK_SECONDS`` after ``LOGIN_MAX_FAILURES`` failed attempts in a
  row (a success starts again from zero).
- A client address is locked for the same time after ``LOGIN_IP_MAX_FAILURES`` failed attempts on
  any usernames within ``LOGIN_LOCK_SECONDS`` (password spraying); successful logins from the address
  (an office behind one NAT address) do not count.

Both live in ``LoginFailure`` rows: a username's row is keyed by the username, an address's by
``ip:<address>`` (a colon never occurs in a username).

The same rows and lock limit the forms anyone may post without logging in (:func:`throttle`, keyed
``form:<address>``): ``PUBLIC_POST_MAX`` posts within ``PUBLIC_POST_WINDOW_SECONDS`` from one address,
then that address waits out the window (``accounts.middleware.PublicPostThrottleMiddleware``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from yanglao.accounts.models import LoginFailure


@dataclass(frozen=True)
class Refusal:
    """Why an attempt was refused before its password was checked, and until when."""

    until: dt.datetime
    by_address: bool


def _window() -> dt.timedelta:
    return dt.timedelta(seconds=settings.LOGIN_LOCK_SECONDS)


def _address_key(address: str) -> str:
    return f"ip:{address}"


def _locked_row(key: str) -> LoginFailure:
    LoginFailure.objects.get_or_create(username=key)
    return LoginFailure.objects.select_for_update().get(username=key)


def _reserve(
    key: str, limit: int, *, decays: bool, now: dt.datetime, window: dt.timedelta | None = None
) -> dt.datetime | None:
    """Count one more attempt on ``key``; the end of its lock when it may not make one."""
    window = window or _window()
    row = _locked_row(key)
    if row.locked_until and row.locked_until > now:
        return row.locked_until
    expired = decays and row.first_failure_at is not None and row.first_failure_at + window <= now
    if row.locked_until or expired:
        row.count, row.locked_until, row.first_failure_at = 0, None, None
    if row.count >= limit:
        row.locked_until = now + window
        row.save()
        return row.locked_until
    row.count += 1
    row.first_failure_at = row.first_failure_at or now
    row.save()
    return None


@transaction.atomic
def begin_attempt(username: str, address: str) -> Refusal | None:
    """Reserve one password check for ``username`` from ``address``, or say why not."""
    now = timezone.now()
    if address:
        until = _reserve(_address_key(address), settings.LOGIN_IP_MAX_FAILURES, decays=True, now=now)
        if until is not None:
            return Refusal(until, by_address=True)
    until = _reserve(username, settings.LOGIN_MAX_FAILURES, decays=False, now=now)
    return Refusal(until, by_address=False) if until is not None else None


@transaction.atomic
def record_failure(username: str, address: str) -> dt.datetime | None:
    """The reserved attempt failed: lock what has reached its limit. Returns the username's lock end."""
    now = timezone.now()
    if address:
        row = _locked_row(_address_key(address))
        if row.count >= settings.LOGIN_IP_MAX_FAILURES and not row.locked_until:
            row.locked_until = now + _window()
            row.save()
    row = _locked_row(username)
    if row.count >= settings.LOGIN_MAX_FAILURES and not row.locked_until:
        row.locked_until = now + _window()
        row.save()
    return row.locked_until


@transaction.atomic
def record_success(username: str, address: str) -> None:
    """The reserved attempt succeeded: the username starts again, the address gets its attempt back."""
    LoginFailure.objects.filter(username=username).delete()
    if address:
        row = LoginFailure.objects.select_for_update().filter(username=_address_key(address)).first()
        if row is not None and row.count > 0 and not row.locked_until:
            row.count -= 1
            row.save()


@transaction.atomic
def throttle(address: str) -> dt.datetime | None:
    """Count one post of a public form from ``address``; the end of the address's wait when it has
    posted ``PUBLIC_POST_MAX`` times within ``PUBLIC_POST_WINDOW_SECONDS``."""
    window = dt.timedelta(seconds=settings.PUBLIC_POST_WINDOW_SECONDS)
    return _reserve(
        f"form:{address}", settings.PUBLIC_POST_MAX, decays=True, now=timezone.now(), window=window
    )
