"""Who may read, edit and approve a jurisdiction's list versions.

A list is in a user's scope when its code lies inside their region (a county caseworker of 扎赉特旗
edits list 152223; one at a prefecture edits the prefecture's list). ``lists.read`` reads the versions,
drafts and their impact; ``lists.edit`` drafts and saves; ``lists.approve`` approves and publishes —
never a version one has edited (:mod:`yanglao.listadmin.actions`). Out of scope: 404, audited.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from yanglao.accounts.scope import deny, may, require, scope_of
from yanglao.core.catalog.loader import list_codes
from yanglao.listadmin.models import ListVersion


def codes_for(user: Any) -> list[str]:
    scope = scope_of(user)
    return [code for code in list_codes() if scope.covers(code)]


def access_code(request: HttpRequest, code: str, verb: str = "lists.read") -> str:
    require(request, verb)
    if code not in list_codes():
        raise deny(request, exists=False, object_type="list_version", object_id=code, what=code)
    if not scope_of(request.user).covers(code):
        raise deny(request, exists=True, object_type="list_version", object_id=code, what=f"清单 {code}")
    return code


def access_version(request: HttpRequest, pk: int, verb: str = "lists.read") -> ListVersion:
    require(request, verb)
    version = ListVersion.objects.filter(pk=pk).first()
    if version is None or not scope_of(request.user).covers(version.code):
        raise deny(
            request,
            exists=version is not None,
            object_type="list_version",
            object_id=str(pk),
            what=f"清单版本 {version}" if version else str(pk),
            message="未找到该清单版本",
        )
    return version


def can(user: Any, verb: str) -> bool:
    return may(user, verb) and getattr(user, "region_id", None) is not None
