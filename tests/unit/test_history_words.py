"""A person's history arrives in words: code values by their labels where the role sees them, masked
values stay masked, a hidden field's history is left out."""

from __future__ import annotations

import datetime as dt

from yanglao.registry.history import FieldVersion, masked_histories

AT = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)


def version(value: str) -> FieldVersion:
    return FieldVersion(value=value, source="旗民政局", kind="import", as_of=AT.date(), at=AT, by="county")


def test_code_values_in_the_history_arrive_in_words() -> None:
    histories = {
        "living_arrangement": [version("with_family"), version("alone")],
        "tekun": [version("dispersed")],
        "dibao": [version("true"), version("false")],
        "ability_level": [version("3")],
        "birth_date": [version("1946-06-06")],
    }

    shown = masked_histories("county_caseworker", histories)

    assert {name: [v.value for v in versions] for name, versions in shown.items()} == {
        "living_arrangement": ["与子女等同住", "独居"],
        "tekun": ["分散供养"],
        "dibao": ["是", "否"],
        "ability_level": ["重度失能"],
        "birth_date": ["1946-06-06"],
    }


def test_a_role_that_does_not_see_a_field_gets_no_words_of_it() -> None:
    histories = {"tekun": [version("dispersed")], "living_arrangement": [version("alone")]}

    shown = masked_histories("auditor", histories)

    assert "tekun" not in shown  # sensitive: hidden from the auditor, history and all
    assert [v.value for v in shown["living_arrangement"]] == ["独居"]
