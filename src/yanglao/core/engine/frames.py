"""Reading person-record files (CSV, JSON Lines, Parquet, by extension) into typed Polars frames.

The parsing rules are those of :func:`yanglao.core.person.parse_value`, applied column-wise: every cell
that the vectorised parser accepts is accepted by ``parse_value`` with the same value (the conformance
tests check this), and every row it rejects is parsed again, row by row, by the reference
:func:`~yanglao.core.person.parse_record`, which gives the (line, field, reason) errors in the words the
importer uses — or, for the rare cell only the reference understands (digits of another script, a
float in a Parquet integer column), accepts the row. Nothing is "fixed": bad rows are reported and
left out, the good rows are kept. As for a flat file in ``derive_defaults``: an empty sex or birth date
is taken from the ID number (a contradiction is an error), an empty residence from 户籍.

Files are read in batches (:func:`read_batches`) so that a population larger than memory streams.
Line numbers follow :mod:`yanglao.core.records_io` (CSV: the physical line; JSON Lines: the line;
Parquet: the row as if written as CSV with a header, first row = 2). A second occurrence of an ID
number is an error of its line (the first is evaluated).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import polars as pl

from yanglao.core.engine.polars_backend import PERSON_SCHEMA
from yanglao.core.engine.small import cell_text, screened_rows
from yanglao.core.idnumber import CHECK_CHARS
from yanglao.core.person import (
    _CODE_LOOKUP,
    FALSE_WORDS,
    FIELD_BY_NAME,
    FIELDS,
    HEADER_ALIASES,
    TRUE_WORDS,
    Field,
    derive_defaults,
    parse_record,
)
from yanglao.core.records_io import FileFormatError, RowError, detect_format, map_header, open_source

LINE = "__line"
BATCH_ROWS = 125_000  # ~0.55 GB peak at any population (250 k: ~0.85 GB, 1 M: ~2 GB; none faster)
# What str.strip() strips: every code point whose str.isspace() is true (a test checks the list).
PY_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
REGION_PATTERN = r"^[0-9]{6}([0-9]{6})?$"
Frame = TypeVar("Frame", pl.DataFrame, pl.LazyFrame)
_INTEGER = pl.Int8 | pl.Int16 | pl.Int32 | pl.Int64 | pl.UInt8 | pl.UInt16 | pl.UInt32 | pl.UInt64
_CODES: dict[str, list[str]] = {name: sorted(set(codes.values())) for name, codes in _CODE_LOOKUP.items()}


@dataclass
class Batch:
    """Typed persons (``PERSON_SCHEMA`` plus ``__line``) and the errors of the rows left out."""

    persons: pl.DataFrame
    errors: list[RowError]
    rows: int


@dataclass
class Reader:
    header_errors: list[RowError]
    batches: Iterator[Batch]
    fatal: bool = False  # no row can be read (no ID number column)
    extra: list[RowError] = field(default_factory=list)


# --- one column ------------------------------------------------------------------------------------


def text_expr(fld: Field, dtype: pl.DataType) -> pl.Expr | None:
    """The raw column as the stripped text ``parse_value`` would see (null for an empty cell), or
    None where the column already holds the field's own type (booleans, dates, integers)."""
    column = pl.col(fld.name)
    if (
        (fld.kind == "bool" and dtype == pl.Boolean)
        or (fld.kind == "date" and dtype in (pl.Date, pl.Datetime))
        or (fld.kind == "int" and isinstance(dtype, _INTEGER))
    ):
        return None
    if dtype == pl.String:
        text = column
    elif dtype == pl.Null:
        return pl.lit(None, pl.String).alias(fld.name)
    elif isinstance(dtype, _INTEGER):
        text = column.cast(pl.String)  # str(int) either way
    else:
        text = column.map_elements(lambda v: cell_text(fld, v), return_dtype=pl.String, skip_nulls=True)
    stripped = text.str.strip_chars(PY_WHITESPACE)
    return pl.when(stripped != "").then(stripped).alias(fld.name)


def _date(text: pl.Expr, fmt: str) -> pl.Expr:
    parsed = text.str.strptime(pl.Date, fmt, strict=False)
    return pl.when(parsed.dt.year() >= 1).then(parsed)


