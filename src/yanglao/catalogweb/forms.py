"""The self-check form: a few plain questions, only those the chosen list's rules need.

Which fields are asked, in which section, with which widget, words and choices: ``core/personfields.py``
(each field's ``ask``); this module only turns those descriptions into Django form fields."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms

from yanglao.catalogweb.plain import region_choices
from yanglao.catalogweb.selfcheck import asked_fields
from yanglao.core.catalog import Catalog
from yanglao.core.person import FIELD_BY_NAME
from yanglao.core.personfields import Field, public_sections


def label_of_question(name: str) -> str:
    ask = FIELD_BY_NAME[name].ask
    assert ask is not None, name
    return ask.label


RADIO = forms.RadioSelect
# The form's own names for the place questions (``build_record``'s keys).
PLACE_KEYS = {"hukou_region": "hukou", "residence_region": "residence"}


def question(fld: Field) -> forms.Field:
    """The form field asking about ``fld`` as ``core/personfields.py`` describes it (its ``ask``)."""
    ask = fld.ask
    assert ask is not None, fld.name
    if ask.widget == "check":
        return forms.BooleanField(label=ask.label, required=False, help_text=ask.hint)
    if ask.widget == "number":
        return forms.IntegerField(
            label=ask.label, required=False, min_value=fld.minimum, max_value=fld.maximum, help_text=ask.hint
        )
    blank = [("", ask.blank)] if ask.blank is not None else []
    return forms.ChoiceField(
        label=ask.label,
        choices=[*blank, *fld.public_choices],
        required=False,
        initial=ask.initial,
        help_text=ask.hint,
        widget=RADIO if ask.widget == "radio" else forms.Select,
    )


def form_names(fld: Field) -> tuple[str, ...]:
    """The form fields of one person field: age or birth date, the place keys, else its own name."""
    assert fld.ask is not None, fld.name
    if fld.ask.widget == "age":
        return ("age", "birth_date")
    return (PLACE_KEYS.get(fld.name, fld.name),)


class SelfCheckForm(forms.Form):
    age = forms.IntegerField(
        label=label_of_question("birth_date"), required=False, min_value=0, max_value=130
    )
    birth_date = forms.DateField(
        label="或者：出生日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="填了出生日期就不用填年龄",
    )

    def __init__(self, catalog: Catalog, on: dt.date, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.catalog = catalog
        self.on = on
        places = [(key, label) for key, label, _ in region_choices(catalog)]
        for name, key in PLACE_KEYS.items():
            self.fields[key] = forms.ChoiceField(
                label=label_of_question(name), choices=places, initial="local", widget=RADIO
            )
        for name in asked_fields(catalog):
            self.fields[name] = question(FIELD_BY_NAME[name])
        for name, option in catalog.options.items():
            self.fields[f"opt_{name}"] = forms.BooleanField(
                label=option.label, required=False, initial=option.default, help_text=f"原文：{option.text}"
            )

    def clean_birth_date(self) -> dt.date | None:
        birth: dt.date | None = self.cleaned_data.get("birth_date")
        if birth is not None and birth > self.on:
            raise forms.ValidationError("出生日期不能晚于今天")
        return birth

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        missing = data.get("age") is None and data.get("birth_date") is None
        if missing and not self.has_error("age") and not self.has_error("birth_date"):
            self.add_error("age", "请填写年龄或出生日期")
        return data

    def sections(self) -> list[tuple[str, list[forms.BoundField]]]:
        out = []
        for section, described in public_sections():
            names = [name for fld in described for name in form_names(fld)]
            fields = [self[name] for name in names if name in self.fields]
            if fields:
                out.append((section.public, fields))
        return out

    def option_fields(self) -> list[forms.BoundField]:
        return [self[f"opt_{name}"] for name in self.catalog.options]

    def options(self) -> dict[str, bool]:
        return {name: bool(self.cleaned_data.get(f"opt_{name}")) for name in self.catalog.options}

    def answers(self) -> list[tuple[str, str]]:
        """What was answered, in words (printed above the results); unticked boxes and blanks left out."""
        out: list[tuple[str, str]] = []
        for name, fld in self.fields.items():
            value = self.cleaned_data.get(name)
            if value in (None, "", False):
                continue
            label = str(fld.label)
            if isinstance(fld, forms.BooleanField):
                out.append(("本地政策" if name.startswith("opt_") else "情况", label))
            elif isinstance(fld, forms.ChoiceField):
                words = {str(k): str(v) for k, v in cast(list[tuple[str, str]], fld.choices)}
                out.append((label, words.get(str(value), str(value))))
            elif isinstance(value, dt.date):
                out.append((label.removeprefix("或者："), value.isoformat()))
            else:
                out.append((label, str(value)))
        return out
