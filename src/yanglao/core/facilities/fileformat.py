"""The facility file (设施信息表): its columns, codes and the check of one row.

:func:`parse_row` turns one raw row (cells as read by :mod:`yanglao.core.records_io`) into the values the
registry stores, or the row's errors (field, reason). Facts about other rows (a licence number used twice
in the file) and about the database (the region exists and is in the user's jurisdiction) are checked by
the importer. docs/facilities.md describes the format for people who write such files.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from yanglao.core.records_io.dates import DateError, parse_date_text

# Codes and the documents' words. Kept equal to the Django choices (facilities.models; a test compares).
KINDS: dict[str, str] = {
    "public_home": "公办养老机构（敬老院）",
    "private_home": "社会办养老机构",
    "mutual_aid": "农村互助幸福院",
    "community_station": "社区养老服务站",
    "day_care": "社区日间照料中心",
    "regional_centre": "区域养老服务中心",
    "village_station": "村级养老服务站",
    "neighbour_aid": "邻里互助点",
    "meal_point": "老年食堂（助餐点）",
    "glory_home": "光荣院",
    "special_care": "特困人员供养服务设施",
    "county_centre": "县级失能照护服务机构",
}
# Further words a file may use for a kind.
KIND_WORDS: dict[str, str] = {
    "敬老院": "public_home",
    "公办养老机构": "public_home",
    "社会办养老机构": "private_home",
    "民办养老机构": "private_home",
    "互助幸福院": "mutual_aid",
    "社区养老服务站": "community_station",
    "日间照料中心": "day_care",
    "乡镇区域养老服务中心": "regional_centre",
    "乡级养老服务中心": "regional_centre",
    "苏木乡镇养老服务中心": "regional_centre",
    "村级养老服务站": "village_station",
    "邻里互助点": "neighbour_aid",
    "老年食堂": "meal_point",
    "助餐点": "meal_point",
    "光荣院": "glory_home",
    "特困供养服务设施": "special_care",
    "旗级养老服务中心": "county_centre",
    "县级养老服务中心": "county_centre",
}
TIERS = {"county": "县级", "township": "乡镇级", "village": "村（社区）级"}
TIER_WORDS = {"县": "county", "旗": "county", "县级": "county", "乡": "township", "乡级": "township",
              "乡镇": "township", "村": "village", "村级": "village", "社区": "village"}  # fmt: skip
OPERATORS = {"public": "公办", "public_private": "公建民营", "private": "民办"}
OPERATOR_WORDS = {"公办公营": "public", "社会办": "private", "民营": "private"}
STATUSES = {"planned": "筹建中", "open": "运营中", "suspended": "暂停服务", "closed": "已关停"}
STATUS_WORDS = {"运营": "open", "正常": "open", "筹建": "planned", "停业": "suspended", "关停": "closed",
                "注销": "closed"}  # fmt: skip
LICENCE_KINDS = {"licence": "设立许可", "filing": "备案"}
LICENCE_WORDS = {"许可": "licence", "许可证": "licence", "备案": "filing"}
COORDINATE_SYSTEMS = {"wgs84": "WGS-84", "gcj02": "GCJ-02"}
COORDINATE_WORDS = {"wgs-84": "wgs84", "gcj-02": "gcj02", "火星坐标": "gcj02", "gps": "wgs84"}
SERVICES = {
    "meals": "助餐",
    "bath": "助浴",
    "cleaning": "助洁",
    "medical": "助医",
    "emergency": "助急",
    "mobility": "助行",
    "day_care": "日间照料",
    "residential": "全托（托养）",
    "respite": "短期托养（喘息服务）",
    "home_visits": "居家上门服务",
    "rehab": "康复护理",
    "culture": "文化娱乐",
}
SERVICE_WORDS = {"托养": "residential", "全托": "residential", "喘息服务": "respite", "康复": "rehab"}

# The tier and operator a row gets when its file leaves them out.
DEFAULT_TIER = {
    "county_centre": "county",
    "glory_home": "county",
    "village_station": "village",
    "neighbour_aid": "village",
    "mutual_aid": "village",
    "community_station": "village",
    "meal_point": "village",
}
DEFAULT_OPERATOR = {"private_home": "private"}

# Column → label (the file may use either).
COLUMNS: dict[str, str] = {
    "name": "名称",
    "kind": "类型",
    "tier": "层级",
    "operator": "运营方式",
    "region": "所在区划代码",
    "address": "地址",
    "lon": "经度",
    "lat": "纬度",
    "coordinate_system": "坐标系",
    "licence_kind": "许可或备案",
    "licence_number": "许可证号或备案号",
    "licence_date": "许可或备案日期",
    "beds": "床位数",
    "nursing_beds": "护理型床位数",
    "occupied_beds": "在住人数",
    "rooms": "房间数",
    "services": "服务项目",
    "opened_on": "开业日期",
    "closed_on": "关停日期",
    "status": "状态",
    "phone": "联系电话",
}
REQUIRED = ("name", "kind", "region")
ALIASES: dict[str, str] = {
    **{name: name for name in COLUMNS},
    **{label: name for name, label in COLUMNS.items()},
    "设施名称": "name",
    "机构名称": "name",
    "设施类型": "kind",
    "区划代码": "region",
    "床位": "beds",
    "护理型床位": "nursing_beds",
    "在用床位数": "occupied_beds",
    "许可证号": "licence_number",
    "备案号": "licence_number",
}
COUNTS = ("beds", "nursing_beds", "occupied_beds", "rooms")
DATES = ("licence_date", "opened_on", "closed_on")
MAX_COUNT = 100_000
_REGION = re.compile(r"^\d{6}(\d{6})?$")
_SPLIT = re.compile(r"[、,，;；/\s]+")


@dataclass
class Parsed:
    """One row checked: the values (absent columns left out) and the row's errors (field, reason)."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _code(cell: str, codes: dict[str, str], words: dict[str, str]) -> str | None:
    key = cell.strip()
    if key in codes:
        return key
    if key.lower() in codes:
        return key.lower()
    for code, label in codes.items():
        if key == label:
            return code
    return words.get(key) or words.get(key.lower())


