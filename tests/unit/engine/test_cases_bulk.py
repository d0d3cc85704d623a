"""Every YAML case beside every list runs through the bulk engine too, and must agree both with the
one-person evaluator and with the case's own expectations (house style: one rule, two uses)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest

from yanglao.core.catalog.cases import CatalogCase, load_cases
from yanglao.core.catalog.evaluate import evaluate
from yanglao.core.catalog.loader import list_codes, load_catalog
from yanglao.core.engine import entitle_frame
from yanglao.core.engine.frames import persons_from_records

CODES = [code for code in list_codes() if load_cases(load_catalog(code))]


def _key(case: CatalogCase) -> tuple[Any, ...]:
    return (case.on, tuple(sorted(case.options.items())))


@pytest.mark.parametrize("code", CODES)
def test_every_case_gives_the_same_answer_in_bulk(code: str) -> None:
    catalog = load_catalog(code)
    cases = load_cases(catalog)
    groups: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for i, case in enumerate(cases):
        groups[_key(case)].append(i)
    problems: list[str] = []
    for indices in groups.values():
        first = cases[indices[0]]
        records = [{**cases[i].person, "id_number": f"C{i}"} for i in indices]
        result = entitle_frame(catalog, persons_from_records(records), first.on, first.options)
        got: dict[str, set[tuple[str, Decimal | None]]] = defaultdict(set)
        for row in result.iter_rows(named=True):
            got[row["id_number"]].add((str(row["no"]), row["amount"]))
        for i in indices:
            case = cases[i]
            decision = evaluate(catalog, case.person, case.on, case.options)
            want = {(d.no, d.amount) for d in decision.granted()}
            if got[f"C{i}"] != want:
                problems.append(
                    f"{case.where} {case.name}: 批量 {sorted(got[f'C{i}'], key=str)}，单人 {sorted(want, key=str)}"
                )
            expected = {e.no for e in case.granted}
            if {no for no, _ in got[f"C{i}"]} != expected:
                problems.append(
                    f"{case.where} {case.name}: 批量可享受 {sorted(got[f'C{i}'], key=str)}，用例 {sorted(expected)}"
                )
            amounts = dict(got[f"C{i}"])
            for e in case.granted:
                want_amount = None if e.amount is None else e.amount.quantize(Decimal("0.01"))
                if e.check_amount and amounts.get(e.no) != want_amount:
                    problems.append(
                        f"{case.where} {case.name}: 第{e.no}项金额 {amounts.get(e.no)}，用例 {want_amount}"
                    )
    assert not problems, "\n".join(problems)
