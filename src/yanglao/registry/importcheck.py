"""Checking an import's rows a column at a time (Polars) instead of one row at a time.

The rules are those of :func:`yanglao.core.person.parse_record` and :func:`yanglao.registry.imports.parse_row`;
this module only decides quickly which rows are certainly valid and what their values are. A cell in the
usual form (an 18-character ID number with its check character, ISO dates, listed codes or labels,
``true``/``false``/``是``/``否`` …, whole numbers in range, region codes) is checked here; a row with any
other cell — an error, a date written the way Excel writes it, a 15-digit ID number, a typed cell of an
XLSX or Parquet file, an unreadable line — goes through the row parser, so every error and every
accepted spelling stays exactly what the row parser says.

A simple CSV file (UTF-8, no quotes, every line as wide as the header) is split straight into columns
(:func:`simple_csv_frame`); any other file is read by :mod:`yanglao.core.records_io` row by row and its
rows are gathered into columns here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import polars as pl

from yanglao.core import person as spec
from yanglao.core.idnumber import CHECK_CHARS, WEIGHTS
from yanglao.core.records_io import ReadLimits, Source
from yanglao.core.records_io.base import map_header
from yanglao.registry.models import EXTRA_FIELDS

DTYPES: dict[str, Any] = {"bool": pl.Boolean, "date": pl.Date, "int": pl.Int64}
KINDS: dict[str, str] = (
    {f.name: f.kind for f in spec.FIELDS}
    | {
        "spouse_id_number": "spouse",
        "phone": "phone",
        "emergency_contact_phone": "phone",
    }
    | {n: "text" for n in EXTRA_FIELDS if n not in ("spouse_id_number", "phone", "emergency_contact_phone")}
)
_DIGITS18 = r"^[0-9]{17}[0-9X]$"
_TRUE = sorted(spec.TRUE_WORDS)
_FALSE = sorted(spec.FALSE_WORDS)
_CODES = {name: spec._CODE_LOOKUP[name] for name in spec._CODE_LOOKUP}


def dtype(name: str) -> Any:
    """The Polars type of a parsed column."""
    return DTYPES.get(KINDS[name], pl.String)


def typed_schema(columns: Sequence[str]) -> dict[str, Any]:
    """The schema of checked rows: the line, then each column parsed (birth date and sex always)."""
    names = list(dict.fromkeys(["id_number", *columns, "birth_date", "sex"]))
    return {"line": pl.Int64, **{n: dtype(n) for n in names}}


def _id_ok(v: pl.Expr) -> pl.Expr:
    """An 18-character ID number whose check character, birth date (not before 1880) are right."""
    total = pl.lit(0, pl.Int64)
    for i, weight in enumerate(WEIGHTS):
        total = total + v.str.slice(i, 1).cast(pl.Int64, strict=False) * weight
    check = pl.lit(list(CHECK_CHARS)).list.get(total % 11, null_on_oob=True)
    birth = v.str.slice(6, 8).str.to_date("%Y%m%d", strict=False)
    return v.str.contains(_DIGITS18) & (v.str.slice(17, 1) == check) & (birth.dt.year() >= 1880)


def _column(name: str, raw: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(parsed value, cell in the usual form) of one column."""
    kind = KINDS[name]
    stripped = raw.str.strip_chars()
    empty = stripped.is_null() | (stripped == "")
    v = pl.when(empty).then(None).otherwise(stripped)
    if kind in ("text",):
        return v, pl.lit(True)
    if kind == "id":
        return v, ~empty & _id_ok(v).fill_null(False)
    if kind == "spouse":
        return v, empty | _id_ok(v).fill_null(False)
    if kind == "phone":
        return v, empty | v.str.contains(r"^[0-9 \-]*[0-9][0-9 \-]*$").fill_null(False)
    if kind == "region":
        return v, empty | v.str.contains(r"^[0-9]{6}([0-9]{6})?$").fill_null(False)
    if kind == "bool":
        low = v.str.to_lowercase()
        value = pl.when(low.is_in(_TRUE)).then(True).when(low.is_in(_FALSE)).then(False).otherwise(None)
        return value, empty | value.is_not_null()
    if kind == "date":
        iso = v.str.contains(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$").fill_null(False)
        value = pl.when(iso).then(v.str.to_date("%Y-%m-%d", strict=False)).otherwise(None)
        return value, empty | value.is_not_null()
    if kind == "int":
        fld = spec.FIELD_BY_NAME[name]
        plain = v.str.contains(r"^[0-9]{1,6}$").fill_null(False)
        value = pl.when(plain).then(v.cast(pl.Int64, strict=False)).otherwise(None)
        least = fld.minimum if fld.minimum is not None else 0
        most = fld.maximum if fld.maximum is not None else 999999
        return value, empty | (value.is_not_null() & value.is_between(least, most))
    if kind == "code":
        value = v.replace_strict(_CODES[name], default=None, return_dtype=pl.String)
        return value, empty | value.is_not_null()
    raise ValueError(kind)


def check_frame(raw: pl.DataFrame, columns: Sequence[str]) -> tuple[pl.DataFrame, pl.Series]:
    """``raw`` (``line`` and the file's columns as text) parsed: the typed rows and which rows are
    certainly valid. Rows not marked valid must go through the row parser."""
    values: list[pl.Expr] = []
    oks: list[pl.Expr] = []
    for name in columns:
        value, ok = _column(name, pl.col(name))
        values.append(value.alias(name))
        oks.append(ok)
    ident = pl.col("id_number")
    derived_birth = ident.str.slice(6, 8).str.to_date("%Y%m%d", strict=False)
    odd = ident.str.slice(16, 1).cast(pl.Int64, strict=False) % 2 == 1
    derived_sex = pl.when(odd).then(pl.lit("1")).otherwise(pl.lit("2"))
    frame = raw.select(
        pl.col("line").cast(pl.Int64),
        *values,
        (pl.all_horizontal(oks) if oks else pl.lit(False)).alias("__ok__"),
    )
    agree = pl.lit(True)
    if "birth_date" in columns:
        agree = agree & (pl.col("birth_date").is_null() | (pl.col("birth_date") == derived_birth))
    if "sex" in columns:
        agree = agree & (pl.col("sex").is_null() | (pl.col("sex") == derived_sex))
    frame = frame.with_columns((pl.col("__ok__") & agree.fill_null(False)).alias("__ok__"))
    frame = frame.with_columns(birth_date=derived_birth, sex=derived_sex)
    schema = typed_schema(columns)
    frame = frame.select([pl.col(n).cast(t) for n, t in schema.items()] + [pl.col("__ok__")])
    return frame.drop("__ok__"), frame.get_column("__ok__")


def simple_csv_frame(
    path: Path, src: Source, aliases: Mapping[str, str], limits: ReadLimits
) -> pl.DataFrame | None:
    """The rows of a simple CSV file as text columns (``line`` first), or None when the file is not
    simple (quotes, another encoding, lone carriage returns, NUL bytes, a line of another width, a
    cell over the limit, more rows than allowed): the row reader takes those."""
    if src.fmt != "csv" or src.encoding not in ("utf-8", "utf-8-sig"):
        return None
    data = path.read_bytes()
    if b'"' in data or b"\x00" in data or data.count(b"\r") != data.count(b"\r\n"):
        return None
    text = data.decode("utf-8-sig")
    lines = text.replace("\r\n", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    header = lines[0]
    delimiter = "\t" if "\t" in header and "," not in header else ","
    mapped, _ = map_header(header.split(delimiter), aliases, ("id_number",))
    width = len(mapped)
    if width != len(header.split(delimiter)) or len(lines) - 1 > limits.max_rows:
        return None
    body = pl.DataFrame({"text": lines[1:]}).with_row_index("line", offset=2)
    blank = pl.col("text").str.replace_all(r"[\s" + ("\\t" if delimiter == "\t" else ",") + "]", "") == ""
    body = body.filter(~blank)
    cells = pl.col("text").str.split(delimiter)
    body = body.with_columns(cells.alias("cells"))
    if body.height == 0 or (body.get_column("cells").list.len() != width).any():
        return None
    out = body.select(
        pl.col("line").cast(pl.Int64),
        *[pl.col("cells").list.get(i).alias(name) for i, name in enumerate(mapped) if name is not None],
    )
    longest = (
        out.select(pl.col(n).str.len_chars().max() for n in out.columns[1:]).row(0) if out.width > 1 else ()
    )
    if any(n is not None and n > limits.max_field_chars for n in longest):
        return None
    return out


def rows_frame(
    rows: Iterable[tuple[int, dict[str, Any]]], columns: Sequence[str]
) -> tuple[pl.DataFrame, list[dict[str, Any]], list[tuple[int, dict[str, Any]]]]:
    """Rows of the row reader gathered into text columns; rows with anything but text cells (a marker
    of an unreadable line, an unknown JSON key, a typed cell) are returned apart for the row parser."""
    lines: list[int] = []
    kept: list[dict[str, Any]] = []
    apart: list[tuple[int, dict[str, Any]]] = []
    for line, row in rows:
        if (
            not columns
            or any(k.startswith("__") for k in row)
            or not all(v is None or type(v) is str for v in row.values())
        ):
            apart.append((line, row))
            continue
        lines.append(line)
        kept.append(row)
    data: dict[str, Any] = {"line": pl.Series(lines, dtype=pl.Int64)}
    for name in columns:
        data[name] = pl.Series([row.get(name) for row in kept], dtype=pl.String)
    return pl.DataFrame(data), kept, apart
