"""The indicators, as data (``indicators.yaml`` beside this module): what each counts, its label, and
the section it is shown in, each condition written in the catalogue rule language.

Every person indicator counts people of the *base* — living on the date (no death date on or before
it), aged 60 or more in completed years on the date, 户籍 in the region — who meet its condition. The
conditions are parsed by the catalogue's parser (:func:`yanglao.core.catalog.ruleparse.parse_cond`) with
the named definitions declared once at the top of the file (``defined: disabled``); the stats app
counts them in SQL (:mod:`yanglao.registry.ruleq`), :func:`matches` evaluates one record with the
catalogue's evaluator, and the conformance suite holds the two to the same answer.

Status fields (living arrangement, 低保, 特困, ability level, disability …) are the values on record
now: the registry keeps their history as change events, not as a time series, so only age and death
are evaluated on the date asked.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from yanglao.core.catalog.evaluate import Context, eval_cond
from yanglao.core.catalog.loader import parse_definitions
from yanglao.core.catalog.model import Catalog, Definition
from yanglao.core.catalog.ruleparse import Names, parse_cond
from yanglao.core.catalog.rules import Cond
from yanglao.core.catalog.yamlio import At, mapping, read_yaml, sequence, text
from yanglao.core.person import ABILITY_LEVELS, Value, age_on

INDICATORS_FILE = Path(__file__).with_name("indicators.yaml")
ABILITY_NAMES = tuple(name for _, name in ABILITY_LEVELS)
# The indicators read no parameter and no option: the conditions are evaluated against a list with none.
NO_LIST = Catalog("", "", "", "", None, None, "", None, False, "", "", {}, {}, (), ())
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    section: str
    cond: Cond | None  # None: the whole base
    note: str = ""


@dataclass(frozen=True)
class Indicators:
    definitions: dict[str, Definition]
    indicators: tuple[Indicator, ...]


def load_indicators(path: Path = INDICATORS_FILE) -> Indicators:
    """Read and check an indicators file; a mistake is a ``YamlFileError`` naming the file, the line,
    the path inside the file and the reason (the catalogue's one error type)."""
    if path == INDICATORS_FILE:
        return _default()
    return _read(path)


@cache
def _default() -> Indicators:
    return _read(INDICATORS_FILE)


def _read(path: Path) -> Indicators:
    at = At(str(path))
    data = mapping(read_yaml(path), at, required=("sections",), optional=("definitions",))
    definitions = _definitions(data.get("definitions"), at.key("definitions", data), str(path))
    names = Names((), (), {name: d.rule for name, d in definitions.items()})
    sections_at = at.key("sections", data)
    sections = sequence(data["sections"], sections_at, allow_empty=False)
    out: list[Indicator] = []
    seen: set[str] = set()
    for i, raw in enumerate(sections):
        here = sections_at.index(i, sections)
        section = mapping(raw, here, required=("name", "indicators"))
        name = text(section["name"], here.key("name", section))
        listed_at = here.key("indicators", section)
        listed = sequence(section["indicators"], listed_at, allow_empty=False)
        for j, entry in enumerate(listed):
            item_at = listed_at.index(j, listed)
            item = mapping(entry, item_at, required=("key", "label"), optional=("when", "note"))
            key = text(item["key"], item_at.key("key", item))
            if not _NAME.match(key):
                raise item_at.key("key", item).error("指标键应为小写英文字母、数字和下划线，以字母开头")
            if key in seen:
                raise item_at.key("key", item).error(f"指标“{key}”重复")
            seen.add(key)
            cond = None
            if "when" in item:
                cond = parse_cond(item["when"], item_at.key("when", item), names)
            out.append(
                Indicator(
                    key,
                    text(item["label"], item_at.key("label", item)),
                    name,
                    cond,
                    text(item.get("note"), item_at.key("note", item), allow_none=True),
                )
            )
    return Indicators(definitions, tuple(out))


def _definitions(raw: object, at: At, file: str) -> dict[str, Definition]:
    """``name: {label, rule, reference, notes?}``; each rule may use the definitions above it."""
    if raw is None:
        return {}
    return parse_definitions(raw, at, Names((), (), {}), file)


def definition(name: str) -> Definition:
    """A named definition of the statistics (``tekun_unable`` …), for the apps that count by it."""
    return load_indicators().definitions[name]


PERSON_INDICATORS: tuple[Indicator, ...] = load_indicators().indicators


def matches(cond: Cond | None, record: Mapping[str, Value], on: dt.date) -> bool:
    """Whether one person record meets ``cond`` on ``on`` (the base itself is not checked here)."""
    if cond is None:
        return True
    return eval_cond(cond, Context(NO_LIST, record, on, {}, explain=False)).result


def in_base(record: Mapping[str, object], on: dt.date, prefix: str, *, by: str = "hukou_region") -> bool:
    """Living on ``on``, aged 60+ on ``on``, and ``by`` (户籍 or 常住地) inside the region ``prefix``."""
    death = record.get("death_date")
    if isinstance(death, dt.date) and death <= on:
        return False
    birth = record.get("birth_date")
    if not isinstance(birth, dt.date) or age_on(birth, on) < 60:
        return False
    code = record.get(by)
    return isinstance(code, str) and code.startswith(prefix)
