"""A jurisdiction's home and community service catalogue (居家社区养老服务目录) as data.

One strict YAML file per jurisdiction, ``src/yanglao/homeservices/catalogs/<code>.yaml`` (format in
docs/service-match.md): each service's code, name, unit (次、小时、餐、月), price cap, who may receive
it (a condition in the catalogue rule language, parsed by :mod:`yanglao.core.catalog.ruleparse`), the
elder's co-payment by category (特困、低保、低保边缘、计生特殊家庭、其他) or a subsidy per unit, monthly caps
(units and/or yuan), the funding source and the shares of the funding levels. Figures are numbers or
``{param: name}`` of dated parameters written like ``catalogs/<code>/parameters.yaml`` (each value
with its reference; ``example: true`` where the documents give no figure). Rules may use the basic
list's parameters and local options (the basic list of the same code).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from yanglao.core.catalog.loader import parse_parameters
from yanglao.core.catalog.model import LEVELS, Catalog, Parameter
from yanglao.core.catalog.ruleparse import Names, parse_cond
from yanglao.core.catalog.rules import Cond
from yanglao.core.catalog.source import catalog_on
from yanglao.core.catalog.yamlio import (
    At,
    CatalogError,
    MarkedDict,
    boolean,
    date_value,
    mapping,
    number,
    optional_text,
    read_yaml,
    sequence,
    text,
)

SERVICE_CATALOGS = Path(__file__).resolve().parent.parent.parent / "homeservices" / "catalogs"
UNITS = ("次", "小时", "餐", "月", "件")
# The co-payment categories, most favourable first: a person in several takes the first.
CATEGORIES: dict[str, str] = {
    "tekun": "特困",
    "dibao": "低保",
    "dibao_edge": "低保边缘",
    "fp_special": "计生特殊家庭",
    "other": "其他",
}
# Who is in which category, in the rule language (the person record's fields).
CATEGORY_RULES: dict[str, object] = {
    "tekun": {"in": ["tekun", ["dispersed", "centralized"]]},
    "dibao": "dibao",
    "dibao_edge": "dibao_edge",
    "fp_special": {"in": ["fp_special", ["bereaved", "disabled_child"]]},
}
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
TOP_KEYS = ("name", "jurisdiction", "basic_list", "document", "source", "notes", "parameters")
SERVICE_KEYS = (
    "item",
    "quote",
    "reference",
    "price_cap",
    "rule",
    "copay",
    "subsidy_per_unit",
    "monthly_cap",
    "funding",
    "valid_from",
    "valid_to",
    "example",
    "notes",
)

Figure = Decimal | str | None  # a number, the name of a parameter, or none


@dataclass(frozen=True)
class Funding:
    source: str  # 政府购买服务、福彩公益金 …
    text: str | None  # the documents' words
    shares: tuple[tuple[str, Decimal], ...]  # (level, share) in LEVELS order, summing to 1


@dataclass(frozen=True)
class Service:
    code: str
    name: str
    unit: str
    item: str | None  # the basic list's 序号 this service delivers, if any
    quote: str  # the documents' words
    reference: str
    price_cap: Figure  # yuan per unit
    rule: Cond | None  # None: anybody the plan names (no condition written)
    rule_source: object  # the rule as written (for the JSON listing)
    copay: tuple[tuple[str, Figure], ...]  # category → the elder's share of the amount (0–1)
    subsidy_per_unit: tuple[tuple[str, Figure], ...]  # category → yuan per unit (instead of a share)
    cap_units: Figure
    cap_yuan: Figure
    funding: Funding
    valid_from: dt.date | None
    valid_to: dt.date | None
    example: bool  # a figure of this service is an example value, not the documents'
    notes: str

    def in_force(self, on: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_to is None or on <= self.valid_to
        )


@dataclass(frozen=True)
class ServiceCatalog:
    code: str
    name: str
    jurisdiction: str
    basic: Catalog  # the basic list of the same jurisdiction, with this file's parameters added
    document: str
    source: str
    notes: str
    parameters: dict[str, Parameter]
    services: tuple[Service, ...]
    path: str

    def services_on(self, on: dt.date) -> tuple[Service, ...]:
        return tuple(s for s in self.services if s.in_force(on))

    def by_code(self) -> dict[str, Service]:
        return {s.code: s for s in self.services}

    def value(self, figure: Figure, on: dt.date) -> Decimal | None:
        """A figure on a date: a number as written, a parameter's value in force (None before it)."""
        if figure is None or isinstance(figure, Decimal):
            return figure
        found = self.parameters[figure].value_on(on)
        return None if found is None else found.value

    def is_example(self, figure: Figure, on: dt.date) -> bool:
        if not isinstance(figure, str):
            return False
        found = self.parameters[figure].value_on(on)
        return bool(found and found.example)


