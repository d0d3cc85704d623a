"""The home page, and the audit log for auditors."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from yanglao.accounts.current import current_user
from yanglao.audit.models import AuditEvent
from yanglao.registry.access import scoped_persons
from yanglao.registry.models import Conflict, ConflictStatus


@login_required
def home(request: HttpRequest) -> HttpResponse:
    persons = scoped_persons(request.user)
    context = {
        "persons": persons.filter(death_date__isnull=True).count(),
        "conflicts": Conflict.objects.filter(status=ConflictStatus.OPEN, person__in=persons).count(),
    }
    return render(request, "web/home.html", context)


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    if not current_user(request).can_audit:
        raise Http404
    events = AuditEvent.objects.all()
    query = request.GET.get("q", "").strip()
    if query:
        events = events.filter(
            Q(username__icontains=query) | Q(summary__icontains=query) | Q(object_id=query)
        )
    action = request.GET.get("action", "")
    if action:
        events = events.filter(action=action)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
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
