"""API tokens for systems calling the HTTP API as a user.

- ``yanglao apitoken USERNAME --name PURPOSE [--days N | --expires YYYY-MM-DD]``: a new token, printed
  once; it expires after ``API_TOKEN_DAYS`` days unless told otherwise.
- ``yanglao apitoken --list [USERNAME]``: the tokens (prefix, user, purpose, state, expiry, last use).
- ``yanglao apitoken --token yl_abcde --days N`` (or ``--expires YYYY-MM-DD``): renew or shorten one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from yanglao.accounts.models import User
from yanglao.entitlements.models import ApiToken
from yanglao.entitlements.tokens import (
    PREFIX_LENGTH,
    do_create_token,
    do_set_token_expiry,
    lifetime_end,
    local,
    token_digest,
)


def expiry(options: dict[str, Any]) -> dt.datetime | None:
    """The expiry the options ask for (``--expires`` is the end of that day), or ``None``."""
    if options["expires"]:
        try:
            day = dt.date.fromisoformat(options["expires"])
        except ValueError as exc:
            raise CommandError(f"到期日期应为 YYYY-MM-DD，实际为“{options['expires']}”") from exc
        return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))
    if options["days"] is not None:
        try:
            return lifetime_end(options["days"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
    return None


def state(token: ApiToken) -> str:
    if not token.active:
        return "已停用"
    return "已过期" if token.expires_at <= timezone.now() else "有效"


class Command(BaseCommand):
    help = "建立接口令牌（只显示一次），列出令牌，或修改令牌的到期时间"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", nargs="?", help="令牌代表的用户")
        parser.add_argument("--name", help="用途，如“社保系统对接”（建立令牌时必填）")
        when = parser.add_mutually_exclusive_group()
        when.add_argument("--days", type=int, help="有效天数（默认取 API_TOKEN_DAYS 设置）")
        when.add_argument("--expires", help="到期日期 YYYY-MM-DD（当日 23:59:59 到期）")
        parser.add_argument("--list", action="store_true", help="列出令牌及其到期时间")
        parser.add_argument("--token", help="要修改到期时间的令牌（完整令牌或其前缀，如 yl_abcde）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            self.list(options["username"])
        elif options["token"]:
            self.set_expiry(options)
        else:
            self.create(options)

    def list(self, username: str | None) -> None:
        tokens = ApiToken.objects.select_related("user").order_by("user__username", "created_at")
        if username:
            tokens = tokens.filter(user__username=username)
        for t in tokens:
            used = local(t.last_used_at) if t.last_used_at else "从未使用"
            self.stdout.write(
                f"{t.prefix}…\t{t.user.username}\t{t.name}\t{state(t)}\t{local(t.expires_at)} 到期\t{used}"
            )

    def set_expiry(self, options: dict[str, Any]) -> None:
        until = expiry(options)
        if until is None:
            raise CommandError("请用 --days 或 --expires 指定新的到期时间")
        given = options["token"].rstrip("…")
        prefix = given[:PREFIX_LENGTH]
        found = ApiToken.objects.filter(prefix=prefix)
        if len(given) > PREFIX_LENGTH:
            found = found.filter(digest=token_digest(given))
        matches = list(found[:2])
        if len(matches) != 1:
            raise CommandError(f"没有令牌 {prefix}…" if not matches else f"前缀 {prefix}… 对应多个令牌")
        token = do_set_token_expiry("命令行", matches[0], until)
        self.stdout.write(f"{token.prefix}… {local(token.expires_at)} 到期")

    def create(self, options: dict[str, Any]) -> None:
        if not options["username"] or not options["name"]:
            raise CommandError("建立令牌需要用户名和 --name 用途")
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"没有有效用户 {options['username']}")
        token, raw = do_create_token("命令行", user, options["name"], expires_at=expiry(options))
        self.stdout.write(raw)
        self.stderr.write(
            f"请妥善保存：令牌只显示这一次，{local(token.expires_at)} 到期。"
            "调用时加请求头 Authorization: Bearer <令牌>"
        )
