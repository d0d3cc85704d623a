"""The person record at the edge (``docs/person-record.md``): fields, parsing, validation.

One flat record of an older person. Every importer, the entitlement engine and the command line speak
it. Field names are fixed. Parsing never "fixes" input: each bad value is reported with its field and a
reason, and the record's other fields are still parsed so that all problems are reported at once.

Values after parsing:
- ``text`` / ``region``: ``str``;  ``code``: the English code (``str``);  ``bool``: ``bool``;
  ``date``: :class:`datetime.date`;  ``int``: ``int``;  an empty cell: ``None`` ("not known").
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from yanglao.core.idnumber import IdNumber, IdNumberError, parse_id_number
from yanglao.core.records_io.dates import DateError, date_of_number, parse_date_text

Kind = Literal["id", "text", "code", "bool", "date", "int", "region"]
Value = str | bool | int | dt.date | None


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: Kind
    codes: tuple[tuple[str, str], ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    sensitive: bool = False  # PIPL art. 28 sensitive personal information
    extra_labels: tuple[tuple[str, str], ...] = field(default=())

    def code_values(self) -> tuple[str, ...]:
        return tuple(code for code, _ in self.codes)

    def code_label(self, code: str) -> str:
        return dict(self.codes).get(code, code)


LIVING = (
    ("with_family", "与子女等同住"),
    ("alone", "独居"),
    ("empty_nest", "空巢"),
    ("left_behind", "留守"),
)
TEKUN = (("none", "非特困"), ("dispersed", "分散供养"), ("centralized", "集中供养"))
TEKUN_CARE = (("self", "全自理"), ("half", "半护理"), ("full", "全护理"))
DISABILITY_CATEGORY = (
    ("visual", "视力"),
    ("hearing", "听力"),
    ("speech", "言语"),
    ("physical", "肢体"),
    ("intellectual", "智力"),
    ("mental", "精神"),
    ("multiple", "多重"),
)
FP_SPECIAL = (("none", "否"), ("bereaved", "独生子女死亡"), ("disabled_child", "独生子女伤残"))
SPECIAL_CONTRIBUTION = (
    ("none", "否"),
    ("martyr_family", "烈士遗属"),
    ("duty_death_family", "因公牺牲军人遗属"),
    ("illness_death_family", "病故军人遗属"),
    ("disabled_veteran", "残疾军人"),
    ("demobilized", "复员军人"),
    ("retired_soldier", "退伍军人"),
)
PENSION = (
    ("none", "未参保"),
    ("employee", "企业职工"),
    ("public_sector", "机关事业单位"),
    ("urban_rural", "城乡居民"),
)
ABILITY_LEVELS = (
    ("0", "能力完好"),
    ("1", "轻度失能"),
    ("2", "中度失能"),
    ("3", "重度失能"),
    ("4", "完全失能"),
)
# 残疾等级 (GB/T 26341-2010): the grade as written on the 残疾人证.
DISABILITY_GRADES = (("1", "一级"), ("2", "二级"), ("3", "三级"), ("4", "四级"))
SEX = (("1", "男"), ("2", "女"))

FIELDS: tuple[Field, ...] = (
    Field("id_number", "公民身份号码", "id", sensitive=True),
    Field("name", "姓名", "text"),
    Field("sex", "性别", "code", SEX),
    Field("birth_date", "出生日期", "date"),
    Field("hukou_region", "户籍地区划代码", "region"),
    Field("residence_region", "常住地区划代码", "region"),
    Field("residence_permit", "持常住地居住证", "bool"),
    Field("death_date", "死亡日期", "date"),
    Field("living_arrangement", "居住状况", "code", LIVING),
    Field("no_supporter", "无法定赡养人扶养人或其无赡养扶养能力", "bool"),
    Field("dibao", "最低生活保障对象", "bool", sensitive=True),
    Field("dibao_edge", "低保边缘家庭成员", "bool", sensitive=True),
    Field("spending_hardship", "支出型困难家庭成员", "bool", sensitive=True),
    Field("tekun", "特困人员供养方式", "code", TEKUN, sensitive=True),
    Field("tekun_care", "特困人员照料护理类型", "code", TEKUN_CARE, sensitive=True),
    Field("poverty_relapse", "返贫致贫人口", "bool", sensitive=True),
    Field("poverty_relapse_risk", "农村易返贫致贫人口", "bool", sensitive=True),
    Field("vagrant", "生活无着的流浪乞讨人员", "bool", sensitive=True),
    Field("ability_level", "老年人能力等级", "int", minimum=0, maximum=4, sensitive=True),
    Field("ability_assessed_on", "能力评估日期", "date", sensitive=True),
    Field("self_care_unable", "经认定生活不能自理", "bool", sensitive=True),
    Field("disability_grade", "残疾等级", "int", minimum=1, maximum=4, sensitive=True),
    Field("disability_category", "残疾类别", "code", DISABILITY_CATEGORY, sensitive=True),
    Field("long_term_care_need", "需要长期照护", "bool", sensitive=True),
    Field("fp_special", "计划生育特殊家庭", "code", FP_SPECIAL, sensitive=True),
    Field("special_contribution", "对国家和社会作出特殊贡献的老年人类别", "code", SPECIAL_CONTRIBUTION),
    Field("periodic_pension", "享受国家定期抚恤补助", "bool"),
    Field("military_family", "现役军人家属", "bool"),
    Field("pension_scheme", "基本养老保险类别", "code", PENSION),
    Field("ltc_insured", "参加长期护理保险", "bool"),
    Field("disabled_months", "失能持续月数", "int", minimum=0, maximum=1200, sensitive=True),
)
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
    ability level by its name (``2`` → 中度失能), true/false as 是/否; dates, numbers, text and region
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
    if fld.name == "ability_level":
        return dict(ABILITY_LEVELS).get(text, text)
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
