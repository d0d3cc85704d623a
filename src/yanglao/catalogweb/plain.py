"""Rules, reasons and amounts in plain words for the public pages (pure Python, no Django).

The core describes a rule for staff ("年龄 ≥ 80周岁", "户籍地区划代码在 150000 辖区内"). An older person's
family reads: "年满80周岁", "户籍在内蒙古自治区". This module walks the same rule trees (and, for a
decision, the evaluator's :class:`~yanglao.core.catalog.decision.Trace` beside them) and says the same
thing in everyday words, naming places by name and the person's own values ("本人85周岁").
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import singledispatch

from yanglao.core.catalog.decision import Trace
from yanglao.core.catalog.describe import ARITH_WORDS
from yanglao.core.catalog.model import Benefit, Catalog
from yanglao.core.catalog.rules import (
    Age,
    All,
    AnyOf,
    Arith,
    Bracket,
    Choose,
    Compare,
    Cond,
    Const,
    Expr,
    FieldRef,
    In,
    IsKnown,
    Not,
    OptionOn,
    Param,
    Within,
    jurisdiction_code,
    region_prefix,
)
from yanglao.core.catalog.words import (
    PLACEHOLDER_MARK,
    code_label,
    code_words,
    field_label,
    literal_text,
    number_text,
    payee_text,
    quantity_text,
)
from yanglao.core.person import Value, age_on
from yanglao.core.personfields import PERSON_FIELD_BY_NAME

NOT_GIVEN = "未填写"


def bool_phrase(name: str, truth: bool) -> str:
    """A yes/no field being true or false as a family says it (``core/personfields.py``'s phrases):
    ``是低保对象`` / ``不是低保对象``."""
    fld = PERSON_FIELD_BY_NAME.get(name)
    said = (fld.phrases.yes if truth else fld.phrases.no) if fld else ""
    return said or f"{field_label(name)}：{'是' if truth else '否'}"


def known_phrase(name: str) -> str:
    """ "The value is known": ``持有残疾人证``, ``做过老年人能力评估``."""
    if name == "age":
        return "出生日期已知"
    fld = PERSON_FIELD_BY_NAME.get(name)
    return (fld.phrases.known if fld else "") or f"{field_label(name)}已填写"


def empty_phrase(name: str) -> str:
    """The person's value is unknown: ``无残疾人证``, ``未评估``, else ``未填写``."""
    fld = PERSON_FIELD_BY_NAME.get(name)
    return (fld.phrases.empty if fld else "") or NOT_GIVEN


NUMBER_OP_WORDS = {"=": "等于", "!=": "不等于", "<": "低于", "<=": "不超过", ">": "高于", ">=": "不低于"}


# --- places ----------------------------------------------------------------------------------------

_PROVINCE_RE = re.compile(r"^(.+?(?:自治区|省|市))(.*)$")
_CITY_RE = re.compile(r"^(.+?(?:自治州|地区|市|盟|州))(.*)$")


@dataclass(frozen=True)
class Places:
    """The names of a list's jurisdiction and of the jurisdictions above it, from ``catalog.jurisdiction``."""

    code: str
    level: str  # "province" | "city" | "county"
    province: str
    city: str
    county: str

    @property
    def short(self) -> str:
        return self.county or self.city or self.province

    @property
    def own_word(self) -> str:
        """本旗 / 本县 / 本区 / 本市 / 本省 / 本自治区."""
        if self.level == "province":
            return "本自治区" if self.province.endswith("自治区") else "本省"
        last = self.short[-1:] or "地"
        return f"本{last}"

    def name_of(self, code6: str) -> str:
        """A jurisdiction above or equal to this list's, by name; another one by its code."""
        if code6 == self.code:
            return self.short
        if code6 == self.code[:2] + "0000" and self.province:
            return self.province
        if code6 == self.code[:4] + "00" and self.city:
            return self.city
        return f"区划代码 {code6} 所辖地区"

    def place_of(self, region: str) -> str:
        """Where a person's 6- or 12-digit region code lies, seen from this list's jurisdiction."""
        prefix = region_prefix(self.code)
        if region.startswith(prefix):
            return self.short
        if self.level == "county" and region.startswith(self.code[:4]) and self.city:
            return f"{self.city}的其他{_county_word(self)}"
        if self.level != "province" and region.startswith(self.code[:2]) and self.province:
            return f"{self.province}的其他地方"
        return "其他省份"


def _county_word(places: Places) -> str:
    return "旗县（市、区）" if places.county.endswith("旗") else "县（市、区）"


def places(catalog: Catalog) -> Places:
    code = catalog.code
    level = "province" if code.endswith("0000") else "city" if code.endswith("00") else "county"
    province, city, county = catalog.jurisdiction, "", ""
    match = _PROVINCE_RE.match(catalog.jurisdiction)
    if match and level != "province":
        province, rest = match.group(1), match.group(2)
        if level == "city":
            city = rest or catalog.name.removesuffix("基本养老服务清单")
        else:
            sub = _CITY_RE.match(rest)
            city, county = (sub.group(1), sub.group(2)) if sub and sub.group(2) else ("", rest)
    if level == "county" and not county:
        county = catalog.name.removesuffix("基本养老服务清单")
    return Places(code, level, province, city, county)


def region_choices(catalog: Catalog) -> list[tuple[str, str, str]]:
    """The places a self-checking person chooses from: ``(key, label, a region code standing for it)``.

    The codes are stand-ins (``152299`` = "兴安盟的其他旗县"): rules test regions by prefix only."""
    p = places(catalog)
    code = catalog.code
    out = [("local", f"{p.own_word}（{p.short}）", code)]
    if p.level == "county" and p.city:
        out.append(("city", f"{p.city}的其他{_county_word(p)}", code[:4] + "99"))
    if p.level != "province":
        out.append(("province", f"{p.province}的其他地方", code[:2] + "9900"))
    out.append(("elsewhere", "其他省份", "990000"))
    return out


# --- one condition, without and with a person's values ---------------------------------------------


def _or_join(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return "、".join(words[:-1]) + "或" + words[-1]


def _code_words(field: str, values: tuple[str, ...] | tuple[int, ...]) -> list[str]:
    return [code_words(field, v) for v in values]


def _age_phrase(op: str, years: str) -> str:
    return {
        ">=": f"年满{years}周岁",
        ">": f"年龄超过{years}周岁",
        "<=": f"年龄不超过{years}周岁",
        "<": f"未满{years}周岁",
        "=": f"年龄为{years}周岁",
        "!=": f"年龄不是{years}周岁",
    }[op]


_FLIP = {">=": "<=", "<=": ">=", ">": "<", "<": ">", "=": "=", "!=": "!="}


class UnknownNode(TypeError):
    """A rule node this module has no words for: a new node of the rule language needs its words here
    (tests/unit/catalog/test_node_coverage.py checks every node); never a silent loop."""

    def __init__(self, node: object) -> None:
        super().__init__(f"plain words: no words for the rule node {type(node).__name__}")


@singledispatch
def cond_words(cond: Cond, catalog: Catalog) -> str:
    """A whole rule in plain words (the list page's "谁能享受")."""
    raise UnknownNode(cond)


def leaf_words(cond: Cond, catalog: Catalog) -> str:
    """One condition (not a group) in plain words."""
    return cond_words(cond, catalog)


@cond_words.register
def _(cond: All, catalog: Catalog) -> str:
    return "；".join(_nested(c, catalog) for c in cond.items)


@cond_words.register
def _(cond: AnyOf, catalog: Catalog) -> str:
    return "以下任一：" + " / ".join(_nested(c, catalog) for c in cond.items)


@cond_words.register
def _(cond: Not, catalog: Catalog) -> str:
    return f"不属于“{cond_words(cond.item, catalog)}”"


@cond_words.register
def _(cond: Compare, catalog: Catalog) -> str:
    left, right = cond.left, cond.right
    op: str = cond.op
    if isinstance(right, Age) and not isinstance(left, Age):
        left, right, op = right, left, _FLIP[op]
    if isinstance(left, Age) and isinstance(right, Const) and isinstance(right.value, Decimal):
        return _age_phrase(op, number_text(right.value))
    if (
        isinstance(left, FieldRef)
        and isinstance(right, Const)
        and isinstance(right.value, bool)
        and op in ("=", "!=")
    ):
        return bool_phrase(left.name, right.value if op == "=" else not right.value)
    return f"{expr_words(left, catalog)}{NUMBER_OP_WORDS[op]}{expr_words(right, catalog)}"


@cond_words.register
def _(cond: In, catalog: Catalog) -> str:
    values = _or_join(_code_words(cond.field, cond.values))
    fld = PERSON_FIELD_BY_NAME.get(cond.field)
    if fld is not None and fld.phrases.values:
        return fld.phrases.values.format(values)  # 独居、空巢或留守; 持一级或二级残疾人证
    return f"{field_label(cond.field)}为{values}"


@cond_words.register
def _(cond: Within, catalog: Catalog) -> str:
    where = "户籍" if cond.field == "hukou_region" else "常住地"
    return f"{where}在{places(catalog).name_of(jurisdiction_code(cond.prefix))}"


@cond_words.register
def _(cond: IsKnown, catalog: Catalog) -> str:
    return known_phrase(cond.field)


@cond_words.register
def _(cond: OptionOn, catalog: Catalog) -> str:
    option = catalog.options.get(cond.name)
    return f"本地政策“{option.label if option else cond.name}”已开启"


def _nested(cond: Cond, catalog: Catalog) -> str:
    text = cond_words(cond, catalog)
    return f"〔{text}〕" if isinstance(cond, All | AnyOf) else text


def _value_of(field: str, record: Mapping[str, Value], on: dt.date, catalog: Catalog) -> str:
    if field == "age":
        birth = record.get("birth_date")
        return f"本人{age_on(birth, on)}周岁" if isinstance(birth, dt.date) else f"本人年龄{NOT_GIVEN}"
    value = record.get(field)
    if value is None:
        return f"本人：{empty_phrase(field)}"
    if isinstance(value, bool):
        return f"本人：{'是' if value else '否'}"
    if field in ("hukou_region", "residence_region") and isinstance(value, str):
        return f"本人：{places(catalog).place_of(value)}"
    if isinstance(value, int) and (fld := PERSON_FIELD_BY_NAME.get(field)) and fld.levels:
        return f"本人：{_code_words(field, (value,))[0]}"
    if isinstance(value, str):
        try:
            return f"本人：{code_label(field, value)}"
        except KeyError:
            return f"本人：{value}"
    return f"本人：{value}"


def _fields_read(cond: Cond) -> list[str]:
    names: list[str] = []

    def expr(e: Expr) -> None:
        if isinstance(e, Age):
            names.append("age")
        elif isinstance(e, FieldRef):
            names.append(e.name)
        elif isinstance(e, Arith):
            for arg in e.args:
                expr(arg)

    if isinstance(cond, Compare):
        expr(cond.left)
        expr(cond.right)
    elif isinstance(cond, (In | Within, IsKnown)):
        names.append(cond.field)
    return list(dict.fromkeys(names))


def _leaf_with_value(
    cond: Cond, trace: Trace, record: Mapping[str, Value], on: dt.date, catalog: Catalog
) -> str:
    words = leaf_words(cond, catalog)
    if isinstance(cond, OptionOn):
        return f"{words}（本地{'已' if trace.result else '未'}开启）"
    values = [_value_of(f, record, on, catalog) for f in _fields_read(cond)]
    return f"{words}（{'；'.join(values)}）" if values else words


class Mismatch(ValueError):
    """The trace does not have the shape of the rule (should not happen; the caller falls back)."""


def _children(cond: Cond, trace: Trace) -> list[tuple[Cond, Trace]]:
    items: tuple[Cond, ...] = ()
    if isinstance(cond, All | AnyOf):
        items = cond.items
    elif isinstance(cond, Not):
        items = (cond.item,)
    if len(items) != len(trace.children):
        raise Mismatch(trace.text)
    return list(zip(items, trace.children, strict=True))


def why_not(cond: Cond, trace: Trace, record: Mapping[str, Value], on: dt.date, catalog: Catalog) -> str:
    """What the person lacks, in plain words with their own values."""
    if isinstance(cond, All) and trace.kind == "all":
        return "；".join(
            why_not(c, t, record, on, catalog) for c, t in _children(cond, trace) if not t.result
        )
    if isinstance(cond, AnyOf) and trace.kind == "any":
        parts = [why_not(c, t, record, on, catalog) for c, t in _children(cond, trace)]
        return "以下都不符合：" + " / ".join(parts)
    if isinstance(cond, Not) and trace.kind == "not":
        ((inner, inner_trace),) = _children(cond, trace)
        return f"本项不适用于：{why_yes(inner, inner_trace, record, on, catalog)}"
    if trace.kind != "leaf":
        raise Mismatch(trace.text)
    return _leaf_with_value(cond, trace, record, on, catalog)


def why_yes(cond: Cond, trace: Trace, record: Mapping[str, Value], on: dt.date, catalog: Catalog) -> str:
    """Which conditions the person meets, in plain words with their own values."""
    if isinstance(cond, All) and trace.kind == "all":
        return "；".join(why_yes(c, t, record, on, catalog) for c, t in _children(cond, trace))
    if isinstance(cond, AnyOf) and trace.kind == "any":
        return next(why_yes(c, t, record, on, catalog) for c, t in _children(cond, trace) if t.result)
    if isinstance(cond, Not) and trace.kind == "not":
        ((inner, inner_trace),) = _children(cond, trace)
        return f"不属于“{cond_words(inner, catalog)}”（{why_not(inner, inner_trace, record, on, catalog)}）"
    if trace.kind != "leaf":
        raise Mismatch(trace.text)
    return _leaf_with_value(cond, trace, record, on, catalog)


# --- amounts ---------------------------------------------------------------------------------------


def _param_value(catalog: Catalog, name: str, on: dt.date) -> str:
    param = catalog.parameters[name]
    value = param.value_on(on)
    if value is None:
        return "（该日无值）"
    flag = "〔示例值〕" if value.example else ""
    return f"{number_text(value.value)}{flag}"


@singledispatch
def _expr_words(expr: Expr, catalog: Catalog, on: dt.date | None, bare: bool) -> str:
    raise UnknownNode(expr)


def expr_words(expr: Expr, catalog: Catalog, on: dt.date | None = None, *, bare: bool = False) -> str:
    """An amount or a compared value in words; with ``on``, parameters show their value on that date."""
    return _expr_words(expr, catalog, on, bare)


@_expr_words.register
def _(expr: Const, catalog: Catalog, on: dt.date | None, bare: bool) -> str:
    return literal_text(expr.value)


@_expr_words.register
def _(expr: Age, catalog: Catalog, on: dt.date | None, bare: bool) -> str:
    return "年龄"


@_expr_words.register
def _(expr: FieldRef, catalog: Catalog, on: dt.date | None, bare: bool) -> str:
    return field_label(expr.name)


@_expr_words.register
def _(expr: Param, catalog: Catalog, on: dt.date | None, bare: bool) -> str:
    param = catalog.parameters.get(expr.name)
    label = param.label if param else expr.name
    if on is None or param is None:
        return label
    shown = _param_value(catalog, expr.name, on)
    return shown if bare else f"{label} {shown}"


@_expr_words.register
def _(expr: Arith, catalog: Catalog, on: dt.date | None, bare: bool) -> str:
    parts = [expr_words(a, catalog, on) for a in expr.args]
    return ARITH_WORDS[expr.op].join(
        f"（{p}）" if isinstance(a, Arith) else p for p, a in zip(parts, expr.args, strict=True)
    )


@_expr_words.register
def _(expr: Bracket, catalog: Catalog, on: dt.date | None, bare: bool) -> str:
    unit = "周岁" if isinstance(expr.of, Age) else ""
    rows = []
    for row in expr.rows:
        if row.low is not None and row.high is not None:
            span = f"{number_text(row.low)}–{number_text(row.high)}{unit}"
        elif row.low is not None:
            span = f"{number_text(row.low)}{unit}及以上"
        else:
            span = f"{number_text(row.high or Decimal(0))}{unit}及以下"
        rows.append(f"{span}：{expr_words(row.value, catalog, on, bare=True)}")
    if expr.otherwise is not None:
        rows.append(f"其他：{expr_words(expr.otherwise, catalog, on, bare=True)}")
    return f"按{expr_words(expr.of, catalog)}分档（" + "；".join(rows) + "）"


@_expr_words.register
def _(expr: Choose, catalog: Catalog, on: dt.date | None, bare: bool) -> str:
    cases = [
        f"{cond_words(c.when, catalog)}时 {expr_words(c.value, catalog, on, bare=True)}" for c in expr.cases
    ]
    if expr.otherwise is not None:
        cases.append(f"其他 {expr_words(expr.otherwise, catalog, on, bare=True)}")
    return "；".join(cases)


PERIOD_WORDS = {"month": "每月", "year": "每年", "once": "一次性"}
COMPARISON_WORDS = {"floor": "不低于", "ceiling": "不高于", "exact": ""}


def money_words(
    amount: Decimal, period: str | None, comparison: str | None, *, placeholder: bool = False
) -> str:
    """``每月 100 元`` / ``每月不低于 75 元`` / ``一次性 3000 元``; ``每月 150 元〔示例值〕`` when the amount
    rests on an example figure."""
    per = PERIOD_WORDS.get(period or "", "")
    word = COMPARISON_WORDS.get(comparison or "exact", "")
    mark = PLACEHOLDER_MARK if placeholder else ""
    return f"{per}{word} {number_text(amount)} 元{mark}".strip()


def extra_words(benefit: Benefit) -> str:
    """What a benefit gives besides money, and to whom, in a family's words: ``每月至少1次``, ``免费``,
    ``由供养本人的敬老院领取（不发给本人）``."""
    parts = [quantity_text(benefit.quantity)] if benefit.quantity is not None else []
    parts.append(payee_text(benefit.payee, benefit.payee_text))
    return "；".join(p for p in parts if p)
