"""Reading an applications file (CSV, XLSX, JSON Lines, Parquet through :mod:`yanglao.core.records_io`)
and writing the ranking as JSON Lines.

Columns: the person record's (English field names or their Chinese labels) plus ``applied_on`` 申请日期,
``wants_placement`` 入住意愿, ``preferred_facilities`` 意向养老机构, ``partner_id_number`` 配偶公民身份号码,
``status`` 申请状态. Person cells are parsed column-wise by the entitlement engine's parser
(:func:`yanglao.core.engine.frames.parse_frame`, the importer's rules and words); the application's cells
by :func:`.application.parse_application_cells`. A row with an error is reported (line, field, reason)
and left out; the rest are ranked. An ID number seen on an earlier line is an error of the later line.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from yanglao.core.admissions.application import (
    APPLICATION_ALIASES,
    APPLICATION_FIELD_BY_NAME,
    parse_application_cells,
)
from yanglao.core.admissions.model import Rules
from yanglao.core.admissions.queue import APPLICATION_SCHEMA
from yanglao.core.admissions.ranking import Ranked, rank_from_frame
from yanglao.core.engine.frames import LINE, cell_text, parse_frame
from yanglao.core.engine.polars_backend import PERSON_SCHEMA
from yanglao.core.person import FIELD_BY_NAME, HEADER_ALIASES
from yanglao.core.records_io import RowError, open_source

ALIASES = {**HEADER_ALIASES, **APPLICATION_ALIASES}


@dataclass
class Applications:
    """The valid rows (typed persons + application columns + ``__line``) and every error."""

    frame: pl.DataFrame
    errors: list[RowError]
    rows: int
    preferred: dict[int, tuple[str, ...]] = field(default_factory=dict)  # by line


def read_applications(path: Path, on: dt.date) -> Applications:
    """Read an applications file (raises ``FileFormatError`` when it cannot be read at all)."""
    source = open_source(path, ALIASES)
    errors: list[RowError] = list(source.header_errors)
    if any(e.field == "id_number" and e.line == 1 for e in errors):
        empty = pl.DataFrame(schema={LINE: pl.Int64, **PERSON_SCHEMA, **APPLICATION_SCHEMA})
        return Applications(empty, errors, 0)
    cells: dict[str, list[str | None]] = {}
    lines: list[int] = []
    bad: dict[int, list[RowError]] = {}
    app_rows: dict[str, list[object]] = {name: [] for name in APPLICATION_SCHEMA}
    preferred: dict[int, tuple[str, ...]] = {}
    app_errors: dict[int, list[RowError]] = {}
    seen: dict[str, int] = {}
    for line, row in source.rows:
        problems = [
            RowError(line, "（整行）", str(row.pop(k))) for k in ("__width__", "__json__") if k in row
        ]
        for key in row.pop("__unknown__", ()):
            problems.append(RowError(line, str(key), "未知字段"))
        ident = str(row.get("id_number") or "").strip().upper()
        if ident and not problems:
            if ident in seen:
                problems.append(RowError(line, "id_number", f"与第 {seen[ident]} 行的公民身份号码重复"))
            else:
                seen[ident] = line
        if problems:
            bad[line] = problems
        app_cells = {name: row.pop(name) for name in list(row) if name in APPLICATION_FIELD_BY_NAME}
        parsed, found = parse_application_cells(app_cells, ident or None, on)
        if found and line not in bad:
            app_errors[line] = [RowError(line, e.field, e.reason) for e in found]
        for name in APPLICATION_SCHEMA:
            app_rows[name].append(parsed.get(name))
        preferred[line] = tuple(parsed.get("preferred_facilities") or ())  # type: ignore[arg-type]
        for name in row:
            if name not in cells:
                cells[name] = [None] * len(lines)
        for name, column in cells.items():
            column.append(cell_text(FIELD_BY_NAME[name], row[name]) if name in row else None)
        lines.append(line)
    raw = pl.DataFrame({LINE: lines, **cells}, schema={LINE: pl.Int64, **dict.fromkeys(cells, pl.String)})
    batch = parse_frame(raw, bad)
    errors.extend(batch.errors)
    for found_errors in app_errors.values():
        errors.extend(found_errors)
    apps = pl.DataFrame({LINE: lines, **app_rows}, schema={LINE: pl.Int64, **APPLICATION_SCHEMA})
    persons = batch.persons.filter(~pl.col(LINE).is_in(list(app_errors)))
    frame = persons.join(apps, on=LINE, how="left").sort(LINE)
    errors.sort(key=lambda e: e.line)
    return Applications(frame, errors, len(lines), preferred)


@dataclass
class Summary:
    rules: str
    date: dt.date
    rows: int
    ranked: int
    in_queue: int
    errors: list[RowError]

    def as_json(self) -> dict[str, Any]:
        return {
            "rules": self.rules,
            "date": self.date.isoformat(),
            "rows": self.rows,
            "ranked": self.ranked,
            "in_queue": self.in_queue,
            "errors": [e.as_dict() for e in self.errors],
        }


def rank_file(rules: Rules, on: dt.date, source: Path, output: Path) -> tuple[Summary, list[Ranked]]:
    """Read, rank, write one JSON Lines record per valid application (in the file's order)."""
    apps = read_applications(source, on)
    results = rank_from_frame(rules, apps.frame, on)
    with output.open("w", encoding="utf-8") as out:
        for result in results:
            out.write(json.dumps(result.as_json(), ensure_ascii=False))
            out.write("\n")
    summary = Summary(
        rules.code, on, apps.rows, len(results), sum(1 for r in results if r.in_queue), apps.errors
    )
    return summary, results
