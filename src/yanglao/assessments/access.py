"""Reaching assessments: always through the person's scoped access (404 outside the user's region,
every view audited), and only for roles that see health data (403 for any other role)."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from yanglao.accounts.scope import may, require
from yanglao.assessments.models import Assessment
from yanglao.registry.access import access_person_by_pk
from yanglao.registry.models import Person


def may_view(request: HttpRequest) -> bool:
    """Assessments are health data: only roles that see sensitive information open them."""
    return may(request.user, "assessments.read")


def may_write(request: HttpRequest) -> bool:
    return may(request.user, "assessments.write")


def access_person_for_assessment(
    request: HttpRequest, person_pk: int, *, purpose: str, write: bool = False
) -> Person:
    require(request, "assessments.read")
    if write:
        require(request, "assessments.write")
    return access_person_by_pk(request, person_pk, purpose=purpose)


def access_assessment_by_pk(
    request: HttpRequest, pk: int, *, purpose: str, write: bool = False
) -> Assessment:
    """The assessment ``pk`` if its person is in the user's scope; 404 (audited) otherwise."""
    require(request, "assessments.read")
    assessment = Assessment.objects.filter(pk=pk).select_related("assessor_1", "assessor_2").first()
    if assessment is None:
        raise Http404("未找到该评估")
    assessment.person = access_person_for_assessment(
        request, assessment.person_id, purpose=purpose, write=write
    )
    return assessment
