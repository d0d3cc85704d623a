"""Balanced assignment ("分片包干"): own village, even caseloads, weekly targets spread, overrides kept."""

from __future__ import annotations

from collections import Counter

from yanglao.core.visits.assign import Case, Helper, balance

A, B = "152223100001", "152223100002"


def loads(result: dict[int, int | None]) -> Counter[int | None]:
    return Counter(result.values())


def test_each_target_goes_to_a_visitor_of_their_own_village() -> None:
    cases = [Case(i, A if i % 2 else B) for i in range(20)]
    helpers = [Helper(1, A), Helper(2, B)]

    result = balance(cases, helpers)

    assert all(result[c.person] == (1 if c.village == A else 2) for c in cases)


def test_caseloads_differ_by_at_most_one_and_weekly_targets_are_spread() -> None:
    cases = [Case(i, A, high=i < 7) for i in range(31)]
    helpers = [Helper(h, A) for h in (1, 2, 3)]

    result = balance(cases, helpers)

    totals = loads(result)
    high = Counter(result[c.person] for c in cases if c.high)
    assert max(totals.values()) - min(totals.values()) <= 1
    assert max(high.values()) - min(high.values()) <= 1
    assert sum(totals.values()) == 31


def test_manual_assignments_are_kept_even_when_uneven() -> None:
    cases = [Case(i, A, current=1, manual=True) for i in range(5)] + [Case(i, A) for i in range(5, 9)]
    helpers = [Helper(1, A), Helper(2, A)]

    result = balance(cases, helpers)

    assert all(result[i] == 1 for i in range(5))
    assert all(result[i] == 2 for i in range(5, 9))


def test_existing_automatic_assignments_stay_while_balanced() -> None:
    first = balance([Case(i, A) for i in range(10)], [Helper(1, A), Helper(2, A)])
    again = [Case(i, A, current=first[i]) for i in range(10)] + [Case(10, A)]

    second = balance(again, [Helper(1, A), Helper(2, A), Helper(3, A)])

    moved = [i for i in range(10) if second[i] != first[i]]
    assert len(moved) <= 3  # only what the new visitor takes over
    assert max(loads(second).values()) - min(loads(second).values()) <= 1


def test_a_village_without_visitors_leaves_its_targets_unassigned() -> None:
    result = balance([Case(1, A), Case(2, B)], [Helper(1, A)])

    assert result == {1: 1, 2: None}


def test_a_visitor_at_capacity_gets_no_more_while_another_has_room() -> None:
    result = balance([Case(i, A) for i in range(6)], [Helper(1, A, capacity=1), Helper(2, A)])

    assert loads(result)[1] == 1
    assert loads(result)[2] == 5


def test_a_departed_visitor_s_people_are_handed_out() -> None:
    cases = [Case(i, A, current=9) for i in range(4)]

    result = balance(cases, [Helper(1, A), Helper(2, A)])

    assert loads(result) == Counter({1: 2, 2: 2})
