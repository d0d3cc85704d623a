"""The figures of the capability apps (care homes, home services, supervision) for the dashboard and the
bulletin: each app keeps its indicators in ``<app>/indicators.py``; this module names them (by dotted
path, so statistics does not import the apps it reports on) and brings each to one shape — a titled
section of labelled values and, where the app gives one, a table."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.apps import apps
from django.utils.module_loading import import_string

from yanglao.regions.models import Region

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass
class Section:
    """One titled block: ``values`` (label, value) pairs; ``tables`` (caption, headings, rows of
    (heading, cell) pairs, so a phone can show each cell with its heading)."""

    title: str
    values: list[tuple[str, Any]] = field(default_factory=list)
    tables: list[tuple[str, list[str], list[list[tuple[str, Any]]]]] = field(default_factory=list)


def last_full_month(on: dt.date) -> dt.date:
    return (on.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def _add(section: Section, figures: dict[str, Any], skip: tuple[str, ...] = ("label", "标题")) -> None:
    """A figure dict of an app: scalars become values, lists of dicts become tables."""
    for label, value in figures.items():
        if label in skip:
            continue
        if isinstance(value, list):
            if value and isinstance(value[0], dict):
                headings = list(value[0])
                rows = [[(h, row.get(h)) for h in headings] for row in value]
                section.tables.append((label, headings, rows))
        elif isinstance(value, dict):
            continue
        elif isinstance(value, bool):
            section.values.append((label, "是" if value else "否"))
        else:
            section.values.append((label, "—" if value is None else value))


def carehomes(region: Region, on: dt.date) -> Section:
    section = Section("公办养老机构入住与集中供养")
    _add(section, import_string("yanglao.carehomes.indicators.centralized_rate")(region.code, on))
    county = region.code[:6]
    _add(section, import_string("yanglao.carehomes.indicators.queue_figures")(county, on))
    homes = import_string("yanglao.carehomes.indicators.occupancy")(county)
    if homes:
        _add(section, {"公办养老机构入住率": homes})
    return section


def homeservices(region: Region, on: dt.date) -> Section:
    month = last_full_month(on)
    section = Section(f"居家社区养老服务（{month:%Y年%m月}）")
    for name in ("people_served", "plan_fulfilment", "claim_lines", "spend_by_level"):
        _add(section, import_string(f"yanglao.homeservices.indicators.{name}")(month, region.prefix))
    return section


def supervision(region: Region, on: dt.date) -> Section:
    section = Section("综合监管")
    now = dt.datetime.combine(on, dt.time(23, 59), tzinfo=SHANGHAI)
    _add(section, import_string("yanglao.supervision.indicators.supervision_figures")(region.code, now))
    return section


# (app label, section builder): a section is shown when its app is installed.
SECTIONS: tuple[tuple[str, Callable[[Region, dt.date], Section]], ...] = (
    ("carehomes", carehomes),
    ("homeservices", homeservices),
    ("supervision", supervision),
)


def sections(region: Region, on: dt.date) -> list[Section]:
    return [build(region, on) for label, build in SECTIONS if apps.is_installed(f"yanglao.{label}")]


def section_figures(region: Region, on: dt.date) -> list[dict[str, Any]]:
    """The sections as plain data (kept with the dashboard's and the bulletin's cached figures; the
    templates read ``title``, ``values`` and ``tables`` alike)."""
    return [asdict(section) for section in sections(region, on)]
