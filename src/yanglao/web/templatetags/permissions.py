"""``{% load permissions %}`` … ``{% if user|may:"payments.read" %}``: the one permission table in templates."""

from __future__ import annotations

from typing import Any

from django import template

from yanglao.accounts.scope import may as role_may

register = template.Library()


@register.filter
def may(user: Any, verb: str) -> bool:
    """Whether the user's role may ever do ``verb`` (:data:`yanglao.accounts.scope.PERMISSIONS`)."""
    return role_may(user, verb)
