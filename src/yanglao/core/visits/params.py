"""The per-jurisdiction visits parameters: declarative YAML, one file per GB/T 2260 code, strictly loaded.

``default.yaml`` holds the national defaults and the seed target groups; ``<code>.yaml`` (``152223.yaml``)
inherits from it (``inherits: default``, or another code) and says only what differs: parameter values,
further target groups, the tiers. Every value carries its source. The loader refuses, naming the file,
the path inside it and the reason: duplicate or unknown keys, unknown fields, codes, groups or
parameters, a value without a source, and — the one rule no file may break — a tier that would visit a
seed target group (独居、空巢、留守、失能、重残、计划生育特殊家庭) less often than once a calendar month.
"""

from __future__ import annotations

from pathlib import Path

from yanglao.core.visits import conditions as c
from yanglao.core.visits.model import (
    DEFAULT,
    SEED_GROUPS,
    Dated,
    Group,
    Parameter,
    ParamsError,
    Rules,
    Tier,
)
from yanglao.core.visits.reader import FileReader, Layer, read_layer
from yanglao.core.visits.schedule import SHORTEST_MONTH_DAYS

__all__ = [
    "DEFAULT",
    "SEED_GROUPS",
    "Dated",
    "Group",
    "Parameter",
    "ParamsError",
    "Rules",
    "RulesCache",
    "Tier",
    "file_for_region",
    "load_all",
    "load_rules",
]

# --- merging and checking -------------------------------------------------------------------------


def _chain(root: Path, code: str) -> list[Layer]:
    """The file of ``code`` and its ancestors, default first."""
    layers: list[Layer] = []
    seen: set[str] = set()
    current: str | None = code
    while current is not None:
        if current in seen:
            raise ParamsError(f"{current}.yaml", "inherits", "继承关系成环")
        seen.add(current)
        path = root / f"{current}.yaml"
        if not path.is_file():
            raise ParamsError(f"{current}.yaml", "", "文件不存在")
        layer = read_layer(path)
        layers.append(layer)
        current = layer.inherits if current != DEFAULT else None
        if current is None and layer.code != DEFAULT:
            current = DEFAULT
    return list(reversed(layers))


def _merge(layers: list[Layer]) -> Rules:
    parameters: dict[str, Parameter] = {}
    groups: dict[str, Group] = {}
    tiers: list[Tier] = []
    tier_file = layers[0].name
    for layer in layers:
        f = FileReader(layer.name)
        for key, param in layer.parameters.items():
            if key in parameters:
                parameters[key] = Parameter(key, param.label or parameters[key].label, param.values)
            elif not param.label:
                raise f.fail(f"parameters.{key}.label", "新参数应写明名称 label")
            else:
                parameters[key] = param
        for group in layer.groups:
            if group.key in groups:
                raise f.fail(f"groups.{group.key}", "上级文件已定义该对象组，不能重新定义（请改参数）")
            groups[group.key] = group
        if layer.tiers is not None:
            tiers, tier_file = layer.tiers, layer.name
    rules = Rules(
        code=layers[-1].code,
        name=layers[-1].title,
        files=tuple(layer.name for layer in layers),
        parameters=parameters,
        groups=tuple(groups.values()),
        tiers=tuple(tiers),
        group_labels={g.key: g.label for g in groups.values()},
    )
    _check(rules, layers, tier_file)
    return rules


def _check(rules: Rules, layers: list[Layer], tier_file: str) -> None:
    default = FileReader(layers[0].name)
    for key in SEED_GROUPS:
        if key not in rules.group_labels or not rules.group(key).seed:
            raise default.fail(f"groups.{key}", "缺少种子文件规定的探访对象组（应写 seed: true）")
    for layer in layers:
        f = FileReader(layer.name)
        for group in layer.groups:
            for name in c.referenced_params(group.when):
                if name not in rules.parameters:
                    raise f.fail(f"groups.{group.key}.when", f"未定义的参数“{name}”")
    f = FileReader(tier_file)
    if not rules.tiers:
        raise f.fail("tiers", "至少应有一个分级")
    seen: set[str] = set()
    for i, tier in enumerate(rules.tiers):
        where = f"tiers[{i}]"
        if tier.key in seen:
            raise f.fail(f"{where}.key", f"分级“{tier.key}”重复")
        seen.add(tier.key)
        last = i == len(rules.tiers) - 1
        if last and (tier.when is not None or tier.only_groups is not None):
            raise f.fail(where, "最后一个分级适用于其余全部探访对象：不写 when 和 only_groups")
        if not last and tier.when is None and tier.only_groups is None:
            raise f.fail(where, "只有最后一个分级可以不写条件 when")
        named = (c.referenced_groups(tier.when) if tier.when else set()) | set(tier.only_groups or ())
        for name in sorted(named):
            if name not in rules.group_labels:
                raise f.fail(where, f"未定义的对象组“{name}”")
        for name in sorted(c.referenced_params(tier.when) if tier.when else set()):
            if name not in rules.parameters:
                raise f.fail(f"{where}.when", f"未定义的参数“{name}”")
        if tier.interval.longer_than_a_month:
            seeds = [g for g in (tier.only_groups or SEED_GROUPS) if g in SEED_GROUPS]
            if tier.only_groups is None or seeds:
                names = "、".join(rules.group_labels[g] for g in (seeds or SEED_GROUPS))
                raise f.fail(
                    f"{where}.interval",
                    f"探访间隔{tier.interval.text()}长于一个月，但该分级可能适用于{names}："
                    f"种子文件规定这些对象每月至少探访一次（按天计不得超过 {SHORTEST_MONTH_DAYS} 天，"
                    "否则可能跳过2月；每月探访请写 months: 1）",
                )


def file_for_region(root: Path, region: str | None) -> str:
    """The most specific parameter file for a 6- or 12-digit region code (else the default)."""
    if region:
        for length in (12, 9, 6, 4, 2):
            if len(region) >= length and (root / f"{region[:length]}.yaml").is_file():
                return region[:length]
    return DEFAULT


def load_rules(root: Path, code: str = DEFAULT) -> Rules:
    """The merged rules of one file and its ancestors. Raises :class:`ParamsError`."""
    return _merge(_chain(root, code))


def load_all(root: Path) -> dict[str, Rules]:
    """Every file in ``root`` loaded (what ``check`` and the tests use)."""
    return {path.stem: load_rules(root, path.stem) for path in sorted(root.glob("*.yaml"))}


class RulesCache:
    """Rules per region code, each file loaded once."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._by_file: dict[str, Rules] = {}

    def for_region(self, region: str | None) -> Rules:
        name = file_for_region(self.root, region)
        if name not in self._by_file:
            self._by_file[name] = load_rules(self.root, name)
        return self._by_file[name]
