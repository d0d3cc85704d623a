"""Long repeated fragments written in Python instead of template loops: a page with 35 edit forms and
a few hundred ``<option>`` elements spent most of its time resolving template variables one by one."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def options(choices: Iterable[tuple[str, str]], selected: str = "") -> SafeString:
    """``<option>`` elements for (value, text) pairs, ``selected`` marked (every value escaped)."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((code, SafeString(" selected") if code == selected else "", text) for code, text in choices),
    )


def _invalid(errors: dict[str, str], key: str, describedby: str) -> SafeString:
    if not errors.get(key):
        return SafeString("")
    return format_html(' aria-invalid="true" aria-describedby="{}"', describedby)


def _error(errors: dict[str, str], key: str, element_id: str) -> SafeString:
    if not errors.get(key):
        return SafeString("")
    return format_html('<p class="field-error" id="{}" role="alert">{}</p>', element_id, errors[key])


@register.simple_tag(takes_context=True)
def edit_form(context: template.Context, row: dict[str, Any], action: str) -> SafeString:
    """The person page's edit form of one field (``row["edit"]``: a ``personform.Widget``): the new
    value (a select, a date or a text input), the reason, the errors beside them."""
    w = row["edit"]
    name, errors = row["name"], w.errors
    value_error = _invalid(errors, "value", f"e-{name}")
    if w.kind == "select":
        field = format_html('<select name="value"{}>{}</select>', value_error, options(w.choices, w.value))
    elif w.kind == "date":
        field = format_html('<input type="date" name="value" value="{}"{}>', w.value, value_error)
    else:
        field = format_html(
            '<input name="value" value="{}" placeholder="{}"{}{}{}>',
            w.value,
            w.hint,
            SafeString(' inputmode="numeric"') if w.numeric else "",
            format_html(' list="{}"', w.suggest) if w.suggest else "",
            value_error,
        )
    return format_html(
        '<details class="edit"{}><summary>修改</summary>'
        '<form method="post" action="{}#f-{}" class="edit-form" novalidate>'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<input type="hidden" name="field" value="{}">'
        "<label>新的{} {}</label>{}"
        '<label>修改原因 <input name="reason" value="{}" placeholder="如：入户核实"{}></label>{}'
        '<button class="primary">保存</button></form></details>',
        SafeString(" open") if w.open else "",
        action,
        name,
        context.get("csrf_token", ""),
        name,
        row["label"],
        field,
        _error(errors, "value", f"e-{name}"),
        w.reason,
        _invalid(errors, "reason", f"r-{name}"),
        _error(errors, "reason", f"r-{name}"),
    )
