"""The only ways to reach people's records: every function scopes by the user's region and audits.

A user sees a person when the person's 常住地 or 户籍地 lies inside the user's region. A record outside
the scope is answered exactly like a record that does not exist (404), and the attempt is audited.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Collate
from django.http import Http404, HttpRequest

from yanglao.accounts.scope import deny, scope_of
from yanglao.audit.log import audit
from yanglao.audit.models import Action
from yanglao.core.idnumber import IdNumberError, mask_id_number, mask_name, parse_id_number
from yanglao.registry.models import Person

SEARCH_LIMIT = 50
NOT_FOUND = "未找到该老年人"


def scope_filter(user: Any) -> Q:
    """The records ``user`` may see. No region (and not a system administrator) means nothing."""
    return scope_of(user).q("residence_region", "hukou_region")


def scoped_persons(user: Any) -> QuerySet[Person]:
    return Person.objects.filter(scope_filter(user))


def deny_person(request: HttpRequest, person: Person | None, what: str) -> Http404:
    """The 404 for a person outside the user's scope, the attempt audited (when the person exists)."""
    return deny(
        request,
        exists=person is not None,
        object_type="person",
        object_id=mask_id_number(person.id_number) if person is not None else "",
        what=what,
        message=NOT_FOUND,
    )


def access_person_by_pk(request: HttpRequest, pk: int, *, purpose: str = "查看详情") -> Person:
    person = Person.objects.filter(pk=pk).first()
    if person is None or not scoped_persons(request.user).filter(pk=pk).exists():
        raise deny_person(request, person, purpose)
    audit(
        request.user,
        Action.VIEW,
        request=request,
        object_type="person",
        object_id=mask_id_number(person.id_number),
        summary=f"{purpose}：{mask_id_number(person.id_number)}",
        detail={"person": person.pk},
    )
    return person


def access_person_by_id_number(request: HttpRequest, id_number: str, *, purpose: str = "查看详情") -> Person:
    try:
        value = parse_id_number(id_number).value
    except IdNumberError:
        raise Http404(NOT_FOUND) from None
    person = Person.objects.filter(id_number=value).first()
    if person is None:
        raise Http404(NOT_FOUND)
    return access_person_by_pk(request, person.pk, purpose=purpose)


def access_persons_by_search(request: HttpRequest, query: str) -> list[Person]:
    """Search by full ID number (18 or 15 digits) or by name (prefix). Audited with the query masked."""
    text = query.strip()
    if not text:
        return []
    qs, order = scoped_persons(request.user), "name"
    try:
        qs = qs.filter(id_number=parse_id_number(text).value)
        shown = mask_id_number(text)
    except IdNumberError:
        if text[:1].isdigit():
            return _audited_search(request, text[:4] + "…", [])
        qs, order = _by_name_prefix(qs, text), "search_name"
        shown = mask_name(text)  # the log never keeps a searched name in full
    results = list(qs.order_by(order, "id_number")[:SEARCH_LIMIT])
    return _audited_search(request, shown, results)


def _by_name_prefix(qs: QuerySet[Person], prefix: str) -> QuerySet[Person]:
    """Names starting with ``prefix``, to be ordered by ``search_name``. On PostgreSQL the name is
    compared in the "C" collation, the one index of migration registry 0002 serves both the prefix and
    the order; otherwise the planner may walk a name index in order and filter a million rows."""
    if connection.vendor == "postgresql":
        qs = qs.alias(search_name=Collate("name", "C"))
    else:
        qs = qs.alias(search_name=F("name"))
    return qs.filter(search_name__startswith=prefix)


def _audited_search(request: HttpRequest, shown: str, results: list[Person]) -> list[Person]:
    audit(
        request.user,
        Action.SEARCH,
        request=request,
        object_type="person",
        summary=f"查询“{shown}”，{len(results)} 条结果",
        detail={"results": len(results)},
    )
    return results
