"""User administration (``users.manage``: the administrator everywhere, a county caseworker within the
county) and every user's own account page and password change.

A user outside the manager's scope, or an administrator for a manager who is not one, answers 404
like a user that does not exist, the attempt audited (``deny``). Users are disabled, never deleted."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from yanglao.accounts.actions import (
    Changes,
    do_change_password,
    do_create_user,
    do_reset_password,
    do_update_user,
)
from yanglao.accounts.current import current_user
from yanglao.accounts.forms import PasswordChangeForm, UserForm, region_choices
from yanglao.accounts.models import Role, User
from yanglao.accounts.passwords import expires_at, must_change, one_time_password
from yanglao.accounts.scope import deny, require, scope_of
from yanglao.audit.log import audit
from yanglao.audit.models import Action
from yanglao.facilities.access import facility_of, set_facility
from yanglao.facilities.models import Facility, FacilityPost
from yanglao.homeservices.access import provider_of, scoped_providers
from yanglao.homeservices.providers import provider_attacher
from yanglao.regions.models import Region

PAGE_SIZE = 50


def facility_attacher(facility: Facility | None) -> Any:
    """The ``attach`` of the user actions: puts a care-home staff user at ``facility``, takes anybody
    else away from theirs; returns the audit summary's words for what changed."""

    def attach(user: User) -> str:
        before = facility_of(user)
        wanted = facility if user.role == Role.CAREHOME else None
        if (before.pk if before else None) == (wanted.pk if wanted else None):
            return ""
        set_facility(user, wanted)
        return f"，所在设施 {wanted.name}" if wanted else f"，解除所在设施 {before.name if before else ''}"

    return attach


def _attach(actor: User, data: dict[str, Any]) -> Any:
    """The care-home staff user's facility, then the provider-staff user's provider (homeservices)."""
    facility, provider = facility_attacher(data["facility"]), provider_attacher(actor, data.get("provider"))
    return lambda user: facility(user) + provider(user)


def _managed_user(request: HttpRequest, pk: int) -> User:
    """The user ``pk`` if the manager may manage them; otherwise the audited 404."""
    require(request, "users.manage")
    manager = current_user(request)
    user = User.objects.select_related("region").filter(pk=pk).first()
    if (
        user is None
        or not scope_of(manager).covers(user.region_id)
        or (user.role == Role.ADMIN and manager.role != Role.ADMIN)
    ):
        raise deny(
            request,
            exists=user is not None,
            object_type="user",
            object_id=user.username if user else str(pk),
            what=f"用户 {user.username if user else pk}",
            message="未找到该用户",
        )
    return user


def _facilities(manager: User) -> QuerySet[Facility]:
    """The facilities a manager may attach staff to: those of their scope (``facilities.access``'s
    ``scoped_facilities`` filters a foreign key by ``startswith``, which Django refuses; until it
    is mended, the same filter on the region's code)."""
    return Facility.objects.filter(scope_of(manager).q("region__code"))


def _form(request: HttpRequest, user: User | None, data: Any = None, **kwargs: Any) -> UserForm:
    manager = current_user(request)
    return UserForm(
        data,
        scope=scope_of(manager),
        facilities=_facilities(manager),
        providers=scoped_providers(manager),
        user=user,
        manager=manager,
        **kwargs,
    )


