"""The only ways to reach people's records: every function scopes by the user's region and audits.

A user sees a person when the person's 常住地 or 户籍地 lies inside the user's region. A record outside
the scope is answered exactly like a record that does not exist (404), and the attempt is audited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Collate
from django.http import Http404, HttpRequest

from yanglao.accounts.scope import deny, scope_of
from yanglao.audit.log import audit
from yanglao.audit.models import Action
from yanglao.core.idnumber import IdNumberError, mask_id_number, mask_name, parse_id_number
from yanglao.regions.models import Level, Region
from yanglao.regions.tree import name_of
from yanglao.registry.models import Conflict, ConflictStatus, Person

SEARCH_LIMIT = 50  # one page of search results
NOT_FOUND = "未找到该老年人"
LAST_CHARACTER = "\U0010ffff"  # sorts after every character (code-point order)
# A name (or its start) and the last 4 characters of the ID number: "王秀英 1234", "王秀英1234".
NAME_AND_TAIL = re.compile(r"(?P<name>[^\d\s]+)\s*(?P<tail>\d{3}[\dXx])")


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
    # ``[:1]``, not ``first()``: one row by a unique key needs no ORDER BY (0.4 ms to build a request)
    return access_person(request, next(iter(Person.objects.filter(pk=pk)[:1]), None), purpose=purpose)


def access_person(request: HttpRequest, person: Person | None, *, purpose: str) -> Person:
    """The person just read (None: not found), when in the user's scope, the view audited; else 404."""
    scope = scope_of(request.user)  # the test of scope_filter, on the row already read
    if person is None or not (scope.covers(person.residence_region) or scope.covers(person.hukou_region)):
        raise deny_person(request, person, purpose)
    audit(
        request.user,
        Action.VIEW,
        request=request,
        object_type="person",
        object_id=mask_id_number(person.id_number),
        summary=f"{purpose}：{mask_id_number(person.id_number)}",
        detail={"person": person.pk},
        regions=(person.residence_region or "", person.hukou_region or ""),
    )
    return person


def normalised_id_number(text: str) -> str | None:
    """The ID number as the registry keeps it (18 characters, upper-case X), None when not one."""
    try:
        return parse_id_number(text).value
    except IdNumberError:
        return None


def access_person_by_id_number(request: HttpRequest, id_number: str, *, purpose: str = "查看详情") -> Person:
    value = normalised_id_number(id_number)
    if value is None:
        raise Http404(NOT_FOUND)
    person = next(iter(Person.objects.filter(id_number=value)[:1]), None)
    if person is None:
        raise Http404(NOT_FOUND)
    return access_person(request, person, purpose=purpose)  # the row read once, not again by its key


def scoped_regions(user: Any, level: str, within: str = "") -> QuerySet[Region]:
    """The townships or villages (``level``) of the user's scope, inside ``within`` (a region code)
    when given: what the region filters of the lists offer."""
    scope = scope_of(user)
    if scope.nothing:
        return Region.objects.none()
    qs = Region.objects.filter(level=level).order_by("code")
    if level == Level.TOWNSHIP and len(scope.prefix or "") > 9:
        qs = qs.filter(code__startswith=(scope.prefix or "")[:9])  # a village user: their township
    elif scope.prefix:
        qs = qs.filter(code__startswith=scope.prefix)
    if within:
        region = Region.objects.filter(code=within).first()
        qs = qs.filter(code__startswith=region.prefix) if region else qs.none()
    return qs


def region_filter(user: Any, township: str = "", village: str = "") -> tuple[str, str, str]:
    """The township and village chosen in a list's filter, each kept only when it is one the user may
    choose, and the code prefix of the narrowest of them ("" when none)."""
    if township and not scoped_regions(user, Level.TOWNSHIP).filter(code=township).exists():
        township = ""
    village = (
        village
        if village and scoped_regions(user, Level.VILLAGE, township).filter(code=village).exists()
        else ""
    )
    return township, village, village or township[:9]


def within(prefix: str, via: str = "") -> Q:
    """People (through the relation ``via``) whose 常住地 or 户籍地 lies inside the region ``prefix``.

    Region codes are digits, so "starts with" is the range prefix…prefix999: one index range on each
    code column on every database (a LIKE uses no index on SQLite nor in a non-C PostgreSQL collation)."""
    if not prefix:
        return Q()
    high = prefix + "9" * (12 - len(prefix))
    out = Q()
    for name in ("residence_region", "hukou_region"):
        out |= Q(**{f"{via}{name}__gte": prefix, f"{via}{name}__lte": high})
    return out


