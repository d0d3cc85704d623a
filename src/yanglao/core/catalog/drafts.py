"""A list version as its files' texts: loading it strictly, and the edits a bureau makes to a draft.

A version is a complete list in the shipped format (docs/catalog-format.md): ``catalog.yaml``,
``parameters.yaml``, ``items.yaml``, ``definitions.yaml`` (if any), ``cases.yaml`` and the budget's
``budget.yaml`` (if any), held as texts
(``{file name: text}``). :func:`write_root` lays such texts out as a folder the strict loader reads
(with ``taxonomy.yaml`` and the parent lists beside it, so that parents resolve); :func:`load_texts`
loads them in a temporary folder. The edits work on the text, so that comments and layout stay:
:func:`add_value` (a dated value of a parameter with its reference, the old values kept),
:func:`set_option` (a local option switched on or off, its document noted beside it),
:func:`retire_item` and :func:`append_item`. Every problem is a
:class:`~yanglao.core.catalog.yamlio.YamlFileError` naming the file, the line, the path and the reason.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

from yanglao.core.catalog.loader import CATALOGS_ROOT, load_catalog
from yanglao.core.catalog.model import Catalog
from yanglao.core.catalog.yamlio import MarkedDict, MarkedList, YamlFileError, parse_yaml

FILES = ("catalog.yaml", "parameters.yaml", "items.yaml", "definitions.yaml", "cases.yaml", "budget.yaml")
Texts = Mapping[str, str]
T = TypeVar("T")


def read_folder(folder: Path) -> dict[str, str]:
    """The texts of a list folder (the files of :data:`FILES` that are there)."""
    return {name: (folder / name).read_text(encoding="utf-8") for name in FILES if (folder / name).exists()}


def write_root(target: Path, code: str, texts: Texts, ancestors: Mapping[str, Texts]) -> None:
    """Write a loader root at ``target``: ``taxonomy.yaml``, ``<code>/`` and the ancestors' folders.
    Written beside and renamed into place, so a reader never sees half a folder."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    shutil.copy(CATALOGS_ROOT / "taxonomy.yaml", staging / "taxonomy.yaml")
    for name, files in {**ancestors, code: texts}.items():
        folder = staging / name
        folder.mkdir()
        for file, text in files.items():
            if file not in FILES:
                raise YamlFileError(file, "", f"不是清单的文件，可用：{'、'.join(FILES)}")
            (folder / file).write_text(text, encoding="utf-8")
    try:
        os.replace(staging, target)
    except OSError:  # another process wrote it first: same texts, keep theirs
        shutil.rmtree(staging, ignore_errors=True)


def _short(exc: YamlFileError, root: Path, code: str) -> YamlFileError:
    """The error with the file named as the editor sees it (``items.yaml``, ``410000/definitions.yaml``)."""
    try:
        rel = Path(exc.file).resolve().relative_to(root.resolve())
    except ValueError:
        return exc
    name = rel.name if rel.parent.name == code else str(rel)
    return YamlFileError(name, exc.path, exc.reason, exc.line)


@contextmanager
def loaded(code: str, texts: Texts, ancestors: Mapping[str, Texts]) -> Iterator[Catalog]:
    """The list loaded strictly from ``texts`` in a temporary folder (there while the block runs, for
    reading its ``cases.yaml``); errors name the file as in the draft."""
    with tempfile.TemporaryDirectory(prefix="yanglao-draft-") as tmp:
        root = Path(tmp) / "root"
        write_root(root, code, texts, ancestors)
        try:
            catalog = load_catalog(code, root)
        except YamlFileError as exc:
            raise _short(exc, root, code) from None
        yield catalog


def load_texts(code: str, texts: Texts, ancestors: Mapping[str, Texts]) -> Catalog:
    with loaded(code, texts, ancestors) as catalog:
        return catalog


