"""The person page's edit form: one small form beside each editable field, the right input for the
field's kind (a choice for coded, yes/no and level fields; a date picker for dates), and after a bad
value the page again with the error beside the field and what was typed kept."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from yanglao.core import masking
from yanglao.core import person as spec
from yanglao.regions.models import Level
from yanglao.registry.access import scoped_regions
from yanglao.registry.actions import EDITABLE_FIELDS
from yanglao.registry.history import text
from yanglao.registry.models import Person

UNKNOWN = ("", "未知")
BOOL_CHOICES: tuple[tuple[str, str], ...] = (UNKNOWN, ("true", "是"), ("false", "否"))
HINTS: dict[str, str] = {
    "region": "区划代码，可输入村（社区）名称选择",
    "date": "",
    "int": "整数",
}


@dataclass
class Typed:
    """What a user typed into one field's form, and the errors found in it (by input name)."""

    field: str
    value: str
    reason: str
    errors: dict[str, str] = dc_field(default_factory=dict)


@dataclass
class Widget:
    """One field's input: ``kind`` is ``select``, ``date`` or ``text``; ``choices`` for a select."""

    name: str
    kind: str
    value: str
    choices: tuple[tuple[str, str], ...] = ()
    hint: str = ""
    numeric: bool = False
    suggest: str = ""  # the id of a list of suggested values (the villages of the user's scope)
    reason: str = ""
    errors: dict[str, str] = dc_field(default_factory=dict)

    @property
    def open(self) -> bool:
        return bool(self.errors)


def choices_of(name: str) -> tuple[tuple[str, str], ...]:
    """The choices of a coded, yes/no or level field (the first one: unknown); empty for a free value.
    From the field's description (``core/personfields.py``): its codes or levels."""
    fld = spec.FIELD_BY_NAME.get(name)
    if fld is None:
        return ()
    if fld.kind == "bool":
        return BOOL_CHOICES
    return (UNKNOWN, *fld.choices) if fld.choices else ()


def widget(user: Any, person: Person, name: str, typed: Typed | None = None) -> Widget | None:
    """The input for ``name`` (None when the field is not editable). Its value is what was typed after
    an error, otherwise the current value where the user sees it in full (never a masked number)."""
    if name not in EDITABLE_FIELDS:
        return None
    fld = spec.FIELD_BY_NAME.get(name)
    kind = fld.kind if fld else "text"
    if typed is not None and typed.field == name:
        value, reason, errors = typed.value, typed.reason, typed.errors
    else:
        current = text(getattr(person, name))
        value = current if masking.sees(getattr(user, "role", ""), name) else ""
        reason, errors = "", {}
    masked = not masking.sees(getattr(user, "role", ""), name)
    choices = choices_of(name)
    if choices:
        return Widget(name, "select", value, choices, reason=reason, errors=errors)
    if kind == "date":
        return Widget(name, "date", value, reason=reason, errors=errors)
    return Widget(
        name,
        "text",
        value,
        hint="输入新值（留空表示清除）" if masked else HINTS.get(kind, "留空表示未知"),
        numeric=kind == "int" or name.endswith("phone"),
        suggest="villages" if kind == "region" else "",
        reason=reason,
        errors=errors,
    )


def village_suggestions(user: Any) -> list[tuple[str, str]]:
    """The villages of the user's scope with their township (``音德尔镇 龙腾社区``), for the region
    fields' suggestion list: village names repeat across townships."""
    villages = list(scoped_regions(user, Level.VILLAGE).values_list("code", "name", "parent__name"))
    return [(code, f"{township} {name}" if township else name) for code, name, township in villages]
