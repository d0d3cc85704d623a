"""The writes on users: create, change, disable, reset a password, change one's own password. Each
runs in one transaction and writes the audit trail (never a password: only that one was set).

A care-home staff user's facility lives in the facilities app (``facilities.access.set_facility``),
which accounts may not import: the caller passes ``attach``, run inside the same transaction, which
attaches the facility and returns the words the audit summary adds ("" when nothing changed)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone

from yanglao.accounts.models import Role, User
from yanglao.audit.log import audit
from yanglao.audit.models import Action
from yanglao.regions.models import Region

Attach = Callable[[User], str]


@dataclass(frozen=True)
class Changes:
    """What an edit sets; a field left None stays as it is."""

    display_name: str | None = None
    role: str | None = None
    region_code: str | None = None  # "": no region (an administrator of everything)
    is_active: bool | None = None


def describe(user: User) -> str:
    """``张三（username，乡镇民政经办人员，音德尔镇）``: the words of an audit summary about a user."""
    region = user.region.name if user.region_id and user.region else "全部区划"
    name = user.display_name or user.username
    return f"{name}（{user.username}，{Role(user.role).label}，{region}）"


def _set_one_time_password(user: User, password: str) -> None:
    user.set_password(password)
    user.must_change_password = True
    user.password_changed_at = timezone.now()


@transaction.atomic
def do_create_user(
    actor: Any,
    *,
    username: str,
    role: str,
    region: Region | None,
    display_name: str,
    password: str,
    attach: Attach | None = None,
    request: Any = None,
) -> User:
    """A new user with a one-time password that must be changed at the first login."""
    user = User(username=username, role=role, region=region, display_name=display_name)
    validate_password(password, user)
    _set_one_time_password(user, password)
    user.is_staff = role == Role.ADMIN
    user.save()
    extra = attach(user) if attach else ""
    audit(
        actor,
        Action.CREATE,
        request=request,
        object_type="user",
        object_id=user.username,
        summary=f"新增用户 {describe(user)}{extra}，已设一次性密码",
        detail={"role": role, "region": user.region_id or ""},
    )
    return user


@transaction.atomic
def do_update_user(
    actor: Any, user: User, changes: Changes, *, attach: Attach | None = None, request: Any = None
) -> list[str]:
    """Change a user's name, role, region or state (停用 instead of deleting: the audit log keeps
    their acts). Returns the words of what changed (empty: nothing did, nothing audited)."""
    said: list[str] = []
    detail: dict[str, Any] = {}
    if changes.display_name is not None and changes.display_name != user.display_name:
        said.append(f"姓名 {user.display_name or '（空）'} → {changes.display_name or '（空）'}")
        detail["display_name"] = [user.display_name, changes.display_name]
        user.display_name = changes.display_name
    if changes.role is not None and changes.role != user.role:
        said.append(f"角色 {Role(user.role).label} → {Role(changes.role).label}")
        detail["role"] = [user.role, changes.role]
        user.role = changes.role
        user.is_staff = changes.role == Role.ADMIN
    if changes.region_code is not None and changes.region_code != (user.region_id or ""):
        region = Region.objects.get(code=changes.region_code) if changes.region_code else None
        before = user.region.name if user.region else "全部区划"
        said.append(f"所属区划 {before} → {region.name if region else '全部区划'}")
        detail["region"] = changes.region_code
        detail["region_before"] = user.region_id or ""
        user.region = region
    if changes.is_active is not None and changes.is_active != user.is_active:
        said.append("启用账号" if changes.is_active else "停用账号")
        detail["is_active"] = changes.is_active
        user.is_active = changes.is_active
    user.save()
    extra = attach(user) if attach else ""
    if extra:
        said.append(extra.lstrip("，"))
    if said:
        audit(
            actor,
            Action.CHANGE,
            request=request,
            object_type="user",
            object_id=user.username,
            summary=f"修改用户 {describe(user)}：" + "；".join(said),
            detail=detail,
        )
    return said


@transaction.atomic
def do_reset_password(actor: Any, user: User, password: str, *, request: Any = None) -> None:
    """Give the user a one-time password (changed at the next login); their lock-out ends."""
    from yanglao.accounts.models import LoginFailure

    validate_password(password, user)
    _set_one_time_password(user, password)
    user.save()
    LoginFailure.objects.filter(username=user.username).delete()
    audit(
        actor,
        Action.CHANGE,
        request=request,
        object_type="user",
        object_id=user.username,
        summary=f"重置用户 {describe(user)} 的密码：已设一次性密码，须在下次登录时修改",
        detail={"password": "reset"},
    )


@transaction.atomic
def do_change_password(user: User, password: str, *, request: Any = None) -> None:
    """The user's own new password (the caller has checked the old one and the rules)."""
    forced = user.must_change_password
    user.set_password(password)
    user.must_change_password = False
    user.password_changed_at = timezone.now()
    user.save()
    audit(
        user,
        Action.CHANGE,
        request=request,
        object_type="user",
        object_id=user.username,
        summary="修改本人密码" + ("（首次登录，替换一次性密码）" if forced else ""),
        detail={"password": "changed"},
    )
