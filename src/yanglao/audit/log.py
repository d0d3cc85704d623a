"""Writing audit events. Every action function and every view of personal data calls :func:`audit`."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from yanglao.audit.models import Action, AuditEvent


def client_address(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    return str(request.META.get("REMOTE_ADDR", ""))[:64]


def audit(
    actor: Any,
    action: Action | str,
    *,
    request: HttpRequest | None = None,
    object_type: str = "",
    object_id: str = "",
    summary: str = "",
    detail: dict[str, Any] | None = None,
    address: str | None = None,
) -> AuditEvent:
    """Append one event. ``actor`` is a user, ``None`` (the system) or a command-line label string."""
    user = actor if getattr(actor, "pk", None) is not None and hasattr(actor, "role") else None
    if user is not None:
        username, role = user.username, user.role
    elif isinstance(actor, str):
        username, role = actor, "cli"
    else:
        username, role = "system", "system"
    return AuditEvent.objects.create(
        user=user,
        username=username,
        role=role,
        address=address if address is not None else client_address(request),
        action=action,
        object_type=object_type,
        object_id=object_id[:64],
        summary=summary[:300],
        detail=detail or {},
    )
