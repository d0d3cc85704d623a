"""The forms of user administration (the web pages and ``yanglao createuser`` share them) and of a
user's own password change.

What a manager may give is bounded by their scope: the regions inside it, the roles below the
administrator's for anybody but the administrator, the facilities the caller passes (the facilities
app's ``scoped_facilities``: accounts does not import facilities)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from yanglao.accounts.models import Role, User
from yanglao.accounts.scope import Scope
from yanglao.regions.models import Level, Region

# The region levels each role's users sit at (a township caseworker at a township, …); the
# administrator may also have no region (everything).
ROLE_LEVELS: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset(Level),
    Role.COUNTY: frozenset({Level.PROVINCE, Level.PREFECTURE, Level.COUNTY}),
    Role.TOWNSHIP: frozenset({Level.TOWNSHIP}),
    Role.VISITOR: frozenset({Level.TOWNSHIP, Level.VILLAGE}),
    Role.CAREHOME: frozenset(Level),
    Role.AUDITOR: frozenset(Level),
    Role.PROVIDER: frozenset({Level.COUNTY, Level.TOWNSHIP}),
}
_INDENT = {Level.PROVINCE: 0, Level.PREFECTURE: 1, Level.COUNTY: 2, Level.TOWNSHIP: 3, Level.VILLAGE: 4}


def scoped_regions(scope: Scope) -> QuerySet[Region]:
    """The regions inside a manager's scope, in tree order."""
    return Region.objects.filter(scope.q("code")).order_by("code")


def region_choices(scope: Scope, *, allow_none: bool) -> list[tuple[str, str]]:
    """The region tree of the scope as choices, each indented by its level."""
    choices = [("", "（不限区划：仅系统管理员）")] if allow_none else [("", "请选择")]
    for region in scoped_regions(scope).only("code", "name", "level"):
        indent = "　" * max(0, _INDENT.get(Level(region.level), 0) - (2 if not scope.everything else 0))
        choices.append((region.code, f"{indent}{region.name}（{region.code}）"))
    return choices


def role_choices(scope: Scope) -> list[tuple[str, str]]:
    """The roles a manager may give: the administrator's only by the administrator."""
    return [(role.value, role.label) for role in Role if scope.role == Role.ADMIN or role != Role.ADMIN]


def _facility_label(facility: Any) -> str:
    return f"{facility.name}（{facility.region.name}）"


