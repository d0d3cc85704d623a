"""The YAML cases beside every service catalogue pass through the one-person reference and the bulk
match; a case with a wrong expectation fails."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from yanglao.core.services.cases import check_case, load_cases, run_cases
from yanglao.core.services.catalog import list_service_catalogs, load_services


@pytest.mark.parametrize("code", list_service_catalogs())
def test_every_case_passes(code: str) -> None:
    results = run_cases(code)
    assert len(results) >= 10
    failures = [(case.name, problems) for case, problems in results if problems]
    assert failures == []


def test_each_service_has_an_eligible_and_an_ineligible_case_somewhere() -> None:
    seen: dict[str, set[bool]] = {}
    for code in list_service_catalogs():
        for case in load_cases(load_services(code)):
            if case.eligible is not None:
                seen.setdefault(case.service, set()).add(case.eligible)
    for service in ("home_adaptation", "caregiver_training", "home_care_bed", "assistive_devices"):
        assert seen[service] == {True, False}, service


def test_a_wrong_expectation_fails() -> None:
    catalog = load_services("152223")
    case = next(c for c in load_cases(catalog) if c.subsidy == Decimal(72))
    assert check_case(catalog, case) == []
    wrong = dataclasses.replace(case, subsidy=Decimal(73))
    assert any("subsidy" in p for p in check_case(catalog, wrong))
    wrong = dataclasses.replace(case, eligible=False)
    problems = check_case(catalog, wrong)
    assert any("可否享受" in p for p in problems)
    assert any("批量核对" in p for p in problems)
    wrong = dataclasses.replace(case, category="tekun")
    assert any("类别" in p for p in check_case(catalog, wrong))
