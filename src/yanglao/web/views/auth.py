"""Login with lock-out after repeated failures, logout."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from yanglao.accounts import lockout
from yanglao.audit.log import audit, client_address
from yanglao.audit.models import Action


class LoginForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    password = forms.CharField(label="密码", widget=forms.PasswordInput)


def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        address = client_address(request)
        refused = lockout.begin_attempt(username, address)
        if refused is not None:
            minutes = max(1, int((refused.until - timezone.now()).total_seconds() // 60) + 1)
            error = (
                f"此地址登录失败次数过多，请 {minutes} 分钟后再试。"
                if refused.by_address
                else f"连续登录失败次数过多，账号已锁定，请 {minutes} 分钟后再试。"
            )
            audit(
                None,
                Action.LOGIN_FAILED,
                request=request,
                object_type="user",
                object_id=username,
                summary="来源地址锁定期间尝试登录" if refused.by_address else "账号锁定期间尝试登录",
            )
        else:
            user = authenticate(request, username=username, password=form.cleaned_data["password"])
            if user is None:
                locked = lockout.record_failure(username, address)
                audit(
                    None,
                    Action.LOGIN_FAILED,
                    request=request,
                    object_type="user",
                    object_id=username,
                    summary="用户名或密码错误" + ("，账号已锁定" if locked else ""),
                )
                error = (
                    f"连续 {settings.LOGIN_MAX_FAILURES} 次登录失败，账号锁定 "
                    f"{settings.LOGIN_LOCK_SECONDS // 60} 分钟。"
                    if locked
                    else "用户名或密码错误。"
                )
            else:
                lockout.record_success(username, address)
                login(request, user)
                audit(
                    user,
                    Action.LOGIN,
                    request=request,
                    object_type="user",
                    object_id=username,
                    summary="登录",
                )
                target = request.GET.get("next", "")
                return redirect(target if target.startswith("/") and not target.startswith("//") else "home")
    return render(request, "web/login.html", {"form": form, "error": error}, status=200 if not error else 401)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit(
            request.user,
            Action.LOGOUT,
            request=request,
            object_type="user",
            object_id=request.user.get_username(),
            summary="退出",
        )
    logout(request)
    return redirect("login")
