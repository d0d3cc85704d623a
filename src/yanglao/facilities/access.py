"""Which facility a user belongs to, and the facilities a user may see (the one access layer for
facilities: pages and commands ask here)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from yanglao.accounts.models import Role
from yanglao.accounts.scope import scope_of
from yanglao.facilities.models import Facility, FacilityPost


def facility_of(user: Any) -> Facility | None:
    """The facility a staff user works at (care-home staff), None for everybody else."""
    if not getattr(user, "is_authenticated", False):
        return None
    post = FacilityPost.objects.select_related("facility").filter(user_id=user.pk).first()
    return post.facility if post else None


def set_facility(user: Any, facility: Facility | None) -> None:
    """Attach a user to a facility (None: detach). The caller audits."""
    if facility is None:
        FacilityPost.objects.filter(user_id=user.pk).delete()
    else:
        FacilityPost.objects.update_or_create(user_id=user.pk, defaults={"facility": facility})


def scoped_facilities(user: Any) -> QuerySet[Facility]:
    """The facilities the user may see: their region's; care-home staff only their own facility."""
    scope = scope_of(user)
    facilities = Facility.objects.filter(scope.q("region__code"))
    if scope.role == Role.CAREHOME:
        own = facility_of(user)
        return facilities.filter(pk=own.pk) if own else facilities.none()
    return facilities