def with_loaded(code: str, texts: Texts, ancestors: Mapping[str, Texts], work: Callable[[Catalog], T]) -> T:
    with loaded(code, texts, ancestors) as catalog:
        return work(catalog)


# --- checks beyond the loader ---------------------------------------------------------------------


def _values_at(text: str, name: str) -> MarkedList | None:
    data = parse_yaml(text, "parameters.yaml")
    params = data.get("parameters") if isinstance(data, dict) else None
    entry = params.get(name) if isinstance(params, dict) else None
    values = entry.get("values") if isinstance(entry, dict) else None
    return values if isinstance(values, MarkedList) else None


def old_values_kept(before: Catalog, after: Catalog, parameters_text: str) -> None:
    """Every value of every parameter of ``before`` is still in ``after``, unchanged and in its place:
    a new standard is a new dated value after the old ones, never an overwrite."""
    for name, old in before.parameters.items():
        path = f"parameters.{name}.values"
        new = after.parameters.get(name)
        if new is None:
            raise YamlFileError(
                "parameters.yaml", f"parameters.{name}", "现行清单的参数不能删除；不再使用时保留即可"
            )
        for i, value in enumerate(old.values):
            got = new.values[i] if i < len(new.values) else None
            if got != value:
                marks = _values_at(parameters_text, name)
                line = marks.item_lines[i] if marks is not None and i < len(marks.item_lines) else None
                raise YamlFileError(
                    "parameters.yaml",
                    f"{path}[{i}]",
                    f"自 {value.valid_from} 起的值 {value.value}（依据：{value.reference}）被改动或删除；"
                    "已有的值须原样保留，调整标准请在后面加一个新的日期和值",
                    line,
                )


# --- text edits -----------------------------------------------------------------------------------


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _block_end(lines: list[str], start: int, col: int) -> int:
    """The index after the last content line of the block starting at line index ``start`` whose
    lines are indented deeper than ``col`` (blank and comment lines in between belong to it)."""
    end = start + 1
    for i in range(start + 1, len(lines)):
        stripped = lines[i].strip()
        if not stripped or stripped.startswith("#"):
            continue
        if _indent(lines[i]) <= col:
            break
        end = i + 1
    return end


def _lines(text: str) -> list[str]:
    return text.split("\n")


def _date(d: dt.date) -> str:
    return d.isoformat()


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def add_value(
    text: str, name: str, start: dt.date, value: Decimal, reference: str, *, example: bool = False
) -> str:
    """``parameters.yaml`` with a new dated value of parameter ``name`` after its last one."""
    file = "parameters.yaml"
    data = parse_yaml(text, file)
    params = data.get("parameters") if isinstance(data, MarkedDict) else None
    if not isinstance(params, MarkedDict) or name not in params:
        raise YamlFileError(file, f"parameters.{name}", f"没有参数“{name}”")
    values = params[name].get("values") if isinstance(params[name], dict) else None
    path = f"parameters.{name}.values"
    if not isinstance(values, MarkedList) or not values:
        raise YamlFileError(file, path, "参数没有 values 列表", params.key_lines.get(name))
    if not reference.strip():
        raise YamlFileError(file, f"{path}[{len(values)}].reference", "新值必须写依据（文件名称和文号）")
    last = values[-1]
    last_from = last.get("from") if isinstance(last, dict) else None
    if isinstance(last_from, dt.date) and start <= last_from:
        raise YamlFileError(
            file,
            f"{path}[{len(values)}].from",
            f"新值的生效日期 {start} 不晚于它所替换的值的生效日期 {last_from}；新值只能在现行值之后生效",
            values.item_lines[-1],
        )
    lines = _lines(text)
    dash_at = values.item_lines[-1] - 1
    col = lines[dash_at].index("-")
    end = _block_end(lines, dash_at, col)
    pad = " " * col
    new = [
        f"{pad}- from: {_date(start)}",
        f"{pad}  value: {value.normalize():f}",
        f"{pad}  reference: {_quote(reference.strip())}",
    ]
    if example:
        new.append(f"{pad}  example: true")
    return "\n".join(lines[:end] + new + lines[end:])


