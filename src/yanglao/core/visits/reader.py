"""Reading one visits parameter file strictly: every wrong key, value or reference names its path."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from yanglao.core.catalog.ruleparse import Names, parse_cond
from yanglao.core.catalog.rules import Cond
from yanglao.core.catalog.yamlio import At, MarkedDict, MarkedList
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
    def __init__(self, name: str, data: Any = None) -> None:
        self.name = name
        self.data = data

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

    def when(self, value: Any, path: str, *, allow_groups: bool) -> c.When:
        """One catalogue condition, or a list of cases (:mod:`yanglao.core.visits.conditions`)."""
        if not isinstance(value, list):
            return (c.Case(self.rule(value, path)),)
        if not value:
            raise self.fail(path, "应为条件或情形的非空列表")
        return tuple(
            self.case(item, f"{path}[{i}]", allow_groups=allow_groups) for i, item in enumerate(value)
        )

    def case(self, value: Any, path: str, *, allow_groups: bool) -> c.Case:
        keys = {"label", "rule", "all_groups", "any_group"} if allow_groups else {"label", "rule"}
        item = self.mapping(value, path, keys)
        if "rule" not in item and not (set(item) & {"all_groups", "any_group"}):
            raise self.fail(path, "情形应写 rule" + ("、all_groups 或 any_group" if allow_groups else ""))
        label = self.text(item["label"], f"{path}.label") if "label" in item else None
        return c.Case(
            self.rule(item["rule"], f"{path}.rule") if "rule" in item else None,
            label,
            self.groups(item.get("all_groups"), f"{path}.all_groups"),
            self.groups(item.get("any_group"), f"{path}.any_group"),
        )

    def groups(self, value: Any, path: str) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list) or not value:
            raise self.fail(path, "应为对象组名的非空列表")
        return tuple(self.key(name, path) for name in value)

    def rule(self, value: Any, path: str) -> Cond:
        """A condition in the catalogue rule language; its parameters are checked once the files merge."""
        try:
            return parse_cond(value, At(self.name, path, _line(self.data, path)), _NAMES)
        except ParamsError as exc:
            # Every name passes as a parameter here, so the parser's hint "write it as {param: …}" is
            # not evidence of anything: leave it out.
            reason = exc.reason.removesuffix(_PARAM_HINT)
            raise ParamsError(exc.file, exc.path, reason, exc.line) from None


class _AnyName(frozenset[str]):
    """Every parameter name passes the parser: the merged rules check them (``params._check``)."""

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str)


_NAMES = Names(parameters=_AnyName(), options=())
_PARAM_HINT = "；参数请写成 {param: 名称}"
_STEP = re.compile(r"\.?([^.\[\]]+)|\[(\d+)\]")


def _line(data: Any, path: str) -> int | None:
    """The line of ``path`` (``groups.alone.when``) in the file as read, when the reader kept it."""
    line: int | None = getattr(data, "line", None)
    node = data
    for name, index in _STEP.findall(path):
        if name and isinstance(node, MarkedDict) and name in node:
            line, node = node.key_lines.get(name, line), node[name]
        elif index and isinstance(node, MarkedList) and int(index) < len(node):
            line, node = node.item_lines[int(index)], node[int(index)]
        else:
            break
    return line


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
    raw = read_yaml(path)
    f = FileReader(path.name, raw)
    data = f.mapping(
        raw,
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
                f.when(body["when"], f"{where}.when", allow_groups=False),
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
                    f.when(body["when"], f"{where}.when", allow_groups=True) if "when" in body else None,
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
