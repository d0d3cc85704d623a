"""The supervision rules as data: checklists (检查指标库), dated parameters, the rating standard
(GB/T 37276-2018 as far as established) and the risk weights, with the pure computations over them —
an inspection's score, a hazard's deadline and escalation, a rating's total and level, a facility's
risk score with its explanation. Nothing here touches the database (the unit tests call it directly)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

HERE = Path(__file__).parent
CHECKLISTS = HERE / "checklists"
DATA = HERE / "data"
SHANGHAI = ZoneInfo("Asia/Shanghai")

LEVELS = {"major": "重大", "high": "较大", "medium": "一般", "low": "轻微"}
SEVERITIES = {"urgent": "紧急", "normal": "一般", "general": "咨询建议"}


class RuleError(ValueError):
    """Bad data or bad input against the rules (the message is for the user)."""


# --- checklists ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Indicator:
    code: str
    category: str
    category_name: str
    item: str
    basis: str
    deduction: int
    suspend: bool
    level: str


@dataclass(frozen=True)
class Checklist:
    code: str
    name: str
    valid_from: dt.date
    references: tuple[str, ...]
    indicators: tuple[Indicator, ...]

    def by_code(self) -> dict[str, Indicator]:
        return {i.code: i for i in self.indicators}

    def categories(self) -> list[tuple[str, list[Indicator]]]:
        out: dict[str, list[Indicator]] = {}
        for i in self.indicators:
            out.setdefault(i.category_name, []).append(i)
        return list(out.items())


def _read(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    if not isinstance(data, dict):
        raise RuleError(f"{path.name}：应为映射")
    return data


@lru_cache(maxsize=16)
def load_checklist(code: str) -> Checklist:
    """The checklist ``checklists/<code>.yaml``, merged over its ``base`` (items of the same code replace
    the base's, new ones are added to their category)."""
    path = CHECKLISTS / f"{code}.yaml"
    if not path.exists():
        raise RuleError(f"没有检查指标库 {code}")
    data = _read(path)
    base = load_checklist(str(data["base"])) if data.get("base") else None
    items: dict[str, Indicator] = dict(base.by_code()) if base else {}
    for category in data.get("categories", []):
        for raw in category["items"]:
            level = str(raw["level"])
            if level not in LEVELS:
                raise RuleError(f"{path.name} {raw['code']}：未知风险等级 {level}")
            items[str(raw["code"])] = Indicator(
                code=str(raw["code"]),
                category=str(category["code"]),
                category_name=str(category["name"]),
                item=str(raw["item"]),
                basis=str(raw["basis"]),
                deduction=int(raw["deduction"]),
                suspend=bool(raw["suspend"]),
                level=level,
            )
    order = {c: n for n, c in enumerate(i.category for i in items.values())}
    refs = (base.references if base else ()) + tuple(str(r) for r in data.get("references", []))
    return Checklist(
        code=str(data["code"]),
        name=str(data["name"]),
        valid_from=data["valid_from"],
        references=refs,
        indicators=tuple(sorted(items.values(), key=lambda i: (order[i.category], i.code))),
    )


def checklist_for(region_code: str, on: dt.date | None = None) -> Checklist:
    """The checklist of the county a facility lies in, in force on ``on``: the county's own from its
    ``valid_from``, the default one before that and for a county without one."""
    county = region_code[:6]
    if (CHECKLISTS / f"{county}.yaml").exists():
        own = load_checklist(county)
        if on is None or own.valid_from <= on:
            return own
    return load_checklist("default")


@dataclass(frozen=True)
class Score:
    score: int
    deductions: int
    failed: tuple[Indicator, ...]
    suspend: bool


def inspection_score(checklist: Checklist, failed_codes: set[str]) -> Score:
    """100 minus the deductions of the failed items (never below 0); ``suspend`` when a failed item forces
    the suspension of service."""
    known = checklist.by_code()
    unknown = sorted(failed_codes - set(known))
    if unknown:
        raise RuleError(f"检查指标库 {checklist.code} 中没有指标：{'、'.join(unknown)}")
    failed = tuple(i for i in checklist.indicators if i.code in failed_codes)
    total = sum(i.deduction for i in failed)
    return Score(max(100 - total, 0), total, failed, any(i.suspend for i in failed))


# --- dated parameters ------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _parameters() -> dict[str, Any]:
    return _read(DATA / "parameters.yaml")


def parameter(name: str, on: dt.date) -> dict[str, Any]:
    """The value of parameter ``name`` in force on ``on`` (with its reference under ``reference``)."""
    entry = _parameters()[name]
    chosen: dict[str, Any] | None = None
    for value in entry["values"]:
        if value["from"] <= on:
            chosen = value
    if chosen is None:
        raise RuleError(f"参数 {name} 在 {on} 尚未生效")
    return {**chosen, "reference": entry["reference"]}


def _period_end(start: dt.datetime, spec: dict[str, Any]) -> dt.datetime:
    local = start.astimezone(SHANGHAI)
    if "hours" in spec:
        return local + dt.timedelta(hours=int(spec["hours"]))
    day = local.date() + dt.timedelta(days=int(spec["days"]))
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=SHANGHAI)


