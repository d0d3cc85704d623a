"""Reading an applications file (CSV, XLSX, JSON Lines, Parquet through :mod:`yanglao.core.records_io`)
and writing the ranking as JSON Lines.

Columns: the person record's (English field names or their Chinese labels) plus ``applied_on`` 申请日期,
``wants_placement`` 入住意愿, ``preferred_facilities`` 意向养老机构, ``partner_id_number`` 配偶公民身份号码,
``status`` 申请状态. Person cells are parsed column-wise by the entitlement engine's parser
(:func:`yanglao.core.engine.frames.parse_frame`: the importer's rules and words). The application's cells
are parsed column-wise too; a row the column-wise parser rejects is parsed again by the reference
:func:`.application.parse_application_cells`, which gives the error's words (or accepts a rarer
spelling, such as a date written 2026/1/5). A row with an error is reported (line, field, reason) and
left out; the rest are ranked. An ID number seen on an earlier line is an error of the later line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from yanglao.core.admissions.application import (
    APPLICATION_ALIASES,
    APPLICATION_FIELD_BY_NAME,
    parse_application_cells,
)
from yanglao.core.admissions.model import STATUSES, Rules
from yanglao.core.admissions.queue import APPLICATION_SCHEMA
from yanglao.core.admissions.ranking import ranked_frame
from yanglao.core.engine.frames import LINE, PY_WHITESPACE, id_stages, parse_column, parse_frame
from yanglao.core.engine.polars_backend import PERSON_SCHEMA
from yanglao.core.engine.small import cell_text
from yanglao.core.person import FIELD_BY_NAME, HEADER_ALIASES
from yanglao.core.records_io import RowError, open_source, repeated_id

ALIASES = {**HEADER_ALIASES, **APPLICATION_ALIASES}
REQUIRED = ("id_number", "applied_on", "wants_placement")
APP_COLUMNS = ("applied_on", "wants_placement", "partner_id_number", "status", "preferred_facilities")
_STATUS_MAP = {code: code for code, _ in STATUSES} | {label: code for code, label in STATUSES}


@dataclass
class Applications:
    """The valid rows (typed persons + application columns + ``__line``) and every error."""

    frame: pl.DataFrame
    errors: list[RowError]
    rows: int
    preferred: dict[int, tuple[str, ...]] = field(default_factory=dict)  # by line


def _person_cell(name: str, raw: object) -> str | None:
    if raw is None or type(raw) is str:
        return raw
    return cell_text(FIELD_BY_NAME[name], raw)


def _app_cell(raw: object) -> str | None:
    if raw is None or type(raw) is str:
        return raw
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat()
    if isinstance(raw, dt.date):
        return raw.isoformat()
    return str(raw)


def _parse_apps(raw: pl.DataFrame, on: dt.date) -> tuple[pl.DataFrame, list[int]]:
    """The application columns parsed column-wise, and the lines the column-wise parser rejects."""
    stripped = raw.with_columns(
        pl.when(pl.col(c).str.strip_chars(PY_WHITESPACE) != "").then(pl.col(c).str.strip_chars(PY_WHITESPACE))
        for c in APP_COLUMNS
    )
    partner = id_stages(stripped.select(LINE, pl.col("partner_id_number").alias("id_number")))
    stripped = stripped.with_columns(partner.get_column("__id").alias("__partner"))
    applied, applied_ok = parse_column(APPLICATION_FIELD_BY_NAME["applied_on"], False)
    wants, wants_ok = parse_column(APPLICATION_FIELD_BY_NAME["wants_placement"], False)
    status = pl.col("status").replace_strict(_STATUS_MAP, default=None, return_dtype=pl.String)
    ok = (
        applied_ok
        & applied.is_not_null()
        & (applied <= pl.lit(on))
        & wants_ok
        & wants.is_not_null()
        & (pl.col("status").is_null() | status.is_not_null())
        & (pl.col("partner_id_number").is_null() | pl.col("__partner").is_not_null())
        & (pl.col("__partner").is_null() | (pl.col("__partner") != pl.col("__own_id")).fill_null(True))
    )
    parsed = stripped.select(
        LINE,
        applied.alias("applied_on"),
        wants.alias("wants_placement"),
        status.fill_null("waiting").alias("status"),
        pl.col("__partner").alias("partner_id_number"),
        ok.fill_null(False).alias("__ok"),
    )
    rejected = parsed.filter(~pl.col("__ok")).get_column(LINE).to_list()
    return parsed.drop("__ok"), rejected


def read_applications(path: Path, on: dt.date) -> Applications:
    """Read an applications file (raises ``FileFormatError`` when it cannot be read at all)."""
    source = open_source(path, ALIASES, required=REQUIRED)
    errors: list[RowError] = list(source.header_errors)
    if any(e.field in REQUIRED and e.line == 1 for e in errors):  # a required column is missing
        empty = pl.DataFrame(schema={LINE: pl.Int64, **PERSON_SCHEMA, **APPLICATION_SCHEMA})
        return Applications(empty, errors, 0)
    kept: list[dict[str, Any]] = []
    lines: list[int] = []
    names: dict[str, None] = {}
    bad: dict[int, list[RowError]] = {}
    seen: dict[str, int] = {}
    for line, row in source.rows:
        problems = [
            RowError(line, "（整行）", str(row.pop(k))) for k in ("__width__", "__json__") if k in row
        ]
        for key in row.pop("__unknown__", ()):
            problems.append(RowError(line, str(key), "未知字段"))
        if not problems and (repeat := repeated_id(line, row, seen)):
            problems.append(repeat)
        if problems:
            bad[line] = problems
        if not row.keys() <= names.keys():
            names.update(dict.fromkeys(row))
        kept.append(row)
        lines.append(line)
    app_cells = {name: [_app_cell(r.get(name)) for r in kept] for name in APP_COLUMNS}
    cells = {
        name: [_person_cell(name, r.get(name)) for r in kept]
        for name in names
        if name not in APPLICATION_FIELD_BY_NAME
    }
    del kept
    raw = pl.DataFrame({LINE: lines, **cells}, schema={LINE: pl.Int64, **dict.fromkeys(cells, pl.String)})
    batch = parse_frame(raw, bad)
    errors.extend(batch.errors)
    own_ids = (
        raw.get_column("id_number").str.strip_chars(PY_WHITESPACE).str.to_uppercase()
        if "id_number" in raw.columns
        else None
    )
    app_raw = pl.DataFrame(
        {LINE: lines, **app_cells, "__own_id": own_ids},
        schema={LINE: pl.Int64, **dict.fromkeys(APP_COLUMNS, pl.String), "__own_id": pl.String},
    )
    apps, rejected = _parse_apps(app_raw, on)
    app_errors: set[int] = set()
    fixes: list[dict[str, Any]] = []
    for row in app_raw.filter(pl.col(LINE).is_in(rejected)).iter_rows(named=True):
        line = row[LINE]
        parsed, found = parse_application_cells(row, row["__own_id"], on)
        if found:
            app_errors.add(line)
            if line not in bad:
                errors.extend(RowError(line, e.field, e.reason) for e in found)
        else:
            fixes.append({LINE: line, **{k: parsed.get(k) for k in APPLICATION_SCHEMA}})
    if fixes:
        fixed = pl.DataFrame(fixes, schema={LINE: pl.Int64, **APPLICATION_SCHEMA})
        apps = apps.update(fixed, on=LINE)
    persons = batch.persons.filter(~pl.col(LINE).is_in(list(app_errors)))
    frame = persons.join(apps, on=LINE, how="left").sort(LINE)
    preferred = {
        line: tuple(
            p
            for p in (text or "")
            .replace("；", ";")
            .replace("，", ";")
            .replace("、", ";")
            .replace(",", ";")
            .split(";")
            if p.strip()
        )
        for line, text in zip(lines, app_cells["preferred_facilities"], strict=True)
        if text
    }
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


def rank_file(rules: Rules, on: dt.date, source: Path, output: Path) -> tuple[Summary, pl.DataFrame]:
    """Read, rank, write one JSON Lines record per valid application (in the file's order)."""
    apps = read_applications(source, on)
    ranked = ranked_frame(rules, apps.frame, on)
    ranked.select("id_number", "eligible", "class", "class_name", "position", "reasons").write_ndjson(output)
    summary = Summary(
        rules.code, on, apps.rows, ranked.height, int(ranked.get_column("in_queue").sum()), apps.errors
    )
    return summary, ranked
