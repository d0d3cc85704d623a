from __future__ import annotations

from django import template

from yanglao.homeservices.names import service_name

register = template.Library()


@register.filter(name="service")
def service(code: str) -> str:
    """``{{ order.service|service }}``: the catalogue's name of a service code."""
    return service_name(str(code))
