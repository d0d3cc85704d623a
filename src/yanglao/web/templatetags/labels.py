"""``{% load labels %}``: codes in the documents' words, in every template.

- ``{{ value|code_label:"living_arrangement" }}`` → 独居 (``core.person.value_words``: code labels,
  ability levels, 是/否);
- ``{{ name|field_label }}`` → 居住状况 (the person record's fields and the registry's extras);
- ``{{ event.role|role_label }}``, ``{{ event.action|action_label }}``,
  ``{{ event.object_type|object_type_label }}`` → the audit log's words (``audit.labels``).
"""

from __future__ import annotations

from typing import Any

from django import template

from yanglao.audit import labels as audit_labels
from yanglao.core import person as spec
from yanglao.registry.models import field_label as registry_field_label

register = template.Library()


@register.filter
def code_label(value: Any, field: str) -> str:
    return spec.value_words(field, value)


@register.filter
def field_label(name: str) -> str:
    return registry_field_label(name)


@register.filter
def role_label(code: str) -> str:
    return audit_labels.role_label(code)


@register.filter
def action_label(code: str) -> str:
    return audit_labels.action_label(code)


@register.filter
def object_type_label(code: str) -> str:
    return audit_labels.object_type_label(code)
