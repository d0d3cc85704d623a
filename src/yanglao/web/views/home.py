"""The home page (each role's work: :mod:`yanglao.web.tiles`), and the audit log for auditors."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from yanglao.accounts.current import current_user
from yanglao.accounts.scope import require
from yanglao.audit.labels import action_label
from yanglao.audit.log import audit
from yanglao.audit.models import Action, AuditEvent
from yanglao.audit.reading import mask_query, matching, readable_events, shown_summary
from yanglao.registry.access import scoped_persons
from yanglao.web.tiles import work_of


@login_required
def home(request: HttpRequest) -> HttpResponse:
    persons = scoped_persons(request.user)
    context = {
        "persons": persons.filter(death_date__isnull=True).count(),
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
