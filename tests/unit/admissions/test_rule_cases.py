"""Every jurisdiction's admission rules load, cite their documents, and pass the YAML cases beside
them through both the one-person explainer and the set-based ranking (verdicts, positions, words)."""

from __future__ import annotations

import pytest

from yanglao.core.admissions import list_rules, load_rules
from yanglao.core.admissions.cases import Case, load_cases, run_case

CODES = list_rules()
CASES: list[tuple[str, int, Case]] = [
    (code, i, case) for code in CODES for i, case in enumerate(load_cases(code))
]


def test_the_five_jurisdictions_have_rules() -> None:
    assert set(CODES) == {"152223", "411700", "410400", "411303", "410721"}


@pytest.mark.parametrize("code", CODES)
def test_every_provision_quotes_its_document_and_reference(code: str) -> None:
    rules = load_rules(code)
    assert rules.document
    assert rules.source
    assert rules.notes
    for provision in (rules.eligibility, *rules.classes, *rules.tie_breakers):
        assert provision.text, provision.key
        assert provision.reference, provision.key
    for param in rules.parameters.values():
        assert all(value.reference for value in param.values)


@pytest.mark.parametrize("code", CODES)
def test_the_last_class_takes_every_other_eligible_applicant(code: str) -> None:
    # The eligibility rule is "age >= min_age and 户籍/居住": the catch-all class is the same age test.
    rules = load_rules(code)
    assert rules.classes[-1].key == "other"
    assert rules.classes[-1].rule == rules.eligibility.rule.items[0]  # type: ignore[union-attr]


@pytest.mark.parametrize("code", CODES)
def test_every_class_tie_breaker_couple_and_death_is_in_a_case(code: str) -> None:
    cases = load_cases(code)
    classes = {want.get("class") for case in cases for want in case.expect.values()}
    assert set(range(1, len(load_rules(code).classes) + 1)) <= classes
    words = [w for case in cases for want in case.expect.values() for w in want.get("reason", [])]
    for tie in load_rules(code).tie_breakers:
        assert any(f"同等条件下优先（{tie.name}）：是" in w for w in words), tie.key
    assert any("与配偶" in w for w in words)
    assert any("去世" in w for w in words)


@pytest.mark.parametrize(("code", "index", "case"), CASES, ids=[f"{c}-{i + 1}" for c, i, _ in CASES])
def test_case(code: str, index: int, case: Case) -> None:
    failures = run_case(code, case)
    assert not failures, "\n".join(failures)
