"""The one access mechanism: what a user may see (:class:`Scope`), what a role may do (:data:`PERMISSIONS`)
and how a refusal is answered.

The policy, everywhere:

- **Out of scope → 404.** A record outside the user's region answers exactly like one that does not
  exist, and the attempt is audited (``denied``) when the record exists: :func:`deny`.
- **Never allowed → 403.** A role that may *never* do a thing (a visitor opening payment rolls, an
  auditor approving one) gets the Chinese 403 page: :func:`require`.
- **Not logged in → the login page** (the views' ``login_required``).

Every ``*/access.py`` module asks these functions; none keeps its own role sets or region test.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest

from yanglao.accounts.models import Role
from yanglao.audit.log import audit
from yanglao.audit.models import Action

ALL_ROLES = frozenset(Role)
CASEWORKERS = frozenset({Role.COUNTY, Role.TOWNSHIP})

# Role → verbs, in one place. A verb names a thing a role may do somewhere (within its scope); a role
# missing from a verb's set may never do it (403).
PERMISSIONS: dict[str, frozenset[Role]] = {
    "persons.read": ALL_ROLES,
    "persons.write": CASEWORKERS,
    "persons.import": CASEWORKERS,
    "persons.sensitive": CASEWORKERS | {Role.VISITOR},
    "persons.reveal_id": CASEWORKERS,
    "persons.reveal_phone": CASEWORKERS | {Role.VISITOR, Role.CAREHOME},
    "audit.read": frozenset({Role.AUDITOR, Role.ADMIN}),
    "assessments.read": CASEWORKERS | {Role.VISITOR},
    "assessments.write": CASEWORKERS,
    "entitlements.read": CASEWORKERS | {Role.ADMIN, Role.AUDITOR},
    "entitlements.work": CASEWORKERS,
    "payments.read": CASEWORKERS | {Role.ADMIN, Role.AUDITOR},
    "payments.work": CASEWORKERS,
    "payments.approve": frozenset({Role.COUNTY}),
    "visits.read": CASEWORKERS | {Role.ADMIN, Role.VISITOR, Role.AUDITOR},
    "visits.record": CASEWORKERS | {Role.VISITOR},
    "visits.manage": CASEWORKERS | {Role.ADMIN},
    "stats.read": ALL_ROLES,
    "users.manage": frozenset({Role.ADMIN, Role.COUNTY}),
    "facilities.read": CASEWORKERS | {Role.ADMIN, Role.AUDITOR, Role.CAREHOME},
    "facilities.write": CASEWORKERS | {Role.ADMIN},
    "facilities.report": CASEWORKERS | {Role.CAREHOME},
    "facilities.network": CASEWORKERS | {Role.ADMIN, Role.AUDITOR},
    "admissions.read": CASEWORKERS | {Role.ADMIN, Role.AUDITOR, Role.CAREHOME},
    "admissions.work": CASEWORKERS,
    "residents.write": CASEWORKERS | {Role.CAREHOME},
    "services.read": CASEWORKERS | {Role.ADMIN, Role.AUDITOR, Role.PROVIDER},
    "services.plan": CASEWORKERS,
    "services.deliver": CASEWORKERS | {Role.PROVIDER},
    "services.claim": CASEWORKERS | {Role.PROVIDER},
    "supervision.read": CASEWORKERS | {Role.ADMIN, Role.AUDITOR, Role.CAREHOME},
    "supervision.inspect": CASEWORKERS,
    "supervision.rectify": CASEWORKERS | {Role.CAREHOME},
    "complaints.handle": CASEWORKERS,
    "lists.read": frozenset({Role.COUNTY, Role.ADMIN, Role.AUDITOR}),
    "lists.edit": frozenset({Role.COUNTY}),
    "lists.approve": frozenset({Role.COUNTY}),
}

# What the 403 page says for each verb.
REFUSALS: dict[str, str] = {
    "persons.read": "当前角色不能查看老年人信息",
    "persons.write": "当前角色不能修改老年人信息",
    "persons.import": "当前角色不能导入数据",
    "persons.sensitive": "当前角色不能查看敏感个人信息",
    "persons.reveal_id": "当前角色不能查看完整身份证号",
    "persons.reveal_phone": "当前角色不能查看完整电话号码",
    "audit.read": "当前角色不能查看审计日志",
    "assessments.read": "当前角色不能查看能力评估",
    "assessments.write": "当前角色不能填写能力评估",
    "entitlements.read": "当前角色不能查看服务找人工作清单",
    "entitlements.work": "当前角色不能处理服务找人事项",
    "payments.read": "当前角色不能查看补贴发放表",
    "payments.work": "当前角色不能生成或审核发放表",
    "payments.approve": "当前角色不能审批发放表",
    "visits.read": "当前角色不能查看探访记录",
    "visits.record": "当前角色不能记录探访",
    "visits.manage": "当前角色不能安排探访",
    "stats.read": "当前角色不能查看统计",
    "users.manage": "当前角色不能管理用户账号",
    "facilities.read": "当前角色不能查看养老服务设施",
    "facilities.write": "当前角色不能登记或修改养老服务设施",
    "facilities.report": "当前角色不能填报设施运营月报",
    "facilities.network": "当前角色不能查看设施网络与规划检查",
    "admissions.read": "当前角色不能查看入住申请与轮候",
    "admissions.work": "当前角色不能受理入住申请",
    "residents.write": "当前角色不能办理入住人员变动",
    "services.read": "当前角色不能查看居家社区养老服务",
    "services.plan": "当前角色不能制定服务计划",
    "services.deliver": "当前角色不能记录上门服务",
    "services.claim": "当前角色不能办理服务结算申报",
    "supervision.read": "当前角色不能查看综合监管信息",
    "supervision.inspect": "当前角色不能开展监管检查",
    "supervision.rectify": "当前角色不能提交隐患整改",
    "complaints.handle": "当前角色不能办理投诉",
    "lists.read": "当前角色不能查看清单调整",
    "lists.edit": "当前角色不能起草或修改清单",
    "lists.approve": "当前角色不能批准或发布清单",
}


@dataclass(frozen=True)
class Scope:
    """What a user may see: nothing (``prefix is None``), everything (``""``) or the regions whose code
    starts with ``prefix`` (county 6 digits, township 9, village 12); with the user's role."""

    role: str | None
    prefix: str | None

    @property
    def nothing(self) -> bool:
        return self.prefix is None

    @property
    def everything(self) -> bool:
        return self.prefix == ""

    def covers(self, code: str | None) -> bool:
        """Whether the region ``code`` lies inside the scope."""
        if self.prefix is None:
            return False
        return self.prefix == "" or (code or "").startswith(self.prefix)

    def q(self, *fields: str) -> Q:
        """The rows any of whose region ``fields`` (codes, or lookups to codes) lie inside the scope."""
        if self.prefix is None:
            return Q(pk__in=[])
        if self.prefix == "":
            return Q()
        out = Q()
        for name in fields:
            out |= Q(**{f"{name}__startswith": self.prefix})
        return out