def list_service_catalogs(root: Path | None = None) -> list[str]:
    base = root or SERVICE_CATALOGS
    return sorted(p.stem for p in base.glob("*.yaml") if "." not in p.stem)  # not <code>.cases.yaml


def load_services(code: str, root: Path | None = None) -> ServiceCatalog:
    """Load and check one jurisdiction's service catalogue (:class:`CatalogError` names file and path)."""
    if root is None:
        return _cached(code)
    return _load(code, root)


@cache
def _cached(code: str) -> ServiceCatalog:
    return _load(code, SERVICE_CATALOGS)


def _load(code: str, root: Path) -> ServiceCatalog:
    path = root / f"{code}.yaml"
    if not path.exists():
        known = "、".join(list_service_catalogs(root)) or "（无）"
        raise CatalogError(str(path), "", f"没有服务目录“{code}”，已有：{known}")
    at = At(str(path))
    data = mapping(read_yaml(path), at, required=("code", "name", "services"), optional=TOP_KEYS)
    declared = text(data["code"], at.key("code", data))
    if declared != code:
        raise at.key("code", data).error(f"代码“{declared}”与文件名“{code}”不一致")
    basic_code = optional_text(data, "basic_list", at) or code
    basic = catalog_on(basic_code)
    parameters = _parameters(data.get("parameters"), at.key("parameters", data), basic)
    merged = dataclasses.replace(basic, parameters={**basic.parameters, **parameters})
    names = Names(parameters=set(merged.parameters), options=set(basic.options))
    services_at = at.key("services", data)
    raw = sequence(data["services"], services_at, allow_empty=False)
    services: list[Service] = []
    seen: set[str] = set()
    for i, entry in enumerate(raw):
        service = _service(entry, services_at.index(i, raw), names, merged)
        if service.code in seen:
            raise services_at.index(i, raw).key("code").error(f"服务代码“{service.code}”重复")
        seen.add(service.code)
        services.append(service)
    return ServiceCatalog(
        code=code,
        name=text(data["name"], at.key("name", data)),
        jurisdiction=text(data.get("jurisdiction"), at.key("jurisdiction", data), allow_none=True),
        basic=merged,
        document=text(data.get("document"), at.key("document", data), allow_none=True),
        source=text(data.get("source"), at.key("source", data), allow_none=True),
        notes=text(data.get("notes"), at.key("notes", data), allow_none=True),
        parameters=parameters,
        services=tuple(services),
        path=str(path),
    )


def _parameters(raw: object, at: At, basic: Catalog) -> dict[str, Parameter]:
    """Dated parameters, read as every rule file reads them (``parse_parameters``), none named like one of
    the basic list's (a service's rule may use those)."""
    out = parse_parameters(raw, at)
    data = mapping(raw, at, free=True) if out else {}
    for name in out:
        if name in basic.parameters:
            raise at.key(name, data).error(
                f"参数名“{name}”与基本养老服务清单 {basic.code} 的参数同名，请换一个名字"
            )
    return out


def _figure(value: object, at: At, catalog: Catalog, *, share: bool = False) -> Figure:
    """A number (non-negative; a share at most 1 with at most 4 decimals) or ``{param: name}``."""
    if value is None:
        return None
    if isinstance(value, dict):
        body = mapping(value, at, required=("param",))
        name = text(body["param"], at.key("param", body))
        if name not in catalog.parameters:
            known = "、".join(sorted(catalog.parameters)) or "（无）"
            raise at.key("param", body).error(f"未知参数“{name}”，已有：{known}")
        for v in catalog.parameters[name].values:
            _check_number(v.value, at, share)
        return name
    return _check_number(number(value, at), at, share)


def _check_number(value: Decimal, at: At, share: bool) -> Decimal:
    if value < 0:
        raise at.error("不能为负数")
    if share and (value > 1 or (value * 10000) % 1 != 0):
        raise at.error("比例应在 0 到 1 之间，最多 4 位小数（如 0.1 表示 10%）")
    if not share and (value * 100) % 1 != 0:
        raise at.error("金额和数量最多 2 位小数")
    return value


