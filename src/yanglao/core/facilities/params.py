"""The network and planning checks' parameters of a jurisdiction, as data with dated values and the
document reference of each (``facilities/data/network/<code>.yaml``), read strictly like the service
lists' parameters (:mod:`yanglao.core.catalog.yamlio`): an unknown key, a duplicate key, a missing
reference or an unknown facility kind fails at load time, naming the file, the path and the line."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from yanglao.core.catalog.model import Parameter, ParamValue
from yanglao.core.catalog.yamlio import (
    At,
    CatalogError,
    boolean,
    date_value,
    mapping,
    number,
    read_yaml,
    sequence,
    text,
)

# Every check and the parameters it needs (all required in each file: a jurisdiction whose document is
# silent says so in the value's reference and marks it ``example: true``).
CHECKS: dict[str, tuple[str, ...]] = {
    "township_centre": ("township_centre_share",),
    "village_station": ("village_station_share",),
    "nursing_share": ("nursing_share", "nursing_share_year"),
    "concentrated_capacity": ("concentrated_share",),
    "beds_per_100": ("beds_per_100",),
    "service_circle": (
        "service_circle_metres",
        "service_circle_share",
        "weight_level_0",
        "weight_level_1",
        "weight_level_2",
        "weight_level_3",
        "weight_level_4",
    ),
    "projects": (
        "project_area_new_per_100",
        "project_area_existing_per_100",
        "project_min_site_area",
    ),
}
# The facility kinds each check counts (``kinds`` in the file).
KIND_CHECKS = (
    "township_centre",
    "village_station",
    "nursing_share",
    "concentrated_capacity",
    "beds_per_100",
    "service_circle",
)


@dataclass(frozen=True)
class NetworkRules:
    code: str
    name: str
    document: str
    source: str
    kinds: dict[str, tuple[str, ...]]  # check → facility kinds it counts
    parameters: dict[str, Parameter]

    def value(self, name: str, on: dt.date) -> ParamValue:
        """The value of ``name`` in force on ``on`` (its earliest value before the first date)."""
        param = self.parameters[name]
        return param.value_on(on) or param.values[0]

    def number(self, name: str, on: dt.date) -> Decimal:
        return self.value(name, on).value


def data_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "facilities" / "data" / "network"


def rules_codes(root: Path | None = None) -> list[str]:
    return sorted(p.stem for p in (root or data_dir()).glob("*.yaml"))


def rules_for(region_code: str, root: Path | None = None) -> NetworkRules | None:
    """The rules of the jurisdiction ``region_code`` lies in: the file of the longest code that is a prefix
    of it (a county's own file, else its prefecture's, else its province's)."""
    folder = root or data_dir()
    codes = sorted(rules_codes(folder), key=lambda c: len(_significant(c)), reverse=True)
    for code in codes:
        if region_code.startswith(_significant(code)):
            return load_rules(folder / f"{code}.yaml")
    return None


def _significant(code: str) -> str:
    """A GB/T 2260 code's significant digits: 410000 → 41, 411700 → 4117, 152223 → 152223."""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def load_rules(path: Path, known_kinds: frozenset[str] | None = None) -> NetworkRules:
    from yanglao.core.facilities.fileformat import KINDS

    kinds_known = known_kinds or frozenset(KINDS)
    at = At(str(path))
    data = mapping(
        read_yaml(path),
        at,
        required=("jurisdiction", "name", "document", "checks", "parameters"),
        optional=("source", "notes"),
    )
    code = text(data["jurisdiction"], at.key("jurisdiction", data))
    if code != path.stem:
        raise at.key("jurisdiction", data).error(f"区划代码“{code}”与文件名“{path.stem}”不一致")
    checks_at = at.key("checks", data)
    checks = mapping(data["checks"], checks_at, required=KIND_CHECKS)
    kinds: dict[str, tuple[str, ...]] = {}
    for name in KIND_CHECKS:
        here = checks_at.key(name, checks)
        body = mapping(checks[name], here, required=("kinds",))
        k_at = here.key("kinds", body)
        listed = sequence(body["kinds"], k_at, allow_empty=False)
        for i, kind in enumerate(listed):
            if kind not in kinds_known:
                raise k_at.index(i, listed).error(f"未知的设施类型“{kind}”")
        kinds[name] = tuple(str(k) for k in listed)
    params_at = at.key("parameters", data)
    needed = tuple(p for names in CHECKS.values() for p in names)
    raw = mapping(data["parameters"], params_at, required=needed)
    parameters = {name: _parameter(name, raw[name], params_at.key(name, raw)) for name in needed}
    return NetworkRules(
        code=code,
        name=text(data["name"], at.key("name", data)),
        document=text(data["document"], at.key("document", data)),
        source=text(data.get("source"), at.key("source", data), allow_none=True),
        kinds=kinds,
        parameters=parameters,
    )


def _parameter(name: str, entry: object, here: At) -> Parameter:
    body = mapping(entry, here, required=("label", "unit", "values"), optional=("notes",))
    values_at = here.key("values", body)
    values_raw = sequence(body["values"], values_at, allow_empty=False)
    values: list[ParamValue] = []
    for i, value_raw in enumerate(values_raw):
        v_at = values_at.index(i, values_raw)
        value = mapping(value_raw, v_at, required=("from", "value", "reference"), optional=("example",))
        start = date_value(value["from"], v_at.key("from", value))
        if values and start <= values[-1].valid_from:
            raise v_at.key("from", value).error(
                f"各值须按日期从早到晚排列且日期不重复：{start} 不晚于上一值的 {values[-1].valid_from}"
            )
        amount = number(value["value"], v_at.key("value", value))
        if amount < 0:
            raise v_at.key("value", value).error("参数值不能为负数")
        values.append(
            ParamValue(
                start,
                amount,
                text(value["reference"], v_at.key("reference", value)),
                boolean(value.get("example", False), v_at.key("example", value)),
            )
        )
    return Parameter(
        name,
        text(body["label"], here.key("label", body)),
        text(body["unit"], here.key("unit", body)),
        tuple(values),
        text(body.get("notes"), here.key("notes", body), allow_none=True),
    )


__all__ = ["CHECKS", "CatalogError", "NetworkRules", "load_rules", "rules_codes", "rules_for"]
