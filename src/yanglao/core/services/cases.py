"""The YAML test cases beside each service catalogue (``homeservices/catalogs/<code>.cases.yaml``):
a date, a person, a service, whether the person may receive it (and why not), the co-payment
category, and for a claim (units, amount) the subsidy, the co-payment and the subsidy by level.

Every case runs through the one-person reference (:mod:`.reference`) and through the bulk match (a
one-line month on the embedded engine): both must give the expected answer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl

from yanglao.core.catalog.model import LEVELS
from yanglao.core.catalog.yamlio import At, boolean, date_value, mapping, number, read_yaml, sequence, text
from yanglao.core.engine.frames import persons_from_records
from yanglao.core.person import FIELD_BY_NAME, Record, derive_defaults, parse_record
from yanglao.core.services.catalog import CATEGORIES, SERVICE_CATALOGS, ServiceCatalog, load_services
from yanglao.core.services.reference import category, eligibility, split

CASE_KEYS = ("options", "eligible", "reason", "category", "claim", "subsidy", "copay", "by_level", "notes")


@dataclass(frozen=True)
class ServiceCase:
    name: str
    on: dt.date
    person: Record
    service: str
    options: dict[str, bool]
    eligible: bool | None
    reason: str | None
    category: str | None
    units: Decimal | None
    amount: Decimal | None
    subsidy: Decimal | None
    copay: Decimal | None
    by_level: dict[str, Decimal] | None
    where: str


def cases_path(code: str, root: Path | None = None) -> Path:
    return (root or SERVICE_CATALOGS) / f"{code}.cases.yaml"


def load_cases(catalog: ServiceCatalog, root: Path | None = None) -> list[ServiceCase]:
    path = cases_path(catalog.code, root)
    if not path.exists():
        return []
    at = At(str(path))
    data = mapping(read_yaml(path), at, required=("cases",))
    raw_cases = sequence(data["cases"], at.key("cases", data), allow_empty=False)
    services = catalog.by_code()
    out: list[ServiceCase] = []
    for i, raw in enumerate(raw_cases):
        here = at.key("cases", data).index(i, raw_cases)
        case = mapping(raw, here, required=("name", "date", "person", "service"), optional=CASE_KEYS)
        p_at = here.key("person", case)
        person_raw = mapping(case["person"], p_at, free=True)
        for key in person_raw:
            if key not in FIELD_BY_NAME:
                raise p_at.key(str(key), person_raw).error(f"未知字段“{key}”")
        record, errors = parse_record(person_raw)
        if errors:
            raise p_at.key(errors[0].field, person_raw).error(errors[0].reason)
        service = text(case["service"], here.key("service", case))
        if service not in services:
            raise here.key("service", case).error(f"服务目录没有服务“{service}”")
        options_raw = mapping(case.get("options") or {}, here.key("options", case), free=True)
        options = {str(k): boolean(v, here.key("options", case).key(str(k))) for k, v in options_raw.items()}
        cat = case.get("category")
        if cat is not None and cat not in CATEGORIES:
            raise here.key("category", case).error(f"未知的对象类别“{cat}”，可用：{'、'.join(CATEGORIES)}")
        units = amount = None
        if case.get("claim") is not None:
            c_at = here.key("claim", case)
            claim = mapping(case["claim"], c_at, required=("units", "amount"))
            units, amount = (
                number(claim["units"], c_at.key("units")),
                number(claim["amount"], c_at.key("amount")),
            )
        by_level = None
        if case.get("by_level") is not None:
            l_at = here.key("by_level", case)
            levels = mapping(case["by_level"], l_at, optional=LEVELS)
            by_level = {str(k): number(v, l_at.key(str(k))) for k, v in levels.items()}
        out.append(
            ServiceCase(
                name=text(case["name"], here.key("name", case)),
                on=date_value(case["date"], here.key("date", case)),
                person=derive_defaults(record),
                service=service,
                options=options,
                eligible=None
                if case.get("eligible") is None
                else boolean(case["eligible"], here.key("eligible")),
                reason=None if case.get("reason") is None else text(case["reason"], here.key("reason")),
                category=None if cat is None else str(cat),
                units=units,
                amount=amount,
                subsidy=None if case.get("subsidy") is None else number(case["subsidy"], here.key("subsidy")),
                copay=None if case.get("copay") is None else number(case["copay"], here.key("copay")),
                by_level=by_level,
                where=f"{path}:{here.line}",
            )
        )
    return out


def check_case(catalog: ServiceCatalog, case: ServiceCase) -> list[str]:
    """The case's failures (empty when it passes) by the reference and by the bulk match."""
    service = catalog.by_code()[case.service]
    problems: list[str] = []
    got = eligibility(catalog, service, case.person, case.on.replace(day=1), case.options)
    if case.eligible is not None and got.eligible != case.eligible:
        problems.append(f"可否享受：应为 {case.eligible}，参考实现为 {got.eligible}（{got.reason}）")
    if case.reason is not None and case.reason not in got.reason:
        problems.append(f"理由应含“{case.reason}”，实际为“{got.reason}”")
    cat = category(catalog, case.person, case.on)
    if case.category is not None and cat != case.category:
        problems.append(f"类别：应为 {case.category}，实际为 {cat}")
    bulk = _bulk(catalog, case)
    if case.eligible is not None and bulk["not_eligible"] == case.eligible:
        problems.append(f"批量核对的可否享受与期望不同（not_eligible={bulk['not_eligible']}）")
    if case.units is not None and case.amount is not None:
        parts = split(catalog, service, cat, case.units, case.amount, case.on)
        expected = {"subsidy": case.subsidy, "copay": case.copay}
        for key, value in expected.items():
            if value is not None and getattr(parts, key) != value:
                problems.append(f"{key}：应为 {value}，参考实现为 {getattr(parts, key)}")
        if case.by_level is not None and {k: v for k, v in parts.by_level.items() if v} != case.by_level:
            problems.append(f"分级补贴：应为 {case.by_level}，参考实现为 {parts.by_level}")
        if (
            got.eligible
            and bulk["status"] == "payable"
            and (
                Decimal(bulk["subsidy_fen"]) / 100 != parts.subsidy
                or Decimal(bulk["copay_fen"]) / 100 != parts.copay
            )
        ):
            problems.append(
                f"批量核对的补贴/自付（{bulk['subsidy_fen'] / 100}/{bulk['copay_fen'] / 100}）"
                f"与参考实现（{parts.subsidy}/{parts.copay}）不同"
            )
    return problems


