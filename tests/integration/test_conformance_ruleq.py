"""The database backend under the engines' conformance suite: the same generated populations
(``tests/unit/engine/engine_population.py``), loaded into the registry (SQLite and PostgreSQL), and every
condition of every list under ``catalogs/``, of the synthetic list, of the statistics indicators and of
the awkward conditions below selected by its ``Q``; the persons selected must be exactly those the
one-person evaluator (the reference) says meet it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.unit.engine import synthetic
from tests.unit.engine.engine_population import catalog_regions, population
from yanglao.core.catalog.evaluate import Context, eval_cond, resolve_options
from yanglao.core.catalog.loader import list_codes, load_catalog
from yanglao.core.catalog.model import Catalog
from yanglao.core.catalog.ruleparse import Names, parse_cond
from yanglao.core.catalog.rules import Cond
from yanglao.core.catalog.yamlio import At, parse_yaml
from yanglao.core.stats.indicators import NO_LIST, load_indicators
from yanglao.registry.models import Person, PersonChange
from yanglao.registry.ruleq import rule_q

pytestmark = pytest.mark.django_db
CODES = [*list_codes(), synthetic.CODE]
SLOW = [
    HealthCheck.too_slow,
    HealthCheck.data_too_large,
    HealthCheck.large_base_example,
    HealthCheck.function_scoped_fixture,
]
# What neither the lists nor the indicators write (yet), in the language: a person's numbers in
# arithmetic with a division by a number that may be 0, two fields compared, an age in arithmetic and
# compared with a fraction, every comparison of an age, negations over unknown values, a choice.
AWKWARD = """\
- {"<": [{"-": [age, disability_grade]}, 70.5]}
- {">=": [{"/": [disabled_months, ability_level]}, 3]}
- {"=": [{"/": [age, 5]}, 16]}
- {"!=": [{"*": [disability_grade, 2]}, ability_level]}
- {"<=": [ability_assessed_on, death_date]}
- {">": [age, {"+": [ability_level, 79]}]}
- {"=": [age, 80]}
- {"!=": [age, 80]}
- {"<": [age, 60]}
- {"<=": [age, 59.5]}
- {">": [age, 99.5]}
- {">=": [age, 0]}
- {not: {">=": [age, 65]}}
- {not: {all: [dibao, {in: [tekun, [dispersed]]}, {">=": [ability_level, 2]}]}}
- {not: {any: [{within: [hukou_region, "152223"]}, {is_known: residence_region}]}}
- {"!=": [dibao, true]}
- {"=": [{choose: {cases: [{when: {">=": [age, 80]}, value: true}], otherwise: no_supporter}}, true]}
- {">=": [{bracket: {of: age, rows: [{from: 60, to: 79, value: 1}, {from: 80, value: 2}]}}, 2]}
"""


@pytest.fixture(scope="module")
def catalogs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Catalog]:
    root = synthetic.write(tmp_path_factory.mktemp("catalogs"))
    out = {code: load_catalog(code) for code in list_codes()}
    out[synthetic.CODE] = load_catalog(synthetic.CODE, root)
    return out


@pytest.fixture(scope="module")
def regions(catalogs: dict[str, Catalog]) -> list[str]:
    return catalog_regions(catalogs.values())


def awkward() -> list[Cond]:
    raw = parse_yaml(AWKWARD, "awkward")
    assert isinstance(raw, list)
    return [parse_cond(item, At("awkward").index(i, raw), Names((), ())) for i, item in enumerate(raw)]


def _load(records: list[dict[str, Any]]) -> None:
    Person.objects.all().delete()
    Person.objects.bulk_create([Person(**record) for record in records])


def _check(
    conds: Iterable[tuple[str, Cond]], catalog: Catalog, case: dict[str, Any], *, related: bool = False
) -> None:
    """``related``: also through a relation (``prefix="person__"``), on each person's change event."""
    options = resolve_options(catalog, case["options"])
    for name, cond in conds:
        want = {
            r["id_number"]
            for r in case["records"]
            if eval_cond(cond, Context(catalog, r, case["on"], options, explain=False)).result
        }
        q = rule_q(cond, case["on"], catalog, case["options"])
        got = set(Person.objects.filter(q).values_list("id_number", flat=True))
        if related:
            through = rule_q(cond, case["on"], catalog, case["options"], prefix="person__")
            changes = PersonChange.objects.filter(through).values_list("person__id_number", flat=True)
            assert set(changes) == got, name
        by_id = {r["id_number"]: r for r in case["records"]}
        shown = [{k: v for k, v in by_id[i].items() if v is not None} for i in sorted(want ^ got)[:3]]
        assert got == want, (
            f"{name} on {case['on']}: {cond}\nreference only {sorted(want - got)}, "
            f"database only {sorted(got - want)}: {shown}"
        )


@pytest.mark.parametrize("code", CODES)
@settings(max_examples=8, deadline=None, suppress_health_check=SLOW)
@given(data=st.data())
def test_the_database_selects_whom_the_reference_grants_each_rule(
    code: str, data: st.DataObject, catalogs: dict[str, Catalog], regions: list[str]
) -> None:
    catalog = catalogs[code]
    case = data.draw(population(catalog, regions, (1, 30)), label="population")
    _load(case["records"])
    rules = [
        (f"{code} {benefit.code}", benefit.rule)
        for item in catalog.items
        for benefit in item.benefits
        if benefit.rule is not None
    ]
    _check(rules, catalog, case)


@settings(max_examples=25, deadline=None, suppress_health_check=SLOW)
@given(data=st.data())
def test_the_database_selects_whom_the_reference_counts_for_each_indicator_definition_and_awkward_rule(
    data: st.DataObject, catalogs: dict[str, Catalog], regions: list[str]
) -> None:
    case = data.draw(population(catalogs[synthetic.CODE], regions, (1, 30)), label="population")
    case["options"] = {}
    _load(case["records"])
    loaded = load_indicators()
    indicators = [(i.key, i.cond) for i in loaded.indicators if i.cond is not None]
    named = [(f"definition {d.name}", d.rule) for d in loaded.definitions.values()]
    odd = [(f"awkward {n}", c) for n, c in enumerate(awkward())]
    PersonChange.objects.bulk_create(
        PersonChange(person=p, kind="create", source="测试", as_of=case["on"]) for p in Person.objects.all()
    )
    _check([*indicators, *named, *odd], NO_LIST, case, related=True)
