"""Who sees which findings and enrolments: the township's own, the county's all (scoped like people).

A finding belongs to a township (:attr:`Finding.township`); a user sees it when that code lies inside
the user's region. Work lists are for caseworkers (read and work) and auditors (read); anybody else,
and anything outside the region, gets 404 — audited like a person outside the scope.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from yanglao.accounts.models import Role
from yanglao.audit.log import audit
from yanglao.audit.models import Action
from yanglao.core.idnumber import mask_id_number
from yanglao.entitlements.models import Finding
from yanglao.regions.models import Region

READ_ROLES = frozenset({Role.ADMIN, Role.COUNTY, Role.TOWNSHIP, Role.AUDITOR})
WORK_ROLES = frozenset({Role.COUNTY, Role.TOWNSHIP})


def can_read(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role in READ_ROLES


def can_work(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role in WORK_ROLES


def region_prefix(user: Any) -> str | None:
    """The prefix of the user's region; "" for an administrator without region; None for nothing."""
    if not can_read(user):
        return None
    if user.region_id is None:
        return "" if user.role == Role.ADMIN else None
    return str(user.region.prefix)


def scoped_findings(user: Any) -> QuerySet[Finding]:
    prefix = region_prefix(user)
    if prefix is None:
        return Finding.objects.none()
    return Finding.objects.filter(Q(township__startswith=prefix)) if prefix else Finding.objects.all()


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
    prefix = region_prefix(request.user)
    region = Region.objects.filter(code=code).first()
    if region is None or prefix is None or not region.code.startswith(prefix):
        _deny(request, f"township:{code}", "打开服务找人工作清单")
    assert region is not None
    return region


def access_finding(request: HttpRequest, pk: int, *, purpose: str = "查看服务找人事项") -> Finding:
    finding = Finding.objects.select_related("person", "enrolment").filter(pk=pk).first()
    if finding is None or not scoped_findings(request.user).filter(pk=pk).exists():
        if finding is not None:
            _deny(request, mask_id_number(finding.person.id_number), purpose)
        raise Http404("未找到该事项")
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


def _deny(request: HttpRequest, object_id: str, what: str) -> None:
    if getattr(request.user, "is_authenticated", False):
        audit(
            request.user,
            Action.DENIED,
            request=request,
            object_type="finding",
            object_id=object_id,
            summary=f"越权访问被拒绝：{what}",
        )
    raise Http404("未找到")
