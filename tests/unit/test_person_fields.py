"""The person fields described once (core/personfields.py): the description is whole and consistent,
and the record, the self-check's questions and the plain words are what it says."""

from __future__ import annotations

import pytest

from yanglao.core import person
from yanglao.core.personfields import (
    FIELDS,
    PERSON_FIELD_BY_NAME,
    PERSON_FIELDS,
    REGISTRY_FIELDS,
    SECTION_BY_KEY,
    SECTIONS,
    Field,
    asked,
    label_of,
    public_sections,
    sections,
)

ASKED = [f for f in PERSON_FIELDS if f.ask is not None]


def test_the_record_is_the_description() -> None:
    assert person.FIELDS is FIELDS
    assert tuple(f.name for f in FIELDS) == person.FIELD_NAMES
    assert all(f.record for f in FIELDS)
    assert not any(f.record for f in REGISTRY_FIELDS)
    assert len(PERSON_FIELD_BY_NAME) == len(PERSON_FIELDS)  # no name twice


def test_every_field_is_in_a_section_and_every_section_has_fields() -> None:
    for fld in PERSON_FIELDS:
        assert fld.section in SECTION_BY_KEY, fld.name
    shown = [f.name for _, fields in sections() for f in fields]
    assert sorted(shown) == sorted(PERSON_FIELD_BY_NAME)
    assert all(fields for _, fields in sections())
    assert [s.key for s, _ in sections()] == [s.key for s in SECTIONS]


def test_labels_are_the_descriptions() -> None:
    assert label_of("living_arrangement") == "居住状况"
    assert label_of("phone") == "联系电话"
    assert label_of("no_such_field") == "no_such_field"


@pytest.mark.parametrize("fld", ASKED, ids=lambda f: f.name)
def test_a_question_fits_its_field(fld: Field) -> None:
    ask = fld.ask
    assert ask is not None
    assert fld.record, "the self-check builds a record: it asks only record fields"
    assert SECTION_BY_KEY[fld.section].public, "asked in a section the self-check shows"
    if ask.widget == "check":
        assert fld.kind == "bool"
    elif ask.widget == "number":
        assert fld.kind == "int"
        assert not fld.levels
    elif ask.widget == "age":
        assert fld.name == "birth_date"
    elif ask.widget == "place":
        assert fld.kind == "region"
    else:  # one of some values: every value of the field, in the family's words, and nothing else
        assert fld.choices, fld.name
        public = [code for code, _ in fld.public_choices]
        assert sorted(public) == sorted(code for code, _ in fld.choices)
        assert all(words for _, words in fld.public_choices)
        assert ask.initial in ("", *public)


def test_staff_only_fields_are_never_asked() -> None:
    never = {f.name for f in PERSON_FIELDS if f.ask is None}
    assert {"id_number", "name", "death_date", "ability_assessed_on", "phone", "address"} <= never
    everything = {f.name for f in PERSON_FIELDS}
    assert not never & {f.name for f in asked(everything)}


def test_asked_always_and_what_the_rules_read() -> None:
    always = [f.name for f in asked(set())]
    assert "dibao" in always
    assert "ltc_insured" in always
    assert "no_supporter" not in always
    with_rules = [f.name for f in asked({"no_supporter", "vagrant"})]
    assert {"no_supporter", "vagrant"} <= set(with_rules)
    assert not {"birth_date", "hukou_region", "residence_region"} & set(with_rules)  # the form's own
    order = [f.name for _, fields in public_sections() for f in fields]
    assert with_rules == [n for n in order if n in with_rules]  # in the sections' order


def test_phrases_fit_their_field() -> None:
    for fld in PERSON_FIELDS:
        yes, no = fld.phrases.yes, fld.phrases.no
        if fld.kind == "bool" and fld.ask is not None:
            assert yes, fld.name
            assert no, fld.name
            assert yes != no, fld.name
        if yes or no:
            assert fld.kind == "bool", fld.name
        if fld.phrases.values:
            assert fld.choices, fld.name
            assert fld.phrases.values.count("{}") == 1, fld.name


def test_values_in_words_come_from_the_description() -> None:
    assert person.value_words("living_arrangement", "alone") == "独居"
    assert person.value_words("ability_level", 2) == "中度失能"
    assert person.value_words("disability_grade", 2) == "二级"
    assert person.value_words("dibao", True) == "是"
    assert person.value_words("disabled_months", 7) == "7"
