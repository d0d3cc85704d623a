"""Reading rules and amounts from YAML into typed nodes, checking names and types as they are built.

Nothing read from a file is ever executed: the YAML is matched against a small fixed grammar (see
``docs/catalog-format.md``) and every name is looked up in a fixed table (person fields, the catalogue's
parameters and options).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import cast

from yanglao.core.catalog.rules import (
    ARITH_OPS,
    COMPARE_OPS,
    Age,
    All,
    AnyOf,
    Arith,
    Bracket,
    BracketRow,
    Case,
    Choose,
    Compare,
    CompareOp,
    Cond,
    Const,
    Expr,
    FieldRef,
    In,
    IsKnown,
    Not,
    OptionOn,
    Param,
    ValueType,
    Within,
    region_prefix,
)
from yanglao.core.catalog.yamlio import At, describe_value, mapping, number, sequence
from yanglao.core.person import FIELD_BY_NAME

TYPE_WORDS: dict[str, str] = {
    "number": "数",
    "bool": "布尔值",
    "date": "日期",
    "code": "代码",
    "region": "区划代码",
    "text": "文本",
}
_KIND_TYPE: dict[str, ValueType] = {
    "int": "number",
    "bool": "bool",
    "date": "date",
    "code": "code",
    "region": "region",
    "text": "text",
    "id": "text",
}
_REGION6 = re.compile(r"^\d{6}$")
COND_KEYS = ("all", "any", "not", *COMPARE_OPS, "in", "within", "is_known", "option", "defined")
EXPR_KEYS = ("param", *ARITH_OPS, "bracket", "choose")


@dataclass(frozen=True)
class Names:
    """What rules may refer to besides person fields."""

    parameters: Collection[str]
    options: Collection[str]
    # Named definitions (``defined: disabled``): the name stands for its rule, read once per jurisdiction.
    definitions: Mapping[str, Cond] = field(default_factory=dict)


def field_type(name: str) -> ValueType:
    return _KIND_TYPE[FIELD_BY_NAME[name].kind]


def _field_name(value: object, at: At, *, allow_age: bool = False) -> str:
    if not isinstance(value, str):
        raise at.error(f"应为字段名，实际为{describe_value(value)}")
    if value == "age" and allow_age:
        return value
    if value not in FIELD_BY_NAME:
        raise at.error(f"未知字段“{value}”（字段名见 yanglao.core.person.FIELD_NAMES）")
    return value


def _single_key(value: object, at: At, keys: tuple[str, ...], what: str) -> tuple[str, object]:
    if not isinstance(value, dict):
        raise at.error(f"{what}应为只有一个键的映射（{'、'.join(keys)}），实际为{describe_value(value)}")
    if len(value) != 1:
        raise at.error(f"{what}应只有一个键，实际有 {len(value)} 个：{'、'.join(map(str, value))}")
    ((key, inner),) = value.items()
    if key not in keys:
        raise at.key(str(key), value).error(f"未知的{what}“{key}”，可用：{'、'.join(keys)}")
    return str(key), inner


# --- conditions ------------------------------------------------------------------------------------


def parse_cond(value: object, at: At, names: Names) -> Cond:
    if isinstance(value, str):
        if value == "age":
            raise at.error('age 是数，不是条件：请写成比较，如 ">=": [age, 80]')
        name = _field_name(value, at)
        if field_type(name) != "bool":
            raise at.error(
                f"单独写字段名表示“该字段为是”，只适用于布尔字段；“{name}”是{TYPE_WORDS[field_type(name)]}字段"
            )
        return Compare("=", FieldRef(name), Const(True))
    key, inner = _single_key(value, at, COND_KEYS, "条件")
    here = at.key(key, value)
    if key in ("all", "any"):
        items = sequence(inner, here, allow_empty=False)
        parsed = tuple(parse_cond(item, here.index(i, inner), names) for i, item in enumerate(items))
        return All(parsed) if key == "all" else AnyOf(parsed)
    if key == "not":
        return Not(parse_cond(inner, here, names))
    if key in COMPARE_OPS:
        return _parse_compare(key, inner, here, names)
    if key == "in":
        return _parse_in(inner, here)
    if key == "within":
        return _parse_within(inner, here)
    if key == "is_known":
        return IsKnown(_field_name(inner, here, allow_age=True))
    if key == "defined":
        if not isinstance(inner, str) or inner not in names.definitions:
            declared = "、".join(sorted(names.definitions)) or "（无）"
            raise here.error(f"未声明的定义“{_show(inner)}”（definitions.yaml），已声明：{declared}")
        return names.definitions[inner]
    # option
    if not isinstance(inner, str) or inner not in names.options:
        declared = "、".join(sorted(names.options)) or "（无）"
        raise here.error(f"未声明的地方选项“{inner}”，已声明：{declared}")
    return OptionOn(inner)


def _pair(inner: object, at: At, what: str) -> list[object]:
    items = sequence(inner, at)
    if len(items) != 2:
        raise at.error(f"{what}应为两项的列表，实际为 {len(items)} 项")
    return items


def _parse_compare(op: str, inner: object, at: At, names: Names) -> Compare:
    left_raw, right_raw = _pair(inner, at, "比较")
    left = parse_expr(left_raw, at.index(0, inner), names)
    right = parse_expr(right_raw, at.index(1, inner), names)
    left_type, right_type = expr_type(left), expr_type(right)
    for side, typ, i in (("左边", left_type, 0), ("右边", right_type, 1)):
        if typ == "code":
            raise at.index(i, inner).error(f"{side}是代码字段：代码请用 in 判断，如 in: [tekun, [dispersed]]")
        if typ == "region":
            raise at.index(i, inner).error(
                f'{side}是区划字段：请用 within 判断，如 within: [hukou_region, "150000"]'
            )
        if typ == "text":
            raise at.index(i, inner).error(f"{side}是文本字段，不能用于规则")
    if left_type != right_type:
        raise at.error(
            f"类型不符：左边是{TYPE_WORDS[left_type]}（{_show(left_raw)}），右边是{TYPE_WORDS[right_type]}"
            f"（{_show(right_raw)}），不能比较"
        )
    if left_type == "bool" and op not in ("=", "!="):
        raise at.error(f"布尔值只能用 = 或 != 比较，不能用 {op}")
    return Compare(cast(CompareOp, op), left, right)


def _show(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _parse_in(inner: object, at: At) -> In:
    name_raw, values_raw = _pair(inner, at, "in")
    name = _field_name(name_raw, at.index(0, inner))
    fld = FIELD_BY_NAME[name]
    values = sequence(values_raw, at.index(1, inner), allow_empty=False)
    list_at = at.index(1, inner)
    if fld.kind == "code":
        codes: list[str] = []
        for i, raw in enumerate(values):
            code = str(raw) if isinstance(raw, int) and not isinstance(raw, bool) else raw
            if not isinstance(code, str) or code not in fld.code_values():
                allowed = "、".join(f"{c}（{lbl}）" for c, lbl in fld.codes)
                raise list_at.index(i, values).error(
                    f"字段 {name}（{fld.label}）没有代码“{_show(raw)}”，可用代码：{allowed}"
                )
            if code in codes:
                raise list_at.index(i, values).error(f"代码“{code}”重复")
            codes.append(code)
        return In(name, tuple(codes))
    if fld.kind == "int":
        numbers: list[int] = []
        for i, raw in enumerate(values):
            ok = isinstance(raw, int) and not isinstance(raw, bool)
            if (
                not ok
                or (fld.minimum is not None and raw < fld.minimum)
                or (fld.maximum is not None and raw > fld.maximum)
            ):
                raise list_at.index(i, values).error(
                    f"字段 {name}（{fld.label}）的值应为 {fld.minimum}–{fld.maximum} 的整数，"
                    f"实际为“{_show(raw)}”"
                )
            if raw in numbers:
                raise list_at.index(i, values).error(f"值 {raw} 重复")
            numbers.append(raw)
        return In(name, tuple(numbers))
    raise at.index(0, inner).error(
        f"in 只适用于代码字段或整数字段；“{name}”是{TYPE_WORDS[field_type(name)]}字段"
    )


def _parse_within(inner: object, at: At) -> Within:
    name_raw, code_raw = _pair(inner, at, "within")
    name = _field_name(name_raw, at.index(0, inner))
    if FIELD_BY_NAME[name].kind != "region":
        raise at.index(0, inner).error(
            f"within 只适用于区划字段；“{name}”是{TYPE_WORDS[field_type(name)]}字段"
        )
    code = str(code_raw) if isinstance(code_raw, int) and not isinstance(code_raw, bool) else code_raw
    if not isinstance(code, str) or not _REGION6.match(code) or code == "000000":
        raise at.index(1, inner).error(
            f'应为6位 GB/T 2260 区划代码（写在引号里，如 "150000"），实际为“{_show(code_raw)}”'
        )
    return Within(name, region_prefix(code))


# --- expressions -----------------------------------------------------------------------------------


def parse_expr(value: object, at: At, names: Names) -> Expr:
    if isinstance(value, bool):
        return Const(value)
    if isinstance(value, int | Decimal):
        return Const(Decimal(value))
    if isinstance(value, dt.datetime):
        raise at.error("日期不能带时间")
    if isinstance(value, dt.date):
        return Const(value)
    if isinstance(value, str):
        if value == "age":
            return Age()
        if value in FIELD_BY_NAME:
            return FieldRef(value)
        hint = "；参数请写成 {param: 名称}" if value in names.parameters else ""
        raise at.error(f"未知字段“{value}”（可用 age 或 yanglao.core.person.FIELD_NAMES 中的字段）{hint}")
    key, inner = _single_key(value, at, EXPR_KEYS, "表达式")
    here = at.key(key, value)
    if key == "param":
        if not isinstance(inner, str) or inner not in names.parameters:
            declared = "、".join(sorted(names.parameters)) or "（无）"
            raise here.error(f"未知参数“{_show(inner)}”，parameters.yaml 中已有：{declared}")
        return Param(inner)
    if key in ARITH_OPS:
        items = sequence(inner, here)
        if len(items) < 2:
            raise here.error(f"运算 {key} 至少需要两项")
        args = tuple(parse_expr(item, here.index(i, inner), names) for i, item in enumerate(items))
        for i, arg in enumerate(args):
            if expr_type(arg) != "number":
                raise here.index(i, inner).error(f"算术运算只适用于数，这一项是{TYPE_WORDS[expr_type(arg)]}")
        if key == "/" and any(isinstance(a, Const) and a.value == 0 for a in args[1:]):
            raise here.error("除数不能为 0")
        return Arith(key, args)
    if key == "bracket":
        return _parse_bracket(inner, here, names)
    return _parse_choose(inner, here, names)


def _parse_bracket(inner: object, at: At, names: Names) -> Bracket:
    data = mapping(inner, at, required=("of", "rows"), optional=("otherwise",))
    of = parse_expr(data["of"], at.key("of", data), names)
    if expr_type(of) != "number":
        raise at.key("of", data).error(f"分档依据应为数（如 age），实际为{TYPE_WORDS[expr_type(of)]}")
    rows_at = at.key("rows", data)
    rows_raw = sequence(data["rows"], rows_at, allow_empty=False)
    rows: list[BracketRow] = []
    for i, raw in enumerate(rows_raw):
        row_at = rows_at.index(i, rows_raw)
        row = mapping(raw, row_at, required=("value",), optional=("from", "to"))
        low = number(row["from"], row_at.key("from", row)) if row.get("from") is not None else None
        high = number(row["to"], row_at.key("to", row)) if row.get("to") is not None else None
        if low is None and high is None:
            raise row_at.error("每一档至少要有 from 或 to")
        if low is not None and high is not None and low > high:
            raise row_at.error(f"from {low} 大于 to {high}")
        if rows:
            prev = rows[-1]
            if prev.high is None or low is None or low <= prev.high:
                shown_prev = f"{_bound(prev.low)}–{_bound(prev.high)}"
                raise row_at.error(
                    f"与上一档 {shown_prev} 重叠或顺序不对：各档须从小到大排列、互不重叠"
                    f"（两端都包含；80—90岁、90—99岁这类写法须决定 90 岁属于哪一档）"
                )
        value = parse_expr(row["value"], row_at.key("value", row), names)
        if expr_type(value) != "number":
            raise row_at.key("value", row).error("每一档的值应为数")
        rows.append(BracketRow(low, high, value))
    otherwise = None
    if data.get("otherwise") is not None:
        otherwise = parse_expr(data["otherwise"], at.key("otherwise", data), names)
        if expr_type(otherwise) != "number":
            raise at.key("otherwise", data).error("otherwise 应为数")
    return Bracket(of, tuple(rows), otherwise)


def _bound(value: Decimal | None) -> str:
    return "" if value is None else str(value)


def _parse_choose(inner: object, at: At, names: Names) -> Choose:
    data = mapping(inner, at, required=("cases",), optional=("otherwise",))
    cases_at = at.key("cases", data)
    cases_raw = sequence(data["cases"], cases_at, allow_empty=False)
    cases: list[Case] = []
    for i, raw in enumerate(cases_raw):
        case_at = cases_at.index(i, cases_raw)
        case = mapping(raw, case_at, required=("when", "value"))
        when = parse_cond(case["when"], case_at.key("when", case), names)
        value = parse_expr(case["value"], case_at.key("value", case), names)
        cases.append(Case(when, value))
    otherwise = None
    if data.get("otherwise") is not None:
        otherwise = parse_expr(data["otherwise"], at.key("otherwise", data), names)
    types = {expr_type(c.value) for c in cases} | ({expr_type(otherwise)} if otherwise else set())
    if len(types) != 1:
        raise at.error("choose 各分支的值类型应相同")
    return Choose(tuple(cases), otherwise)


def expr_type(expr: Expr) -> ValueType:
    if isinstance(expr, Const):
        if isinstance(expr.value, bool):
            return "bool"
        return "date" if isinstance(expr.value, dt.date) else "number"
    if isinstance(expr, FieldRef):
        return field_type(expr.name)
    if isinstance(expr, Choose):
        return expr_type(expr.cases[0].value)
    return "number"  # Age, Param, Arith, Bracket


def parse_amount(value: object, at: At, names: Names) -> Expr:
    expr = parse_expr(value, at, names)
    if expr_type(expr) != "number":
        raise at.error(f"金额应为数（元），实际为{TYPE_WORDS[expr_type(expr)]}")
    return expr
