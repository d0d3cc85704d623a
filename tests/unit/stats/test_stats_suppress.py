"""Suppression: primary (below 5, zero included) and secondary (no suppressed cell computable)."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from yanglao.core.stats.suppress import MARK, Table, cell_text, exposed, suppress_linked, suppress_table


def determined(table: Table) -> list[tuple[int, int]]:
    """Independent check by linear algebra: the suppressed cells whose value follows from the published
    cells and the line equations (a unit vector in the row space of the equations on the unknowns)."""
    grid = table.grid()
    n_r, n_c = len(grid), len(grid[0])
    hidden = sorted(table.hidden)
    index = {cell: i for i, cell in enumerate(hidden)}
    rows: list[list[Fraction]] = []
    for r in range(n_r):  # each row: interior cells − row total = 0
        eq = [Fraction(0)] * len(hidden)
        for c in range(n_c):
            if (r, c) in index:
                eq[index[(r, c)]] += -1 if c == n_c - 1 else 1
        rows.append(eq)
    for c in range(n_c):
        eq = [Fraction(0)] * len(hidden)
        for r in range(n_r):
            if (r, c) in index:
                eq[index[(r, c)]] += -1 if r == n_r - 1 else 1
        rows.append(eq)
    # Row-reduce, then a cell is determined iff its unit vector lies in the row space.
    basis: list[list[Fraction]] = []
    for eq in rows:
        v = eq[:]
        for b in basis:
            pivot = next(i for i, x in enumerate(b) if x)
            if v[pivot]:
                factor = v[pivot] / b[pivot]
                v = [x - factor * y for x, y in zip(v, b, strict=True)]
        if any(v):
            basis.append(v)
    out = []
    for cell, i in index.items():
        v = [Fraction(int(j == i)) for j in range(len(hidden))]
        for b in basis:
            pivot = next(k for k, x in enumerate(b) if x)
            if v[pivot]:
                factor = v[pivot] / b[pivot]
                v = [x - factor * y for x, y in zip(v, b, strict=True)]
        if not any(v):
            out.append(cell)
    return out


def test_primary_suppression_hides_every_count_below_5_including_zero() -> None:
    t = suppress_table(Table("t", ["a", "b", "c"], ["x", "y", "z"], [[0, 50, 60], [4, 70, 80], [5, 90, 100]]))
    grid = t.published()
    assert grid[0][0] is None
    assert grid[1][0] is None
    assert grid[2][0] == 5  # exactly 5 is published
    for row in grid:
        assert all(v is None or v >= 5 for v in row)


def test_a_single_suppressed_cell_in_a_row_gets_a_complement() -> None:
    t = suppress_table(Table("t", ["a", "b"], ["x", "y", "z"], [[3, 50, 60], [20, 30, 40]]))
    # 3 alone in row a and column x would be total − the others: a second cell in each line is hidden.
    assert (0, 0) in t.hidden
    for r in range(3):
        assert sum((r, c) in t.hidden for c in range(4)) != 1
    for c in range(4):
        assert sum((r, c) in t.hidden for r in range(3)) != 1
    assert exposed(t) == []
    assert determined(t) == []


def test_complements_are_the_smallest_cells() -> None:
    t = suppress_table(Table("t", ["a", "b"], ["x", "y", "z"], [[2, 9, 60], [40, 30, 41]]))
    assert (0, 1) in t.hidden  # 9, the smallest other cell of row a
    assert (1, 0) in t.hidden  # 40: column x needs a second one; 30 is in another column


def test_a_bridge_between_two_cycles_is_closed() -> None:
    """Hidden cells in two separate 2×2 blocks, joined by one hidden cell: every line has two, yet the
    joining cell is computable. The rule hides one more."""
    cells = [
        [1, 1, 50, 50, 50],
        [1, 1, 50, 50, 50],
        [50, 50, 1, 1, 50],
        [50, 50, 1, 1, 50],
        [50, 50, 50, 50, 50],
    ]
    t = Table("t", list("abcde"), list("vwxyz"), cells)
    t.hidden = {(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (1, 2)}
    assert (1, 2) in exposed(t)  # the line rule alone would not see it: row 1 and column 2 have three each
    assert (1, 2) in determined(t)
    suppress_table(t)
    assert exposed(t) == []
    assert determined(t) == []


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=1, max_value=5).flatmap(
        lambda r: st.integers(min_value=1, max_value=5).flatmap(
            lambda c: st.lists(
                st.lists(st.integers(min_value=0, max_value=30), min_size=c, max_size=c),
                min_size=r,
                max_size=r,
            )
        )
    )
)
def test_no_suppressed_cell_can_be_computed(cells: list[list[int]]) -> None:
    t = suppress_table(
        Table("t", [f"r{i}" for i in range(len(cells))], [f"c{j}" for j in range(len(cells[0]))], cells)
    )
    assert determined(t) == []
    for row in t.published():
        assert all(v is None or v >= 5 for v in row)


def test_linked_tables_hide_shared_totals_together() -> None:
    # Township b has 3 people: its total is hidden in the age table, so it must be hidden in the sex table.
    age = Table("age", ["a", "b"], ["60-69", "70+"], [[40, 30], [2, 1]], link="pop")
    sex = Table("sex", ["a", "b"], ["男", "女"], [[35, 35], [3, 0]], link="pop")
    other = Table("other", ["a", "b"], ["x"], [[10], [1]])
    suppress_linked([age, sex, other])
    for t in (age, sex):
        assert (1, 2) in t.hidden
        assert determined(t) == []
    assert {(r, c) for (r, c) in age.hidden if c == 2} == {(r, c) for (r, c) in sex.hidden if c == 2}


def test_cell_text() -> None:
    assert cell_text(None) == MARK == "*"
    assert cell_text(12) == "12"
