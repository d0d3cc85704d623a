"""Every list under ``src/yanglao/catalogs/*/`` loads, and every YAML case beside it passes.

New transcriptions are picked up automatically. Each list must also have, for every benefit with a
machine rule, at least one case in which it is granted and one in which it is not.
"""

from __future__ import annotations

import pytest

from yanglao.core.catalog.cases import CatalogCase, check_case, load_cases
from yanglao.core.catalog.loader import list_codes, load_all, load_catalog

CODES = list_codes()
CASES: list[tuple[str, int, CatalogCase]] = [
    (code, i, case) for code in CODES for i, case in enumerate(load_cases(load_catalog(code)))
]


def test_every_list_loads_and_its_parent_exists() -> None:
    catalogs = load_all()
    assert set(catalogs) == set(CODES)
    assert "152223" in catalogs


@pytest.mark.parametrize("code", CODES)
def test_every_list_has_cases(code: str) -> None:
    assert load_cases(load_catalog(code)), f"清单 {code} 没有 cases.yaml 用例"


@pytest.mark.parametrize(
    ("code", "index", "case"), CASES, ids=[f"{code}-{i + 1}-{case.name}" for code, i, case in CASES]
)
def test_case(code: str, index: int, case: CatalogCase) -> None:
    _, problems = check_case(load_catalog(code), case)
    assert not problems, f"{case.where} {case.name}\n" + "\n".join(problems)


@pytest.mark.parametrize("code", CODES)
def test_every_machine_rule_has_a_yes_and_a_no_case(code: str) -> None:
    catalog = load_catalog(code)
    seen_yes: set[str] = set()
    seen_no: set[str] = set()
    for case in load_cases(catalog):
        decision, _ = check_case(catalog, case)
        for item in decision.items:
            for part in item.parts or (item,):
                (seen_yes if part.granted else seen_no).add(part.code)
    missing = [
        f"第{item.no}项 {benefit.code}：{'缺少可享受的用例 ' if benefit.code not in seen_yes else ''}"
        f"{'缺少不可享受的用例' if benefit.code not in seen_no else ''}"
        for item in catalog.items
        for benefit in item.benefits
        if benefit.rule is not None and (benefit.code not in seen_yes or benefit.code not in seen_no)
    ]
    assert not missing, f"清单 {code}：\n" + "\n".join(missing)
