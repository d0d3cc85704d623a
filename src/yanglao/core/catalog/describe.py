"""Rules and amounts in plain Chinese, for explanations, ``catalog show`` and the public pages."""

from __future__ import annotations

from functools import singledispatch

from yanglao.core.catalog.model import Catalog
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
)
from yanglao.core.catalog.words import (
    code_label,
    field_label,
    literal_text,
    money_text,
    number_text,
)

__all__ = [
    "code_label",
    "describe_cond",
    "describe_expr",
    "field_label",
    "literal_text",
    "money_text",
    "number_text",
]

OP_WORDS = {"=": "=", "!=": "≠", "<": "<", "<=": "≤", ">": ">", ">=": "≥"}
ARITH_WORDS = {"+": " + ", "-": " − ", "*": " × ", "/": " ÷ "}


@singledispatch
def describe_expr(expr: Expr, catalog: Catalog | None = None) -> str:
    raise TypeError(f"unknown expression node {type(expr).__name__}")


@describe_expr.register
def _(expr: Const, catalog: Catalog | None = None) -> str:
    return literal_text(expr.value)


@describe_expr.register
def _(expr: FieldRef, catalog: Catalog | None = None) -> str:
    return field_label(expr.name)


@describe_expr.register
def _(expr: Age, catalog: Catalog | None = None) -> str:
    return "年龄"


@describe_expr.register
def _(expr: Param, catalog: Catalog | None = None) -> str:
    if catalog is not None and expr.name in catalog.parameters:
        return catalog.parameters[expr.name].label
    return expr.name


@describe_expr.register
def _(expr: Arith, catalog: Catalog | None = None) -> str:
    parts = []
    for arg in expr.args:
        shown = describe_expr(arg, catalog)
        parts.append(f"（{shown}）" if isinstance(arg, Arith) else shown)
    return ARITH_WORDS[expr.op].join(parts)


@describe_expr.register
def _(expr: Bracket, catalog: Catalog | None = None) -> str:
    rows = []
    for row in expr.rows:
        if row.low is not None and row.high is not None:
            span = f"{number_text(row.low)}–{number_text(row.high)}"
        elif row.low is not None:
            span = f"{number_text(row.low)} 及以上"
        else:
            assert row.high is not None
            span = f"{number_text(row.high)} 及以下"
        rows.append(f"{span} → {describe_expr(row.value, catalog)}")
    if expr.otherwise is not None:
        rows.append(f"其他 → {describe_expr(expr.otherwise, catalog)}")
    return f"按{describe_expr(expr.of, catalog)}分档：" + "；".join(rows)


@describe_expr.register
def _(expr: Choose, catalog: Catalog | None = None) -> str:
    rows = [f"{describe_cond(c.when, catalog)}时 → {describe_expr(c.value, catalog)}" for c in expr.cases]
    if expr.otherwise is not None:
        rows.append(f"其他 → {describe_expr(expr.otherwise, catalog)}")
    return "；".join(rows)


@singledispatch
def describe_cond(cond: Cond, catalog: Catalog | None = None) -> str:
    raise TypeError(f"unknown condition node {type(cond).__name__}")


def _nested(cond: Cond, catalog: Catalog | None) -> str:
    """A group inside a group is bracketed so that the nesting stays readable."""
    text = describe_cond(cond, catalog)
    return f"〔{text}〕" if isinstance(cond, All | AnyOf) else text


@describe_cond.register
def _(cond: All, catalog: Catalog | None = None) -> str:
    return "同时满足：" + "；".join(_nested(c, catalog) for c in cond.items)


@describe_cond.register
def _(cond: AnyOf, catalog: Catalog | None = None) -> str:
    return "满足其一：" + "；".join(_nested(c, catalog) for c in cond.items)


@describe_cond.register
def _(cond: Not, catalog: Catalog | None = None) -> str:
    return f"并非（{describe_cond(cond.item, catalog)}）"


@describe_cond.register
def _(cond: Compare, catalog: Catalog | None = None) -> str:
    if (
        isinstance(cond.left, FieldRef)
        and isinstance(cond.right, Const)
        and isinstance(cond.right.value, bool)
        and cond.op in ("=", "!=")
    ):
        truth = cond.right.value if cond.op == "=" else not cond.right.value
        return f"{field_label(cond.left.name)}为“{'是' if truth else '否'}”"
    left, right = describe_expr(cond.left, catalog), describe_expr(cond.right, catalog)
    if isinstance(cond.left, Age) and isinstance(cond.right, Const):
        right += "周岁"
    elif isinstance(cond.right, Age) and isinstance(cond.left, Const):
        left += "周岁"
    return f"{left} {OP_WORDS[cond.op]} {right}"


@describe_cond.register
def _(cond: In, catalog: Catalog | None = None) -> str:
    values = "、".join(code_label(cond.field, v) for v in cond.values)
    if len(cond.values) == 1:
        return f"{field_label(cond.field)}为 {values}"
    return f"{field_label(cond.field)}为 {values} 之一"


@describe_cond.register
def _(cond: Within, catalog: Catalog | None = None) -> str:
    return f"{field_label(cond.field)}在 {jurisdiction_code(cond.prefix)} 辖区内"


@describe_cond.register
def _(cond: IsKnown, catalog: Catalog | None = None) -> str:
    return f"{field_label(cond.field)}已知"


@describe_cond.register
def _(cond: OptionOn, catalog: Catalog | None = None) -> str:
    if catalog is not None and cond.name in catalog.options:
        return f"已开启地方选项“{catalog.options[cond.name].label}”"
    return f"已开启地方选项“{cond.name}”"