def _by_category(raw: object, at: At, catalog: Catalog, *, share: bool) -> tuple[tuple[str, Figure], ...]:
    if raw is None:
        return ()
    body = mapping(raw, at, optional=tuple(CATEGORIES))
    return tuple(
        (cat, _figure(body[cat], at.key(cat, body), catalog, share=share))
        for cat in CATEGORIES
        if cat in body
    )


def _service(raw: object, at: At, names: Names, catalog: Catalog) -> Service:
    data = mapping(raw, at, required=("code", "name", "unit"), optional=SERVICE_KEYS)
    code = text(data["code"], at.key("code", data))
    if not _NAME.match(code):
        raise at.key("code", data).error("服务代码应为小写英文字母、数字和下划线，以字母开头")
    unit = text(data["unit"], at.key("unit", data))
    if unit not in UNITS:
        raise at.key("unit", data).error(f"未知的计量单位“{unit}”，可用：{'、'.join(UNITS)}")
    rule = None if data.get("rule") is None else parse_cond(data["rule"], at.key("rule", data), names)
    copay = _by_category(data.get("copay"), at.key("copay", data), catalog, share=True)
    per_unit = _by_category(
        data.get("subsidy_per_unit"), at.key("subsidy_per_unit", data), catalog, share=False
    )
    if not copay and not per_unit:
        raise at.error("须写 copay（各类对象的个人自付比例）或 subsidy_per_unit（每单位补贴）")
    if dict(copay).keys() & dict(per_unit).keys():
        both = "、".join(sorted(dict(copay).keys() & dict(per_unit).keys()))
        raise at.error(f"同一类对象（{both}）不能既写自付比例又写每单位补贴")
    cap_units: Figure = None
    cap_yuan: Figure = None
    if data.get("monthly_cap") is not None:
        c_at = at.key("monthly_cap", data)
        cap = mapping(data["monthly_cap"], c_at, optional=("units", "yuan"))
        cap_units = _figure(cap.get("units"), c_at.key("units", cap), catalog)
        cap_yuan = _figure(cap.get("yuan"), c_at.key("yuan", cap), catalog)
    funding = _funding(data.get("funding"), at.key("funding", data))
    valid_from = data.get("valid_from")
    valid_to = data.get("valid_to")
    return Service(
        code=code,
        name=text(data["name"], at.key("name", data)),
        unit=unit,
        item=optional_text(data, "item", at),
        quote=text(data.get("quote"), at.key("quote", data), allow_none=True),
        reference=text(data.get("reference"), at.key("reference", data), allow_none=True),
        price_cap=_figure(data.get("price_cap"), at.key("price_cap", data), catalog),
        rule=rule,
        rule_source=_plain(data.get("rule")),
        copay=copay,
        subsidy_per_unit=per_unit,
        cap_units=cap_units,
        cap_yuan=cap_yuan,
        funding=funding,
        valid_from=date_value(valid_from, at.key("valid_from", data)) if valid_from is not None else None,
        valid_to=date_value(valid_to, at.key("valid_to", data)) if valid_to is not None else None,
        example=boolean(data.get("example", False), at.key("example", data)),
        notes=text(data.get("notes"), at.key("notes", data), allow_none=True),
    )


def _funding(raw: object, at: At) -> Funding:
    data = mapping(raw, at, required=("source", "levels"), optional=("text",))
    levels_at = at.key("levels", data)
    levels = mapping(data["levels"], levels_at, optional=LEVELS)
    if not levels:
        raise levels_at.error(f"至少写一个支出层级及其比例，可用：{'、'.join(LEVELS)}")
    shares = tuple(
        (level, _check_number(number(levels[level], levels_at.key(level, levels)), levels_at, True))
        for level in LEVELS
        if level in levels
    )
    if sum(s for _, s in shares) != 1:
        raise levels_at.error("各支出层级的比例之和应为 1")
    return Funding(text(data["source"], at.key("source", data)), optional_text(data, "text", at), shares)


def _plain(value: object) -> object:
    """A parsed YAML value as plain JSON-able data (Decimals as numbers, dates as text)."""
    if isinstance(value, MarkedDict | dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value % 1 == 0 else float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
