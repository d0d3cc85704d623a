"""Reading the audit log: which events a reader sees, and how an event is shown.

The system administrator sees every event; an auditor sees the events of the users of their region and
the events about persons (or regions) of their region, nobody else's. Names in search summaries are
shown masked, those written before the query was masked at writing too."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Q, QuerySet

from yanglao.accounts.models import Role
from yanglao.accounts.scope import scope_of
from yanglao.audit.models import Action, AuditEvent
from yanglao.core.idnumber import mask_name

REGION_FIELDS = ("actor_region", "object_region", "object_hukou_region")
QUOTED = re.compile(r"“([^”]*)”")


def audit_scope(user: Any) -> Q:
    """The events ``user`` may read: all for the administrator, those of their region for an auditor
    (none without a region)."""
    if getattr(user, "role", None) == Role.ADMIN:
        return Q()
    return scope_of(user).q(*REGION_FIELDS)


def readable_events(user: Any) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(audit_scope(user))


def mask_query(text: str) -> str:
    """A search query as the log shows it: a name masked (王秀英 → 王**); digits (ID numbers, already
    masked when written) as they are."""
    return text if any(c.isdigit() for c in text) else mask_name(text)


def shown_summary(event: AuditEvent) -> str:
    """The summary on the audit-log page: the quoted query of a search masked."""
    if event.action != Action.SEARCH:
        return event.summary
    return QUOTED.sub(lambda m: f"“{mask_query(m.group(1))}”", event.summary)


def matching(query: str) -> Q:
    """The events a filter text finds: by user name, object or summary; a search's summary only by
    the masked query, so the filter cannot tell whether somebody once searched a name in full."""
    return (
        Q(username__icontains=query)
        | Q(object_id=query)
        | (Q(summary__icontains=query) & ~Q(action=Action.SEARCH))
        | Q(action=Action.SEARCH, summary__icontains=mask_query(query))
    )