def _bulk(catalog: ServiceCatalog, case: ServiceCase) -> dict[str, Any]:
    """The case as a one-line month: a plan, a check-in and a claim line on the case's date."""
    from yanglao.core.services.api import match_frame

    ident = str(case.person.get("id_number") or "110101194505050011")
    persons = persons_from_records([{**case.person, "id_number": ident}])
    units_c = int((case.units or Decimal(1)) * 100)
    amount_fen = int((case.amount or Decimal(0)) * 100)
    start = dt.datetime.combine(case.on, dt.time(9))
    claims = pl.DataFrame(
        [
            {
                "row": 2,
                "claim_line": "case",
                "provider": "P",
                "id_number": ident,
                "service": case.service,
                "date": case.on,
                "units_c": units_c,
                "amount_fen": amount_fen,
                "sample_key": 0,
            }
        ]
    )
    plans = pl.DataFrame(
        [
            {
                "id_number": ident,
                "service": case.service,
                "provider": "P",
                "plan_units_c": units_c,
                "start": case.on,
                "end": None,
            }
        ],
        schema={
            "id_number": pl.String,
            "service": pl.String,
            "provider": pl.String,
            "plan_units_c": pl.Int64,
            "start": pl.Date,
            "end": pl.Date,
        },
    )
    checkins = pl.DataFrame(
        [
            {
                "krow": 2,
                "provider": "P",
                "worker": "W",
                "id_number": ident,
                "service": case.service,
                "start": start,
                "end": start + dt.timedelta(hours=1),
            }
        ]
    )
    result = match_frame(
        catalog, case.on, claims, plans, checkins, persons, sample_share=0, options=case.options
    )
    return result.row(0, named=True)


def run_cases(code: str, root: Path | None = None) -> list[tuple[ServiceCase, list[str]]]:
    catalog = load_services(code, root)
    return [(case, check_case(catalog, case)) for case in load_cases(catalog, root)]
