"""The roll's files: the workbook for people (masked numbers, totals sheets) and the bank file.

The bank file is the only place where account numbers are complete. It has one row per person whose
lines add up to more than zero and who has a payee account: recovery is first offset against what the
person is owed in the same roll; a person who still owes money back, or has no account, is not in the
bank file but on the workbook's “未能代发” sheet. ID numbers are not in the bank file (the bank pays by
account and holder name).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from yanglao.core.catalog.model import LEVELS
from yanglao.core.exports import csv_writer, workbook, workbook_bytes
from yanglao.core.idnumber import mask_id_number
from yanglao.payments.models import FundHold, HoldSource, PaymentRoll

BANK_HEADER = ["序号", "户名", "账号", "开户银行", "金额（元）", "摘要"]
LINE_HEADER = [
    "序号", "乡镇（街道）", "姓名", "公民身份号码", "清单序号", "项目", "类别", "所属月份", "金额（元）",
    *LEVELS, "承担说明", "开户银行", "账号", "备注", "暂停发放",
]  # fmt: skip


@dataclass
class Payout:
    person: int
    name: str
    id_number: str
    township: str
    amount: Decimal
    bank: str
    account_number: str
    holder_name: str


def payouts(roll: PaymentRoll) -> list[Payout]:
    """Per person (in the roll's order): the net amount and the account kept on the lines."""
    out: dict[int, Payout] = {}
    rows = roll.lines.order_by("seq").values_list(
        "person_id", "name", "id_number", "township", "amount", "bank", "account_number", "holder_name"
    )
    for person, name, ident, township, amount, bank, number, holder in rows:
        entry = out.get(person)
        if entry is None:
            out[person] = Payout(person, name, ident, township, amount, bank, number, holder)
        else:
            entry.amount += amount
    return list(out.values())


def bank_csv(roll: PaymentRoll) -> tuple[bytes, int, Decimal]:
    buffer = io.StringIO()
    writer = csv_writer(buffer, lineterminator="\r\n")
    writer.writerow(BANK_HEADER)
    memo = f"{roll.month:%Y年%m月}养老补贴"
    rows, total = 0, Decimal("0.00")
    for p in payouts(roll):
        if p.amount <= 0 or not p.account_number:
            continue
        rows += 1
        total += p.amount
        writer.writerow([rows, p.holder_name or p.name, p.account_number, p.bank, f"{p.amount:.2f}", memo])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8"), rows, total


def _held(roll: PaymentRoll) -> dict[int, str]:
    """Line id → what the fund-fraud checks say of it (open holds; released ones say so)."""
    out: dict[int, list[str]] = {}
    for h in FundHold.objects.filter(source=HoldSource.PAYROLL, roll_ref=roll.pk).order_by("seq", "rule"):
        text = (
            f"已释放：{h.title}（{h.release_reason}）" if h.released else f"暂停发放：{h.title}（{h.reason}）"
        )
        out.setdefault(h.line_ref, []).append(text)
    return {line: "；".join(texts) for line, texts in out.items()}


def _line_rows(roll: PaymentRoll, names: dict[str, str]) -> Iterator[list[Any]]:
    held = _held(roll)
    for x in roll.lines.order_by("seq").iterator(chunk_size=2000):
        yield [
            x.seq,
            names.get(x.township, x.township or "乡镇不详"),
            x.name,
            mask_id_number(x.id_number),
            x.item_no,
            x.item_name,
            x.get_kind_display(),
            f"{x.service_month:%Y-%m}",
            float(x.amount),
            *[float(Decimal(x.funding[level])) if level in x.funding else None for level in LEVELS],
            x.funding_note,
            x.bank,
            x.masked_account,
            x.note,
            held.get(x.pk, ""),
        ]


def roll_xlsx(roll: PaymentRoll) -> bytes:
    from openpyxl.styles import Font

    book = workbook(write_only=True)
    bold = Font(bold=True)
    totals = roll.totals
    names = {t["code"]: t["name"] for t in totals.get("townships", [])}

    def sheet(title: str, header: list[str], rows: Any, widths: list[int] | None = None) -> None:
        ws = book.create_sheet(title)
        for index, width in enumerate(widths or []):
            ws.column_dimensions[chr(ord("A") + index)].width = width
        from openpyxl.cell import WriteOnlyCell

        head = []
        for text in header:
            c = WriteOnlyCell(ws, value=text)
            c.font = bold
            head.append(c)
        ws.append(head)
        for row in rows:
            ws.append(row)

    grand = float(Decimal(totals.get("amount", "0")))  # 合计（元）
    info = [
        ["发放表", roll.label],
        ["清单", roll.catalog],
        ["发放月份", roll.month_text],
        ["发放区划", f"{roll.region.name}（{roll.region.code}）"],
        ["状态", roll.get_state_display()],
        ["计算日期", str(roll.evaluation_day)],
        ["补发最多月数", roll.backpay_months],
        ["生成人", roll.prepared_by_name],
        ["审核人", str(roll.reviewed_by or "")],
        ["审批人", str(roll.approved_by or "")],
        ["行数", totals.get("lines", 0)],
        ["人数", totals.get("persons", 0)],
        ["合计（元）", grand],
        ["校验码", roll.digest],
        ["说明", "公民身份号码和账号已遮蔽；完整账号只在银行代发文件中。"],
    ]
    sheet("说明", ["项目", "内容"], info, [16, 80])
    sheet(
        "发放明细",
        LINE_HEADER,
        _line_rows(roll, names),
        [7, 12, 10, 20, 8, 22, 6, 9, 10, 8, 8, 8, 8, 40, 16, 22, 30, 40],
    )

    def amount(row: dict[str, Any]) -> float:
        return float(Decimal(row["amount"]))

    total_row = ["合计", "", totals.get("persons", 0), totals.get("lines", 0), grand]
    sheet(
        "按项目汇总",
        ["清单序号", "项目", "人数", "行数", "金额（元）"],
        [[r["no"], r["name"], r["persons"], r["lines"], amount(r)] for r in totals.get("items", [])]
        + [total_row],
        [10, 24, 8, 8, 14],
    )
    sheet(
        "按乡镇汇总",
        ["乡镇（街道）", "代码", "人数", "行数", "金额（元）"],
        [[r["name"], r["code"], r["persons"], r["lines"], amount(r)] for r in totals.get("townships", [])]
        + [total_row],
        [16, 14, 8, 8, 14],
    )
    levels = [[r["level"], amount(r), "按清单拆分"] for r in totals.get("levels", [])]
    levels += [["未拆分", amount(r), r["note"]] for r in totals.get("unsplit", [])]
    levels.append(["合计", grand, ""])
    sheet("按支出责任汇总", ["承担层级", "金额（元）", "说明"], levels, [10, 14, 90])
    sheet(
        "按类别汇总",
        ["类别", "行数", "金额（元）"],
        [[r["label"], r["lines"], amount(r)] for r in totals.get("kinds", [])],
        [10, 8, 14],
    )
    unpaid = [
        [names.get(p.township, p.township or "乡镇不详"), p.name, mask_id_number(p.id_number), float(p.amount),
         "待追回" if p.amount < 0 else "缺少发放账户"]
        for p in payouts(roll) if p.amount < 0 or (p.amount > 0 and not p.account_number)
    ]  # fmt: skip
    sheet(
        "未能代发",
        ["乡镇（街道）", "姓名", "公民身份号码", "净额（元）", "原因"],
        unpaid,
        [16, 10, 20, 12, 16],
    )
    sheet(
        "未列入发放",
        ["姓名", "公民身份号码", "清单序号", "项目", "月份", "原因"],
        [[s["name"], s["id"], s["item_no"], s["item"], s["month"], s["reason"]] for s in roll.skipped],
        [10, 20, 8, 22, 9, 90],
    )
    return workbook_bytes(book)
