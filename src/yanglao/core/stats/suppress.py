"""Suppression of small counts before publication (open data), so that no person can be singled out.

The rule
--------
A published table is a grid of counts with its margins: every row has its total (last column), every
column has its total (last row), and the corner is the grand total. The rows partition the region
(townships, or villages) and the columns partition the people counted (age bands, sexes …), so every
line of the grid — a row with its total, a column with its total — is an equation.

1. **Primary suppression.** Every count below :data:`THRESHOLD` (5) is suppressed, zero included: a
   published 0 or 1 says something about the few people of a small place.
2. **Secondary (complementary) suppression.** A suppressed cell must not be computable from the
   published cells and totals. Seen as a graph — one node per row and per column of the grid with its
   margins, one edge per suppressed cell — a suppressed cell can be computed exactly if and only if
   its edge lies on no cycle (the solutions of the line equations differ only along cycles). So, until
   every suppressed cell lies on a cycle:

   - a line with exactly one suppressed cell gets a second one: its smallest published interior cell,
     else its smallest published total;
   - a suppressed cell that joins two otherwise separate groups of suppressed cells (a bridge) gets a
     companion that closes a cycle through it: the smallest published cell between the two groups,
     interior cells before totals.
3. **Linked tables.** Tables that publish the same totals (the 60+ population of each township in the
   age table and in the sex table) suppress those totals together: a total hidden in one table is
   hidden in all of them, and step 2 runs again until nothing changes.

Suppressed cells are published as :data:`MARK` ("*"), never as "<5", because a complementary cell is
usually 5 or more. Bounds on a suppressed cell may still be narrowed (counts are not negative); what the
rule guarantees is that no suppressed cell can be worked out exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

THRESHOLD = 5
MARK = "*"

Cell = tuple[int, int]


@dataclass
class Table:
    """Interior counts with row and column labels; margins are computed (:meth:`grid`).

    ``link`` names what the row totals count (tables with the same ``link`` and the same row labels
    share their row totals and grand total)."""

    name: str
    row_labels: list[str]
    col_labels: list[str]
    cells: list[list[int]]
    link: str = ""
    hidden: set[Cell] = field(default_factory=set)

    @property
    def n_rows(self) -> int:  # rows of the grid, totals included
        return len(self.row_labels) + 1

    @property
    def n_cols(self) -> int:
        return len(self.col_labels) + 1

    def grid(self) -> list[list[int]]:
        rows = [[*row, sum(row)] for row in self.cells]
        totals = [sum(row[c] for row in rows) for c in range(self.n_cols)]
        return [*rows, totals]

    def published(self) -> list[list[int | None]]:
        """The grid with margins, suppressed cells as None."""
        return [
            [None if (r, c) in self.hidden else value for c, value in enumerate(row)]
            for r, row in enumerate(self.grid())
        ]


def _is_total(table: Table, cell: Cell) -> int:
    """0 interior, 1 a row or column total, 2 the grand total (the order cells are chosen in)."""
    return (cell[0] == table.n_rows - 1) + (cell[1] == table.n_cols - 1)


def _smallest(table: Table, grid: list[list[int]], cells: Iterable[Cell]) -> Cell | None:
    ranked = sorted(cells, key=lambda rc: (_is_total(table, rc), grid[rc[0]][rc[1]], rc))
    return ranked[0] if ranked else None


def _component(edges: set[Cell], start: tuple[str, int], skip: Cell) -> set[tuple[str, int]]:
    """Nodes ("r", i) / ("c", j) reachable from ``start`` over suppressed cells other than ``skip``."""
    seen = {start}
    todo = [start]
    while todo:
        kind, index = todo.pop()
        for r, c in edges:
            if (r, c) == skip:
                continue
            if kind == "r" and r == index and ("c", c) not in seen:
                seen.add(("c", c))
                todo.append(("c", c))
            elif kind == "c" and c == index and ("r", r) not in seen:
                seen.add(("r", r))
                todo.append(("r", r))
    return seen


def exposed(table: Table) -> list[Cell]:
    """Suppressed cells that could be computed exactly (on no cycle of suppressed cells)."""
    out = []
    for cell in sorted(table.hidden):
        side = _component(table.hidden, ("r", cell[0]), cell)
        if ("c", cell[1]) not in side:
            out.append(cell)
    return out


def _complement(table: Table, grid: list[list[int]], cell: Cell) -> Cell:
    r, c = cell
    row_hidden = sum((r, j) in table.hidden for j in range(table.n_cols))
    col_hidden = sum((i, c) in table.hidden for i in range(table.n_rows))
    if row_hidden == 1:
        pick = _smallest(table, grid, ((r, j) for j in range(table.n_cols) if (r, j) not in table.hidden))
    elif col_hidden == 1:
        pick = _smallest(table, grid, ((i, c) for i in range(table.n_rows) if (i, c) not in table.hidden))
    else:  # a bridge: close a cycle across it
        side = _component(table.hidden, ("r", r), cell)
        rows_a = {i for kind, i in side if kind == "r"}
        cols_a = {j for kind, j in side if kind == "c"}
        across = [
            (i, j)
            for i in range(table.n_rows)
            for j in range(table.n_cols)
            if (i, j) not in table.hidden and ((i in rows_a) != (j in cols_a))
        ]
        pick = _smallest(table, grid, across)
    if pick is None:  # cannot happen in a grid with margins; never publish a computable cell
        raise ValueError(f"{table.name}: no complementary cell for {cell}")
    return pick


def suppress_table(table: Table, threshold: int = THRESHOLD) -> Table:
    """Primary and secondary suppression of one table (in place; returns it)."""
    grid = table.grid()
    table.hidden |= {(r, c) for r, row in enumerate(grid) for c, value in enumerate(row) if value < threshold}
    while True:
        bad = exposed(table)
        if not bad:
            return table
        table.hidden.add(_complement(table, grid, bad[0]))


def _margins(table: Table) -> dict[str, Cell]:
    """Row totals and grand total by a key shared with linked tables."""
    last = table.n_cols - 1
    out = {f"{table.link}|{label}": (r, last) for r, label in enumerate(table.row_labels)}
    out[f"{table.link}|*"] = (table.n_rows - 1, last)
    return out


def suppress_linked(tables: Sequence[Table], threshold: int = THRESHOLD) -> list[Table]:
    """Suppress every table, hiding shared totals together, until no table changes."""
    while True:
        for table in tables:
            suppress_table(table, threshold)
        hidden_keys = {
            key
            for table in tables
            if table.link
            for key, cell in _margins(table).items()
            if cell in table.hidden
        }
        changed = False
        for table in tables:
            if not table.link:
                continue
            for key, cell in _margins(table).items():
                if key in hidden_keys and cell not in table.hidden:
                    table.hidden.add(cell)
                    changed = True
        if not changed:
            return list(tables)


def cell_text(value: int | None) -> str:
    return MARK if value is None else str(value)
