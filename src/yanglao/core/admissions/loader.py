"""Loading a jurisdiction's admission rules (``carehomes/rules/<code>.yaml``) strictly.

The catalogue's YAML reader (:mod:`yanglao.core.catalog.yamlio`: duplicate keys, YAML 1.1 booleans and
binary floats refused, lines remembered) and its rule parser (:func:`~yanglao.core.catalog.ruleparse.
parse_cond`) do the work; any problem fails the load with ``file:line: path: reason``.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from yanglao.core.admissions.model import Assessment, Provision, Rules
from yanglao.core.catalog.loader import parse_parameters
from yanglao.core.catalog.model import Parameter
from yanglao.core.catalog.ruleparse import Names, parse_cond
from yanglao.core.catalog.rules import params_used
from yanglao.core.catalog.yamlio import (
    At,
    CatalogError,
    MarkedDict,
    mapping,
    optional_text,
    read_yaml,
    sequence,
    text,
)

RULES_ROOT = Path(__file__).resolve().parent.parent.parent / "carehomes" / "rules"
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_CODE6 = re.compile(r"^\d{6}$")
TOP_KEYS = (
    "jurisdiction",
    "document",
    "document_number",
    "source",
    "notes",
    "parameters",
)
PROVISION_KEYS = ("key", "name", "rule", "text", "reference")


def list_rules(root: Path | None = None) -> list[str]:
    """The codes of the jurisdictions that have admission rules."""
    base = RULES_ROOT if root is None else root
    return sorted(p.stem for p in base.glob("*.yaml") if _CODE6.match(p.stem))


def load_rules(code: str, root: Path | None = None) -> Rules:
    """Load and check one jurisdiction's rules. Raises :class:`CatalogError` (file, line, path, reason)."""
    if root is None:
        return _cached(code)
    return _load(root / f"{code}.yaml", code)


@cache
def _cached(code: str) -> Rules:
    return _load(RULES_ROOT / f"{code}.yaml", code)


def _load(path: Path, code: str) -> Rules:
    if not _CODE6.match(code) or not path.exists():
        known = "、".join(list_rules(path.parent)) or "（无）"
        raise CatalogError(str(path), "", f"没有行政区划“{code}”的入住规则，已有：{known}")
    at = At(str(path))
    data = mapping(
        read_yaml(path),
        at,
        required=("code", "name", "eligibility", "assessment", "classes", "tie_breakers"),
        optional=TOP_KEYS,
    )
    declared = text(data["code"], at.key("code", data))
    if declared != code:
        raise at.key("code", data).error(f"代码“{declared}”与文件名“{code}”不一致")
    parameters = parse_parameters(data.get("parameters"), at.key("parameters", data))
    names = Names(parameters=set(parameters), options=set())
    eligibility = _provision(data["eligibility"], at.key("eligibility", data), names, keyed=False)
    assessment = _assessment(data["assessment"], at.key("assessment", data), names, parameters)
    classes = _provisions(data["classes"], at.key("classes", data), names)
    tie_breakers = _provisions(data["tie_breakers"], at.key("tie_breakers", data), names, allow_empty=True)
    used = {assessment.valid_months} | params_used(eligibility.rule) | params_used(assessment.rule)
    for provision in (*classes, *tie_breakers):
        used |= params_used(provision.rule)
    for name in parameters:
        if name not in used:
            raise at.key("parameters", data).key(name).error(f"参数“{name}”没有被任何规则使用")
    return Rules(
        code=code,
        name=text(data["name"], at.key("name", data)),
        jurisdiction=text(data.get("jurisdiction"), at.key("jurisdiction", data), allow_none=True),
        document=text(data.get("document"), at.key("document", data), allow_none=True),
        document_number=optional_text(data, "document_number", at),
        source=text(data.get("source"), at.key("source", data), allow_none=True),
        notes=text(data.get("notes"), at.key("notes", data), allow_none=True),
        parameters=parameters,
        eligibility=eligibility,
        assessment=assessment,
        classes=classes,
        tie_breakers=tie_breakers,
        file=str(path),
    )


def _provision(raw: object, at: At, names: Names, *, keyed: bool = True) -> Provision:
    required = PROVISION_KEYS if keyed else PROVISION_KEYS[1:]
    body: MarkedDict = mapping(raw, at, required=required, optional=("notes",))
    key = "eligibility"
    if keyed:
        key = text(body["key"], at.key("key", body))
        if not _NAME.match(key):
            raise at.key("key", body).error("key 应为小写英文字母、数字和下划线，以字母开头")
    return Provision(
        key=key,
        name=text(body["name"], at.key("name", body)),
        rule=parse_cond(body["rule"], at.key("rule", body), names),
        text=text(body["text"], at.key("text", body)),
        reference=text(body["reference"], at.key("reference", body)),
        notes=text(body.get("notes"), at.key("notes", body), allow_none=True),
    )


def _provisions(raw: object, at: At, names: Names, *, allow_empty: bool = False) -> tuple[Provision, ...]:
    items = sequence(raw, at, allow_empty=allow_empty)
    out: list[Provision] = []
    seen: dict[str, str] = {}
    for i, item in enumerate(items):
        here = at.index(i, items)
        provision = _provision(item, here, names)
        if provision.key in seen:
            raise here.key("key").error(f"key“{provision.key}”重复（{seen[provision.key]} 已用）")
        seen[provision.key] = here.path
        out.append(provision)
    return tuple(out)


def _assessment(raw: object, at: At, names: Names, parameters: dict[str, Parameter]) -> Assessment:
    body = mapping(raw, at, required=("rule", "valid_months", "text", "reference"), optional=("notes",))
    months_at = at.key("valid_months", body)
    months = text(body["valid_months"], months_at)
    if months not in parameters:
        declared = "、".join(sorted(parameters)) or "（无）"
        raise months_at.error(f"valid_months 应为参数名，未知参数“{months}”，parameters 中已有：{declared}")
    for value in parameters[months].values:
        if value.value != int(value.value) or value.value < 1:
            raise months_at.error(f"参数“{months}”的值应为正整数（月数），实际有 {value.value}")
    return Assessment(
        rule=parse_cond(body["rule"], at.key("rule", body), names),
        valid_months=months,
        text=text(body["text"], at.key("text", body)),
        reference=text(body["reference"], at.key("reference", body)),
        notes=text(body.get("notes"), at.key("notes", body), allow_none=True),
    )
