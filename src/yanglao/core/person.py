"""The person record at the edge (``docs/person-record.md``): fields, parsing, validation.

One flat record of an older person. Every importer, the entitlement engine and the command line speak
it. Field names are fixed; the fields are described once in :mod:`yanglao.core.personfields` (re-exported
here: ``FIELDS``, ``Field``, the code tables). Parsing never "fixes" input: each bad value is reported
with its field and a reason, and the record's other fields are still parsed so that all problems are
reported at once.

Values after parsing:
- ``text`` / ``region``: ``str``;  ``code``: the English code (``str``);  ``bool``: ``bool``;
  ``date``: :class:`datetime.date`;  ``int``: ``int``;  an empty cell: ``None`` ("not known").
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from functools import lru_cache

from yanglao.core.idnumber import IdNumber, IdNumberError, parse_id_number
from yanglao.core.personfields import (
    ABILITY_LEVELS,
    DISABILITY_CATEGORY,
    DISABILITY_GRADES,
    FIELDS,
    FP_SPECIAL,
    LIVING,
    PENSION,
    SEX,
    SPECIAL_CONTRIBUTION,
    TEKUN,
    TEKUN_CARE,
    Field,
    Kind,
)
from yanglao.core.records_io.dates import DateError, date_of_number, parse_date_text

__all__ = [
    "ABILITY_LEVELS",
    "BOOL_WORDS",
    "DISABILITY_CATEGORY",
    "DISABILITY_GRADES",
    "FALSE_WORDS",
    "FIELDS",
    "FIELD_BY_NAME",
    "FIELD_NAMES",
    "FP_SPECIAL",
    "HEADER_ALIASES",
    "ID_AS_NUMBER",
    "LIVING",
    "PENSION",
    "SEX",
    "SPECIAL_CONTRIBUTION",
    "TEKUN",
    "TEKUN_CARE",
    "TRUE_WORDS",
    "Field",
    "FieldError",
    "Kind",
    "Record",
    "Value",
    "age_on",
    "derive_defaults",
    "format_value",
    "parse_record",
    "parse_value",
    "parsed_id",
    "value_words",
]

Value = str | bool | int | dt.date | None
FIELD_BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}
FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in FIELDS)
# Chinese column headers are accepted as well as the fixed English names.
HEADER_ALIASES: dict[str, str] = {f.label: f.name for f in FIELDS} | {f.name: f.name for f in FIELDS}

TRUE_WORDS = frozenset({"true", "1", "是", "y", "yes", "t"})
FALSE_WORDS = frozenset({"false", "0", "否", "n", "no", "f"})
_REGION_RE = re.compile(r"^\d{6}(\d{6})?$")


@lru_cache(maxsize=4)
def parsed_id(text: str) -> IdNumber:
    """Parsing the ID number once per row although several checks need it."""
    return parse_id_number(text)


class FieldError(ValueError):
    def __init__(self, field_name: str, reason: str) -> None:
        super().__init__(f"{field_name}: {reason}")
        self.field = field_name
        self.reason = reason


def _coerce(fld: Field, raw: object) -> Value:
    """Typed cells (XLSX, JSON Lines, Parquet) of the right type pass; anything else becomes text."""
    if isinstance(raw, bool):
        return raw if fld.kind == "bool" else str(raw)
    if isinstance(raw, dt.datetime):
        return raw.date() if fld.kind == "date" else str(raw)
    if isinstance(raw, dt.date):
        return raw if fld.kind == "date" else str(raw)
    if isinstance(raw, (int, float)) and fld.kind == "date":  # an Excel serial in a number cell
        try:
            return date_of_number(raw)
        except DateError as exc:
            raise FieldError(fld.name, str(exc)) from None
    if isinstance(raw, float) and raw.is_integer() and fld.kind in ("int", "code"):
        return str(int(raw))
    if isinstance(raw, float) and fld.kind == "id":
        raise FieldError(fld.name, ID_AS_NUMBER)
    return str(raw)


# An ID number Excel took for a number keeps 15 significant digits: the rest is gone for good.
ID_AS_NUMBER = (
    "身份证号码被 Excel 存成了数字（如 1.52223E+17），后几位已经丢失：请把该列设为“文本”格式，重新填写号码"
)
_SCIENTIFIC = re.compile(r"^\d(?:\.\d+)?[eE]\+?\d+$")


def _parse_id(fld: Field, text: str) -> Value:
    if _SCIENTIFIC.match(text):
        raise FieldError(fld.name, ID_AS_NUMBER)
    try:
        return parsed_id(text).value
    except IdNumberError as exc:
        raise FieldError(fld.name, str(exc)) from None


def _parse_text(fld: Field, text: str) -> Value:
    return text


def _parse_region(fld: Field, text: str) -> Value:
    if not _REGION_RE.match(text):
        raise FieldError(fld.name, f"区划代码应为6位或12位数字，实际为“{text}”")
    return text


def _parse_bool(fld: Field, text: str) -> Value:
    low = text.lower()
    if low in TRUE_WORDS:
        return True
    if low in FALSE_WORDS:
        return False
    raise FieldError(fld.name, f"应为 true/false、1/0、是/否 或 Y/N，实际为“{text}”")


def _parse_date(fld: Field, text: str) -> Value:
    """ISO dates and the forms spreadsheets write (``core.records_io.dates``)."""
    try:
        return parse_date_text(text)
    except DateError as exc:
        raise FieldError(fld.name, str(exc)) from None


def _parse_int(fld: Field, text: str) -> Value:
    try:
        number = int(text)
    except ValueError:
        raise FieldError(fld.name, f"应为整数，实际为“{text}”") from None
    if (fld.minimum is not None and number < fld.minimum) or (
        fld.maximum is not None and number > fld.maximum
    ):
        raise FieldError(fld.name, f"应在 {fld.minimum}–{fld.maximum} 之间，实际为 {number}")
    return number


def _parse_code(fld: Field, text: str) -> Value:
    """The Chinese label or the English code (the error lists the labels: the words people write)."""
    code = _CODE_LOOKUP[fld.name].get(text)
    if code is None:
        allowed = "、".join(lbl for _, lbl in fld.codes)
        raise FieldError(fld.name, f"未知代码“{text}”，可用值：{allowed}")
    return code


_PARSERS = {
    "id": _parse_id,
    "text": _parse_text,
    "region": _parse_region,
    "bool": _parse_bool,
    "date": _parse_date,
    "int": _parse_int,
    "code": _parse_code,
}
_CODE_LOOKUP: dict[str, dict[str, str]] = {
    f.name: {c: c for c, _ in f.codes} | {label: c for c, label in f.codes}
    for f in FIELDS
    if f.kind == "code"
}


def parse_value(fld: Field, raw: object) -> Value:
    """Parse one cell. ``None`` or an empty/blank string means "not known"."""
    if raw is None:
        return None
    if type(raw) is not str:
        raw = _coerce(fld, raw)
        if type(raw) is not str:
            return raw
    text = raw.strip()
    if not text:
        return None
    return _PARSERS[fld.kind](fld, text)


Record = dict[str, Value]


def parse_record(raw: Mapping[str, object]) -> tuple[Record, list[FieldError]]:
    """Parse the columns present in ``raw`` (keys already mapped to field names).

    Returns the parsed record (only the columns present, plus values derived from the ID number when
    those columns are present but empty) and every error found. Unknown keys are ignored here; the
    file readers reject unknown headers before rows are parsed.
    """
    record: Record = {}
    errors: list[FieldError] = []
    for name, cell in raw.items():
        fld = FIELD_BY_NAME.get(name)
        if fld is None:
            continue
        try:
            record[name] = parse_value(fld, cell)
        except FieldError as exc:
            errors.append(exc)
    id_value = record.get("id_number")
    if "id_number" in raw and id_value is None and not any(e.field == "id_number" for e in errors):
        errors.append(FieldError("id_number", "公民身份号码为必填项"))
    if isinstance(id_value, str):
        ident = parsed_id(id_value)
        _cross_check(record, raw, "birth_date", ident.birth_date, f"{ident.birth_date:%Y-%m-%d}", errors)
        _cross_check(record, raw, "sex", ident.sex, "男" if ident.sex == "1" else "女", errors)
    return record, errors


def _cross_check(
    record: Record,
    raw: Mapping[str, object],
    name: str,
    derived: Value,
    shown: str,
    errors: list[FieldError],
) -> None:
    if name not in raw:
        return
    if any(e.field == name for e in errors):
        return
    given = record.get(name)
    if given is None:
        record[name] = derived
    elif given != derived:
        errors.append(FieldError(name, f"与公民身份号码不符：身份证号码显示为 {shown}，填写为 {raw[name]}"))


def derive_defaults(record: Record) -> Record:
    """Fill what the spec derives for a complete record: sex and birth date from the ID number,
    residence from 户籍. Used by the engine on a flat file, where a missing column means "derive"."""
    out = dict(record)
    id_value = out.get("id_number")
    if isinstance(id_value, str):
        ident = parsed_id(id_value)
        if out.get("birth_date") is None:
            out["birth_date"] = ident.birth_date
        if out.get("sex") is None:
            out["sex"] = ident.sex
    if out.get("residence_region") is None:
        out["residence_region"] = out.get("hukou_region")
    return out


def age_on(birth: dt.date, on: dt.date) -> int:
    """Age in completed years (周岁). Born 29 February: a year older on 1 March in common years."""
    years = on.year - birth.year
    if (on.month, on.day) < (birth.month, birth.day):
        years -= 1
    return years


BOOL_WORDS = {"true": "是", "false": "否"}


def value_words(name: str, value: Value) -> str:
    """A value of field ``name`` in the documents' words: a code by its label (``alone`` → 独居), an
    ability level or a disability grade by its name (``2`` → 中度失能, 二级), true/false as 是/否; dates, numbers, text and region
    codes as their interchange text. A value that is not one of the field's codes (a masked value, a
    label already) is shown as it is. The one place the interface turns codes into words."""
    text = format_value(value)
    fld = FIELD_BY_NAME.get(name)
    if fld is None or not text:
        return text
    if fld.kind == "code":
        return fld.code_label(text)
    if fld.kind == "bool":
        return BOOL_WORDS.get(text.lower(), text)
    if fld.levels:
        return dict(fld.levels).get(text, text)
    return text


def format_value(value: Value) -> str:
    """The interchange text of a parsed value (CSV cell)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