def place_of(code: str) -> str:
    """A region's name for the audit log; a village with its township (village names repeat)."""
    if len(code) == 12 and not code.endswith("000"):
        return f"{name_of(code[:9] + '000')} {name_of(code)}"
    return name_of(code)


@dataclass
class SearchPage:
    """One page of a search: the people on it, its number and whether another follows."""

    rows: list[Person] = field(default_factory=list)
    number: int = 1
    has_next: bool = False


def access_persons_by_search(request: HttpRequest, query: str, **filters: Any) -> list[Person]:
    """The first page of :func:`search_persons`."""
    return search_persons(request, query, **filters).rows


def search_persons(
    request: HttpRequest, query: str, *, township: str = "", village: str = "", page: int = 1
) -> SearchPage:
    """Search by full ID number (18 or 15 digits), by name (prefix), by name and the ID number's last
    4 characters (``王秀英 1234``), or list everybody of a township or village (an empty query with one
    chosen), :data:`SEARCH_LIMIT` a page. Audited with the query masked.

    Pages are read with one row more than they show (no count of all matches: a count of every "王"
    of a million people would cost more than the page)."""
    text = query.strip()
    township, village, prefix = region_filter(request.user, township, village)
    if not text and not prefix:
        return SearchPage()
    qs, order = scoped_persons(request.user).filter(within(prefix)), "name"
    name_and_tail = NAME_AND_TAIL.fullmatch(text)
    if not text:
        qs, order = _by_name_prefix(qs, ""), "search_name"
        shown = "（全部）"
    elif name_and_tail:
        name, tail = name_and_tail["name"], name_and_tail["tail"].upper()
        qs, order = _by_name_prefix(qs, name), "search_name"
        qs = qs.filter(id_number__endswith=tail)
        shown = f"{mask_name(name)} …{tail}"
    else:
        try:
            qs = qs.filter(id_number=parse_id_number(text).value)
            shown = mask_id_number(text)
        except IdNumberError:
            if text[:1].isdigit():
                _audit_search(request, text[:4] + "…", 0, township, village)
                return SearchPage()
            qs, order = _by_name_prefix(qs, text), "search_name"
            shown = mask_name(text)  # the log never keeps a searched name in full
    page = max(1, min(page, 10_000))
    start = (page - 1) * SEARCH_LIMIT
    found = list(qs.order_by(order, "id_number")[start : start + SEARCH_LIMIT + 1])
    result = SearchPage(found[:SEARCH_LIMIT], page, len(found) > SEARCH_LIMIT)
    _audit_search(request, shown, len(result.rows), township, village, page)
    return result


def _by_name_prefix(qs: QuerySet[Person], prefix: str) -> QuerySet[Person]:
    """Names starting with ``prefix``, to be ordered by ``search_name``. On PostgreSQL the name is
    compared in the "C" collation, the one index of migration registry 0002 serves both the prefix and
    the order; otherwise the planner may walk a name index in order and filter a million rows."""
    if connection.vendor == "postgresql":
        qs = qs.alias(search_name=Collate("name", "C"))
        return qs.filter(search_name__startswith=prefix) if prefix else qs
    # SQLite's LIKE uses no index (it folds case): the same prefix as the range prefix…prefix+U+10FFFF
    qs = qs.alias(search_name=F("name"))
    return qs.filter(search_name__gte=prefix, search_name__lt=prefix + LAST_CHARACTER) if prefix else qs


def _audit_search(
    request: HttpRequest, shown: str, results: int, township: str, village: str, page: int = 1
) -> None:
    where = village or township
    audit(
        request.user,
        Action.SEARCH,
        request=request,
        object_type="person",
        summary=f"查询“{shown}”"
        + (f"，{place_of(where)}" if where else "")
        + (f"，第 {page} 页" if page > 1 else "")
        + f"，{results} 条结果",
        detail={
            "results": results,
            **({"region": where} if where else {}),
            **({"page": page} if page > 1 else {}),
        },
    )


def scoped_conflicts(
    user: Any, *, township: str = "", village: str = "", field_name: str = ""
) -> QuerySet[Conflict]:
    """The open data conflicts of the people in the user's scope, filtered by township, village
    (chosen among the user's own) and field; ordered by township, then village, newest first."""
    township, village, prefix = region_filter(user, township, village)
    qs = Conflict.objects.filter(
        scope_of(user).q("person__residence_region", "person__hukou_region"),
        within(prefix, "person__"),
        status=ConflictStatus.OPEN,
    )
    if field_name:
        qs = qs.filter(field=field_name)
    return qs.select_related("person").order_by("person__residence_region", "-created_at", "-id")
