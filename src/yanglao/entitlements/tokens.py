"""API tokens: made (shown once, only the SHA-256 kept), given an expiry, and checked on each request.

A token lives ``API_TOKEN_DAYS`` (default 90) unless it is made with another lifetime; an unknown,
deactivated or expired token is refused alike (401), and every refusal is audited as a failed login
with the token's first eight characters only and the client's address.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from yanglao.audit.log import audit
from yanglao.audit.models import Action
from yanglao.entitlements.models import ApiToken

PREFIX_LENGTH = 8  # "yl_" and five characters: enough to tell tokens apart, useless to an attacker


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def lifetime_end(days: int | None = None) -> dt.datetime:
    """The expiry of a token made now: ``days`` from now, by default ``API_TOKEN_DAYS``."""
    if days is None:
        days = int(settings.API_TOKEN_DAYS)
    if days < 1:
        raise ValueError("有效天数至少为 1 天")
    return timezone.now() + dt.timedelta(days=days)


@transaction.atomic
def do_create_token(
    actor: Any, user: Any, name: str, expires_at: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    """A new token for ``user`` (returned once; only its digest is kept), expiring at ``expires_at``
    (by default after ``API_TOKEN_DAYS``)."""
    raw = "yl_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        digest=token_digest(raw),
        prefix=raw[:PREFIX_LENGTH],
        expires_at=expires_at or lifetime_end(),
    )
    audit(
        actor,
        Action.CREATE,
        object_type="api_token",
        object_id=str(token.pk),
        summary=f"为 {user.username} 建立接口令牌 {token.prefix}…（{name}），{local(token.expires_at)} 到期",
        detail={"token": token.pk, "user": user.pk, "expires_at": token.expires_at.isoformat()},
    )
    return token, raw


@transaction.atomic
def do_set_token_expiry(actor: Any, token: ApiToken, expires_at: dt.datetime) -> ApiToken:
    """Renew or shorten a token's lifetime (an expiry in the past ends it at once); audited."""
    before = token.expires_at
    token.expires_at = expires_at
    token.save(update_fields=["expires_at"])
    audit(
        actor,
        Action.CHANGE,
        object_type="api_token",
        object_id=str(token.pk),
        summary=f"接口令牌 {token.prefix}… 到期时间：{local(before)} → {local(expires_at)}",
        detail={"token": token.pk, "user": token.user_id, "expires_at": expires_at.isoformat()},
    )
    return token


def local(moment: dt.datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def usable(token: ApiToken, now: dt.datetime) -> bool:
    """Active, of an active user, not expired at ``now`` (``entitlements.apiread`` reads the person
    asked for under the same three conditions)."""
    return token.active and token.user.is_active and token.expires_at > now


def authenticate(request: HttpRequest, raw: str, token: ApiToken | None, now: dt.datetime) -> ApiToken | None:
    """``token`` (what ``raw`` read, its user loaded: ``entitlements.apiread``) when usable at ``now``,
    or ``None``: unknown, deactivated, of a deactivated user, or expired. A refusal is audited
    (``login_failed``) with the token's prefix, never the token. The token's last use is written at most
    once a minute (each use is audited as what it shows)."""
    if token is not None and usable(token, now):
        if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token
    if token is None:
        reason = "接口令牌无效"
    elif token.expires_at <= now:
        reason = f"接口令牌已于 {local(token.expires_at)} 过期"
    else:
        reason = "接口令牌已停用"
    prefix = raw[:PREFIX_LENGTH]
    audit(
        token.user if token is not None else None,
        Action.LOGIN_FAILED,
        request=request,
        object_type="api_token",
        object_id=prefix,
        summary=f"{reason}：{prefix}…",
        detail={"prefix": prefix, "token": token.pk if token is not None else None},
    )
    return None
