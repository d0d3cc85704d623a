"""Who sees which supervision records (asks accounts/scope.py and facilities/access.py, keeps no rule of
its own): the facilities of the user's region, care-home staff only their own facility; a record out of
scope answers 404 and the attempt is audited."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest

from yanglao.accounts.models import Role
from yanglao.accounts.scope import deny, require, scope_of
from yanglao.facilities.access import facility_of, scoped_facilities
from yanglao.facilities.models import Facility
from yanglao.supervision.models import Complaint, Evidence, Hazard, Inspection, InspectionPlan, Rating

M = TypeVar("M", bound=Model)


def require_read(request: HttpRequest) -> None:
    require(request, "supervision.read")


def facilities(user: Any) -> QuerySet[Facility]:
    return scoped_facilities(user)


def hazards(user: Any) -> QuerySet[Hazard]:
    return Hazard.objects.filter(facility__in=scoped_facilities(user)).select_related("facility")


def inspections(user: Any) -> QuerySet[Inspection]:
    return Inspection.objects.filter(facility__in=scoped_facilities(user)).select_related("facility")


def ratings(user: Any) -> QuerySet[Rating]:
    return Rating.objects.filter(facility__in=scoped_facilities(user)).select_related("facility")


def complaints(user: Any) -> QuerySet[Complaint]:
    """The complaints of the user's region; care-home staff those about their own facility."""
    scope = scope_of(user)
    rows = Complaint.objects.filter(scope.q("region__code")).select_related("facility", "region")
    if scope.role == Role.CAREHOME:
        own = facility_of(user)
        return rows.filter(facility=own) if own else rows.none()
    return rows


def plans(user: Any) -> QuerySet[InspectionPlan]:
    scope = scope_of(user)
    if scope.role == Role.CAREHOME:
        return InspectionPlan.objects.none()
    return InspectionPlan.objects.filter(scope.q("region__code"))


# The audit log's object type of each model (audit/labels.py gives their Chinese names).
OBJECT_TYPES = {
    "Facility": "facility",
    "Hazard": "hazard",
    "Inspection": "inspection",
    "InspectionPlan": "inspection_plan",
    "Rating": "rating",
    "Complaint": "complaint",
    "Evidence": "evidence",
}


def _one(request: HttpRequest, rows: QuerySet[M], model: type[M], pk: Any, what: str) -> M:
    lookup = {"pk": pk}
    found = rows.filter(**lookup).first()
    if found is None:
        raise deny(
            request,
            exists=model._default_manager.filter(**lookup).exists(),
            object_type=OBJECT_TYPES[model.__name__],
            object_id=str(pk),
            what=what,
        )
    return found


def access_facility(request: HttpRequest, pk: int, purpose: str) -> Facility:
    return _one(request, facilities(request.user), Facility, pk, f"{purpose}（机构 {pk}）")


def access_hazard(request: HttpRequest, pk: int, purpose: str) -> Hazard:
    return _one(request, hazards(request.user), Hazard, pk, f"{purpose}（隐患 {pk}）")


def access_inspection(request: HttpRequest, pk: int, purpose: str) -> Inspection:
    return _one(request, inspections(request.user), Inspection, pk, f"{purpose}（检查 {pk}）")


def access_rating(request: HttpRequest, pk: int, purpose: str) -> Rating:
    return _one(request, ratings(request.user), Rating, pk, f"{purpose}（评定 {pk}）")


def access_complaint(request: HttpRequest, pk: int, purpose: str) -> Complaint:
    return _one(request, complaints(request.user), Complaint, pk, f"{purpose}（投诉 {pk}）")


def access_plan(request: HttpRequest, pk: int, purpose: str) -> InspectionPlan:
    return _one(request, plans(request.user), InspectionPlan, pk, f"{purpose}（计划 {pk}）")


def access_evidence(request: HttpRequest, pk: int) -> Evidence:
    user = request.user
    visible = (
        Q(inspection__in=inspections(user))
        | Q(hazard__in=hazards(user))
        | Q(rating__in=ratings(user))
        | Q(complaint__in=complaints(user))
    )
    return _one(request, Evidence.objects.filter(visible), Evidence, pk, f"查看证据材料 {pk}")
