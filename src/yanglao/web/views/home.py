"""The home page (each role's work: :mod:`yanglao.web.tiles`), and the audit log for auditors."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from yanglao.accounts.current import current_user
from yanglao.accounts.models import Role
from yanglao.accounts.scope import require, scope_of
from yanglao.audit.labels import action_label
from yanglao.audit.log import audit
from yanglao.audit.models import Action, AuditEvent
from yanglao.audit.reading import mask_query, matching, readable_events, shown_summary
from yanglao.registry.access import scoped_persons
from yanglao.stats.cache import write_token
from yanglao.web.tiles import work_of

# Above this many people (the planner's estimate) the home page's count is kept between requests: a
# count of a million rows takes half a second, on every home page.
LARGE_TABLE = 200_000
COUNT_SECONDS = 600  # at most this old, and never across a write (the statistics cache's write token)


def person_rows() -> int:
    """The planner's estimate of registry_person's rows on PostgreSQL (one catalogue read); 0 elsewhere
    and before the table was first analysed."""
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'registry_person'::regclass")
        row = cursor.fetchone()
    return int(row[0]) if row and row[0] > 0 else 0


def living_people(user: object) -> int:
    """The living people of the user's scope: counted on each request at a small scale; at a large one
    once per process, scope and version of the data (renewed by every write to people) for 10 minutes."""
    living = scoped_persons(user).filter(death_date__isnull=True)
    if person_rows() < LARGE_TABLE:
        return living.count()
    key = f"yanglao-home-living:{scope_of(user).prefix}:{write_token()}"
    count = cache.get(key)
    if count is None:
        count = living.count()
        cache.set(key, count, COUNT_SECONDS)
    return int(count)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    # Care-home staff work with their home's residents: the county's registry count is not theirs.
    carehome = getattr(request.user, "role", None) == Role.CAREHOME
    context = {
        "persons": None if carehome else living_people(request.user),
        "work": work_of(request.user),
    }
    return render(request, "web/home.html", context)


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """The events the reader may see (their region's; all for the administrator); the read audited."""
    require(request, "audit.read")
    user = current_user(request)
    events = readable_events(user)
    query = request.GET.get("q", "").strip()
    if query:
        events = events.filter(matching(query))
    action = request.GET.get("action", "")
    if action:
        events = events.filter(action=action)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    for event in page:  # read before this read is written down
        event.shown = shown_summary(event)  # type: ignore[attr-defined]
    audit(
        user,
        Action.VIEW,
        request=request,
        object_type="audit",
        summary=f"查看审计日志第 {page.number} 页"
        + (f"，筛选“{mask_query(query)}”" if query else "")
        + (f"，操作“{action_label(action)}”" if action else ""),
        detail={"page": page.number, "results": page.paginator.count},
    )
    return render(
        request,
        "web/audit.html",
        {
            "page": page,
            "query": query,
            "action": action,
            "actions": AuditEvent._meta.get_field("action").choices,
        },
    )