def _listed(request: HttpRequest) -> tuple[QuerySet[User], dict[str, str]]:
    """The users the manager may manage, filtered by the query string."""
    manager = current_user(request)
    scope = scope_of(manager)
    users = User.objects.filter(scope.q("region__code")).select_related("region")
    if manager.role != Role.ADMIN:
        users = users.exclude(role=Role.ADMIN)
    chosen = {key: request.GET.get(key, "").strip() for key in ("q", "role", "region", "active")}
    if chosen["q"]:
        users = users.filter(Q(username__icontains=chosen["q"]) | Q(display_name__icontains=chosen["q"]))
    if chosen["role"] in Role.values:
        users = users.filter(role=chosen["role"])
    region = Region.objects.filter(code=chosen["region"]).first() if chosen["region"] else None
    if region is not None and scope.covers(region.code):
        users = users.filter(region__code__startswith=region.prefix)
    if chosen["active"] in ("1", "0"):
        users = users.filter(is_active=chosen["active"] == "1")
    return users.order_by("region_id", "role", "username"), chosen


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    require(request, "users.manage")
    users, chosen = _listed(request)
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    posts = {
        post.user_id: post.facility.name
        for post in FacilityPost.objects.filter(user_id__in=[u.pk for u in page]).select_related("facility")
    }
    rows = [{"user": user, "facility": posts.get(user.pk, "")} for user in page]
    audit(
        current_user(request),
        Action.VIEW,
        request=request,
        object_type="users",
        summary=f"查看用户列表第 {page.number} 页（共 {page.paginator.count} 个用户）",
        detail={
            "page": page.number,
            "results": page.paginator.count,
            **{k: v for k, v in chosen.items() if v},
        },
    )
    query = "&".join(f"{key}={value}" for key, value in chosen.items() if value)
    scope = scope_of(current_user(request))
    context = {
        "page": page,
        "rows": rows,
        "chosen": chosen,
        "query": query,
        "roles": [(role.value, role.label) for role in Role],
        "regions": region_choices(scope, allow_none=False)[1:],
    }
    return render(request, "web/users.html", context)


def _one_time(request: HttpRequest, user: User, password: str, created: bool) -> HttpResponse:
    """The page that shows a one-time password once (never stored, never audited)."""
    return render(
        request, "web/users_password.html", {"shown": user, "password": password, "created": created}
    )


@login_required
def user_new(request: HttpRequest) -> HttpResponse:
    require(request, "users.manage")
    form = _form(request, None, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        password = one_time_password()
        user = do_create_user(
            current_user(request),
            username=data["username"],
            role=data["role"],
            region=data["region"],
            display_name=data["display_name"],
            password=password,
            attach=_attach(current_user(request), data),
            request=request,
        )
        return _one_time(request, user, password, created=True)
    return render(request, "web/users_form.html", {"form": form, "shown": None})


@login_required
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _managed_user(request, pk)
    facility = facility_of(user)
    initial = {
        "display_name": user.display_name,
        "role": user.role,
        "region": user.region_id or "",
        "facility": facility.pk if facility else None,
        "provider": getattr(provider_of(user), "pk", None),
        "is_active": user.is_active,
    }
    form = _form(request, user, request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = Changes(
            display_name=data["display_name"],
            role=data["role"],
            region_code=data["region"].code if data["region"] else "",
            is_active=data["is_active"],
        )
        said = do_update_user(
            current_user(request), user, changes, attach=_attach(current_user(request), data), request=request
        )
        messages.success(request, "已保存：" + "；".join(said) if said else "没有修改")
        return redirect("users:edit", pk=user.pk)
    context = {"form": form, "shown": user, "facility": facility, "expires": expires_at(user)}
    return render(request, "web/users_form.html", context)


@login_required
@require_POST
def user_reset(request: HttpRequest, pk: int) -> HttpResponse:
    user = _managed_user(request, pk)
    password = one_time_password()
    do_reset_password(current_user(request), user, password, request=request)
    return _one_time(request, user, password, created=False)


@login_required
def account(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    context = {"shown": user, "facility": facility_of(user), "expires": expires_at(user)}
    return render(request, "web/users_account.html", context)


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    """The one page a user with a one-time or expired password may open (besides logout)."""
    user = current_user(request)
    form = PasswordChangeForm(user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        do_change_password(user, form.cleaned_data["new_password"], request=request)
        update_session_auth_hash(request, user)
        messages.success(request, "密码已修改")
        return redirect("users:account")
    return render(request, "web/password_change.html", {"form": form, "reason": must_change(user)})
