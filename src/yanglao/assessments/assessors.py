"""Assessors (评估员): users holding an assessor qualification valid on an assessment's date.

County caseworkers and administrators (``users.manage``) register qualifications of the users in
their jurisdiction and end them; both are audited. The assessment form offers only the users
qualified on its reference date (:func:`qualified_users`), and signing checks it again
(:func:`assessor_problems`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from yanglao.accounts.models import Role, User
from yanglao.accounts.scope import scope_of
from yanglao.assessments.models import AssessorQualification
from yanglao.audit.log import audit
from yanglao.audit.models import Action

# Roles whose users may hold an assessor qualification (people who assess face to face).
ASSESSOR_ROLES = (Role.COUNTY, Role.TOWNSHIP, Role.VISITOR, Role.CAREHOME)


class QualificationError(ValueError):
    """A refused registration: ``field`` names the form field the error stands beside."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


def scoped_staff(user: Any) -> QuerySet[User]:
    """The users whose qualifications ``user`` may see and manage: those of the user's region."""
    return User.objects.filter(scope_of(user).q("region__code"), role__in=ASSESSOR_ROLES)


def scoped_qualifications(user: Any) -> QuerySet[AssessorQualification]:
    return AssessorQualification.objects.filter(user__in=scoped_staff(user)).select_related("user")


def valid_on(on: dt.date) -> Q:
    """The qualifications valid on ``on``."""
    return (
        Q(valid_from__lte=on)
        & (Q(valid_until__isnull=True) | Q(valid_until__gte=on))
        & (Q(ended_on__isnull=True) | Q(ended_on__gt=on))
    )


def qualified_users(county_prefix: str, on: dt.date) -> dict[int, User]:
    """Active users of the county (``county_prefix``; "" for everywhere) qualified on ``on``, by pk."""
    qs = User.objects.filter(
        is_active=True,
        role__in=ASSESSOR_ROLES,
        assessor_qualifications__in=AssessorQualification.objects.filter(valid_on(on)),
    )
    if county_prefix:
        qs = qs.filter(region__code__startswith=county_prefix)
    return {u.pk: u for u in qs.distinct().order_by("username")}


def is_qualified(user_pk: int | None, on: dt.date) -> bool:
    if user_pk is None:
        return False
    return AssessorQualification.objects.filter(valid_on(on), user_id=user_pk, user__is_active=True).exists()


def assessor_problems(first: int | None, second: int | None, on: dt.date | None) -> dict[str, str]:
    """What is wrong with an assessment's two assessors (by field: ``assessor_1``/``assessor_2``)."""
    out: dict[str, str] = {}
    for name, pk in (("assessor_1", first), ("assessor_2", second)):
        if pk is None:
            out[name] = "请选择持有效资质的评估员"
        elif on is not None and not is_qualified(pk, on):
            out[name] = f"该用户在 {on} 没有有效的评估员资质"
    if first is not None and first == second:
        out.setdefault("assessor_2", "两名评估员须为不同的人")
    return out


def _dates(valid_from: str, valid_until: str) -> tuple[dt.date, dt.date | None]:
    try:
        start = dt.date.fromisoformat(valid_from.strip())
    except ValueError:
        raise QualificationError("valid_from", "有效期自应为 YYYY-MM-DD") from None
    end = None
    if valid_until.strip():
        try:
            end = dt.date.fromisoformat(valid_until.strip())
        except ValueError:
            raise QualificationError("valid_until", "有效期至应为 YYYY-MM-DD") from None
        if end < start:
            raise QualificationError("valid_until", "有效期至不能早于有效期自")
    return start, end


@transaction.atomic
def do_add_qualification(
    actor: Any,
    user: User,
    *,
    number: str,
    issuer: str,
    valid_from: str,
    valid_until: str = "",
    request: HttpRequest | None = None,
    synthetic: bool = False,
) -> AssessorQualification:
    """Register ``user``'s qualification (the caller has checked ``user`` is in the actor's scope)."""
    number, issuer = number.strip(), issuer.strip()
    if not number:
        raise QualificationError("number", "请填写资质证书编号")
    if not issuer:
        raise QualificationError("issuer", "请填写发证机构")
    start, end = _dates(valid_from, valid_until)
    if AssessorQualification.objects.filter(user=user, number=number, ended_on__isnull=True).exists():
        raise QualificationError("number", "该用户已登记此证书编号")
    q = AssessorQualification.objects.create(
        user=user,
        number=number[:64],
        issuer=issuer[:100],
        valid_from=start,
        valid_until=end,
        created_by=actor if isinstance(actor, User) else None,
        synthetic=synthetic,
    )
    audit(
        actor,
        Action.CREATE,
        request=request,
        object_type="assessor",
        object_id=user.username,
        summary=f"登记评估员资质：{user}，证书 {q.number}（{q.issuer}），{start} 至 {end or '长期'}",
        detail={"qualification": q.pk, "region": str(user.region_id or "")},
    )
    return q


@transaction.atomic
def do_end_qualification(
    actor: Any,
    q: AssessorQualification,
    *,
    on: dt.date,
    reason: str,
    request: HttpRequest | None = None,
) -> AssessorQualification:
    """End a qualification on ``on`` (not valid from that day) with a reason; never deleted."""
    if q.ended_on is not None:
        raise QualificationError("reason", "该资质已终止")
    if not reason.strip():
        raise QualificationError("reason", "请填写终止原因")
    q.ended_on = max(on, q.valid_from)
    q.ended_reason = reason.strip()[:200]
    q.save(update_fields=["ended_on", "ended_reason"])
    audit(
        actor,
        Action.CHANGE,
        request=request,
        object_type="assessor",
        object_id=q.user.username,
        summary=f"终止评估员资质：{q.user}，证书 {q.number}，{q.ended_on} 起：{q.ended_reason}",
        detail={"qualification": q.pk, "region": str(q.user.region_id or "")},
    )
    return q


def qualify_demo_assessors(county_code: str, on: dt.date) -> int:
    """The demo: every active county and township caseworker of the county gets a (synthetic)
    qualification valid from two years before ``on`` for five years; returns how many were added."""
    added = 0
    users = User.objects.filter(
        is_active=True, role__in=[Role.COUNTY, Role.TOWNSHIP], region__code__startswith=county_code
    ).order_by("username")
    start = on.replace(year=on.year - 2, day=1)
    for n, user in enumerate(users, start=1):
        if AssessorQualification.objects.filter(user=user, synthetic=True).exists():
            continue
        do_add_qualification(
            "演示数据",
            user,
            number=f"演示-{county_code}-{n:04d}",
            issuer="演示：旗民政局老年人能力评估培训",
            valid_from=start.isoformat(),
            valid_until=start.replace(year=start.year + 5).isoformat(),
            synthetic=True,
        )
        added += 1
    return added
