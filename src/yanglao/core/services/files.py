"""The file interface of the three-way match: CSV, XLSX or Parquet files with fixed column names (more
columns allowed) read into the typed frames of :mod:`yanglao.core.services.match`, every bad cell a row
error (``第N行 字段：原因``), never a failure of the whole file.

- plans: ``id_number, service, units_per_month, provider, start, end``
- claims: ``claim_line, provider, id_number, service, date, units, amount``
- checkins: ``provider, worker, id_number, service, start, end`` (timestamps ``YYYY-MM-DD HH:MM``)
- stays (optional): ``id_number, kind, start, end`` (kind ``care_home``/养老机构 or ``hospital``/住院)
- settled (optional): claim lines paid before: ``claim_line`` (with ``status``: only ``payable`` ones),
  CSV/XLSX or the JSON Lines output of an earlier run
- persons (optional): the person-record format, read by :func:`yanglao.core.engine.read_persons`

Line numbers: the header is line 1 and the first data row line 2 (for CSV the record number plus one,
which is the physical line unless a quoted cell spans lines).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from yanglao.core.idnumber import CHECK_CHARS, WEIGHTS, IdNumberError, parse_id_number
from yanglao.core.records_io.base import RowError
from yanglao.core.records_io.text import detect_encoding
from yanglao.core.services.match import SAMPLE_SCALE, STAY_KINDS

LINE = "__line"
COLUMNS = {
    "plans": ("id_number", "service", "units_per_month", "provider", "start", "end"),
    "claims": ("claim_line", "provider", "id_number", "service", "date", "units", "amount"),
    "checkins": ("provider", "worker", "id_number", "service", "start", "end"),
    "stays": ("id_number", "kind", "start", "end"),
    "settled": ("claim_line",),
}
OPTIONAL = {"plans": ("end",), "stays": ("end",)}
LABELS = {
    "claim_line": "明细号",
    "provider": "服务机构",
    "worker": "服务人员",
    "id_number": "公民身份号码",
    "service": "服务代码",
    "date": "服务日期",
    "units": "数量",
    "amount": "金额",
    "units_per_month": "每月数量",
    "start": "开始",
    "end": "结束",
    "kind": "类别",
}
_NUMBER = r"^\d{1,9}(\.\d{1,2})?$"


class InputError(ValueError):
    """A file cannot be used at all (missing, unknown type, a required column missing)."""


@dataclass
class Table:
    frame: pl.DataFrame
    errors: list[RowError]


def read_raw(path: Path) -> pl.DataFrame:
    """Every column as text, plus the line number ``__line``."""
    suffix = path.suffix.lower()
    if not path.exists():
        raise InputError(f"文件不存在：{path}")
    if suffix in (".csv", ".txt"):
        encoding = detect_encoding(path)
        data = path.read_bytes()
        if encoding.replace("-", "").lower() not in ("utf8", "utf8sig", "ascii"):
            data = data.decode(encoding).encode("utf-8")
        frame = pl.read_csv(
            io.BytesIO(data), infer_schema=False, encoding="utf8-lossy", truncate_ragged_lines=True
        )
    elif suffix == ".xlsx":
        frame = _read_xlsx(path)
    elif suffix == ".parquet":
        frame = pl.read_parquet(path)
        frame = frame.with_columns(
            [pl.col(n).dt.strftime("%Y-%m-%d %H:%M") for n, t in frame.schema.items() if t == pl.Datetime]
            + [pl.col(n).cast(pl.String) for n, t in frame.schema.items() if t != pl.Datetime]
        )
    elif suffix in (".jsonl", ".ndjson"):
        frame = pl.read_ndjson(path, infer_schema_length=None)
        frame = frame.with_columns(
            [pl.col(n).cast(pl.String) for n, t in frame.schema.items() if t != pl.List]
        )
    else:
        raise InputError(f"不支持的文件类型“{path.suffix}”：请使用 CSV、XLSX 或 Parquet")
    frame = frame.rename({n: n.strip().lstrip("\ufeff") for n in frame.columns})
    return frame.with_row_index(LINE, offset=2).with_columns(pl.col(LINE).cast(pl.Int64))


def _read_xlsx(path: Path) -> pl.DataFrame:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        rows = book.active.iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
        columns: list[list[str | None]] = [[] for _ in header]
        for cells in rows:
            for i in range(len(header)):
                columns[i].append(_cell(cells[i] if i < len(cells) else None))
    finally:
        book.close()
    return pl.DataFrame(
        {h or f"列{i + 1}": c for i, (h, c) in enumerate(zip(header, columns, strict=True))},
        schema={h or f"列{i + 1}": pl.String for i, h in enumerate(header)},
    )


def _cell(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return (
            value.strftime("%Y-%m-%d %H:%M")
            if (value.hour, value.minute) != (0, 0)
            else value.date().isoformat()
        )
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _require(frame: pl.DataFrame, kind: str, path: Path) -> pl.DataFrame:
    optional = OPTIONAL.get(kind, ())
    missing = [c for c in COLUMNS[kind] if c not in frame.columns and c not in optional]
    if missing:
        raise InputError(f"{path.name}：缺少列 {', '.join(missing)}（应有：{', '.join(COLUMNS[kind])}）")
    return frame.with_columns(
        [pl.lit(None, pl.String).alias(c) for c in optional if c not in frame.columns]
    ).with_columns([pl.col(c).str.strip_chars().replace("", None) for c in COLUMNS[kind]])


class Checker:
    """Collects the row errors of one file column by column, vectorised."""

    def __init__(self, frame: pl.DataFrame) -> None:
        self.frame = frame
        self.errors: list[RowError] = []
        self.bad = pl.Series([False] * frame.height)

    def flag(self, mask: pl.Series, field: str, reason: str | pl.Series) -> None:
        mask = mask.fill_null(False)
        lines = self.frame[LINE].filter(mask).to_list()
        reasons = [reason] * len(lines) if isinstance(reason, str) else reason.filter(mask).to_list()
        self.errors.extend(
            RowError(line, LABELS.get(field, field), r) for line, r in zip(lines, reasons, strict=True)
        )
        self.bad = self.bad | mask

    def required(self, fields: Sequence[str]) -> None:
        for name in fields:
            self.flag(self.frame[name].is_null(), name, "不能为空")

    def number(self, name: str, *, positive: bool) -> pl.Series:
        """Hundredths (fen, or a hundredth of a unit) of a decimal with at most 2 places."""
        raw = self.frame[name]
        ok = raw.str.contains(_NUMBER)
        self.flag(raw.is_not_null() & ~ok, name, "应为数（最多 2 位小数），实际为“{}”")
        parts = raw.str.split_exact(".", 1)
        whole = parts.struct.field("field_0").cast(pl.Int64, strict=False)
        frac = parts.struct.field("field_1").fill_null("").str.pad_end(2, "0").cast(pl.Int64, strict=False)
        value = pl.select(
            pl.when(pl.lit(ok)).then(pl.lit(whole) * 100 + pl.lit(frac).fill_null(0))
        ).to_series()
        if positive:
            self.flag(ok & (value <= 0), name, "应大于 0")
        return value

    def date(self, name: str) -> pl.Series:
        raw = self.frame[name]
        value = raw.str.strptime(pl.Date, "%Y-%m-%d", strict=False)
        self.flag(raw.is_not_null() & value.is_null(), name, "应为日期 YYYY-MM-DD")
        return value

    def timestamp(self, name: str) -> pl.Series:
        """``YYYY-MM-DD HH:MM`` (seconds, if written, are dropped: check-ins count whole minutes)."""
        raw = self.frame[name]
        shape = raw.str.len_chars().is_in([16, 19]) & (
            raw.str.len_chars().eq(16) | raw.str.contains(r":\d\d$")
        )
        value = raw.str.slice(0, 16).str.strptime(pl.Datetime("us"), "%Y-%m-%d %H:%M", strict=False)
        value = pl.select(pl.when(pl.lit(shape)).then(pl.lit(value))).to_series()
        self.flag(raw.is_not_null() & value.is_null(), name, "应为时间 YYYY-MM-DD HH:MM")
        return value

    def id_number(self, name: str = "id_number") -> None:
        """Each distinct number checked once: those a vectorised check finds valid (18 characters, the
        check character, a birth date from 1880) are not parsed again one by one in Python."""
        raw = self.frame[name]
        distinct = raw.drop_nulls().unique()
        problems: dict[str, str] = {}
        for value in distinct.filter(~valid_id_numbers(distinct)).to_list():
            try:
                parse_id_number(value)
            except IdNumberError as exc:
                problems[value] = str(exc) or "公民身份号码无效"
        if problems:
            mask = raw.is_in(list(problems))
            self.flag(mask, name, raw.replace_strict(problems, default=None, return_dtype=pl.String))


def valid_id_numbers(values: pl.Series) -> pl.Series:
    """True where an 18-character ID number is valid as :func:`parse_id_number` would find it (the shape,
    the check character of GB 11643-1999, a birth date from 1880); False means "ask the parser" (it may
    still be a valid 15-digit or lower-case number, or it gives the reason)."""
    frame = pl.DataFrame({"v": values.cast(pl.String)})
    digits = [pl.col("v").str.slice(i, 1).cast(pl.Int64, strict=False) for i in range(17)]
    total = pl.sum_horizontal([d * w for d, w in zip(digits, WEIGHTS, strict=True)])
    check = (total % 11).replace_strict(dict(enumerate(CHECK_CHARS)), default=None, return_dtype=pl.String)
    birth = pl.col("v").str.slice(6, 8).str.strptime(pl.Date, "%Y%m%d", strict=False)
    ok = (
        pl.col("v").str.contains(r"^\d{17}[\dX]$")
        & (pl.col("v").str.slice(17, 1) == check)
        & birth.is_not_null()
        & (birth.dt.year() >= 1880)
    )
    return frame.select(ok.fill_null(False)).to_series()


def _fix_reasons(errors: list[RowError], frame: pl.DataFrame) -> list[RowError]:
    """Fills the ``{}`` of a reason with the cell as written."""
    wanted = [e.line for e in errors if "{}" in e.reason]
    if not wanted:
        return errors
    by_line = {line: i for i, line in enumerate(frame[LINE].to_list())}
    reverse = {v: k for k, v in LABELS.items()}
    out = []
    for e in errors:
        if "{}" in e.reason:
            cell = frame[reverse.get(e.field, e.field)][by_line[e.line]]
            out.append(RowError(e.line, e.field, e.reason.replace("{}", str(cell)[:40])))
        else:
            out.append(e)
    return out


def read_claims(
    path: Path, month: dt.date, seed: int = 0
) -> tuple[pl.DataFrame, pl.DataFrame, list[RowError]]:
    """(the valid lines for the match, the claim lines of rows with errors, the errors)."""
    raw = _require(read_raw(path), "claims", path)
    check = Checker(raw)
    check.required(COLUMNS["claims"])
    check.id_number()
    day = check.date("date")
    end = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    check.flag(day.is_not_null() & ((day < month) | (day >= end)), "date", f"不在结算月份 {month:%Y-%m} 内")
    units = check.number("units", positive=True)
    amount = check.number("amount", positive=False)
    frame = raw.select(
        pl.col(LINE).alias("row"),
        "claim_line",
        "provider",
        "id_number",
        "service",
    ).with_columns(
        date=day, units_c=units, amount_fen=amount, sample_key=sample_keys(raw["claim_line"], seed)
    )
    bad = check.bad
    valid = frame.filter(~bad)
    rejected = frame.filter(bad & pl.col("claim_line").is_not_null()).select("row", "claim_line")
    return valid, rejected, _fix_reasons(check.errors, raw)


def read_plans(path: Path) -> tuple[pl.DataFrame, list[RowError]]:
    raw = _require(read_raw(path), "plans", path)
    check = Checker(raw)
    check.required(("id_number", "service", "units_per_month", "provider", "start"))
    check.id_number()
    units = check.number("units_per_month", positive=True)
    start, end = check.date("start"), check.date("end")
    check.flag(start.is_not_null() & end.is_not_null() & (end < start), "end", "结束日期早于开始日期")
    frame = raw.select("id_number", "service", "provider").with_columns(
        plan_units_c=units, start=start, end=end
    )
    return frame.filter(~check.bad), _fix_reasons(check.errors, raw)


def read_checkins(path: Path) -> tuple[pl.DataFrame, list[RowError]]:
    """Valid rows; a check-out before the check-in or longer than 24 hours is reported and kept (the
    match then holds the lines of that day as an impossible time)."""
    raw = _require(read_raw(path), "checkins", path)
    check = Checker(raw)
    check.required(COLUMNS["checkins"])
    check.id_number()
    start, end = check.timestamp("start"), check.timestamp("end")
    frame = raw.select(pl.col(LINE).alias("krow"), "provider", "worker", "id_number", "service").with_columns(
        start=start, end=end
    )
    valid = frame.filter(~check.bad)
    errors = _fix_reasons(check.errors, raw)
    impossible = valid.filter(
        (pl.col("end") <= pl.col("start")) | (pl.col("end") - pl.col("start") > pl.duration(hours=24))
    )
    errors.extend(
        RowError(line, LABELS["end"], "签退时间不晚于签到时间或超过 24 小时：该日的申报明细将暂缓")
        for line in impossible["krow"].to_list()
    )
    return valid, errors


def read_stays(path: Path) -> tuple[pl.DataFrame, list[RowError]]:
    raw = _require(read_raw(path), "stays", path)
    check = Checker(raw)
    check.required(("id_number", "kind", "start"))
    check.id_number()
    names = {**{k: k for k in STAY_KINDS}, **{v: k for k, v in STAY_KINDS.items()}}
    kind = raw["kind"].replace_strict(names, default=None, return_dtype=pl.String)
    check.flag(
        raw["kind"].is_not_null() & kind.is_null(), "kind", "应为 care_home（养老机构）或 hospital（住院）"
    )
    start, end = check.date("start"), check.date("end")
    frame = raw.select("id_number").with_columns(kind=kind, start=start, end=end)
    return frame.filter(~check.bad), _fix_reasons(check.errors, raw)


def read_settled(path: Path) -> pl.DataFrame:
    raw = read_raw(path)
    if "claim_line" not in raw.columns:
        raise InputError(f"{path.name}：缺少列 claim_line")
    if "status" in raw.columns:
        raw = raw.filter(pl.col("status") == "payable")
    return raw.select(pl.col("claim_line").cast(pl.String)).drop_nulls().unique()


def sample_keys(lines: pl.Series, seed: int) -> pl.Series:
    """A number 0 … SAMPLE_SCALE-1 per claim line, from the line and the seed only (so a line is in the
    sample or not whatever else the file holds, and on every engine)."""
    salted = hashlib.blake2b(f"{seed}:".encode(), digest_size=8)  # the same digest as of salt + line
    keys = [None if line is None else _key(salted, line) for line in lines.to_list()]
    return pl.Series("sample_key", keys, dtype=pl.Int64)


def _key(salted: hashlib.blake2b, line: str) -> int:
    h = salted.copy()
    h.update(line.encode())
    return int.from_bytes(h.digest(), "big") % SAMPLE_SCALE


def errors_jsonl(errors: list[RowError]) -> str:
    return "".join(json.dumps(e.as_dict(), ensure_ascii=False) + "\n" for e in errors)
