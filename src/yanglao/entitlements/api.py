"""The HTTP API (``/api/``): one person's entitlements with the explanation; the OpenAPI schema.

Authentication: the browser's session, or ``Authorization: Bearer <token>`` for systems (tokens made
with ``yanglao apitoken``; they expire, and a refused token is audited: ``entitlements.tokens``). With a
token, the token (its user, the user's region) and the person asked for are read in one statement
(``entitlements.apiread``: the person only with a usable token). Scope: the person is then reached through
the registry's access function, so a person outside the user's region is a 404 and the attempt is audited;
every answer is audited.

Commits: the answer runs in autocommit, never in a request-wide transaction (``non_atomic_requests``, even
were ``ATOMIC_REQUESTS`` turned on): each audit event (the look at the person, a refusal) is committed
by its own statement before the answer is built, so an error later in the view cannot roll it back. On
PostgreSQL an answer with a token is two statements, the read and the audit event, of which only the
second writes: one WAL flush a request (the token's ``last_used_at`` adds a write at most once a minute).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from yanglao.core import masking
from yanglao.entitlements import catalogs
from yanglao.entitlements.apiread import token_and_person
from yanglao.entitlements.explain import decide, decision_json
from yanglao.entitlements.openapi import schema
from yanglao.entitlements.tokens import authenticate
from yanglao.registry.access import access_person, access_person_by_id_number, normalised_id_number
from yanglao.registry.models import Person


def error(message: str, status: int, **headers: str) -> JsonResponse:
    response = JsonResponse({"error": message}, status=status, json_dumps_params={"ensure_ascii": False})
    for key, value in headers.items():
        response[key] = value
    return response


UNAUTHORIZED = {"WWW-Authenticate": 'Bearer realm="yanglao"'}


@dataclass(frozen=True)
class Asker:
    """Who asks (``via``: a token or the browser's session, in the audit's words) and, for a token, the
    person's row read with it (:mod:`entitlements.apiread`), not yet scoped nor audited."""

    via: str
    with_token: bool = False
    row: Person | None = None

    def person(self, request: HttpRequest, id_number: str) -> Person:
        """The person asked for, in the user's scope and the look audited; else ``Http404``."""
        purpose = f"接口查询应享待遇（{self.via}）"
        if self.with_token:
            return access_person(request, self.row, purpose=purpose)
        return access_person_by_id_number(request, id_number, purpose=purpose)


def asker(request: HttpRequest, id_number: str) -> Asker | HttpResponse:
    """Session or bearer token; 401 (JSON, not a redirect to the login page) otherwise. A token and the
    person ``id_number`` are read in one statement; the token is then checked (a refusal audited)."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        raw = header.removeprefix("Bearer ").strip()
        now = timezone.now()
        found, row = token_and_person(raw, normalised_id_number(id_number), now)
        token = authenticate(request, raw, found, now)
        if token is None:
            return error("令牌无效或已过期", 401, **UNAUTHORIZED)
        request.user = token.user
        return Asker(f"令牌 {token.prefix}…", with_token=True, row=row)
    if not request.user.is_authenticated:
        return error("未登录或令牌无效", 401, **UNAUTHORIZED)
    return Asker("网页会话")


@require_GET
def openapi_json(request: HttpRequest) -> JsonResponse:
    return JsonResponse(schema(), json_dumps_params={"ensure_ascii": False})


@transaction.non_atomic_requests
@never_cache
@require_GET
def person_entitlements(request: HttpRequest, id_number: str) -> HttpResponse:
    who = asker(request, id_number)
    if isinstance(who, HttpResponse):
        return who
    user: Any = request.user
    # The answer shows the person's 低保/特困 status, ability and disability (the conditions' values):
    # only a role that sees every sensitive field in full may ask (the one masking rule).
    if not masking.sees_sensitive(user.role):
        return error("当前角色不能查询待遇", 403)
    raw_date = request.GET.get("date", "")
    try:
        on = dt.date.fromisoformat(raw_date) if raw_date else timezone.localdate()
    except ValueError:
        return error(f"日期应为 YYYY-MM-DD，实际为“{raw_date}”", 400)
    code = request.GET.get("catalog", "")
    if code and code not in catalogs.available():
        return error(f"没有清单“{code}”", 400)
    try:
        person = who.person(request, id_number)
    except Http404:
        return error("没有此人，或此人不在您的辖区内", 404)
    found = catalogs.person_list(person.hukou_region, person.residence_region, on)
    own = found.code
    code = code or own or ""
    if not code:
        return error(f"{found.words or '此人户籍所在辖区没有清单'}：请用 catalog 参数指定", 400)
    catalog = catalogs.catalog(code, on)
    record, decision = decide(catalog, person, on)
    shown_id = masking.mask(user.role, "id_number", person.id_number)
    body = {"person": {"id_number": shown_id, "jurisdiction_catalog": own}}
    body |= decision_json(catalog, record, decision)
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})
