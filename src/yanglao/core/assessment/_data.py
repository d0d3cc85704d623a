"""A strict loader for the package's YAML data files.

Duplicate keys, unknown keys, missing keys and values of the wrong type fail at load time with the
file name and the path inside it (``instrument.yaml: annex_b.indicators[2].items[0]: ...``).
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources

from yanglao.core.catalog.yamlio import MarkedDict, YamlFileError
from yanglao.core.catalog.yamlio import parse_yaml as strict_parse


class DataError(YamlFileError):
    """A package data file does not have the shape its loader expects: the project's one data-file error
    (:class:`~yanglao.core.catalog.yamlio.YamlFileError`). ``DataError("<file>: <path>: <reason>")`` — one
    message, as the instrument's cross-checks write it — is split into its parts."""

    def __init__(
        self, file: str, path: str | None = None, reason: str | None = None, line: int | None = None
    ) -> None:
        if path is None or reason is None:
            file, path, reason = _split(file)
        super().__init__(file, path, reason, line)


def _split(message: str) -> tuple[str, str, str]:
    """``"icd10.yaml.chapters[0]: bad range"`` -> ``("icd10.yaml", "chapters[0]", "bad range")``."""
    where, sep, reason = message.partition(": ")
    if not sep:
        return "", "", message
    file, path = _file_and_path(where)
    head, sep, rest = reason.partition(": ")
    if file and not path and sep and " " not in head:
        path, reason = head, rest
    return file, path, reason


def _file_and_path(where: str) -> tuple[str, str]:
    head, dot, rest = where.partition(".yaml")
    if dot and (not rest or rest[0] in ".:["):
        return head + dot, rest.lstrip(".:").strip()
    return "", where


def parse_yaml(text: str, name: str) -> object:
    """Parse YAML text with the project's strict reader; ``name`` is used in error messages."""
    try:
        return strict_parse(text, name)
    except YamlFileError as exc:
        raise DataError(exc.file, exc.path, exc.reason, exc.line) from None


def load_yaml(filename: str) -> object:
    """Load ``filename`` from this package strictly."""
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

    def _error(self, reason: str, key: str | None = None) -> DataError:
        """The error at this mapping (or at its ``key``), with the line when the YAML reader kept it."""
        file, path = _file_and_path(f"{self._path}.{key}" if key else self._path)
        raw = self._raw
        line = None
        if isinstance(raw, MarkedDict):
            line = raw.key_lines.get(key, raw.line) if key else raw.line
        return DataError(file, path, reason, line)

    def _get(self, key: str, default: object, required: bool) -> object:
        self._read.add(key)
        if key not in self._raw:
            if required:
                raise self._error(f"missing key {key!r}")
            return default
        return self._raw[key]

    def text(self, key: str, default: str | None = None) -> str:
        value = self._get(key, default, default is None)
        if not isinstance(value, str) or not value.strip():
            raise self._error(f"expected a non-empty string, got {value!r}", key)
        return value

    def opt_text(self, key: str) -> str | None:
        value = self._get(key, None, False)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            raise self._error(f"expected a non-empty string, got {value!r}", key)
        return value

    def integer(self, key: str) -> int:
        value = self._get(key, None, True)
        if not isinstance(value, int) or isinstance(value, bool):
            raise self._error(f"expected an integer, got {value!r}", key)
        return value

    def flag(self, key: str, default: bool) -> bool:
        value = self._get(key, default, False)
        if not isinstance(value, bool):
            raise self._error(f"expected true or false, got {value!r}", key)
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        value = self._get(key, [], False)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self._error(f"expected a list of strings, got {value!r}", key)
        return tuple(value)

    def nodes(self, key: str, *, required: bool = True) -> list[Node]:
        value = self._get(key, [], required)
        if not isinstance(value, list):
            raise self._error(f"expected a list, got {type(value).__name__}", key)
        return [Node(v, f"{self._path}.{key}[{i}]") for i, v in enumerate(value)]

    def node(self, key: str) -> Node:
        return Node(self._get(key, None, True), f"{self._path}.{key}")

    def done(self) -> None:
        unknown = sorted(str(k) for k in self._raw if k not in self._read)
        if unknown:
            raise self._error(f"unknown key(s) {', '.join(unknown)}")
