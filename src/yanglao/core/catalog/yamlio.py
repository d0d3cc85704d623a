"""The project's one strict YAML reader, and its one error type naming the file, the line, the path and
the reason. The catalogue lists, the visit rules (:mod:`yanglao.core.visits.reader`), the assessment data
(:mod:`yanglao.core.assessment._data`), the admission rules and the service catalogues all read through it.

- A duplicate key anywhere is an error (PyYAML silently keeps the last one).
- Only ``true``/``false`` are booleans: YAML 1.1's ``yes``/``no``/``on``/``off`` stay strings, so that the
  item key ``no`` is the string ``"no"`` and not ``False``.
- Decimal numbers are read as :class:`~decimal.Decimal` from their text (``1.3`` is exactly 1.3).
- Mappings and lists remember their line numbers so that later checks can point at the line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any


class YamlFileError(ValueError):
    """A data file is wrong. ``str(error)`` is ``"<file>:<line>: <path>: <reason>"`` (the line and the path
    when known: ``"<file>: <reason>"`` otherwise)."""

    def __init__(self, file: str, path: str, reason: str, line: int | None = None) -> None:
        where = f"{file}:{line}" if line is not None else file
        super().__init__(": ".join(part for part in (where, path, reason) if part))
        self.file = file
        self.path = path
        self.reason = reason
        self.line = line


CatalogError = YamlFileError
"""The catalogue's name for the one error type (kept: the loaders and their callers use it)."""


class MarkedDict(dict[Any, Any]):
    line: int | None = None
    key_lines: dict[Any, int]


class MarkedList(list[Any]):
    line: int | None = None
    item_lines: list[int]


def read_yaml(path: Path, *, name: str | None = None) -> object:
    """Parse one file strictly; any YAML problem becomes a :class:`YamlFileError` with the line. ``name``
    is the file's name in errors (the full path by default)."""
    file = str(path) if name is None else name
    try:
        source = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise YamlFileError(file, "", f"无法读取文件：{exc.strerror or exc}") from None
    return parse_yaml(source, file)


def parse_yaml(source: str, file: str) -> object:
    """Parse YAML text strictly; ``file`` names it in errors. The YAML library is imported here, on the
    first file read (:mod:`yanglao.core.catalog.yamlstrict`): a command using pickled lists never
    pays for it."""
    import yaml

    from yanglao.core.catalog.yamlstrict import StrictLoader

    try:
        return yaml.load(source, Loader=StrictLoader)  # StrictLoader is a SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        reason = " ".join(part for part in (exc.context, exc.problem) if part)
        raise YamlFileError(file, "", f"YAML 格式错误：{reason}", line) from None
    except yaml.YAMLError as exc:
        raise YamlFileError(file, "", f"YAML 格式错误：{exc}") from None


class At:
    """A position inside a file: the path (``items[3].rule.all[1]``) and the nearest line."""

    def __init__(self, file: str, path: str = "", line: int | None = None) -> None:
        self.file = file
        self.path = path
        self.line = line

    def key(self, name: str, container: object = None) -> At:
        line = self.line
        if isinstance(container, MarkedDict):
            line = container.key_lines.get(name, container.line)
        path = f"{self.path}.{name}" if self.path else name
        return At(self.file, path, line)

    def index(self, i: int, container: object = None) -> At:
        line = self.line
        if isinstance(container, MarkedList) and i < len(container.item_lines):
            line = container.item_lines[i]
        return At(self.file, f"{self.path}[{i}]", line)

    def error(self, reason: str) -> YamlFileError:
        return YamlFileError(self.file, self.path, reason, self.line)


def describe_value(value: object) -> str:
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return "布尔值"
    if isinstance(value, int | Decimal):
        return "数"
    if isinstance(value, dt.date):
        return "日期"
    if isinstance(value, str):
        return "文字"
    if isinstance(value, list):
        return "列表"
    if isinstance(value, dict):
        return "映射"
    return type(value).__name__


def mapping(
    value: object, at: At, required: Iterable[str] = (), optional: Iterable[str] = (), *, free: bool = False
) -> MarkedDict:
    """``value`` must be a mapping with exactly the allowed keys (all ``required`` ones present); with
    ``free=True`` any keys are allowed (the caller checks them)."""
    if not isinstance(value, dict):
        raise at.error(f"应为映射（键: 值），实际为{describe_value(value)}")
    req = tuple(required)
    allowed = (*req, *optional)
    for key in value:
        if not free and key not in allowed:
            raise at.key(str(key), value).error(f"未知的键“{key}”，可用的键：{'、'.join(allowed)}")
    for key in req:
        if key not in value:
            raise at.error(f"缺少必填的键“{key}”")
    if isinstance(value, MarkedDict):
        return value
    out = MarkedDict(value)
    out.key_lines = {}
    return out


def sequence(value: object, at: At, *, allow_empty: bool = True) -> list[Any]:
    if not isinstance(value, list):
        raise at.error(f"应为列表，实际为{describe_value(value)}")
    if not value and not allow_empty:
        raise at.error("列表不能为空")
    return value


def text(value: object, at: At, *, allow_none: bool = False) -> str:
    if value is None and allow_none:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise at.error(f"应为文字，实际为{describe_value(value)}")
    out = str(value).strip()
    if not out and not allow_none:
        raise at.error("不能为空")
    return out


def optional_text(data: Mapping[str, object], key: str, at: At) -> str | None:
    if data.get(key) is None:
        return None
    return text(data[key], at.key(key, data)) or None


def date_value(value: object, at: At) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date | str):
        raise at.error(f"应为日期 YYYY-MM-DD，实际为{describe_value(value)}")
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise at.error(f"“{value}”不是 YYYY-MM-DD 格式的有效日期") from None
    return value


def boolean(value: object, at: At) -> bool:
    if not isinstance(value, bool):
        raise at.error(f"应为 true 或 false，实际为{describe_value(value)}")
    return value


def number(value: object, at: At) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise at.error(f"应为数，实际为{describe_value(value)}")
    return Decimal(value)
