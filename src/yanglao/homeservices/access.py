"""What a user may see of home services (the one access layer for this app): the bureau sees the
providers, plans, orders and claims of its region; a provider's staff only its own provider's."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest

from yanglao.accounts.models import Role
from yanglao.accounts.scope import deny, scope_of
from yanglao.homeservices.models import Provider, ProviderPost

M = TypeVar("M", bound=Model)


def provider_of(user: Any) -> Provider | None:
    """The provider a provider-staff user works for; None for everybody else."""
    if not getattr(user, "is_authenticated", False):
        return None
    post = ProviderPost.objects.select_related("provider").filter(user_id=user.pk).first()
    return post.provider if post else None


def scoped_providers(user: Any) -> QuerySet[Provider]:
    scope = scope_of(user)
    if scope.role == Role.PROVIDER:
        own = provider_of(user)
        return Provider.objects.filter(pk=own.pk) if own else Provider.objects.none()
    return Provider.objects.filter(scope.q("region__code"))


def scoped(
    user: Any, queryset: QuerySet[M], person: str = "person__", provider: str = "provider"
) -> QuerySet[M]:
    """Rows of ``queryset`` the user may see: of its own provider (provider staff), else of people in
    the user's region."""
    scope = scope_of(user)
    if scope.role == Role.PROVIDER:
        own = provider_of(user)
        return queryset.filter(**{provider: own}) if own else queryset.none()
    return queryset.filter(scope.q(f"{person}residence_region", f"{person}hukou_region"))


def scoped_few(user: Any, queryset: QuerySet[M], provider: str = "provider") -> QuerySet[M]:
    """:func:`scoped` for a table with few rows per person (home beds, adaptations, a month's meals):
    the people the rows name are checked against the user's region by their ids, so the database does
    not scan every person of the region for a region prefix (a GET page stays fast on a large county)."""
    scope = scope_of(user)
    if scope.role == Role.PROVIDER:
        return scoped(user, queryset, provider=provider)
    from yanglao.registry.models import Person

    ids = set(queryset.values_list("person_id", flat=True))
    allowed = Person.objects.filter(pk__in=ids).filter(scope.q("residence_region", "hukou_region"))
    return queryset.filter(person_id__in=list(allowed.values_list("pk", flat=True)))


def access(request: HttpRequest, queryset: QuerySet[M], pk: int, object_type: str, what: str, **kw: str) -> M:
    """One object by pk, or the audited 404 when it exists outside the user's scope."""
    found = scoped(request.user, queryset, **kw).filter(pk=pk).first()
    if found is None:
        raise deny(
            request,
            exists=queryset.filter(pk=pk).exists(),
            object_type=object_type,
            object_id=str(pk),
            what=what,
        )
    return found


def access_provider(request: HttpRequest, pk: int, what: str = "查看服务机构") -> Provider:
    found = scoped_providers(request.user).filter(pk=pk).first()
    if found is None:
        raise deny(
            request,
            exists=Provider.objects.filter(pk=pk).exists(),
            object_type="provider",
            object_id=str(pk),
            what=what,
        )
    return found


def access_owned(
    request: HttpRequest, queryset: QuerySet[M], pk: int, object_type: str, what: str, via: str = "provider"
) -> M:
    """A claim, claim line or settlement roll (a provider's records): of a provider the user may see,
    or the audited 404."""
    found = queryset.filter(**{f"{via}__in": scoped_providers(request.user)}, pk=pk).first()
    if found is None:
        raise deny(
            request,
            exists=queryset.filter(pk=pk).exists(),
            object_type=object_type,
            object_id=str(pk),
            what=what,
        )
    return found
