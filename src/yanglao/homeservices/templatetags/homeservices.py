from __future__ import annotations

from django import template

from yanglao.homeservices.names import service_name

register = template.Library()


@register.filter(name="service")
def service(code: str) -> str:
    """``{{ order.service|service }}``: the catalogue's name of a service code."""
    return service_name(str(code))


@register.filter(name="get_item")
def get_item(mapping: object, key: str) -> object:
    """``{{ job.result|get_item:"未上门工单" }}``: a key of a dict (keys with spaces or Chinese)."""
    return mapping.get(key, "") if isinstance(mapping, dict) else ""
