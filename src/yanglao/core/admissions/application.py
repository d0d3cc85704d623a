"""An application for a place in a public care home (入住申请): the person record plus the application's
own facts (``applied_on``, ``wants_placement`` 意愿, ``preferred_facilities``, ``partner_id_number`` for a
couple applying together, ``status``), and parsing those facts from a file's cells."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import cast

from yanglao.core.admissions.model import STATUSES, Status
from yanglao.core.person import Field, FieldError, Value, parse_value

APPLICATION_FIELDS: tuple[Field, ...] = (
    Field("applied_on", "申请日期", "date"),
    Field("wants_placement", "入住意愿", "bool"),
    Field("preferred_facilities", "意向养老机构", "text"),
    Field("partner_id_number", "配偶公民身份号码", "id"),
    Field("status", "申请状态", "text"),
)
APPLICATION_FIELD_BY_NAME = {f.name: f for f in APPLICATION_FIELDS}
APPLICATION_ALIASES: dict[str, str] = {f.label: f.name for f in APPLICATION_FIELDS} | {
    f.name: f.name for f in APPLICATION_FIELDS
}
_STATUS_LOOKUP = {code: code for code, _ in STATUSES} | {label: code for code, label in STATUSES}
_SPLIT = re.compile(r"[;；,，、\s]+")


@dataclass(frozen=True)
class Application:
    """One application. ``person`` is a parsed person record (``yanglao.core.person``; the fields the
    file or the registry has); ``ref`` is the caller's own key (an application number), kept as is."""

    person: Mapping[str, Value]
    applied_on: dt.date
    wants_placement: bool
    status: Status = "waiting"
    partner_id_number: str | None = None
    preferred_facilities: tuple[str, ...] = ()
    ref: str | None = None

    @property
    def id_number(self) -> str:
        return str(self.person["id_number"])


def parse_status(raw: object) -> Status:
    """``waiting``/``resident``/``withdrawn`` or 轮候中/已入住/已撤回; empty is ``waiting``."""
    text = "" if raw is None else str(raw).strip()
    if not text:
        return "waiting"
    code = _STATUS_LOOKUP.get(text) or _STATUS_LOOKUP.get(text.lower())
    if code is None:
        allowed = "、".join(f"{label}（{c}）" for c, label in STATUSES)
        raise FieldError("status", f"未知申请状态“{text}”，可用值：{allowed}")
    return cast(Status, code)


def parse_facilities(raw: object) -> tuple[str, ...]:
    text = "" if raw is None else str(raw).strip()
    return tuple(part for part in _SPLIT.split(text) if part)


def parse_application_cells(
    cells: Mapping[str, object], id_number: str | None, on: dt.date
) -> tuple[dict[str, object], list[FieldError]]:
    """The application's own cells of one row, parsed, and every error (field, reason)."""
    out: dict[str, object] = {}
    errors: list[FieldError] = []
    for name in ("applied_on", "wants_placement", "partner_id_number"):
        try:
            out[name] = parse_value(APPLICATION_FIELD_BY_NAME[name], cells.get(name))
        except FieldError as exc:
            errors.append(exc)
            out[name] = None
    try:
        out["status"] = parse_status(cells.get("status"))
    except FieldError as exc:
        errors.append(exc)
    out["preferred_facilities"] = parse_facilities(cells.get("preferred_facilities"))
    applied = out.get("applied_on")
    if applied is None and not any(e.field == "applied_on" for e in errors):
        errors.append(FieldError("applied_on", "申请日期为必填项"))
    elif isinstance(applied, dt.date) and applied > on:
        errors.append(FieldError("applied_on", f"申请日期 {applied} 晚于排序日期 {on}"))
    if out.get("wants_placement") is None and not any(e.field == "wants_placement" for e in errors):
        errors.append(FieldError("wants_placement", "入住意愿为必填项（是/否）"))
    partner = out.get("partner_id_number")
    if partner is not None and partner == id_number:
        errors.append(FieldError("partner_id_number", "配偶公民身份号码与本人相同"))
    return out, errors
