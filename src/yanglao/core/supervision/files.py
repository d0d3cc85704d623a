"""The file interface of the fund-fraud checks (CSV or XLSX; more columns allowed, these names fixed):

- persons: the person-record format (read by :func:`yanglao.core.engine.read_persons`), with two optional
  columns the checks use: ``household`` (户编号) and ``spouse_id_number`` (配偶公民身份号码);
- payments: ``id_number, item, county, month, amount, account`` (``month`` ``YYYY-MM``, ``amount`` yuan),
  optionally ``payee`` (``institution``/养老机构 for a line paid to the care home for its resident);
- services: ``id_number, service, date, provider``;
- residents: ``id_number, facility, from, to, days_absent`` (``to`` may be empty; ``days_absent`` the days
  of the longest absence from the home that reaches into the month, counted to the return or to the
  month's end).

Every bad cell is a row error (line, field, reason) and its row is left out; the other rows are checked.
Line numbers: the header is line 1.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import polars as pl

from yanglao.core.engine import read_persons
from yanglao.core.records_io.base import RowError
from yanglao.core.services.files import LINE, Checker, InputError, read_raw

COLUMNS = {
    "payments": ("id_number", "item", "county", "month", "amount", "account"),
    "services": ("id_number", "service", "date", "provider"),
    "residents": ("id_number", "facility", "from", "to", "days_absent"),
}
OPTIONAL = {"payments": ("account",), "residents": ("to",)}
LABELS = {
    "id_number": "公民身份号码",
    "item": "服务代码",
    "county": "发放县区划代码",
    "month": "发放月份",
    "amount": "金额",
    "account": "账号",
    "payee": "收款方",
    "service": "服务代码",
    "date": "服务日期",
    "provider": "服务机构",
    "facility": "养老机构",
    "from": "入住日期",
    "to": "离开日期",
    "days_absent": "离院天数",
}

EXTRA_PERSON_COLUMNS = ("household", "spouse_id_number")

__all__ = ["InputError", "read_payments", "read_persons_file", "read_residents", "read_services"]


def _require(path: Path, kind: str) -> pl.DataFrame:
    frame = read_raw(path)
    optional = OPTIONAL.get(kind, ())
    missing = [c for c in COLUMNS[kind] if c not in frame.columns and c not in optional]
    if missing:
        raise InputError(f"{path.name}：缺少列 {', '.join(missing)}（应有：{', '.join(COLUMNS[kind])}）")
    frame = frame.with_columns([pl.lit(None, pl.String).alias(c) for c in optional if c not in frame.columns])
    return frame.with_columns([pl.col(c).str.strip_chars().replace("", None) for c in COLUMNS[kind]])


def _errors(check: Checker, raw: pl.DataFrame, path: Path) -> list[RowError]:
    """Labelled by the file and the Chinese field name; ``{}`` filled with the cell as written."""
    cells = {line: i for i, line in enumerate(raw[LINE].to_list())}
    reverse = {v: k for k, v in LABELS.items()}
    out = []
    for e in check.errors:
        text = e.reason
        if "{}" in text:
            name = reverse.get(e.field, e.field)
            text = text.replace("{}", str(raw[name][cells[e.line]])[:40])
        out.append(RowError(e.line, f"{path.name} {LABELS.get(e.field, e.field)}", text))
    return out


def read_payments(path: Path) -> tuple[pl.DataFrame, list[RowError]]:
    raw = _require(path, "payments")
    check = Checker(raw)
    check.required(("id_number", "item", "county", "month", "amount"))
    check.id_number()
    month = (raw["month"] + "-01").str.strptime(pl.Date, "%Y-%m-%d", strict=False)
    check.flag(raw["month"].is_not_null() & month.is_null(), "month", "应为月份 YYYY-MM")
    check.flag(
        raw["county"].is_not_null() & ~raw["county"].str.contains(r"^\d{6}$"),
        "county",
        "应为 6 位县级区划代码",
    )
    amount = check.number("amount", positive=False)
    frame = raw.select(pl.col(LINE).alias("line"), "id_number", "item", "county", "account").with_columns(
        month=month, amount_fen=amount
    )
    if "payee" in raw.columns:
        payee = raw["payee"].str.strip_chars().replace({"养老机构": "institution", "": None})
        check.flag(
            payee.is_not_null() & (payee != "institution"), "payee", "应为空或 institution（养老机构）"
        )
        frame = frame.with_columns(payee=payee)
    return frame.filter(~check.bad), _errors(check, raw, path)


def read_services(path: Path) -> tuple[pl.DataFrame, list[RowError]]:
    raw = _require(path, "services")
    check = Checker(raw)
    check.required(COLUMNS["services"])
    check.id_number()
    day = check.date("date")
    frame = raw.select(pl.col(LINE).alias("line"), "id_number", "service", "provider").with_columns(date=day)
    return frame.filter(~check.bad), _errors(check, raw, path)


def read_residents(path: Path) -> tuple[pl.DataFrame, list[RowError]]:
    raw = _require(path, "residents")
    check = Checker(raw)
    check.required(("id_number", "facility", "from", "days_absent"))
    check.id_number()
    start, end = check.date("from"), check.date("to")
    check.flag(start.is_not_null() & end.is_not_null() & (end < start), "to", "离开日期早于入住日期")
    days = raw["days_absent"].cast(pl.Int64, strict=False)
    check.flag(
        raw["days_absent"].is_not_null() & (days.is_null() | (days < 0) | (days > 36600)),
        "days_absent",
        "应为不小于 0 的整数天数，实际为“{}”",
    )
    frame = raw.select(pl.col(LINE).alias("line"), "id_number", "facility").with_columns(
        start=start, end=end, days_absent=days
    )
    return frame.filter(~check.bad), _errors(check, raw, path)


def read_persons_file(path: Path) -> tuple[pl.DataFrame, list[RowError]]:
    """The typed person records and their errors, with ``household`` and ``spouse_id_number``."""
    if not path.exists():
        raise InputError(f"文件不存在：{path}")
    raw = read_raw(path)
    if path.suffix.lower() == ".xlsx":
        with tempfile.TemporaryDirectory(prefix="yanglao-persons-") as tmp:
            csv = Path(tmp) / "persons.csv"
            raw.drop(LINE).write_csv(csv)
            persons, errors = read_persons(csv)
    else:
        persons, errors = read_persons(path)
    extra = raw.select(
        LINE,
        *[
            (
                pl.col(c).str.strip_chars().replace("", None) if c in raw.columns else pl.lit(None, pl.String)
            ).alias(c)
            for c in EXTRA_PERSON_COLUMNS
        ],
    )
    persons = persons.join(extra, on=LINE, how="left")
    tagged = [
        RowError(e.line, f"{path.name} {e.field}", e.reason)
        for e in errors
        if not (e.line == 1 and e.field in EXTRA_PERSON_COLUMNS)  # this interface's own columns
    ]
    return persons.drop(LINE), tagged
