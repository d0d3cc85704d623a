"""Who may see and record visits, built on the registry's scoped access.

- Caseworkers (county, township): everyone in their region (``scoped_persons``); the system
  administrator: the same, to assign visitors and plan, but never to record a visit; the auditor:
  the same, read only.
- A visitor (网格员) with the ``visitor`` role: only the people currently assigned to them (as the
  primary visitor or as a 1+2 neighbour), and only inside their own region.
- Care-home staff: nobody.

A person, visit or follow-up outside these answers 404 like one that does not exist, and the attempt
is audited; the roles come from the one table, :data:`yanglao.accounts.scope.PERMISSIONS`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from yanglao.accounts.models import Role
from yanglao.accounts.scope import PERMISSIONS, deny, may, role_of, scope_of
from yanglao.audit.log import audit
from yanglao.audit.models import Action
from yanglao.core.idnumber import mask_id_number
from yanglao.registry.access import deny_person, scoped_persons
from yanglao.registry.models import Person
from yanglao.visits.models import Assignment, FollowUp, Target, Visit, Visitor

READ_ROLES = PERMISSIONS["visits.read"]
RECORD_ROLES = PERMISSIONS["visits.record"]
MANAGE_ROLES = PERMISSIONS["visits.manage"]


def can_read(user: Any) -> bool:
    return may(user, "visits.read")


def can_record(user: Any) -> bool:
    return may(user, "visits.record")


def can_manage(user: Any) -> bool:
    """Assign visitors, override assignments, make plans, close follow-ups."""
    return may(user, "visits.manage")


def visit_persons(user: Any) -> QuerySet[Person]:
    """The people whose visits ``user`` may see."""
    if not can_read(user):
        return Person.objects.none()
    persons = scoped_persons(user)
    if role_of(user) == Role.VISITOR:
        assigned = Q(visit_assignments__visitor__user=user, visit_assignments__ended_at__isnull=True)
        persons = persons.filter(pk__in=Person.objects.filter(assigned).values("pk"))
    return persons


def visit_person_q(user: Any, path: str = "person__") -> Q:
    """``visit_persons`` as a condition on a relation (``path`` leads to the person): joins instead of
    an ``IN`` sub-query over the whole registry, which SQLite plans badly on the big lists."""
    if not can_read(user):
        return Q(pk__in=[])
    condition = scope_of(user).q(f"{path}residence_region", f"{path}hukou_region")
    if role_of(user) == Role.VISITOR:
        mine = Assignment.objects.filter(visitor__user=user, ended_at__isnull=True).values("person_id")
        condition &= Q(**{f"{path}pk__in": mine})
    return condition


def visit_targets(user: Any) -> QuerySet[Target]:
    return Target.objects.filter(visit_person_q(user), active=True)


def visit_records(user: Any) -> QuerySet[Visit]:
    return Visit.objects.filter(person__in=visit_persons(user))


def visit_followups(user: Any) -> QuerySet[FollowUp]:
    return FollowUp.objects.filter(visit_person_q(user))


def scoped_visitors(user: Any) -> QuerySet[Visitor]:
    """Visitors of the user's region; a visitor sees only their own record."""
    if not can_read(user):
        return Visitor.objects.none()
    if role_of(user) == Role.VISITOR:
        return Visitor.objects.filter(user=user)
    return Visitor.objects.filter(scope_of(user).q("village__code"))


def access_visit_person(request: HttpRequest, pk: int, *, purpose: str = "查看探访记录") -> Person:
    """One person for the visits pages: 404 (audited) outside the user's visit scope; the view audited."""
    person = Person.objects.filter(pk=pk).first()
    if person is None:
        raise Http404("未找到该老年人")
    if not visit_persons(request.user).filter(pk=pk).exists():
        raise deny_person(request, person, purpose)
    audit(
        request.user,
        Action.VIEW,
        request=request,
        object_type="person",
        object_id=mask_id_number(person.id_number),
        summary=f"{purpose}：{mask_id_number(person.id_number)}",
        detail={"person": person.pk},
    )
    return person


def access_visit(request: HttpRequest, pk: int, *, purpose: str) -> Visit:
    visit = Visit.objects.select_related("person").filter(pk=pk).first()
    if visit is None:
        raise Http404("未找到该探访记录")
    access_visit_person(request, visit.person_id, purpose=purpose)
    return visit


def access_followup(request: HttpRequest, pk: int, *, purpose: str) -> FollowUp:
    followup = FollowUp.objects.select_related("person").filter(pk=pk).first()
    if followup is None:
        raise Http404("未找到该事项")
    access_visit_person(request, followup.person_id, purpose=purpose)
    return followup


def access_visitor(request: HttpRequest, pk: int) -> Visitor:
    visitor = scoped_visitors(request.user).filter(pk=pk, active=True).first()
    if visitor is None:
        raise deny(
            request,
            exists=Visitor.objects.filter(pk=pk, active=True).exists(),
            object_type="visitor",
            object_id=str(pk),
            what="指定探访人员",
            message="未找到该探访人员",
        )
    return visitor
