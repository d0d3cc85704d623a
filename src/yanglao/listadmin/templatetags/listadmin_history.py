"""``{% list_history code %}``: the public page's history of a list's published versions, in plain
words, newest first (the lines written at publication, :mod:`yanglao.core.catalog.versions`)."""

from __future__ import annotations

from typing import Any

from django import template

from yanglao.listadmin.models import ListVersion, State

register = template.Library()


def history_lines(code: str) -> list[str]:
    out: list[str] = []
    for version in ListVersion.objects.filter(code=code, state=State.PUBLISHED).order_by(
        "-effective_from", "-seq"
    ):
        out.extend(line["text"] for line in reversed(version.history))
    return out


@register.inclusion_tag("listadmin/_history.html")
def list_history(code: str) -> dict[str, Any]:
    return {"lines": history_lines(code)}
