"""The visits parameters as data: what a loaded parameter file (with its ancestors) holds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from yanglao.core.catalog.model import Catalog, ParamValue
from yanglao.core.catalog.model import Parameter as CatalogParameter
from yanglao.core.catalog.yamlio import YamlFileError
from yanglao.core.visits import conditions as c
from yanglao.core.visits.schedule import Interval

DEFAULT = "default"
SEED_GROUPS = ("alone", "empty_nest", "left_behind", "disabled", "severe_disability", "fp_special")


ParamsError = YamlFileError
"""A visits parameter file is wrong: the project's one data-file error (file, line, path, reason)."""


@dataclass(frozen=True)
class Dated:
    value: int
    source: str
    since: dt.date | None = None


@dataclass(frozen=True)
class Parameter:
    key: str
    label: str
    values: tuple[Dated, ...]  # oldest first

    def on(self, day: dt.date) -> Dated:
        current = self.values[0]
        for dated in self.values:
            if dated.since is None or dated.since <= day:
                current = dated
        return current


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    when: c.When
    source: str
    seed: bool = False


@dataclass(frozen=True)
class Tier:
    key: str
    label: str
    interval: Interval
    source: str
    when: c.When | None = None
    only_groups: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Rules:
    code: str
    name: str
    files: tuple[str, ...]
    parameters: Mapping[str, Parameter]
    groups: tuple[Group, ...]
    tiers: tuple[Tier, ...]
    group_labels: Mapping[str, str] = field(default_factory=dict)

    def param(self, key: str, on: dt.date) -> int:
        return self.parameters[key].on(on).value

    @cached_property
    def rule_parameters(self) -> Catalog:
        """The parameters as the catalogue evaluator reads them (a list with these parameters only)."""
        params = {
            key: CatalogParameter(
                key,
                p.label or key,
                "",
                tuple(
                    ParamValue(d.since or dt.date.min, Decimal(d.value), d.source, False) for d in p.values
                ),
            )
            for key, p in self.parameters.items()
        }
        return Catalog(
            self.code, self.name, self.name, "", None, None, "", None, False, "", "", params, {}, (), ()
        )

    def group(self, key: str) -> Group:
        return next(g for g in self.groups if g.key == key)