def hazard_deadline(level: str, opened: dt.datetime) -> dt.datetime:
    """整改时限: hours from discovery, or the end (24:00) of the Nth calendar day after the day of discovery."""
    if level not in LEVELS:
        raise RuleError(f"未知风险等级 {level}")
    return _period_end(opened, parameter("hazard_deadline", opened.astimezone(SHANGHAI).date())[level])


def reply_deadline(severity: str, received: dt.datetime) -> dt.datetime:
    if severity not in SEVERITIES:
        raise RuleError(f"未知紧急程度 {severity}")
    return _period_end(received, parameter("complaint_reply", received.astimezone(SHANGHAI).date())[severity])


def escalation(due: dt.datetime, now: dt.datetime, cleared: bool) -> str:
    """Who an uncleared hazard is escalated to at ``now``: "" (not overdue), "township", "county"."""
    if cleared or now <= due:
        return ""
    after = int(parameter("escalation", due.astimezone(SHANGHAI).date())["county_after_days"])
    return "county" if now > due + dt.timedelta(days=after) else "township"


def month_start(now: dt.datetime) -> dt.datetime:
    local = now.astimezone(SHANGHAI)
    return dt.datetime(local.year, local.month, 1, tzinfo=SHANGHAI)


# --- ratings ---------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def rating_standard() -> dict[str, Any]:
    return _read(DATA / "gbt37276.yaml")


def rating_items() -> list[tuple[str, dict[str, Any]]]:
    """(area name, item) for every item of the standard, in order."""
    return [(str(a["name"]), i) for a in rating_standard()["areas"] for i in a["items"]]


@dataclass(frozen=True)
class RatingResult:
    total: int
    level: int
    level_name: str
    areas: dict[str, int] = field(default_factory=dict)


def rate(scores: dict[str, int]) -> RatingResult:
    """The total and level from item scores. Every item must be scored, 0…its maximum."""
    standard = rating_standard()
    known = {str(i["code"]): i for _, i in rating_items()}
    extra = sorted(set(scores) - set(known))
    if extra:
        raise RuleError(f"评定标准中没有评分项：{'、'.join(extra)}")
    areas: dict[str, int] = {}
    for area in standard["areas"]:
        subtotal = 0
        for item in area["items"]:
            code = str(item["code"])
            if code not in scores:
                raise RuleError(f"未评分：{item['name']}")
            value = scores[code]
            if value < 0 or value > int(item["max"]):
                raise RuleError(f"{item['name']}：得分 {value} 超出范围（0–{item['max']} 分）")
            subtotal += value
        areas[str(area["name"])] = subtotal
    total = sum(areas.values())
    for level in standard["levels"]:
        if total >= int(level["min"]):
            return RatingResult(total, int(level["level"]), str(level["name"]), areas)
    return RatingResult(total, 0, "未达等级", areas)


def valid_until(assessed: dt.date) -> dt.date:
    years = int(parameter("rating_validity", assessed)["years"])
    try:
        return assessed.replace(year=assessed.year + years) - dt.timedelta(days=1)
    except ValueError:  # 29 February
        return assessed.replace(year=assessed.year + years, day=28)


# --- risk ------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def risk_model() -> dict[str, Any]:
    return _read(DATA / "risk.yaml")


@dataclass(frozen=True)
class Risk:
    score: int
    parts: tuple[tuple[str, int, int, int], ...]  # (name, value, weight, points)

    def explain(self) -> str:
        shown = [f"{name} {value}×{weight}={points}" for name, value, weight, points in self.parts if points]
        return "；".join(shown) or "无风险因素"


def risk_score(facts: dict[str, int]) -> Risk:
    """score = Σ weight × min(value, cap) over the published factors."""
    parts = []
    for f in risk_model()["factors"]:
        value = max(int(facts.get(str(f["code"]), 0)), 0)
        capped = min(value, int(f["cap"]))
        parts.append((str(f["name"]), value, int(f["weight"]), capped * int(f["weight"])))
    return Risk(sum(p[3] for p in parts), tuple(parts))
