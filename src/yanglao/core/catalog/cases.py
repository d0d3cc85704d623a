"""YAML test cases beside each catalogue (``cases.yaml``): read them strictly and run them.

A case names a date, a person (person-record fields) and the items expected to be granted — the list is
exhaustive: any other item granted fails the case — with their amounts where given, and optionally items
expected not to be granted (with the status and a part of the reason).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from yanglao.core.catalog.decision import Decision, ItemDecision
from yanglao.core.catalog.evaluate import evaluate
from yanglao.core.catalog.loader import load_catalog, root_dir
from yanglao.core.catalog.model import PAYEES, Catalog
from yanglao.core.catalog.yamlio import (
    At,
    MarkedDict,
    boolean,
    date_value,
    mapping,
    number,
    read_yaml,
    sequence,
    text,
)
from yanglao.core.person import FIELD_BY_NAME, Record, derive_defaults, parse_record

STATUSES = ("not_granted", "excluded", "not_evaluable")


@dataclass(frozen=True)
class Expected:
    no: str
    amount: Decimal | None = None
    check_amount: bool = False
    parts: dict[str, Decimal | None] | None = None  # part code → amount (None: amount not checked)
    parts_amounts: bool = False
    status: str | None = None
    reason: str | None = None
    payee: str | None = None  # "person" | "institution" (checked when given)
    placeholder: bool | None = None  # the amount rests on an example figure (checked when given)


@dataclass(frozen=True)
class CatalogCase:
    name: str
    on: dt.date
    person: Record
    options: dict[str, bool]
    granted: tuple[Expected, ...]
    not_granted: tuple[Expected, ...]
    where: str  # "file:line"


def _amount(value: object, at: At) -> Decimal | None:
    return None if value is None else number(value, at)


def _expected(raw: object, at: At, catalog: Catalog, *, granted: bool) -> Expected:
    if isinstance(raw, str | int) and not isinstance(raw, bool):
        data = MarkedDict(no=str(raw))
        data.key_lines = {}
    else:
        keys = ("amount", "parts", "reason", "payee", "placeholder") if granted else ("status", "reason")
        data = mapping(raw, at, required=("no",), optional=keys)
    no = text(data["no"], at.key("no", data))
    try:
        item = catalog.item(no)
    except KeyError:
        raise at.key("no", data).error(f"清单 {catalog.code} 没有第“{no}”项") from None
    parts: dict[str, Decimal | None] | None = None
    parts_amounts = False
    if "parts" in data:
        p_at = at.key("parts", data)
        codes = {b.code for b in item.benefits} if item.has_parts else set()
        if isinstance(data["parts"], dict):
            parts_amounts = True
            parts = {str(k): _amount(v, p_at.key(str(k), data["parts"])) for k, v in data["parts"].items()}
        else:
            raw_parts = sequence(data["parts"], p_at)
            parts = {text(v, p_at.index(i, raw_parts)): None for i, v in enumerate(raw_parts)}
        for code in parts:
            if code not in codes:
                raise p_at.error(
                    f"第{no}项没有分项“{code}”，可用：{'、'.join(sorted(codes)) or '（无分项）'}"
                )
    status = None
    if data.get("status") is not None:
        status = text(data["status"], at.key("status", data))
        if status not in STATUSES:
            raise at.key("status", data).error(f"未知状态“{status}”，可用：{'、'.join(STATUSES)}")
    return Expected(
        no=no,
        amount=_amount(data.get("amount"), at.key("amount", data)),
        check_amount="amount" in data,
        parts=parts,
        parts_amounts=parts_amounts,
        status=status,
        reason=text(data["reason"], at.key("reason", data)) if data.get("reason") is not None else None,
        payee=_payee(data, at),
        placeholder=boolean(data["placeholder"], at.key("placeholder", data))
        if data.get("placeholder") is not None
        else None,
    )


def _payee(data: MarkedDict, at: At) -> str | None:
    if data.get("payee") is None:
        return None
    payee = text(data["payee"], at.key("payee", data))
    if payee not in PAYEES:
        raise at.key("payee", data).error(f"未知的领取方“{payee}”，可用：{'、'.join(PAYEES)}")
    return payee


def load_cases(catalog: Catalog, root: Path | None = None) -> list[CatalogCase]:
    path = root_dir(root) / catalog.code / "cases.yaml"
    at = At(str(path))
    if not path.exists():
        return []
    data = mapping(read_yaml(path), at, required=("cases",))
    cases_at = at.key("cases", data)
    raw_cases = sequence(data["cases"], cases_at)
    out: list[CatalogCase] = []
    for i, raw in enumerate(raw_cases):
        here = cases_at.index(i, raw_cases)
        case = mapping(
            raw,
            here,
            required=("name", "date", "person", "granted"),
            optional=("options", "not_granted", "notes"),
        )
        p_at = here.key("person", case)
        person_raw = mapping(case["person"], p_at, free=True)
        for key in person_raw:
            if key not in FIELD_BY_NAME:
                raise p_at.key(str(key), person_raw).error(f"未知字段“{key}”")
        record, errors = parse_record(person_raw)
        if errors:
            raise p_at.key(errors[0].field, person_raw).error(errors[0].reason)
        options_raw = mapping(case.get("options") or {}, here.key("options", case), free=True)
        options = {
            str(k): boolean(v, here.key("options", case).key(str(k), options_raw))
            for k, v in options_raw.items()
        }
        for name in options:
            if name not in catalog.options:
                raise here.key("options", case).key(name).error(f"清单没有地方选项“{name}”")
        g_at = here.key("granted", case)
        granted_raw = sequence(case["granted"] or [], g_at)
        n_at = here.key("not_granted", case)
        not_raw = sequence(case.get("not_granted") or [], n_at)
        out.append(
            CatalogCase(
                name=text(case["name"], here.key("name", case)),
                on=date_value(case["date"], here.key("date", case)),
                person=derive_defaults(record),
                options=options,
                granted=tuple(
                    _expected(r, g_at.index(j, granted_raw), catalog, granted=True)
                    for j, r in enumerate(granted_raw)
                ),
                not_granted=tuple(
                    _expected(r, n_at.index(j, not_raw), catalog, granted=False)
                    for j, r in enumerate(not_raw)
                ),
                where=f"{path}:{here.line}",
            )
        )
    return out


def _money(value: Decimal | None) -> str:
    return "无" if value is None else f"{value.quantize(Decimal('0.01'))}"


def _check_granted(exp: Expected, got: ItemDecision) -> list[str]:
    problems: list[str] = []
    if not got.granted:
        return [f"第{exp.no}项 应可享受，实际为 {got.status}：{got.reason}"]
    if exp.check_amount and got.amount != (
        exp.amount.quantize(Decimal("0.01")) if exp.amount is not None else None
    ):
        problems.append(
            f"第{exp.no}项 金额应为 {_money(exp.amount)}，实际为 {_money(got.amount)}（{got.amount_text}）"
        )
    if exp.parts is not None:
        granted_parts = {p.code: p for p in got.parts if p.granted}
        if set(granted_parts) != set(exp.parts):
            problems.append(
                f"第{exp.no}项 应享受的分项为 {sorted(exp.parts)}，实际为 {sorted(granted_parts)}"
                + "".join(
                    f"；{p.code}：{p.reason}" for p in got.parts if p.code in exp.parts and not p.granted
                )
            )
        elif exp.parts_amounts:
            for code, amount in exp.parts.items():
                want = amount.quantize(Decimal("0.01")) if amount is not None else None
                got_amount = granted_parts[code].amount
                if got_amount != want:
                    problems.append(
                        f"第{exp.no}项 分项 {code} 金额应为 {_money(amount)}，实际为 {_money(got_amount)}"
                    )
    if exp.reason is not None and exp.reason not in got.reason:
        problems.append(f"第{exp.no}项 理由应包含“{exp.reason}”，实际为：{got.reason}")
    if exp.payee is not None and got.payee != exp.payee:
        problems.append(f"第{exp.no}项 领取方应为 {exp.payee}，实际为 {got.payee}")
    if exp.placeholder is not None and got.placeholder != exp.placeholder:
        problems.append(
            f"第{exp.no}项 示例值标记应为 {exp.placeholder}，实际为 {got.placeholder}（{got.amount_text}）"
        )
    return problems


def check_case(catalog: Catalog, case: CatalogCase) -> tuple[Decision, list[str]]:
    """Run one case; the list of problems is empty when the case passes."""
    decision = evaluate(catalog, case.person, case.on, case.options)
    problems: list[str] = []
    by_no = {d.no: d for d in decision.items}
    expected_nos = {e.no for e in case.granted}
    for exp in case.granted:
        if exp.no not in by_no:
            problems.append(f"第{exp.no}项 在 {case.on} 不在清单中")
            continue
        problems.extend(_check_granted(exp, by_no[exp.no]))
    for got in decision.items:
        if got.granted and got.no not in expected_nos:
            problems.append(f"第{got.no}项 {got.name} 不应享受，实际可享受：{got.reason}")
    for exp in case.not_granted:
        got_item = by_no.get(exp.no)
        if got_item is None:
            continue
        if got_item.granted:
            problems.append(f"第{exp.no}项 应不享受，实际可享受")
        if exp.status is not None and got_item.status != exp.status:
            problems.append(f"第{exp.no}项 状态应为 {exp.status}，实际为 {got_item.status}")
        if exp.reason is not None and exp.reason not in got_item.reason:
            problems.append(f"第{exp.no}项 理由应包含“{exp.reason}”，实际为：{got_item.reason}")
    return decision, problems


def run_cases(code: str, root: Path | None = None) -> list[tuple[CatalogCase, list[str]]]:
    catalog = load_catalog(code, root)
    return [(case, check_case(catalog, case)[1]) for case in load_cases(catalog, root)]