def _count(cell: Any) -> int:
    text = _text(cell).replace(",", "")
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"应为整数，实际为“{text}”") from None
    if not number.is_integer():
        raise ValueError(f"应为整数，实际为“{text}”")
    if number < 0:
        raise ValueError(f"不能为负数（{int(number)}）")
    if number > MAX_COUNT:
        raise ValueError(f"数值过大（{int(number)}）")
    return int(number)


def _date(cell: Any) -> dt.date:
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    return parse_date_text(_text(cell))


def _coordinate(cell: Any, low: float, high: float) -> float:
    text = _text(cell)
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"应为十进制度数，实际为“{text}”") from None
    if not low <= number <= high:
        raise ValueError(f"超出中国范围（{low}–{high}）：{text}")
    return round(number, 7)


CHOICES: dict[str, tuple[dict[str, str], dict[str, str], str]] = {
    "kind": (KINDS, KIND_WORDS, "未知的设施类型"),
    "tier": (TIERS, TIER_WORDS, "未知的层级（县级、乡镇级、村级）"),
    "operator": (OPERATORS, OPERATOR_WORDS, "未知的运营方式（公办、公建民营、民办）"),
    "status": (STATUSES, STATUS_WORDS, "未知的状态"),
    "licence_kind": (LICENCE_KINDS, LICENCE_WORDS, "应为“设立许可”或“备案”"),
    "coordinate_system": (COORDINATE_SYSTEMS, COORDINATE_WORDS, "应为 WGS-84 或 GCJ-02"),
}


def parse_row(row: dict[str, Any]) -> Parsed:
    """Check one row of a facility file. Empty cells are left out (an import never empties a field)."""
    out = Parsed()
    values, errors = out.values, out.errors
    for name, cell in row.items():
        if name not in COLUMNS:
            continue
        text = _text(cell)
        if not text:
            if name in REQUIRED:
                errors.append((name, "必填，不能为空"))
            continue
        try:
            values[name] = _value(name, cell, text)
        except (ValueError, DateError) as exc:
            errors.append((name, str(exc)))
    if any(f == "kind" for f, _ in errors) or "kind" not in values:
        return out
    _defaults(values, row)
    _consistency(values, errors)
    return out


def _value(name: str, cell: Any, text: str) -> Any:
    if name in CHOICES:
        codes, words, reason = CHOICES[name]
        code = _code(text, codes, words)
        if code is None:
            raise ValueError(f"{reason}：“{text}”")
        return code
    if name in COUNTS:
        return _count(cell)
    if name in DATES:
        return _date(cell)
    if name == "region":
        if not _REGION.match(text):
            raise ValueError(f"应为 6 位或 12 位区划代码，实际为“{text}”")
        return text
    if name == "lon":
        return _coordinate(cell, 73.0, 135.5)
    if name == "lat":
        return _coordinate(cell, 3.0, 54.0)
    if name == "services":
        return _services(text)
    if name == "name" and len(text) > 100:
        raise ValueError("名称超过 100 个字")
    if name == "address" and len(text) > 200:
        raise ValueError("地址超过 200 个字")
    if name in ("licence_number", "phone") and len(text) > 64:
        raise ValueError("超过 64 个字符")
    return text


def _services(text: str) -> list[str]:
    codes: list[str] = []
    for part in _SPLIT.split(text):
        if not part:
            continue
        code = _code(part, SERVICES, SERVICE_WORDS)
        if code is None:
            raise ValueError(f"未知的服务项目：“{part}”")
        if code not in codes:
            codes.append(code)
    return sorted(codes)


def _defaults(values: dict[str, Any], row: dict[str, Any]) -> None:
    kind = values["kind"]
    if "tier" not in values and not _text(row.get("tier")):
        values["tier"] = DEFAULT_TIER.get(kind, "township")
    if "operator" not in values and not _text(row.get("operator")):
        values["operator"] = DEFAULT_OPERATOR.get(kind, "public")


def _consistency(values: dict[str, Any], errors: list[tuple[str, str]]) -> None:
    failed = {f for f, _ in errors}
    beds = values.get("beds")
    if beds is not None:
        for name in ("nursing_beds", "occupied_beds"):
            other = values.get(name)
            if other is not None and other > beds and name not in failed:
                errors.append((name, f"{COLUMNS[name]} {other} 超过床位数 {beds}"))
    if ("lon" in values) != ("lat" in values) and not failed & {"lon", "lat"}:
        errors.append(("lon" if "lon" not in values else "lat", "经度和纬度须同时填写"))
    opened, closed = values.get("opened_on"), values.get("closed_on")
    if opened and closed and closed < opened:
        errors.append(("closed_on", f"关停日期 {closed} 早于开业日期 {opened}"))
    if values.get("licence_date") and not values.get("licence_number") and "licence_number" not in failed:
        errors.append(("licence_number", "填写了许可或备案日期，但没有许可证号或备案号"))


def label_of(name: str, code: str) -> str:
    """The documents' word for a code of column ``name`` (the code itself when unknown)."""
    if name in CHOICES:
        return CHOICES[name][0].get(code, code)
    if name == "services":
        return SERVICES.get(code, code)
    return code
