"""Reaching assessments: always through the person's scoped access (404 outside the user's region,
every view audited), and only for roles that see health data."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from yanglao.accounts.current import current_user
from yanglao.assessments.models import Assessment
from yanglao.registry.access import access_person_by_pk
from yanglao.registry.models import Person


def may_view(request: HttpRequest) -> bool:
    """Assessments are health data: only roles that see sensitive information open them."""
    return current_user(request).sees_sensitive


def may_write(request: HttpRequest) -> bool:
    return current_user(request).can_write


def access_person_for_assessment(
    request: HttpRequest, person_pk: int, *, purpose: str, write: bool = False
) -> Person:
    if not may_view(request):
        raise Http404("未找到该老年人")
    if write and not may_write(request):
        raise Http404("未找到该老年人")
    return access_person_by_pk(request, person_pk, purpose=purpose)


def access_assessment_by_pk(
    request: HttpRequest, pk: int, *, purpose: str, write: bool = False
) -> Assessment:
    """The assessment ``pk`` if its person is in the user's scope; 404 (audited) otherwise."""
    assessment = Assessment.objects.filter(pk=pk).select_related("assessor_1", "assessor_2").first()
    if assessment is None:
        raise Http404("未找到该评估")
    assessment.person = access_person_for_assessment(
        request, assessment.person_id, purpose=purpose, write=write
    )
    return assessment
