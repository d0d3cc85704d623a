"""The network and planning checks, set-based over aggregated frames (Polars; no Django).

Inputs (:class:`Inputs`), each a small frame the Django side aggregates (or a benchmark generates):

- ``townships``: ``code`` (12 digits, ``…000``), ``name``
- ``villages``: ``code`` (12 digits), ``name``, ``lon``, ``lat`` (WGS-84, null where unknown)
- ``facilities`` (open ones count): ``id``, ``name``, ``kind``, ``region`` (6 or 12 digits), ``beds``,
  ``nursing_beds``, ``lon``, ``lat`` (WGS-84 or null), ``status``
- ``elders``: people aged 60+ by ``village`` (12 digits) and ``level`` (0–4, null: not assessed), ``people``
- ``tekun_unable``: 特困 people who cannot look after themselves (生活不能自理), in the jurisdiction
- ``projects``: the residential projects (see :mod:`yanglao.core.facilities.projects`)

Each check returns a :class:`CheckResult`: the figure, the target (from the jurisdiction's parameters,
with the reference), pass/fail and the places that fail, each with its code and name.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import polars as pl

from yanglao.core.facilities.circle import covered_villages
from yanglao.core.facilities.params import NetworkRules
from yanglao.core.facilities.projects import project_findings

LABELS = {
    "township_centre": "每个乡镇（苏木）有区域养老服务中心",
    "village_station": "每个村（嘎查、社区）有养老服务站点",
    "nursing_share": "护理型床位占比",
    "concentrated_capacity": "公办机构集中供养能力（对生活不能自理特困人员）",
    "beds_per_100": "每百名60周岁及以上老年人养老床位数（按乡镇）",
    "service_circle": "15分钟养老服务圈覆盖率（按能力等级加权）",
    "projects": "新建、已建居住区配建养老服务用房",
}
ORDER = tuple(LABELS)


@dataclass
class Inputs:
    on: dt.date
    county_code: str
    county_name: str
    townships: pl.DataFrame
    villages: pl.DataFrame
    facilities: pl.DataFrame
    elders: pl.DataFrame
    tekun_unable: int
    projects: pl.DataFrame


@dataclass
class CheckResult:
    check: str
    figure: float
    target: float
    passed: bool
    unit: str
    reference: str
    failing: list[dict[str, Any]] = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)
    example: bool = False  # the target is an example value, not the jurisdiction's own

    def as_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "label": LABELS[self.check],
            "figure": self.figure,
            "target": self.target,
            "unit": self.unit,
            "passed": self.passed,
            "failing": self.failing,
            "reference": self.reference,
            "example": self.example,
            **({"detail": self.detail} if self.detail else {}),
        }


def _f(value: Decimal | float) -> float:
    return float(value)


def _pct(part: float, whole: float) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def township_of(col: str) -> pl.Expr:
    """The 12-digit township code of a 12-digit region code (null for a 6-digit county code)."""
    c = pl.col(col)
    return pl.when(c.str.len_chars() == 12).then(c.str.slice(0, 9) + "000").otherwise(None)


def open_facilities(inputs: Inputs, kinds: tuple[str, ...]) -> pl.DataFrame:
    return inputs.facilities.filter(
        (pl.col("status") == "open") & pl.col("kind").is_in(list(kinds))
    ).with_columns(township=township_of("region"))


def _places(frame: pl.DataFrame, extra: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    return frame.select("code", "name", *extra).sort("code").to_dicts()


def _places_with_one(
    inputs: Inputs,
    rules: NetworkRules,
    check: str,
    places: pl.DataFrame,
    place_of: str,
    counted: tuple[str, str],
) -> CheckResult:
    """The share of ``places`` (townships or villages) with an open facility of the check's kinds
    (``place_of``: the facility's column naming its place), against the ``<check>_share`` target; the
    places without one fail. ``counted``: the detail's names for all places and those with one."""
    value = rules.value(f"{check}_share", inputs.on)
    have = open_facilities(inputs, rules.kinds[check]).select(place=place_of).unique()
    missing = places.join(have, left_on="code", right_on="place", how="anti")
    total = places.height
    figure = _pct(total - missing.height, total)
    every, with_one = counted
    return CheckResult(
        check,
        figure,
        _f(value.value),
        figure >= _f(value.value),
        "%",
        value.reference,
        _places(missing),
        {every: total, with_one: total - missing.height},
        value.example,
    )


def check_township_centre(inputs: Inputs, rules: NetworkRules) -> CheckResult:
    return _places_with_one(
        inputs, rules, "township_centre", inputs.townships, "township", ("townships", "with_centre")
    )


def check_village_station(inputs: Inputs, rules: NetworkRules) -> CheckResult:
    return _places_with_one(
        inputs, rules, "village_station", inputs.villages, "region", ("villages", "with_station")
    )


def check_nursing_share(inputs: Inputs, rules: NetworkRules) -> CheckResult:
    value = rules.value("nursing_share", inputs.on)
    year = int(rules.number("nursing_share_year", inputs.on))
    target = _f(value.value)
    homes = open_facilities(inputs, rules.kinds["nursing_share"]).filter(pl.col("beds") > 0)
    beds, nursing = int(homes["beds"].sum() or 0), int(homes["nursing_beds"].sum() or 0)
    figure = _pct(nursing, beds)
    below = (
        homes.with_columns(figure=(100.0 * pl.col("nursing_beds") / pl.col("beds")).round(1))
        .filter(pl.col("figure") < target)
        .sort("region", "name")
    )
    failing = [
        {"code": r["region"], "name": r["name"], "facility": r["id"], "figure": r["figure"]}
        for r in below.iter_rows(named=True)
    ]
    return CheckResult(
        "nursing_share",
        figure,
        target,
        figure >= target,
        "%",
        value.reference,
        failing,
        {"beds": beds, "nursing_beds": nursing, "by_year": year, "due": inputs.on.year >= year},
        value.example,
    )


def check_concentrated_capacity(inputs: Inputs, rules: NetworkRules) -> CheckResult:
    value = rules.value("concentrated_share", inputs.on)
    homes = open_facilities(inputs, rules.kinds["concentrated_capacity"])
    capacity = int(homes["beds"].sum() or 0)
    need = math.ceil(inputs.tekun_unable * _f(value.value) / 100.0)
    passed = capacity >= need
    failing = [] if passed else [{"code": inputs.county_code, "name": inputs.county_name, "figure": capacity}]
    return CheckResult(
        "concentrated_capacity",
        float(capacity),
        float(need),
        passed,
        "张",
        value.reference,
        failing,
        {"tekun_unable": inputs.tekun_unable, "share": _f(value.value), "public_homes": homes.height},
        value.example,
    )


def elders_by_village(inputs: Inputs) -> pl.DataFrame:
    return inputs.elders.group_by("village").agg(people=pl.col("people").sum())


def check_beds_per_100(inputs: Inputs, rules: NetworkRules) -> CheckResult:
    value = rules.value("beds_per_100", inputs.on)
    target = _f(value.value)
    beds = (
        open_facilities(inputs, rules.kinds["beds_per_100"])
        .group_by("township")
        .agg(beds=pl.col("beds").sum())
    )
    people = (
        elders_by_village(inputs)
        .with_columns(township=township_of("village"))
        .group_by("township")
        .agg(people=pl.col("people").sum())
    )
    table = (
        inputs.townships.join(people, left_on="code", right_on="township", how="left")
        .join(beds, left_on="code", right_on="township", how="left")
        .with_columns(pl.col("people").fill_null(0), pl.col("beds").fill_null(0))
        .with_columns(
            figure=pl.when(pl.col("people") > 0)
            .then((100.0 * pl.col("beds") / pl.col("people")).round(2))
            .otherwise(None)
        )
    )
    failing = _places(table.filter(pl.col("figure") < target), ("figure", "beds", "people"))
    all_beds, all_people = int(beds["beds"].sum() or 0), int(people["people"].sum() or 0)
    figure = round(100.0 * all_beds / all_people, 2) if all_people else 0.0
    return CheckResult(
        "beds_per_100",
        figure,
        target,
        not failing,
        "张/百人",
        value.reference,
        failing,
        {"beds": all_beds, "people": all_people},
        value.example,
    )


def check_service_circle(inputs: Inputs, rules: NetworkRules) -> CheckResult:
    on = inputs.on
    metres = _f(rules.number("service_circle_metres", on))
    value = rules.value("service_circle_share", on)
    weights = [_f(rules.number(f"weight_level_{level}", on)) for level in range(5)]
    level = pl.col("level").fill_null(0).clip(0, 4)
    weight = pl.lit(weights[0])
    for i in range(1, 5):
        weight = pl.when(level == i).then(pl.lit(weights[i])).otherwise(weight)
    weighted = inputs.elders.group_by("village").agg(
        people=pl.col("people").sum(), weighted=(pl.col("people") * weight).sum()
    )
    stations = open_facilities(inputs, rules.kinds["service_circle"])
    covered = covered_villages(inputs.villages, stations, metres)
    table = (
        inputs.villages.join(weighted, left_on="code", right_on="village", how="inner")
        .filter(pl.col("people") > 0)
        .join(covered.with_columns(covered=pl.lit(True)), on="code", how="left")
        .with_columns(pl.col("covered").fill_null(False))
    )
    total = float(table["weighted"].sum() or 0.0)
    inside = float(table.filter(pl.col("covered"))["weighted"].sum() or 0.0)
    figure = _pct(inside, total)
    outside = table.filter(~pl.col("covered")).with_columns(
        located=pl.col("lon").is_not_null() & pl.col("lat").is_not_null(),
        weighted=pl.col("weighted").round(1),
    )
    return CheckResult(
        "service_circle",
        figure,
        _f(value.value),
        figure >= _f(value.value),
        "%",
        value.reference,
        _places(outside, ("people", "weighted", "located")),
        {"metres": metres, "weights": weights, "people": int(table["people"].sum() or 0)},
        value.example,
    )


def check_projects(inputs: Inputs, rules: NetworkRules) -> CheckResult:
    on = inputs.on
    value = rules.value("project_area_new_per_100", on)
    findings = project_findings(
        inputs.projects,
        on,
        new_per_100=_f(value.value),
        existing_per_100=_f(rules.number("project_area_existing_per_100", on)),
        min_site=_f(rules.number("project_min_site_area", on)),
    )
    total = inputs.projects.height
    figure = _pct(total - len(findings), total) if total else 100.0
    reference = "；".join(
        dict.fromkeys(
            rules.value(n, on).reference
            for n in ("project_area_new_per_100", "project_area_existing_per_100", "project_min_site_area")
        )
    )
    return CheckResult(
        "projects",
        figure,
        100.0,
        not findings,
        "%",
        reference,
        findings,
        {"projects": total},
        value.example,
    )


CHECK_FUNCTIONS = {
    "township_centre": check_township_centre,
    "village_station": check_village_station,
    "nursing_share": check_nursing_share,
    "concentrated_capacity": check_concentrated_capacity,
    "beds_per_100": check_beds_per_100,
    "service_circle": check_service_circle,
    "projects": check_projects,
}


def run_checks(inputs: Inputs, rules: NetworkRules) -> list[CheckResult]:
    """Every check, in the documents' order."""
    return [CHECK_FUNCTIONS[name](inputs, rules) for name in ORDER]