NOTHING = Scope(role=None, prefix=None)


def role_of(user: Any) -> str | None:
    """The role of a logged-in user, None for anybody else."""
    return getattr(user, "role", None) if getattr(user, "is_authenticated", False) else None


def scope_of(user: Any) -> Scope:
    """A user's scope: their region's prefix; everything for the administrator without a region;
    nothing for anybody else without a region, and for the anonymous."""
    role = role_of(user)
    if role is None:
        return NOTHING
    if getattr(user, "region_id", None) is None:
        return Scope(role=role, prefix="" if role == Role.ADMIN else None)
    return Scope(role=role, prefix=str(user.region.prefix))


def may(user: Any, verb: str) -> bool:
    """Whether the user's role may ever do ``verb`` (somewhere in their scope)."""
    return role_of(user) in PERMISSIONS[verb]


def require(request: HttpRequest, verb: str) -> None:
    """403 (the Chinese refusal) unless the user's role may ``verb``."""
    if not may(request.user, verb):
        raise PermissionDenied(REFUSALS[verb])


def deny(
    request: HttpRequest,
    *,
    exists: bool,
    object_type: str,
    object_id: str,
    what: str,
    message: str = "未找到",
) -> Http404:
    """The 404 for a record outside the user's scope, answered like a record that does not exist;
    the attempt audited when the record exists. Raise what it returns."""
    if exists and getattr(request.user, "is_authenticated", False):
        audit(
            request.user,
            Action.DENIED,
            request=request,
            object_type=object_type,
            object_id=object_id,
            summary=f"越权访问被拒绝：{what}",
        )
    return Http404(message)