def set_option(text: str, name: str, on: bool, reference: str, since: dt.date) -> str:
    """``catalog.yaml`` with local option ``name`` switched on (or off); the document that extends the
    group is written as a comment above the switch (the version keeps it too)."""
    file = "catalog.yaml"
    data = parse_yaml(text, file)
    options = data.get("options") if isinstance(data, MarkedDict) else None
    if not isinstance(options, MarkedDict) or not isinstance(options.get(name), MarkedDict):
        raise YamlFileError(file, f"options.{name}", f"没有地方选项“{name}”")
    if on and not reference.strip():
        raise YamlFileError(file, f"options.{name}", "开启地方选项须写扩大对象范围的文件（名称和文号）")
    option: MarkedDict = options[name]
    lines = _lines(text)
    first = min(option.key_lines.values()) - 1
    pad = " " * _indent(lines[first])
    words = "开启" if on else "关闭"
    note = f"{pad}# 自 {_date(since)} 起{words}" + (
        f"，依据：{reference.strip()}" if reference.strip() else ""
    )
    switch = f"{pad}default: {'true' if on else 'false'}"
    if "default" in option.key_lines:
        at = option.key_lines["default"] - 1
        lines[at] = switch
        lines.insert(at, note)
    else:
        lines[first:first] = [note, switch]
    return "\n".join(lines)


def _items_list(text: str) -> MarkedList:
    data = parse_yaml(text, "items.yaml")
    items = data.get("items") if isinstance(data, MarkedDict) else None
    if not isinstance(items, MarkedList):
        raise YamlFileError("items.yaml", "items", "没有 items 列表")
    return items


def retire_item(text: str, no: str, last_day: dt.date) -> str:
    """``items.yaml`` with item ``no`` in force until ``last_day`` (``valid_to``); the item stays in the
    list, so its history can still be read."""
    items = _items_list(text)
    lines = _lines(text)
    for i, item in enumerate(items):
        if isinstance(item, MarkedDict) and str(item.get("no")) == no:
            if "valid_to" in item.key_lines:
                at = item.key_lines["valid_to"] - 1
                lines[at] = f"{' ' * _indent(lines[at])}valid_to: {_date(last_day)}"
            else:
                dash = items.item_lines[i] - 1
                col = lines[dash].index("-") + 2
                lines.insert(dash + 1, f"{' ' * col}valid_to: {_date(last_day)}")
            return "\n".join(lines)
    raise YamlFileError("items.yaml", "items", f"没有第“{no}”项")


def append_item(text: str, block: str) -> str:
    """``items.yaml`` with the item written in ``block`` (one YAML mapping) added after the last item."""
    parsed = parse_yaml(block, "新增项目")
    if not isinstance(parsed, dict):
        raise YamlFileError("新增项目", "", "应为一个项目的映射（no、code、name、type、rule …）")
    items = _items_list(text)
    lines = _lines(text)
    dash = items.item_lines[-1] - 1
    col = lines[dash].index("-")
    end = _block_end(lines, dash, col)
    body = block.strip("\n").split("\n")
    pad = " " * col
    new = [""] + [f"{pad}- {body[0]}"] + [f"{pad}  {line}" if line.strip() else "" for line in body[1:]]
    return "\n".join(lines[:end] + new + lines[end:])


def set_version(text: str, version: str) -> str:
    """``catalog.yaml`` naming the version ``version``."""
    data = parse_yaml(text, "catalog.yaml")
    if not isinstance(data, MarkedDict) or "version" not in data.key_lines:
        raise YamlFileError("catalog.yaml", "version", "缺少必填的键“version”")
    lines = _lines(text)
    lines[data.key_lines["version"] - 1] = f"version: {_quote(version)}"
    return "\n".join(lines)
