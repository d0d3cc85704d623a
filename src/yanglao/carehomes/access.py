"""Reaching applications, offers and residents: through the registry's scope (the person's region), or
for care-home staff their own home's offers and residents. Out of scope is answered like not found."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from yanglao.accounts.scope import deny, role_of
from yanglao.carehomes.models import Application, Offer, Residence
from yanglao.core.idnumber import mask_id_number
from yanglao.facilities.access import facility_of, scoped_facilities
from yanglao.facilities.models import Facility
from yanglao.registry.access import scope_filter


def _persons_q(user: Any, via: str) -> Any:
    from django.db.models import Q

    inner = scope_filter(user)
    return Q(**{f"{via}__in": _scoped_ids(inner)})


def _scoped_ids(q: Any) -> Any:
    from yanglao.registry.models import Person

    return Person.objects.filter(q).values("pk")


def is_home_staff(user: Any) -> bool:
    return role_of(user) == "carehome_staff"


def scoped_applications(user: Any) -> QuerySet[Application]:
    if is_home_staff(user):
        home = facility_of(user)
        return (
            Application.objects.filter(offers__vacancy__facility=home).distinct()
            if home
            else Application.objects.none()
        )
    return Application.objects.filter(_persons_q(user, "person"))


def scoped_residences(user: Any) -> QuerySet[Residence]:
    if is_home_staff(user):
        home = facility_of(user)
        return Residence.objects.filter(facility=home) if home else Residence.objects.none()
    return Residence.objects.filter(_persons_q(user, "person"))


def scoped_offers(user: Any) -> QuerySet[Offer]:
    if is_home_staff(user):
        home = facility_of(user)
        return Offer.objects.filter(vacancy__facility=home) if home else Offer.objects.none()
    return Offer.objects.filter(_persons_q(user, "application__person"))


def homes_of(user: Any) -> QuerySet[Facility]:
    return scoped_facilities(user).filter(kind="public_home").order_by("name")


def _get(request: HttpRequest, qs: QuerySet[Any], model: Any, pk: int, kind: str, what: str) -> Any:
    found = qs.filter(pk=pk).first()
    if found is None:
        other = model.objects.filter(pk=pk).first()
        label = ""
        if other is not None:
            person = other.application.person if isinstance(other, Offer) else other.person
            label = mask_id_number(person.id_number)
        raise deny(request, exists=other is not None, object_type=kind, object_id=label or str(pk), what=what)
    return found


def access_application(request: HttpRequest, pk: int, what: str = "查看入住申请") -> Application:
    qs = scoped_applications(request.user).select_related("person", "partner")
    return _get(request, qs, Application, pk, "application", what)  # type: ignore[no-any-return]


def access_offer(request: HttpRequest, pk: int, what: str = "答复入住通知") -> Offer:
    qs = scoped_offers(request.user).select_related("application__person", "vacancy__facility")
    return _get(request, qs, Offer, pk, "offer", what)  # type: ignore[no-any-return]


def access_residence(request: HttpRequest, pk: int, what: str = "办理在院人员变动") -> Residence:
    qs = scoped_residences(request.user).select_related("person", "facility")
    return _get(request, qs, Residence, pk, "residence", what)  # type: ignore[no-any-return]
