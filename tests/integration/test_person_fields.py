"""The registry model matches the person fields' description (core/personfields.py): every described
field is a column of ``Person`` with its label and a compatible type and codes, and every column that is
a fact about the person is described. No database needed: the model's own metadata is read."""

from __future__ import annotations

import pytest
from django.db import models

from yanglao.core.personfields import PERSON_FIELDS, Field
from yanglao.registry.models import BOOKKEEPING_FIELDS, EXTRA_FIELDS, RECORD_FIELDS, Person

COLUMN_TYPES: dict[str, type[models.Field]] = {
    "id": models.CharField,
    "text": models.CharField,
    "region": models.CharField,
    "code": models.CharField,
    "bool": models.BooleanField,
    "date": models.DateField,
    "int": models.SmallIntegerField,
}


def column(name: str) -> models.Field:
    found = Person._meta.get_field(name)
    assert isinstance(found, models.Field)
    return found


@pytest.mark.parametrize("fld", PERSON_FIELDS, ids=lambda f: f.name)
def test_every_described_field_is_a_column_of_its_type(fld: Field) -> None:
    col = column(fld.name)
    assert type(col) is COLUMN_TYPES[fld.kind], fld.name
    assert col.verbose_name == fld.label
    if fld.kind == "code":
        assert list(col.choices or []) == list(fld.codes)
        assert col.max_length is not None
        assert col.max_length >= max(len(code) for code in fld.code_values())
    else:
        assert not col.choices, f"{fld.name}: codes the description does not have"
    if fld.kind == "region":
        assert col.max_length == 12
    if fld.kind == "id":
        assert col.max_length == 18
        assert col.unique
    if fld.kind == "int" and fld.maximum is not None:
        assert fld.maximum <= 32767  # a SmallIntegerField holds it
    if fld.record and fld.kind != "id" and fld.name != "name":
        assert col.null, f"{fld.name}: an empty cell means not known (NULL)"


def test_every_column_that_is_a_fact_about_the_person_is_described() -> None:
    described = {f.name for f in PERSON_FIELDS}
    columns = {f.name for f in Person._meta.get_fields() if f.concrete and not f.auto_created} | {"id"}
    assert columns - set(BOOKKEEPING_FIELDS) == described
    assert set(BOOKKEEPING_FIELDS) <= columns
    assert (*RECORD_FIELDS, *EXTRA_FIELDS) == tuple(f.name for f in PERSON_FIELDS if f.name != "id_number")
