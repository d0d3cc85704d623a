"""Writing audit events. Every action function and every view of personal data calls :func:`audit`."""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Any

from django.apps import apps
from django.conf import settings
from django.http import HttpRequest

from yanglao.audit.chain import append
from yanglao.audit.models import Action, AuditEvent

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies if proxy.strip())


def trusted_proxies() -> tuple[Network, ...]:
    """``YANGLAO_TRUSTED_PROXIES`` (settings ``TRUSTED_PROXIES``): addresses and networks of the
    reverse proxies whose ``X-Forwarded-For`` is believed."""
    return _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))


def _trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(request: HttpRequest | None) -> str:
    """The client's address: ``REMOTE_ADDR``, unless that is a trusted proxy; then the right-most
    address of ``X-Forwarded-For`` that is not itself a trusted proxy (what a client writes there
    itself, further left, is never believed)."""
    if request is None:
        return ""
    address = str(request.META.get("REMOTE_ADDR", ""))
    networks = trusted_proxies()
    if networks and _trusted(address, networks):
        for hop in reversed(str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")):
            hop = hop.strip()
            try:
                ipaddress.ip_address(hop)
            except ValueError:
                break
            address = hop
            if not _trusted(hop, networks):
                break
    return address[:64]


def _user_region(user: Any) -> str:
    return str(getattr(user, "region_id", None) or "")


def _object_regions(object_type: str, object_id: str, detail: dict[str, Any]) -> tuple[str, str]:
    """The regions (常住地, 户籍地) of the person an event is about, the region of the user it is
    about (a failed login), or the region it names."""
    if object_type == "user" and object_id:
        User = apps.get_model("accounts", "User")
        region = User.objects.filter(username=object_id).values_list("region_id", flat=True).first()
        return str(region or ""), ""
    person = detail.get("person")
    if isinstance(person, int) and not isinstance(person, bool):
        Person = apps.get_model("registry", "Person")
        row = Person.objects.filter(pk=person).values_list("residence_region", "hukou_region").first()
        if row is not None:
            return row[0] or "", row[1] or ""
    region = detail.get("region")
    if isinstance(region, str) and region.isdigit():
        return region[:12], ""
    return "", ""


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
    regions: tuple[str, str] | None = None,
) -> AuditEvent:
    """Append one event. ``actor`` is a user, ``None`` (the system) or a command-line label string.
    The event records the user's region and the region of what it is about (the person in
    ``detail["person"]``, the user named by a ``user`` object, the region in ``detail["region"]``):
    the auditors of those regions see it. ``regions``: the person's (常住地, 户籍地) when the caller
    has just read them, instead of reading them again."""
    user = actor if getattr(actor, "pk", None) is not None and hasattr(actor, "role") else None
    if user is not None:
        username, role = user.username, user.role
    elif isinstance(actor, str):
        username, role = actor, "cli"
    else:
        username, role = "system", "system"
    detail = detail or {}
    residence, hukou = regions if regions is not None else _object_regions(object_type, object_id, detail)
    return append(
        AuditEvent(
            user=user,
            username=username,
            role=role,
            address=address if address is not None else client_address(request),
            action=action,
            object_type=object_type,
            object_id=object_id[:64],
            summary=summary[:300],
            detail=detail,
            actor_region=_user_region(user),
            object_region=residence,
            object_hukou_region=hukou,
        )
    )
