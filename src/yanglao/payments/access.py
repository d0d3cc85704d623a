"""Who may see and work payment rolls, and the people a roll covers.

- Caseworkers (county, township) see the rolls of regions inside their own region, prepare them and
  review them; only a **county** caseworker approves. The auditor sees the rolls of their region, read
  only. Others (visitors, care-home staff) have no access. The system administrator without a region
  sees every roll but does not work them.
- A roll outside the user's region answers 404 like one that does not exist, and the attempt is
  audited, as in ``registry.access``.
- A roll's content depends only on its list, month and region — never on who prepares it — so the
  people it covers are read by the paying place of their enrolments (:func:`roll_enrolments`), which
  is how a township still pays a person who moved away after being enrolled there.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from yanglao.accounts.scope import PERMISSIONS, deny, may, require, scope_of
from yanglao.audit.log import audit
from yanglao.audit.models import Action
from yanglao.entitlements.models import Enrolment, EnrolmentStatus
from yanglao.payments.models import PaymentRoll
from yanglao.regions.models import Level, Region

READ_ROLES = PERMISSIONS["payments.read"]
WORK_ROLES = PERMISSIONS["payments.work"]
APPROVE_ROLES = PERMISSIONS["payments.approve"]
ROLL_LEVELS = frozenset({Level.COUNTY, Level.TOWNSHIP})


def can_read(user: Any) -> bool:
    return may(user, "payments.read")


def can_work(user: Any) -> bool:
    """Prepare and review rolls (and download the bank file of an approved roll)."""
    return may(user, "payments.work") and getattr(user, "region_id", None) is not None


def can_approve(user: Any) -> bool:
    return may(user, "payments.approve") and getattr(user, "region_id", None) is not None


def within(user: Any, region: Region) -> bool:
    """Whether ``region`` lies inside the user's region (the administrator without one: everywhere)."""
    return scope_of(user).covers(region.code)


def scoped_rolls(user: Any) -> QuerySet[PaymentRoll]:
    if not can_read(user):
        return PaymentRoll.objects.none()
    return PaymentRoll.objects.select_related("region").filter(scope_of(user).q("region__code"))


def access_roll(request: HttpRequest, pk: int, *, purpose: str = "查看发放表") -> PaymentRoll:
    """The roll if the user may see it (audited), else 404 (the attempt audited)."""
    roll = scoped_rolls(request.user).filter(pk=pk).first()
    if roll is None:
        other = PaymentRoll.objects.filter(pk=pk).first()
        raise deny(
            request,
            exists=other is not None,
            object_type="payroll",
            object_id=str(pk),
            what=f"{purpose}（{other}）",
            message="未找到该发放表",
        )
    audit(
        request.user,
        Action.VIEW,
        request=request,
        object_type="payroll",
        object_id=str(roll.pk),
        summary=f"{purpose}：{roll.month_text} {roll.region.name} 清单 {roll.catalog}",
        detail={"roll": roll.pk, "query": dict(request.GET.items())},
    )
    return roll


def preparable_regions(user: Any) -> list[Region]:
    """The county or township regions the user may prepare rolls for: their own and, for a county
    caseworker, the townships under it."""
    if not can_work(user):
        return []
    own: Region = user.region
    if own.level not in ROLL_LEVELS:
        return []
    regions = [own]
    if own.level == Level.COUNTY:
        regions += list(Region.objects.filter(parent=own, level=Level.TOWNSHIP).order_by("code"))
    return regions


def access_preparable_region(request: HttpRequest, code: str) -> Region:
    """The region of a roll to prepare: 403 for a role that never prepares; 404 for a region the user
    may not prepare for, the attempt audited when the region exists outside the user's scope."""
    require(request, "payments.work")
    region = next((r for r in preparable_regions(request.user) if r.code == code), None)
    if region is None:
        other = Region.objects.filter(code=code).first()
        raise deny(
            request,
            exists=other is not None and not within(request.user, other),
            object_type="region",
            object_id=code,
            what=f"生成发放表（{other.name if other else code}）",
            message="未找到该区划",
        )
    return region


def roll_enrolments(catalog: str, region: Region, codes: set[str]) -> QuerySet[Enrolment]:
    """Active enrolments of ``catalog`` for ``codes`` whose paying place may lie in ``region``: the
    enrolment's own place when recorded, else the person's 户籍 or 常住地 (narrowed in Python by
    :func:`paying_place`)."""
    prefix = region.prefix
    near = (
        Q(region__startswith=prefix)
        | Q(region="", person__hukou_region__startswith=prefix)
        | Q(region="", person__residence_region__startswith=prefix)
    )
    return Enrolment.objects.filter(
        near, catalog=catalog, status=EnrolmentStatus.ACTIVE, service_code__in=codes
    )


def paying_place(enrolment_region: str, hukou: str | None, residence: str | None, county: str) -> str:
    """Where a person is paid: the enrolment's recorded place, else 户籍 when it lies in the roll's
    county, else 常住地."""
    if enrolment_region:
        return enrolment_region
    if hukou and hukou.startswith(county):
        return hukou
    return residence or hukou or ""
