"""Reading one visits parameter file strictly: every wrong key, value or reference names its path."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from yanglao.core import person as spec
from yanglao.core.catalog.yamlio import read_yaml as strict_yaml
from yanglao.core.visits import conditions as c
from yanglao.core.visits.model import DEFAULT, Dated, Group, Parameter, ParamsError, Tier
from yanglao.core.visits.schedule import Interval

_KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")


def read_yaml(path: Path) -> Any:
    """The project's strict reader (:mod:`yanglao.core.catalog.yamlio`), errors named by the file's name."""
    return strict_yaml(path, name=path.name)


# --- reading one file -----------------------------------------------------------------------------


class FileReader:
    def __init__(self, name: str) -> None:
        self.name = name

    def fail(self, path: str, reason: str) -> ParamsError:
        return ParamsError(self.name, path, reason)

    def mapping(
        self, value: Any, path: str, allowed: set[str], required: set[str] | frozenset[str] = frozenset()
    ) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, "应为映射（键: 值）")
        for key in value:
            if key not in allowed:
                raise self.fail(f"{path}.{key}".lstrip("."), f"未知的键，可用：{'、'.join(sorted(allowed))}")
        for key in sorted(required):
            if key not in value:
                raise self.fail(f"{path}.{key}".lstrip("."), "缺少必填项")
        return value

    def text(self, value: Any, path: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(path, "应为非空文字")
        return value.strip()

    def integer(self, value: Any, path: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(path, f"应为整数，实际为“{value}”")
        return value

    def key(self, value: Any, path: str) -> str:
        if not isinstance(value, str) or not _KEY_RE.match(value):
            raise self.fail(path, f"键名应为小写英文、数字和下划线：“{value}”")
        return value

    def dated(self, value: Any, path: str) -> tuple[Dated, ...]:
        if not isinstance(value, list) or not value:
            raise self.fail(path, "应为非空列表")
        out: list[Dated] = []
        for i, item in enumerate(value):
            where = f"{path}[{i}]"
            item = self.mapping(item, where, {"value", "source", "since"}, {"value", "source"})
            since = item.get("since")
            if since is not None and not isinstance(since, dt.date):
                raise self.fail(f"{where}.since", "应为日期 YYYY-MM-DD")
            out.append(
                Dated(
                    self.integer(item["value"], f"{where}.value"),
                    self.text(item["source"], f"{where}.source"),
                    since,
                )
            )
        if any(d.since is None for d in out[1:]):
            raise self.fail(path, "除第一个值外，每个值都应写明起始日期 since")
        dates = [d.since for d in out if d.since is not None]
        if dates != sorted(set(dates)):
            raise self.fail(path, "各值的起始日期应按时间先后排列且不重复")
        return tuple(out)

    def interval(self, value: Any, path: str) -> Interval:
        item = self.mapping(value, path, {"days", "months"})
        if len(item) != 1:
            raise self.fail(path, "应写 days 或 months 之一")
        ((unit, amount),) = item.items()
        amount = self.integer(amount, f"{path}.{unit}")
        if amount <= 0:
            raise self.fail(f"{path}.{unit}", "应为正整数")
        return Interval(days=amount) if unit == "days" else Interval(months=amount)

    def cond(self, value: Any, path: str, *, allow_groups: bool) -> c.Cond:
        item = self.mapping(
            value,
            path,
            {
                "label",
                "field",
                "in",
                "is",
                "at_least",
                "at_most",
                "age_at_least",
                "group",
                "any_group",
                "all",
                "any",
            },
        )
        label = self.text(item["label"], f"{path}.label") if "label" in item else None
        forms = [k for k in ("field", "age_at_least", "group", "any_group", "all", "any") if k in item]
        if len(forms) != 1:
            raise self.fail(path, "条件应为 field、age_at_least、group、any_group、all、any 之一")
        form = forms[0]
        if form in ("all", "any"):
            parts = item[form]
            if not isinstance(parts, list) or not parts:
                raise self.fail(f"{path}.{form}", "应为非空列表")
            built = tuple(
                self.cond(p, f"{path}.{form}[{i}]", allow_groups=allow_groups) for i, p in enumerate(parts)
            )
            return c.AllOf(built, label) if form == "all" else c.AnyOf(built, label)
        if form in ("group", "any_group"):
            if not allow_groups:
                raise self.fail(f"{path}.{form}", "对象组的条件不能引用其他对象组")
            names = [item[form]] if form == "group" else item[form]
            if not isinstance(names, list) or not names:
                raise self.fail(f"{path}.{form}", "应为对象组名或其非空列表")
            return c.InGroup(tuple(self.key(n, f"{path}.{form}") for n in names), label)
        if form == "age_at_least":
            return c.AgeAtLeast(self.bound(item["age_at_least"], f"{path}.age_at_least"), label)
        return self.field_cond(item, path, label)

    def bound(self, value: Any, path: str) -> int | c.ParamRef:
        if isinstance(value, dict):
            ref = self.mapping(value, path, {"param"}, {"param"})
            return c.ParamRef(self.key(ref["param"], f"{path}.param"))
        return self.integer(value, path)

    def field_cond(self, item: dict[str, Any], path: str, label: str | None) -> c.Cond:
        name = item["field"]
        fld = spec.FIELD_BY_NAME.get(name) if isinstance(name, str) else None
        if fld is None:
            raise self.fail(f"{path}.field", f"人员信息中没有字段“{name}”")
        tests = [k for k in ("in", "is", "at_least", "at_most") if k in item]
        if len(tests) != 1:
            raise self.fail(path, "field 条件应写 in、is、at_least、at_most 之一")
        test = tests[0]
        where = f"{path}.{test}"
        if test == "in":
            if fld.kind != "code":
                raise self.fail(where, f"“{name}”不是代码字段，不能用 in")
            codes = item["in"]
            if not isinstance(codes, list) or not codes:
                raise self.fail(where, "应为代码的非空列表")
            for code in codes:
                if code not in fld.code_values():
                    raise self.fail(where, f"“{name}”没有代码“{code}”，可用：{'、'.join(fld.code_values())}")
            return c.FieldIn(name, tuple(codes), label)
        if test == "is":
            if fld.kind != "bool" or not isinstance(item["is"], bool):
                raise self.fail(where, f"is 只用于是否字段，值为 true 或 false（“{name}”）")
            return c.FieldIs(name, item["is"], label)
        if fld.kind != "int":
            raise self.fail(where, f"“{name}”不是整数字段，不能比较大小")
        return c.FieldCompare(name, test, self.bound(item[test], where), label)


@dataclass
class Layer:
    """One file as read, before merging."""

    name: str
    code: str
    title: str
    inherits: str | None
    parameters: dict[str, Parameter]
    groups: list[Group]
    tiers: list[Tier] | None


def read_layer(path: Path) -> Layer:
    f = FileReader(path.name)
    data = f.mapping(
        read_yaml(path),
        "",
        {"jurisdiction", "name", "inherits", "parameters", "groups", "tiers"},
        {"jurisdiction", "name"},
    )
    code = str(data["jurisdiction"])
    if code != path.stem:
        raise f.fail("jurisdiction", f"应与文件名一致（{path.stem}），实际为“{code}”")
    inherits = data.get("inherits")
    if code == DEFAULT and inherits is not None:
        raise f.fail("inherits", "默认文件不继承其他文件")
    parameters: dict[str, Parameter] = {}
    for key, body in f.mapping(
        data.get("parameters", {}), "parameters", set(data.get("parameters") or {})
    ).items():
        where = f"parameters.{f.key(key, 'parameters')}"
        body = f.mapping(body, where, {"label", "values"}, {"values"})
        label = f.text(body["label"], f"{where}.label") if "label" in body else ""
        parameters[key] = Parameter(key, label, f.dated(body["values"], f"{where}.values"))
    groups: list[Group] = []
    for key, body in f.mapping(data.get("groups", {}), "groups", set(data.get("groups") or {})).items():
        where = f"groups.{f.key(key, 'groups')}"
        body = f.mapping(body, where, {"label", "when", "source", "seed"}, {"label", "when", "source"})
        seed = body.get("seed", False)
        if seed is not False and (seed is not True or code != DEFAULT):
            raise f.fail(f"{where}.seed", "只有默认文件可以声明种子文件规定的探访对象组（seed: true）")
        groups.append(
            Group(
                key,
                f.text(body["label"], f"{where}.label"),
                f.cond(body["when"], f"{where}.when", allow_groups=False),
                f.text(body["source"], f"{where}.source"),
                seed,
            )
        )
    tiers: list[Tier] | None = None
    if "tiers" in data:
        if not isinstance(data["tiers"], list) or not data["tiers"]:
            raise f.fail("tiers", "应为非空列表")
        tiers = []
        for i, body in enumerate(data["tiers"]):
            where = f"tiers[{i}]"
            body = f.mapping(
                body,
                where,
                {"key", "label", "interval", "source", "when", "only_groups"},
                {"key", "label", "interval", "source"},
            )
            only = body.get("only_groups")
            if only is not None and (not isinstance(only, list) or not only):
                raise f.fail(f"{where}.only_groups", "应为对象组名的非空列表")
            tiers.append(
                Tier(
                    f.key(body["key"], f"{where}.key"),
                    f.text(body["label"], f"{where}.label"),
                    f.interval(body["interval"], f"{where}.interval"),
                    f.text(body["source"], f"{where}.source"),
                    f.cond(body["when"], f"{where}.when", allow_groups=True) if "when" in body else None,
                    tuple(f.key(g, f"{where}.only_groups") for g in only) if only else None,
                )
            )
    return Layer(
        path.name,
        code,
        f.text(data["name"], "name"),
        str(inherits) if inherits is not None else None,
        parameters,
        groups,
        tiers,
    )
