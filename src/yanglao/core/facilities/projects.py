"""The 配建 rules for residential projects (小区): elderly-care rooms by households, one site, first phase.

``projects`` columns: ``name``, ``region``, ``households``, ``area_kind`` (``new`` | ``existing``),
``required_area`` (the planning conditions' figure, null when not stated), ``delivered_area``,
``site_count``, ``phases``, ``delivery_phase`` (null: not scheduled), ``first_phase_handover`` and
``handover_date`` (dates, null when not yet).

For a new area: rooms ≥ ``new_per_100`` m² per 100 households, in one site (never split) of at least
``min_site`` m², scheduled with the first phase and handed over no later than it. For an existing area:
≥ ``existing_per_100`` m² per 100 households (bought, swapped or rented: no site rule).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import polars as pl


def needed_area(households: int, per_100: float) -> float:
    return math.ceil(households * per_100 / 100.0 * 10) / 10


def _reasons(p: dict[str, Any], on: dt.date, new_per_100: float, existing_per_100: float, min_site: float) -> list[str]:  # fmt: skip
    new = p["area_kind"] == "new"
    need = needed_area(int(p["households"]), new_per_100 if new else existing_per_100)
    if new:
        need = max(need, min_site)
    out: list[str] = []
    required = p.get("required_area")
    if required is not None and float(required) < need:
        out.append(f"规划要求面积 {float(required):g} 平方米，低于标准 {need:g} 平方米")
    delivered = float(p.get("delivered_area") or 0)
    sites = int(p.get("site_count") or 0)
    handover, first = p.get("handover_date"), p.get("first_phase_handover")
    handed_over = handover is not None and handover <= on
    if handed_over and delivered < need:
        out.append(f"已交付 {delivered:g} 平方米，低于标准 {need:g} 平方米")
    if not new:
        if not handed_over:
            out.append(f"尚未配齐养老服务用房（标准 {need:g} 平方米）")
        return out
    if sites > 1:
        out.append(f"用房拆分为 {sites} 处（不得拆分）")
    if handed_over and sites >= 1 and delivered / sites < min_site:
        out.append(f"单处用房 {delivered / sites:g} 平方米，少于 {min_site:g} 平方米")
    phases, phase = int(p.get("phases") or 1), p.get("delivery_phase")
    if phases > 1 and phase is not None and int(phase) != 1:
        out.append(f"用房安排在第 {int(phase)} 期，未安排在首期")
    if first is not None and first <= on and (handover is None or handover > first):
        out.append(f"首期已于 {first} 交付，用房{'于 ' + str(handover) + ' 才' if handover else '尚未'}移交")
    return out


def project_findings(
    projects: pl.DataFrame, on: dt.date, *, new_per_100: float, existing_per_100: float, min_site: float
) -> list[dict[str, Any]]:
    """The non-compliant projects, each with its region code, name and reasons."""
    out: list[dict[str, Any]] = []
    for p in projects.sort("region", "name").iter_rows(named=True):
        reasons = _reasons(p, on, new_per_100, existing_per_100, min_site)
        if reasons:
            out.append({"code": p["region"], "name": p["name"], "reasons": reasons})
    return out