class UserForm(forms.Form):
    """Create (``user`` None) or edit a user within ``scope``; ``facilities``: those the manager may
    attach a care-home staff user to."""

    username = forms.CharField(
        label="用户名", max_length=150, validators=[UnicodeUsernameValidator()], required=False
    )
    display_name = forms.CharField(label="姓名", max_length=64, required=False)
    role = forms.ChoiceField(label="角色", error_messages={"invalid_choice": "未知角色 %(value)s"})
    region = forms.ChoiceField(
        label="所属区划",
        required=False,
        error_messages={"invalid_choice": "未知区划 %(value)s，或不在您的辖区内"},
    )
    facility: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="所在设施（养老机构工作人员）",
        queryset=None,
        required=False,
        error_messages={"invalid_choice": "未知设施 %(value)s，或不在您的辖区内"},
    )
    provider: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="所属服务机构（居家社区养老服务机构工作人员）",
        queryset=None,
        required=False,
        error_messages={"invalid_choice": "未知服务机构 %(value)s，或不在您的辖区内"},
    )
    is_active = forms.BooleanField(label="启用（停用的账号不能登录）", required=False, initial=True)

    def __init__(
        self,
        data: Any = None,
        *,
        scope: Scope,
        facilities: QuerySet[Any],
        user: User | None = None,
        manager: Any = None,
        initial: dict[str, Any] | None = None,
        providers: QuerySet[Any] | None = None,
    ) -> None:
        super().__init__(data, initial=initial)
        self.scope, self.user, self.manager = scope, user, manager
        fields = self.fields
        if user is None:
            fields["username"].required = True
            del fields["is_active"]
        else:
            del fields["username"]
        role, region, facility = fields["role"], fields["region"], fields["facility"]
        assert isinstance(role, forms.ChoiceField)
        assert isinstance(region, forms.ChoiceField)
        assert isinstance(facility, forms.ModelChoiceField)
        role.choices = [("", "请选择"), *role_choices(scope)]
        region.choices = region_choices(scope, allow_none=scope.everything)
        facility.queryset = facilities.select_related("region").order_by("region_id", "name")
        facility.label_from_instance = _facility_label  # type: ignore[method-assign,assignment]
        facility.empty_label = "（无）"
        if providers is None:  # ``providers``: those a provider-staff user may be attached to (homeservices)
            del fields["provider"]
        else:
            provider = fields["provider"]
            assert isinstance(provider, forms.ModelChoiceField)
            provider.queryset, provider.empty_label = providers.order_by("code"), "（无）"
        if user is not None and user == manager:  # no one takes away their own role or access
            fields["role"].disabled = True
            fields["is_active"].disabled = True

    def clean_username(self) -> str:
        username = str(self.cleaned_data.get("username") or "").strip()
        if username and User.objects.filter(username=username).exists():
            raise ValidationError(f"用户名 {username} 已存在")
        return username

    def clean_region(self) -> Region | None:
        code = self.cleaned_data.get("region") or ""
        return Region.objects.get(code=code) if code else None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        role, region, facility = data.get("role"), data.get("region"), data.get("facility")
        if role is None:
            return data
        if region is None and role != Role.ADMIN and "region" not in self.errors:
            self.add_error("region", "请选择所属区划（只有系统管理员可以不限区划）")
        if region is not None and region.level not in ROLE_LEVELS[role]:
            levels = "、".join(Level(level).label for level in Level if level in ROLE_LEVELS[role])
            self.add_error("region", f"{Role(role).label}的所属区划须为{levels}区划")
        if facility is not None and role != Role.CAREHOME:
            self.add_error("facility", "只有养老机构工作人员可以选择所在设施")
        elif facility is None and role == Role.CAREHOME and "facility" not in self.errors:
            self.add_error("facility", "养老机构工作人员须选择所在设施")
        elif facility is not None and region is not None and not region.contains(facility.region_id):
            self.add_error("facility", f"设施“{facility.name}”不在所属区划{region.name}内")
        provider = data.get("provider")
        if provider is not None and role != Role.PROVIDER:
            self.add_error("provider", "只有居家社区养老服务机构工作人员可以选择所属服务机构")
        elif provider is None and role == Role.PROVIDER and "provider" in set(self.fields) - set(self.errors):
            self.add_error("provider", "居家社区养老服务机构工作人员须选择所属服务机构")
        return data


class PasswordChangeForm(forms.Form):
    """A user's own new password: the current one, the new one twice, the password rules."""

    old_password = forms.CharField(
        label="当前密码",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        strip=False,
    )
    new_password = forms.CharField(
        label="新密码",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
        help_text="至少8位，并包含大写字母、小写字母、数字、符号中的至少三类；不能是常见密码，不能与当前密码相同。",
    )
    new_password_again = forms.CharField(
        label="再次输入新密码",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )

    def __init__(self, user: User, data: Any = None) -> None:
        super().__init__(data)
        self.user = user

    def clean_old_password(self) -> str:
        old = str(self.cleaned_data.get("old_password") or "")
        if not self.user.check_password(old):
            raise ValidationError("当前密码不正确")
        return old

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        new, again = data.get("new_password"), data.get("new_password_again")
        if not new:
            return data
        if again is not None and new != again:
            self.add_error("new_password_again", "两次输入的新密码不一致")
        elif data.get("old_password") == new:
            self.add_error("new_password", "新密码不能与当前密码相同")
        else:
            try:
                validate_password(new, self.user)
            except ValidationError as exc:
                self.add_error("new_password", exc)
        return data
