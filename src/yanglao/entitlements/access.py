"""Who sees which findings and enrolments: the township's own, the county's all (scoped like people).

A finding belongs to a township (:attr:`Finding.township`); a user sees it when that code lies inside
the user's region. Work lists are for caseworkers (read and work) and auditors (read); anybody else,
and anything outside the region, gets 404 — audited like a person outside the scope.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from yanglao.accounts.scope import PERMISSIONS, deny, may, scope_of
from yanglao.audit.log import audit
from yanglao.audit.models import Action
from yanglao.core.idnumber import mask_id_number
from yanglao.entitlements.models import Finding
from yanglao.regions.models import Region

READ_ROLES = PERMISSIONS["entitlements.read"]
WORK_ROLES = PERMISSIONS["entitlements.work"]


def can_read(user: Any) -> bool:
    return may(user, "entitlements.read")


def can_work(user: Any) -> bool:
    return may(user, "entitlements.work")


def region_prefix(user: Any) -> str | None:
    """The prefix of the user's region; "" for an administrator without region; None for nothing."""
    return scope_of(user).prefix if can_read(user) else None


def scoped_findings(user: Any) -> QuerySet[Finding]:
    if not can_read(user):
        return Finding.objects.none()
    return Finding.objects.filter(scope_of(user).q("township"))


def townships(user: Any) -> list[Region]:
    """The townships whose work lists the user may open."""
    prefix = region_prefix(user)
    if prefix is None:
        return []
    qs = Region.objects.filter(level="township")
    if prefix:
        qs = qs.filter(code__startswith=prefix[:9])
    return list(qs.order_by("code"))


def access_township(request: HttpRequest, code: str) -> Region:
    region = Region.objects.filter(code=code).first()
    if region is None or not can_read(request.user) or not scope_of(request.user).covers(region.code):
        raise deny(
            request,
            exists=region is not None,
            object_type="finding",
            object_id=f"township:{code}",
            what="打开服务找人工作清单",
        )
    return region


def access_finding(request: HttpRequest, pk: int, *, purpose: str = "查看服务找人事项") -> Finding:
    finding = Finding.objects.select_related("person", "enrolment").filter(pk=pk).first()
    if finding is None or not scoped_findings(request.user).filter(pk=pk).exists():
        raise deny(
            request,
            exists=finding is not None,
            object_type="finding",
            object_id=mask_id_number(finding.person.id_number) if finding is not None else "",
            what=purpose,
            message="未找到该事项",
        )
    audit(
        request.user,
        Action.VIEW,
        request=request,
        object_type="finding",
        object_id=str(finding.pk),
        summary=f"{purpose} #{finding.pk}：{mask_id_number(finding.person.id_number)}",
        detail={"finding": finding.pk, "person": finding.person_id},
    )
    return finding
