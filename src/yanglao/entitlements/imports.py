"""Importing what people are recorded as receiving, from a paying department's file.

``yanglao import enrolments FILE --source NAME``: CSV (UTF-8 or GB18030), XLSX, JSON Lines or
Parquet, read by :func:`yanglao.core.records_io.open_source`. Columns (English or Chinese headers):
``id_number, catalog, item_no or service_code, amount, start, end, bank, account_number,
holder_name``. A bad row is reported (line, field, reason) and left out; the good rows are kept, all in
one transaction. An enrolment is identified by (person, list, item, start): importing the same file
again changes nothing. An enrolment that staff have stopped is never reopened by an import.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from yanglao.audit.log import audit
from yanglao.audit.models import Action
from yanglao.core.idnumber import IdNumberError, parse_id_number
from yanglao.core.records_io import RowError, open_source
from yanglao.entitlements import catalogs
from yanglao.entitlements.accounts import ACCOUNT, history_of
from yanglao.entitlements.models import (
    Enrolment,
    EnrolmentSource,
    EnrolmentStatus,
    PayeeAccount,
    PayeeAccountHistory,
)
from yanglao.registry.models import Person

COLUMNS: dict[str, tuple[str, ...]] = {
    "id_number": ("公民身份号码", "身份证号", "身份证号码"),
    "catalog": ("清单", "清单代码"),
    "item_no": ("清单序号", "序号", "项目序号"),
    "service_code": ("服务代码", "项目代码"),
    "amount": ("金额", "标准", "发放标准", "金额（元）"),
    "start": ("起始日期", "开始日期", "享受起始日期"),
    "end": ("停止日期", "结束日期", "享受停止日期"),
    "bank": ("开户银行", "银行"),
    "account_number": ("账号", "银行账号"),
    "holder_name": ("户名", "账户名"),
}
HEADER_FIELDS: tuple[str, ...] = tuple(COLUMNS)
ALIASES: dict[str, str] = {a: name for name, extra in COLUMNS.items() for a in (name, *extra)}
MAX_AMOUNT = Decimal("1000000")
CHUNK = 2000
# bulk_update writes one CASE per field over the whole batch: its cost grows with the square of the
# batch, so changed enrolments are updated in small batches.
UPDATE_BATCH = 200
NOT_FOUND = "老年人信息库中没有此人，请先导入人员信息"
NOT_OURS = "本辖区老年人信息库中没有此人"


@dataclass
class EnrolmentImport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    accounts_created: int = 0
    accounts_updated: int = 0
    errors: list[RowError] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "accounts_created": self.accounts_created,
            "accounts_updated": self.accounts_updated,
            "errors": [e.as_dict() for e in self.errors],
        }


@dataclass
class Row:
    line: int
    id_number: str
    catalog: str
    item_no: str
    service_code: str
    name: str
    period: str
    amount: Decimal | None
    start: dt.date
    end: dt.date | None
    account: tuple[str, str, str] | None


class Bad(ValueError):
    def __init__(self, field_name: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field_name
        self.reason = reason


def _text(raw: Any) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


def _date(name: str, raw: Any) -> dt.date | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = _text(raw).replace("/", "-").replace(".", "-")
    if re.fullmatch(r"[0-9]{8}", text):
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise Bad(name, f"日期格式应为 YYYY-MM-DD，实际为“{text}”") from None


def _amount(raw: Any) -> Decimal | None:
    text = _text(raw).replace(",", "")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise Bad("amount", f"金额应为数字，实际为“{text}”") from None
    if not value.is_finite() or value < 0 or value > MAX_AMOUNT:
        raise Bad("amount", f"金额应在 0–{MAX_AMOUNT} 元之间，实际为“{text}”")
    if value != value.quantize(Decimal("0.01")):
        raise Bad("amount", f"金额最多两位小数，实际为“{text}”")
    return value.quantize(Decimal("0.01"))


def parse_row(raw: dict[str, Any], line: int) -> Row:
    """One row, checked; raises :class:`Bad` naming the field (the first problem of the row)."""
    for key in ("__width__", "__json__"):
        if key in raw:
            raise Bad("（整行）", str(raw[key]))
    text = _text(raw.get("id_number"))
    if not text:
        raise Bad("id_number", "缺少公民身份号码")
    try:
        ident = parse_id_number(text).value
    except IdNumberError as exc:
        raise Bad("id_number", str(exc)) from None
    code = _text(raw.get("catalog"))
    if not code:
        raise Bad("catalog", "缺少清单代码")
    if code not in catalogs.available():
        raise Bad("catalog", f"没有清单“{code}”")
    cat = catalogs.catalog(code)
    item_no, service_code = _text(raw.get("item_no")), _text(raw.get("service_code"))
    if not item_no and not service_code:
        raise Bad("item_no", "缺少清单序号或服务代码")
    item = None
    if item_no:
        try:
            item = cat.item(item_no)
        except KeyError:
            raise Bad("item_no", f"清单 {code} 没有第{item_no}项") from None
    if service_code:
        by_code = catalogs.item_by_code(cat, service_code)
        if by_code is None:
            raise Bad("service_code", f"清单 {code} 没有服务代码“{service_code}”")
        if item is not None and by_code.no != item.no:
            raise Bad(
                "service_code", f"服务代码“{service_code}”是第{by_code.no}项，与清单序号 {item_no} 不符"
            )
        item = by_code
    assert item is not None
    amount = _amount(raw.get("amount"))
    start = _date("start", raw.get("start"))
    if start is None:
        raise Bad("start", "缺少起始日期")
    end = _date("end", raw.get("end"))
    if end is not None and end < start:
        raise Bad("end", f"停止日期 {end} 早于起始日期 {start}")
    parts = [_text(raw.get(n)) for n in ("bank", "account_number", "holder_name")]
    account = None
    if any(parts):
        missing = [n for n, v in zip(("bank", "account_number", "holder_name"), parts, strict=True) if not v]
        if missing:
            raise Bad(missing[0], "开户银行、账号、户名须同时填写")
        number = parts[1].replace(" ", "")
        if not ACCOUNT.match(number):  # the one rule, in accounts.py
            raise Bad("account_number", "账号应为 8–32 位数字")
        account = (parts[0][:100], number, parts[2][:64])
    period = next((b.period for b in item.benefits if b.period), None) or ""
    return Row(
        line,
        ident,
        code,
        item.no,
        service_code or item.code,
        item.name[:100],
        period,
        amount,
        start,
        end,
        account,
    )


def read_rows(path: Path) -> tuple[list[Row], list[RowError], int]:
    source = open_source(path, ALIASES, required=("id_number", "start"), limits=settings.IMPORT_LIMITS)
    errors = list(source.header_errors)
    rows: list[Row] = []
    count = 0
    seen: dict[tuple[str, str, str, dt.date], int] = {}
    for line, raw in source.rows:
        count += 1
        whose = raw.get("id_number"), ""  # the file names no one: the ID number's last 4 characters only
        for key in raw.pop("__unknown__", ()):
            errors.append(RowError(line, key, "未知字段，该字段未导入").of_row(*whose))
        try:
            row = parse_row(raw, line)
        except Bad as exc:
            errors.append(RowError(line, exc.field, exc.reason).of_row(*whose))
            continue
        key = (row.id_number, row.catalog, row.item_no, row.start)
        if key in seen:
            duplicate = f"与第 {seen[key]} 行重复（同一人、同一项目、同一起始日期）"
            errors.append(RowError(line, "start", duplicate).of_row(*whose))
            continue
        seen[key] = line
        rows.append(row)
    return rows, errors, count


def _persons(ids: list[str], among: QuerySet[Person] | None = None) -> dict[str, tuple[int, str]]:
    out: dict[str, tuple[int, str]] = {}
    qs = Person.objects.all() if among is None else among
    for i in range(0, len(ids), CHUNK):
        for pk, ident, hukou, residence in qs.filter(id_number__in=ids[i : i + CHUNK]).values_list(
            "pk", "id_number", "hukou_region", "residence_region"
        ):
            out[ident] = (pk, hukou or residence or "")
    return out


def do_import_enrolments(
    path: Path,
    *,
    source: str,
    actor: Any = "命令行",
    as_of: dt.date | None = None,
    request: HttpRequest | None = None,
    progress: Callable[[int], None] | None = None,
    synthetic: bool = False,
    among: QuerySet[Person] | None = None,
    address: str | None = None,
) -> EnrolmentImport:
    """Import a department's enrolment file (see the module docstring). Raises FileFormatError when
    the file cannot be read at all. With ``among`` (a web user's people), a person outside it is a
    row error worded like one not in the registry at all."""
    as_of = as_of or timezone.localdate()
    rows, errors, count = read_rows(Path(path))
    result = EnrolmentImport(rows=count, errors=errors)
    with transaction.atomic():
        persons = _persons(sorted({r.id_number for r in rows}), among)
        good: list[Row] = []
        for row in rows:
            if row.id_number not in persons:
                reason = NOT_FOUND if among is None else NOT_OURS
                result.errors.append(RowError(row.line, "id_number", reason).of_row(row.id_number, ""))
            else:
                good.append(row)
        _save_enrolments(good, persons, source, Path(path).name, as_of, result, synthetic)
        _save_accounts(good, persons, result, synthetic, actor, f"{source}：{Path(path).name}")
        result.errors.sort(key=lambda e: (e.line, e.field))
        audit(
            actor,
            Action.IMPORT,
            request=request,
            address=address,
            object_type="enrolments",
            object_id=Path(path).name[:64],
            summary=f"导入享受记录“{Path(path).name}”（{source}）：新增 {result.created}，更新 {result.updated}，"
            f"无变化 {result.unchanged}，错误 {len(result.errors)}",
            detail={k: v for k, v in result.as_dict().items() if k != "errors"}
            | {"errors": len(result.errors)},
        )
    if progress:
        progress(count)
    return result


def _save_enrolments(
    rows: list[Row],
    persons: dict[str, tuple[int, str]],
    source: str,
    filename: str,
    as_of: dt.date,
    result: EnrolmentImport,
    synthetic: bool = False,
) -> None:
    pks = sorted({persons[r.id_number][0] for r in rows})
    existing: dict[tuple[int, str, str, dt.date], Enrolment] = {}
    for i in range(0, len(pks), CHUNK):
        for e in Enrolment.objects.filter(person_id__in=pks[i : i + CHUNK]):
            existing[(e.person_id, e.catalog, e.item_no, e.start)] = e
    new: list[Enrolment] = []
    changed: list[Enrolment] = []
    for row in rows:
        pk, region = persons[row.id_number]
        status = EnrolmentStatus.ENDED if row.end is not None and row.end < as_of else EnrolmentStatus.ACTIVE
        current = existing.get((pk, row.catalog, row.item_no, row.start))
        if current is None:
            new.append(
                Enrolment(
                    person_id=pk,
                    catalog=row.catalog,
                    item_no=row.item_no,
                    service_code=row.service_code,
                    name=row.name,
                    amount=row.amount,
                    period=row.period,
                    start=row.start,
                    end=row.end,
                    status=status,
                    source=EnrolmentSource.IMPORTED,
                    source_detail=f"{source}：{filename} 第 {row.line} 行"[:200],
                    region=region,
                    synthetic=synthetic,
                )
            )
            continue
        if current.status == EnrolmentStatus.ENDED and current.ended_reason:  # stopped by staff: kept
            result.unchanged += 1
            continue
        values = {"service_code": row.service_code, "amount": row.amount, "end": row.end, "status": status}
        if all(getattr(current, k) == v for k, v in values.items()):
            result.unchanged += 1
            continue
        for k, v in values.items():
            setattr(current, k, v)
        changed.append(current)
    Enrolment.objects.bulk_create(new, batch_size=CHUNK)
    Enrolment.objects.bulk_update(
        changed, ["service_code", "amount", "end", "status"], batch_size=UPDATE_BATCH
    )
    result.created += len(new)
    result.updated += len(changed)


def _save_accounts(
    rows: list[Row],
    persons: dict[str, tuple[int, str]],
    result: EnrolmentImport,
    synthetic: bool = False,
    actor: Any = "命令行",
    origin: str = "",
) -> None:
    """New accounts are added; a changed account is replaced with the old one kept in the history
    (its reason names the file and the line)."""
    wanted: dict[int, tuple[tuple[str, str, str], int]] = {}
    for row in rows:
        if row.account is None:
            continue
        pk = persons[row.id_number][0]
        if pk in wanted and wanted[pk][0] != row.account:
            result.errors.append(
                RowError(row.line, "account_number", f"同一人的发放账户与第 {wanted[pk][1]} 行不同，未采用")
            )
            continue
        wanted.setdefault(pk, (row.account, row.line))
    pks = sorted(wanted)
    existing = {
        a.person_id: a
        for i in range(0, len(pks), CHUNK)
        for a in PayeeAccount.objects.filter(person_id__in=pks[i : i + CHUNK])
    }
    new: list[PayeeAccount] = []
    changed: list[PayeeAccount] = []
    kept: list[PayeeAccountHistory] = []
    now = timezone.now()
    for pk, ((bank, number, holder), line) in wanted.items():
        current = existing.get(pk)
        if current is None:
            new.append(
                PayeeAccount(
                    person_id=pk, bank=bank, account_number=number, holder_name=holder, synthetic=synthetic
                )
            )
        elif (current.bank, current.account_number, current.holder_name) != (bank, number, holder):
            kept.append(history_of(current, actor, f"部门数据导入 {origin} 第 {line} 行", now))
            current.bank, current.account_number, current.holder_name = bank, number, holder
            changed.append(current)
    PayeeAccountHistory.objects.bulk_create(kept, batch_size=CHUNK)
    # A changed account is replaced by a new row (the old one is in the history; nothing refers to an
    # account's row): far quicker than bulk_update's CASE over thousands of rows.
    gone = [a.pk for a in changed]
    for i in range(0, len(gone), CHUNK):
        PayeeAccount.objects.filter(pk__in=gone[i : i + CHUNK]).delete()
    new += [
        PayeeAccount(
            person_id=a.person_id,
            bank=a.bank,
            account_number=a.account_number,
            holder_name=a.holder_name,
            synthetic=synthetic,
        )
        for a in changed
    ]
    PayeeAccount.objects.bulk_create(new, batch_size=CHUNK)
    result.accounts_created, result.accounts_updated = len(new) - len(changed), len(changed)