def parse_column(fld: Field, typed: bool) -> tuple[pl.Expr, pl.Expr]:
    """(value, ok) of ``fld``'s column, which holds the field's own type (``typed``) or the text of
    :func:`text_expr`; ``ok`` is False where the cell is invalid. The ID number is parsed in stages
    by :func:`id_stages` first."""
    column = pl.col(fld.name)
    if typed:
        if fld.kind == "int":
            return column.cast(pl.Int64, strict=False), column.is_null() | column.is_between(
                fld.minimum or 0, fld.maximum or 0
            )
        return column.cast(pl.Date) if fld.kind == "date" else column, pl.lit(True)
    value: pl.Expr
    if fld.kind in ("text", "region"):
        value = column
        if fld.kind == "region":
            value = pl.when(column.str.contains(REGION_PATTERN)).then(column)
    elif fld.kind == "bool":
        low = column.str.to_lowercase()
        value = pl.when(low.is_in(list(TRUE_WORDS))).then(True).when(low.is_in(list(FALSE_WORDS))).then(False)
    elif fld.kind == "date":
        value = _date(pl.when(column.str.contains(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")).then(column), "%Y-%m-%d")
    elif fld.kind == "int":
        digits = pl.when(column.str.contains(r"^[+-]?[0-9]+(_[0-9]+)*$")).then(
            column.str.replace_all("_", "")
        )
        number = digits.cast(pl.Int64, strict=False)
        value = pl.when(number.is_between(fld.minimum or 0, fld.maximum or 0)).then(number)
    elif fld.kind == "code":
        value = column.replace_strict(_CODE_LOOKUP[fld.name], default=None, return_dtype=pl.String)
    else:  # id: the result of id_stages
        value = pl.col("__id")
    return value, column.is_null() | value.is_not_null()


def id_stages(frame: Frame) -> Frame:
    """Adds ``__id``: the normalised 18-character number of the ``id_number`` text, or null where
    ``parse_id_number`` would raise, and ``__id_birth``: the birth date it holds (parsed once). In stages (eager for a DataFrame; one plan for a LazyFrame)."""
    upper = pl.col("id_number").str.to_uppercase()
    frame = frame.with_columns(upper.alias("__up"), upper.str.contains(r"^[0-9]{15}$").alias("__old"))
    up, old = pl.col("__up"), pl.col("__old")
    frame = frame.with_columns(
        pl.when(old)
        .then(up.str.slice(0, 6) + "19" + up.str.slice(6))
        .otherwise(up.str.slice(0, 17))
        .alias("__body"),
        (old | up.str.contains(r"^[0-9]{17}[0-9X]$")).alias("__shape"),
    )
    # Σ digit × 2^(18-position) mod 11: 13 ≡ 2 (mod 11), so reading the 17 digits as a base-13 number
    # (which fits in 64 bits) gives the weighted sum's half modulo 11 in one vectorised step.
    half = pl.col("__body").str.to_integer(base=13, strict=False) % 11
    total = half * 2
    frame = frame.with_columns(
        (total % 11).replace_strict(dict(enumerate(CHECK_CHARS)), return_dtype=pl.String).alias("__check")
    )
    full = pl.when(old).then(pl.col("__body") + pl.col("__check")).otherwise(up)
    frame = frame.with_columns(full.alias("__full"))
    full = pl.col("__full")
    birth = _date(full.str.slice(6, 8), "%Y%m%d")
    valid = pl.col("__shape") & (full.str.slice(17, 1) == pl.col("__check")) & (birth.dt.year() >= 1880)
    return frame.with_columns(
        pl.when(valid).then(full).alias("__id"), pl.when(valid).then(birth).alias("__id_birth")
    ).drop("__up", "__old", "__body", "__shape", "__check", "__full")


def id_birth(ident: pl.Expr) -> pl.Expr:
    return ident.str.slice(6, 8).str.strptime(pl.Date, "%Y%m%d", strict=False)


def id_sex(ident: pl.Expr) -> pl.Expr:
    odd = ident.str.slice(16, 1).cast(pl.Int32, strict=False) % 2 == 1
    return pl.when(ident.is_not_null()).then(pl.when(odd).then(pl.lit("1")).otherwise(pl.lit("2")))


# --- one batch -------------------------------------------------------------------------------------


def parse_frame(raw: pl.DataFrame, bad: Mapping[int, list[RowError]] | None = None) -> Batch:
    """Typed persons from ``raw`` (columns named by field, raw cells, and ``__line``); ``bad`` are
    errors already known per line (a short CSV row, a repeated ID number): those rows are left out."""
    bad = bad or {}
    present = [f for f in FIELDS if f.name in raw.columns]
    exact = exact_columns(raw, present)
    texts = {f.name: None if f.name in exact else text_expr(f, raw.schema[f.name]) for f in present}
    staged = raw.lazy().select(LINE, *(pl.col(n) if e is None else e for n, e in texts.items()))
    if "id_number" in texts:
        staged = id_stages(staged)
    parsed = {f.name: parse_column(f, texts[f.name] is None) for f in present}
    ok = pl.all_horizontal([pl.lit(True), *(valid for _, valid in parsed.values())])
    if bad:
        ok = ok & ~pl.col(LINE).is_in(list(bad))
    typed = staged.select(
        pl.col(LINE).cast(pl.Int64),
        *(value.alias(name) for name, (value, _) in parsed.items()),
        *(["__id_birth"] if "id_number" in texts else []),
        ok.alias("__ok"),
    )
    typed = typed.with_columns(
        pl.lit(None, dtype).alias(name) for name, dtype in PERSON_SCHEMA.items() if name not in parsed
    )
    ident = pl.col("id_number")
    checks = [ident.is_not_null()]
    from_birth = pl.col("__id_birth") if "id_number" in texts else id_birth(ident)
    for name, from_id in (("birth_date", from_birth), ("sex", id_sex(ident))):
        if name in parsed:  # given and contradicting the ID number: an error (parse_record's check)
            checks.append(pl.col(name).is_null() | ident.is_null() | (pl.col(name) == from_id))
    done = typed.with_columns(
        pl.col("__ok") & pl.all_horizontal(checks),
        pl.coalesce(pl.col("birth_date"), from_birth).alias("birth_date"),
        pl.coalesce("sex", id_sex(ident)).alias("sex"),
        pl.coalesce("residence_region", "hukou_region").alias("residence_region"),
    ).collect()
    good = done.filter("__ok").select(LINE, *PERSON_SCHEMA)
    rejected = done.filter(~pl.col("__ok")).get_column(LINE)
    errors, rescued = recheck(raw.filter(pl.col(LINE).is_in(rejected.implode())), bad)
    if rescued:
        good = pl.concat([good, pl.DataFrame(rescued, schema={LINE: pl.Int64, **PERSON_SCHEMA})]).sort(LINE)
    return Batch(good, errors, raw.height)


def exact_columns(raw: pl.DataFrame, present: list[Field]) -> set[str]:
    """The code and region columns of this batch whose every cell is null or already a valid value
    with nothing to strip (a code as the list writes it, six or twelve digits): the typical column of
    a file written by a program. They are taken as they are — what ``parse_value`` returns for such a
    cell is the cell — which spares stripping, mapping labels and checking each cell (a quarter of
    the reading time); a column holding one label, space or bad cell is parsed in full."""
    checks = []
    for fld in present:
        column = pl.col(fld.name)
        if raw.schema[fld.name] != pl.String:
            continue
        if fld.kind == "code":
            valid = column.is_in(_CODES[fld.name])
        elif fld.kind == "region":
            valid = column.str.contains(REGION_PATTERN)
        else:
            continue
        checks.append((valid | column.is_null()).all().alias(fld.name))
    if not checks or raw.height == 0:
        return set()
    return {name for name, ok in raw.select(checks).row(0, named=True).items() if ok}


def recheck(
    rows: pl.DataFrame, bad: Mapping[int, list[RowError]]
) -> tuple[list[RowError], list[dict[str, Any]]]:
    """The reference parser's verdict on the rows the vectorised parser rejected."""
    errors: list[RowError] = []
    rescued: list[dict[str, Any]] = []
    for row in rows.iter_rows(named=True):
        line = int(row.pop(LINE))
        if line in bad:
            errors.extend(bad[line])
            continue
        if "id_number" not in row:
            errors.append(RowError(line, "id_number", "缺少公民身份号码"))
            continue
        record, problems = parse_record(row)
        if problems:
            errors.extend(RowError(line, e.field, e.reason) for e in problems)
        else:
            rescued.append({LINE: line, **derive_defaults(record)})
    return errors, rescued


# --- files -----------------------------------------------------------------------------------------


def read_batches(path: Path, batch_rows: int = BATCH_ROWS) -> Reader:
    """Open a person-record file and read it batch by batch (raises FileFormatError)."""
    fmt = detect_format(path)
    if fmt == "parquet":
        return _parquet(path, batch_rows)
    if fmt in ("csv", "jsonl"):
        return _python_rows(path, batch_rows)
    raise FileFormatError(f"不支持的文件类型“{path.suffix}”：请使用 CSV、JSONL 或 Parquet")


def read_persons(path: Path) -> tuple[pl.DataFrame, list[RowError]]:
    """The whole file: typed persons (with ``__line``) and every error, header errors first."""
    reader = read_batches(path)
    batches = list(reader.batches)
    errors = [*reader.header_errors, *reader.extra, *(e for b in batches for e in b.errors)]
    frames = [b.persons for b in batches] or [pl.DataFrame(schema={LINE: pl.Int64, **PERSON_SCHEMA})]
    return pl.concat(frames), errors


def _parquet(path: Path, batch_rows: int) -> Reader:
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid and OSError subclasses
        raise FileFormatError(f"无法读取 Parquet 文件：{exc}") from None
    mapped, header_errors = map_header(list(parquet.schema_arrow.names), HEADER_ALIASES)
    if any(e.field == "id_number" and e.line == 1 for e in header_errors):
        return Reader(header_errors, iter(()), fatal=True)
    keep = [(i, name) for i, name in enumerate(mapped) if name is not None]
    id_at = next(i for i, name in keep if name == "id_number")
    repeated = repeated_ids(pl.scan_parquet(path).select(pl.nth(id_at)))

    columns = [pl.nth(i).alias(name) for i, name in keep]  # the unmapped columns are never read
    total = parquet.metadata.num_rows

    def batches() -> Iterator[Batch]:
        # Polars reads each batch's slice of the file itself (only the row groups it overlaps):
        # about half the memory of pyarrow's ``iter_batches`` and its Arrow buffers, and faster.
        for offset in range(0, total, batch_rows):
            first = offset + 2
            raw = (
                pl.scan_parquet(path)
                .select(columns)
                .slice(offset, batch_rows)
                .with_row_index(LINE, offset=first)
                .with_columns(pl.col(LINE).cast(pl.Int64))
                .collect()
            )
            bad = {line: [error] for line, error in repeated.items() if first <= line < first + raw.height}
            yield parse_frame(raw, bad)
            del raw  # not kept while the next batch is read

    return Reader(header_errors, batches())


def repeated_ids(ids: pl.LazyFrame) -> dict[int, RowError]:
    """Lines whose ID number (normalised: 15 digits widened, check character ignored) appeared on an
    earlier line: ``与第 N 行的公民身份号码重复``.

    Memory: the column is read by the streaming engine into one ``Int64`` key per row (8 bytes, never
    the whole file's text), and repeats are found by sorting the keys (a copy of them) rather than a
    hash table: ~0.45 GiB at 20 M rows where ``is_duplicated`` on the text took ~1.7 GiB."""
    text = pl.col("id").cast(pl.String).str.strip_chars(PY_WHITESPACE).str.to_uppercase()
    key = (
        pl.when(text.str.len_chars() == 15)
        .then(text.str.slice(0, 6) + "19" + text.str.slice(6))
        .otherwise(text.str.slice(0, 17))
        .cast(pl.Int64, strict=False)
    )
    keys = ids.select(pl.nth(0).alias("id")).select(key.alias("key")).collect(engine="streaming")["key"]
    ordered = keys.sort()  # nulls first; a null never equals its neighbour
    repeats = ordered.filter((ordered == ordered.shift(1)).fill_null(False)).unique()
    del ordered
    if repeats.is_empty():
        return {}
    found = (
        keys.to_frame()
        .with_row_index(LINE, offset=2)
        .filter(pl.col("key").is_in(repeats.implode()))
        .select(pl.col(LINE).cast(pl.Int64), "key")
        .with_columns(pl.col(LINE).min().over("key").alias("first"))
        .filter(pl.col(LINE) != pl.col("first"))
    )
    return {
        line: RowError(line, "id_number", f"与第 {first} 行的公民身份号码重复")
        for line, first in found.select(LINE, "first").iter_rows()
    }


def _python_rows(path: Path, batch_rows: int) -> Reader:
    """CSV and JSON Lines: the rows as ``records_io`` reads them (encodings, quoting, line numbers)."""
    source = open_source(path, HEADER_ALIASES)
    if any(e.field == "id_number" and e.line == 1 for e in source.header_errors):
        return Reader(source.header_errors, iter(()), fatal=True)
    reader = Reader(source.header_errors, iter(()))

    def flush(cells: dict[str, list[str | None]], lines: list[int], bad: dict[int, list[RowError]]) -> Batch:
        raw = pl.DataFrame({LINE: lines, **cells}, schema={LINE: pl.Int64, **dict.fromkeys(cells, pl.String)})
        return parse_frame(raw, bad)

    def batches() -> Iterator[Batch]:
        cells: dict[str, list[str | None]] = {}
        lines: list[int] = []
        bad: dict[int, list[RowError]] = {}
        for line, row, problems in screened_rows(source.rows, reader.extra):
            if problems:
                bad[line] = problems
            for name in row:
                if name not in cells:
                    cells[name] = [None] * len(lines)
            for name, column in cells.items():
                column.append(cell_text(FIELD_BY_NAME[name], row[name]) if name in row else None)
            lines.append(line)
            if len(lines) >= batch_rows:
                yield flush(cells, lines, bad)
                cells, lines, bad = {name: [] for name in cells}, [], {}
        if lines or not cells:
            yield flush(cells, lines, bad)

    reader.batches = batches()
    return reader


def persons_from_records(records: list[Mapping[str, object]]) -> pl.DataFrame:
    """A typed frame from parsed records (``parse_record`` + ``derive_defaults``), for tests and callers
    holding records in memory."""
    return pl.DataFrame(
        [{name: record.get(name) for name in PERSON_SCHEMA} for record in records], schema=PERSON_SCHEMA
    )


__all__ = ["LINE", "Batch", "FileFormatError", "Reader", "parse_frame", "read_batches", "read_persons"]
