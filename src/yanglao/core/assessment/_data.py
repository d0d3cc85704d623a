"""A strict loader for the package's YAML data files.

Duplicate keys, unknown keys, missing keys and values of the wrong type fail at load time with the
file name and the path inside it (``instrument.yaml: annex_b.indicators[2].items[0]: ...``).
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from typing import Any

import yaml


class DataError(ValueError):
    """A package data file does not have the shape its loader expects."""


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys instead of keeping the last one."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            mark = key_node.start_mark
            raise DataError(f"{mark.name}: line {mark.line + 1}: duplicate key {key!r}")
        seen.add(key)
    return loader.construct_mapping(node)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def parse_yaml(text: str, name: str) -> object:
    """Parse YAML text with duplicate keys refused; ``name`` is used in error messages."""
    loader = _StrictLoader(text)
    loader.name = name
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def load_yaml(filename: str) -> object:
    """Load ``filename`` from this package with duplicate keys refused."""
    return parse_yaml(resources.files(__package__).joinpath(filename).read_text(encoding="utf-8"), filename)


class Node:
    """A mapping read from a data file: each key may be read once; ``done()`` refuses the rest."""

    def __init__(self, raw: object, path: str) -> None:
        if not isinstance(raw, Mapping):
            raise DataError(f"{path}: expected a mapping, got {type(raw).__name__}")
        self._raw: Mapping[object, object] = raw
        self._path = path
        self._read: set[str] = set()

    @property
    def path(self) -> str:
        return self._path

    def _get(self, key: str, default: object, required: bool) -> object:
        self._read.add(key)
        if key not in self._raw:
            if required:
                raise DataError(f"{self._path}: missing key {key!r}")
            return default
        return self._raw[key]

    def text(self, key: str, default: str | None = None) -> str:
        value = self._get(key, default, default is None)
        if not isinstance(value, str) or not value.strip():
            raise DataError(f"{self._path}.{key}: expected a non-empty string, got {value!r}")
        return value

    def opt_text(self, key: str) -> str | None:
        value = self._get(key, None, False)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            raise DataError(f"{self._path}.{key}: expected a non-empty string, got {value!r}")
        return value

    def integer(self, key: str) -> int:
        value = self._get(key, None, True)
        if not isinstance(value, int) or isinstance(value, bool):
            raise DataError(f"{self._path}.{key}: expected an integer, got {value!r}")
        return value

    def flag(self, key: str, default: bool) -> bool:
        value = self._get(key, default, False)
        if not isinstance(value, bool):
            raise DataError(f"{self._path}.{key}: expected true or false, got {value!r}")
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        value = self._get(key, [], False)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise DataError(f"{self._path}.{key}: expected a list of strings, got {value!r}")
        return tuple(value)

    def nodes(self, key: str, *, required: bool = True) -> list[Node]:
        value = self._get(key, [], required)
        if not isinstance(value, list):
            raise DataError(f"{self._path}.{key}: expected a list, got {type(value).__name__}")
        return [Node(v, f"{self._path}.{key}[{i}]") for i, v in enumerate(value)]

    def node(self, key: str) -> Node:
        return Node(self._get(key, None, True), f"{self._path}.{key}")

    def done(self) -> None:
        unknown = sorted(str(k) for k in self._raw if k not in self._read)
        if unknown:
            raise DataError(f"{self._path}: unknown key(s) {', '.join(unknown)}")
